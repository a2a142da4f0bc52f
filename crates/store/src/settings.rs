//! Installation-wide settings (key → text).

use crate::{Db, Result, ts};
use sqlx::Any;

pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar::<Any, String>("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?)
}

/// The stored value, or `make()` stored now. Safe under concurrent starts: the first
/// insert wins and everyone reads the winner.
pub async fn get_or_init(db: &Db, key: &str, make: impl FnOnce() -> String) -> Result<String> {
    if let Some(v) = get(db, key).await? {
        return Ok(v);
    }
    sqlx::query::<Any>(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(make())
    .bind(ts::now())
    .execute(db.pool())
    .await?;
    Ok(get(db, key).await?.unwrap_or_default())
}

/// Store `value` under `key`, recording who changed it and the sizes before and after
/// (the values themselves may be long lists).
pub async fn set(db: &Db, actor: &crate::audit::Actor, key: &str, value: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let before: Option<String> = sqlx::query_scalar::<Any, String>("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
    sqlx::query::<Any>(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(ts::now())
    .execute(&mut *tx)
    .await?;
    let lines = |s: &str| s.lines().filter(|l| !l.trim().is_empty()).count() as i64;
    let changes = crate::audit::Changes::new().field("lines", before.as_deref().map(lines), Some(lines(value)));
    crate::audit::record(&mut tx, actor, "update", "setting", key, None, &changes).await?;
    tx.commit().await?;
    Ok(())
}
