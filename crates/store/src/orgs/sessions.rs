//! Server-side login sessions. The cookie carries a random token; only its SHA-256
//! (computed by the caller) is stored, so a leaked table cannot be replayed.

use crate::{Db, Result, ts};
use gongkai_core::orgs::accounts::UserId;
use jiff::{SignedDuration, Timestamp};
use sqlx::{Any, Row};

pub struct SessionRow {
    pub user_id: UserId,
    pub expires_at: Timestamp,
}

pub async fn create(db: &Db, token_hash: &str, user: UserId, ttl: SignedDuration) -> Result<()> {
    let now = Timestamp::now();
    sqlx::query::<Any>(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(token_hash)
    .bind(user.0)
    .bind(ts::fmt(now))
    .bind(ts::fmt(now + ttl))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The live session for `token_hash`. Sliding expiry: a session used after half its
/// lifetime is extended, so active users stay logged in and idle ones time out. On a
/// read-only database nothing is written: an expired session is simply not live, and a
/// live one keeps its expiry (the primary extends it once writes are back).
pub async fn lookup(db: &Db, token_hash: &str, ttl: SignedDuration) -> Result<Option<SessionRow>> {
    let row = sqlx::query::<Any>("SELECT user_id, expires_at FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(db.pool())
        .await?;
    let Some(r) = row else { return Ok(None) };
    let now = Timestamp::now();
    let expires: String = r.try_get("expires_at")?;
    let Some(expires_at) = ts::parse(&expires).filter(|e| *e > now) else {
        if !db.is_read_only() {
            delete(db, token_hash).await?;
        }
        return Ok(None);
    };
    let mut session = SessionRow { user_id: UserId(r.try_get("user_id")?), expires_at };
    if expires_at - now < ttl / 2 && !db.is_read_only() {
        session.expires_at = now + ttl;
        sqlx::query::<Any>("UPDATE sessions SET expires_at = $1, last_seen_at = $2 WHERE token_hash = $3")
            .bind(ts::fmt(session.expires_at))
            .bind(ts::fmt(now))
            .bind(token_hash)
            .execute(db.pool())
            .await?;
    }
    Ok(Some(session))
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<()> {
    sqlx::query::<Any>("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(db.pool()).await?;
    Ok(())
}

/// Remove expired sessions; returns how many.
pub async fn sweep(db: &Db) -> Result<u64> {
    Ok(sqlx::query::<Any>("DELETE FROM sessions WHERE expires_at < $1")
        .bind(ts::now())
        .execute(db.pool())
        .await?
        .rows_affected())
}
