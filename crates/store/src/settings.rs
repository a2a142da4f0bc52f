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
