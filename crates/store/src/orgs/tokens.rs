//! API tokens for the JSON API (`Authorization: Bearer …`).

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, ts};
use gongkai_core::orgs::accounts::UserId;
use serde::Serialize;
use sqlx::{Any, Row};

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    user: UserId,
    name: &str,
    token_hash: &str,
    prefix: &str,
    expires_at: Option<String>,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.0)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(ts::now())
    .bind(expires_at.as_deref())
    .fetch_one(&mut *tx)
    .await?;
    let changes = Changes::new().field("name", None, Some(name)).field("user_id", None, Some(user.0));
    audit::record(&mut tx, actor, "create", "api_token", &id.to_string(), None, &changes).await?;
    tx.commit().await?;
    Ok(id)
}

/// The user of a valid (not revoked, not expired) token; records its last use.
pub async fn authenticate(db: &Db, token_hash: &str) -> Result<Option<UserId>> {
    let now = ts::now();
    let row = sqlx::query::<Any>(
        "SELECT id, user_id, expires_at, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let expires: Option<String> = r.try_get("expires_at")?;
    if expires.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    let id: i64 = r.try_get("id")?;
    // Record use at most once a minute: a write per API call would serialise every
    // request on SQLite's single writer.
    let last: Option<String> = r.try_get("last_used_at")?;
    let stale =
        last.and_then(|l| ts::parse(&l)).is_none_or(|t| jiff::Timestamp::now().duration_since(t).as_secs() >= 60);
    if stale {
        sqlx::query::<Any>("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(id)
            .execute(db.pool())
            .await?;
    }
    Ok(Some(UserId(r.try_get("user_id")?)))
}

pub async fn list(db: &Db, user: UserId) -> Result<Vec<ApiToken>> {
    let rows = sqlx::query::<Any>(
        "SELECT id, name, prefix, created_at, expires_at, last_used_at, revoked_at FROM api_tokens
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(user.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ApiToken {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                prefix: r.try_get("prefix")?,
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
                last_used_at: r.try_get("last_used_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
}

/// Revoke one of `user`'s own tokens.
pub async fn revoke(db: &Db, actor: &Actor, user: UserId, id: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let now = ts::now();
    let n = sqlx::query::<Any>(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(&now)
    .bind(id)
    .bind(user.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let changes = Changes::new().field("revoked_at", None, Some(now.as_str()));
    audit::record(&mut tx, actor, "revoke", "api_token", &id.to_string(), None, &changes).await?;
    tx.commit().await?;
    Ok(())
}
