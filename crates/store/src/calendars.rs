//! Loaded holiday notices. The newest loaded calendar is active; without any, the
//! compiled-in copy is.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, ts};
use gongkai_core::calendar::{Calendar, CalendarError};
use sqlx::{Any, Row};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct LoadedCalendar {
    pub id: i64,
    pub version: String,
    pub years: String,
    pub loaded_at: String,
    pub loaded_by: String,
}

fn years_label(c: &Calendar) -> String {
    let ys = c.years();
    match (ys.first(), ys.last()) {
        (Some(a), Some(b)) => format!("{}-{}", a.0, b.0),
        _ => String::new(),
    }
}

/// Validate and store a notices file; it becomes the active calendar. Invalid data is
/// refused before anything is written.
pub async fn load(db: &Db, actor: &Actor, toml: &str) -> Result<std::result::Result<Calendar, CalendarError>> {
    let cal = match Calendar::from_toml(toml) {
        Ok(c) => c.with_provisional(),
        Err(e) => return Ok(Err(e)),
    };
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO calendars (version, content, years, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(cal.version())
    .bind(toml)
    .bind(years_label(&cal))
    .bind(ts::now())
    .bind(&actor.label)
    .fetch_one(&mut *tx)
    .await?;
    let changes =
        Changes::new().field("version", None, Some(cal.version())).field("years", None, Some(years_label(&cal)));
    audit::record(&mut tx, actor, "load", "calendar", &id.to_string(), None, &changes).await?;
    tx.commit().await?;
    Ok(Ok(cal))
}

/// The active calendar: the newest loaded one, else the compiled-in copy, counting through
/// years without a notice provisionally (callers mark such results 暂定). Cached per
/// database handle and re-read only when a newer file was loaded (by any instance).
pub async fn active(db: &Db) -> Result<Arc<Calendar>> {
    let newest: i64 =
        sqlx::query_scalar::<Any, i64>("SELECT COALESCE(MAX(id), 0) FROM calendars").fetch_one(db.pool()).await?;
    if let Some((id, cal)) = db.calendar_cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref()
        && *id == newest
    {
        return Ok(cal.clone());
    }
    let cal = if newest == 0 {
        Calendar::builtin()
    } else {
        let content: String = sqlx::query_scalar::<Any, String>("SELECT content FROM calendars WHERE id = $1")
            .bind(newest)
            .fetch_one(db.pool())
            .await?;
        // Stored content was validated on load; a failure here means tampering.
        Calendar::from_toml(&content)
            .map_err(|e| crate::StoreError::Config(format!("stored calendar is invalid: {e}")))?
    };
    let cal = Arc::new(cal.with_provisional());
    *db.calendar_cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((newest, cal.clone()));
    Ok(cal)
}

pub async fn history(db: &Db) -> Result<Vec<LoadedCalendar>> {
    let rows = sqlx::query::<Any>("SELECT id, version, years, loaded_at, loaded_by FROM calendars ORDER BY id DESC")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LoadedCalendar {
                id: r.try_get("id")?,
                version: r.try_get("version")?,
                years: r.try_get("years")?,
                loaded_at: r.try_get("loaded_at")?,
                loaded_by: r.try_get("loaded_by")?,
            })
        })
        .collect()
}
