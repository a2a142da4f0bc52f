//! The job table: enqueue (deduplicated), claim (one worker per job, on both databases),
//! complete, fail with back-off, dead letters and their retry.

use crate::{Db, Result, StoreError, ts};
use gongkai_core::ids::JobId;
use gongkai_core::jobs::{Job, MAX_ATTEMPTS, backoff};
use jiff::{SignedDuration, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row};

/// A job a worker holds.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: JobId,
    pub job: Job,
    /// Including this one.
    pub attempts: i64,
}

/// A job as the console lists it.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: JobId,
    pub name: String,
    pub job: Option<Job>,
    pub state: String,
    pub attempts: i64,
    pub run_after: String,
    pub last_error: Option<String>,
    pub updated_at: String,
}

/// Enqueue `job` to run from `run_after` in the caller's transaction; `false` when equal
/// work is already pending.
pub async fn enqueue_in(conn: &mut AnyConnection, job: &Job, run_after: Timestamp) -> Result<bool> {
    let now = ts::now();
    let n = sqlx::query::<Any>(
        "INSERT INTO jobs (name, payload, dedup_key, state, attempts, run_after, created_at, updated_at)
         VALUES ($1, $2, $3, 'queued', 0, $4, $5, $5) ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(job.name())
    .bind(serde_json::to_string(job).map_err(|e| StoreError::Encode(format!("job: {e}")))?)
    .bind(job.dedup_key())
    .bind(ts::fmt(run_after))
    .bind(&now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn enqueue(db: &Db, job: &Job, run_after: Timestamp) -> Result<bool> {
    let mut conn = db.pool().acquire().await?;
    enqueue_in(&mut conn, job, run_after).await
}

/// Claim the next ready job for `worker`, holding it for `lease` (a worker that dies gives
/// it back when the lease runs out). The outer condition re-checks the state, so of two
/// workers that picked the same row only one gets it, on SQLite and on PostgreSQL alike.
pub async fn claim(db: &Db, worker: &str, now: Timestamp, lease: SignedDuration) -> Result<Option<Claimed>> {
    let (now_s, until) = (ts::fmt(now), ts::fmt(now + lease));
    for _ in 0..5 {
        let row: Option<AnyRow> = sqlx::query::<Any>(
            "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3
             WHERE id = (SELECT id FROM jobs
                         WHERE (state = 'queued' AND run_after <= $3) OR (state = 'running' AND locked_until < $3)
                         ORDER BY run_after, id LIMIT 1)
               AND ((state = 'queued' AND run_after <= $3) OR (state = 'running' AND locked_until < $3))
             RETURNING id, payload, attempts",
        )
        .bind(worker)
        .bind(&until)
        .bind(&now_s)
        .fetch_optional(db.pool())
        .await?;
        match row {
            Some(r) => {
                let id = JobId(r.try_get("id")?);
                let payload: String = r.try_get("payload")?;
                let attempts: i64 = r.try_get("attempts")?;
                match serde_json::from_str::<Job>(&payload) {
                    Ok(job) => return Ok(Some(Claimed { id, job, attempts })),
                    // A payload this version cannot read is dead at once, never retried blind.
                    Err(e) => {
                        bury(db, id, &format!("unreadable job payload: {e}")).await?;
                        continue;
                    }
                }
            }
            None => {
                // Nothing claimed: either nothing is ready or another worker won the row.
                let ready: i64 = sqlx::query_scalar::<Any, i64>(
                    "SELECT COUNT(*) FROM jobs
                     WHERE (state = 'queued' AND run_after <= $1) OR (state = 'running' AND locked_until < $1)",
                )
                .bind(&now_s)
                .fetch_one(db.pool())
                .await?;
                if ready == 0 {
                    return Ok(None);
                }
            }
        }
    }
    Ok(None)
}

/// The job is done: it leaves the table.
pub async fn complete(db: &Db, id: JobId) -> Result<()> {
    sqlx::query::<Any>("DELETE FROM jobs WHERE id = $1").bind(id.0).execute(db.pool()).await?;
    Ok(())
}

async fn bury(db: &Db, id: JobId, error: &str) -> Result<()> {
    sqlx::query::<Any>(
        "UPDATE jobs SET state = 'dead', dedup_key = NULL, locked_by = NULL, locked_until = NULL, last_error = $1,
             updated_at = $2 WHERE id = $3",
    )
    .bind(error)
    .bind(ts::now())
    .bind(id.0)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The job failed: it runs again after the back-off, or is set aside as dead when its
/// attempts are used up. Returns `true` when it is dead.
pub async fn fail(db: &Db, c: &Claimed, error: &str, now: Timestamp) -> Result<bool> {
    if c.attempts >= MAX_ATTEMPTS {
        bury(db, c.id, error).await?;
        return Ok(true);
    }
    sqlx::query::<Any>(
        "UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL, last_error = $1, run_after = $2,
             updated_at = $3 WHERE id = $4",
    )
    .bind(error)
    .bind(ts::fmt(now + backoff(c.attempts)))
    .bind(ts::now())
    .bind(c.id.0)
    .execute(db.pool())
    .await?;
    Ok(false)
}

/// Give a dead job its attempts back (the console's retry).
pub async fn retry(db: &Db, id: JobId) -> Result<()> {
    let row = sqlx::query::<Any>("SELECT payload FROM jobs WHERE id = $1 AND state = 'dead'")
        .bind(id.0)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let payload: String = row.try_get("payload")?;
    let key = serde_json::from_str::<Job>(&payload).ok().map(|j| j.dedup_key());
    sqlx::query::<Any>(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_after = $1, dedup_key = $2, updated_at = $1 WHERE id = $3",
    )
    .bind(ts::now())
    .bind(key)
    .bind(id.0)
    .execute(db.pool())
    .await
    .map_err(|e| match &e {
        // Equal work was enqueued meanwhile: the dead copy stays as it is.
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate { field: "job" },
        _ => e.into(),
    })?;
    Ok(())
}

/// Jobs by state: (queued, running, dead).
pub async fn counts(db: &Db) -> Result<(i64, i64, i64)> {
    let r = sqlx::query::<Any>(
        "SELECT COALESCE(SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END), 0) AS q,
                COALESCE(SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0) AS r,
                COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0) AS d FROM jobs",
    )
    .fetch_one(db.pool())
    .await?;
    Ok((r.try_get("q")?, r.try_get("r")?, r.try_get("d")?))
}

/// Every job not yet done, dead ones first, newest first.
pub async fn list(db: &Db, limit: i64) -> Result<Vec<JobRow>> {
    let rows = sqlx::query::<Any>(
        "SELECT id, name, payload, state, attempts, run_after, last_error, updated_at FROM jobs
         ORDER BY CASE WHEN state = 'dead' THEN 0 ELSE 1 END, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let payload: String = r.try_get("payload")?;
            Ok(JobRow {
                id: JobId(r.try_get("id")?),
                name: r.try_get("name")?,
                job: serde_json::from_str(&payload).ok(),
                state: r.try_get("state")?,
                attempts: r.try_get("attempts")?,
                run_after: r.try_get("run_after")?,
                last_error: r.try_get("last_error")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect()
}
