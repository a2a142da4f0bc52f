//! Deputies' suggestions and members' proposals (建议提案) and their handling.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, map_unique, ts};
use gongkai_core::ids::{MotionId, OrgId};
use gongkai_core::proposals::{
    Classification, Disclosure, Handling, HandlingRole, MotionFact, MotionFacts, MotionKind, MotionSettings,
    Satisfaction,
};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

/// A motion with its handling as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Motion {
    pub id: MotionId,
    pub org_id: OrgId,
    pub facts: MotionFacts,
    pub due_on: Date,
    pub handling: Handling,
    pub reply_text: Option<String>,
    pub disclosure_reason: Option<String>,
    /// What the portal shows (full text or summary), contact details redacted.
    pub published_text: Option<String>,
}

const COLS: &str = "id, org_id, kind, session, number, title, proposers, content, assigned_by, assigned_on, role, \
    other_units, urgent_due, due_on, first_reply_on, replied_on, classification, reply_text, satisfaction, rated_on, \
    rehandle_due, disclosure, disclosure_reason, published_on, published_text";

fn code<T>(r: &AnyRow, col: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>> {
    match r.try_get::<Option<String>, _>(col)? {
        None => Ok(None),
        Some(raw) => parse(&raw).map(Some).ok_or_else(|| StoreError::Corrupt(format!("motion {col} '{raw}'"))),
    }
}

fn day(r: &AnyRow, col: &str) -> Result<Option<Date>> {
    code(r, col, |s| s.parse().ok())
}

fn required<T>(v: Option<T>, col: &str) -> Result<T> {
    v.ok_or_else(|| StoreError::Corrupt(format!("motion {col} missing")))
}

fn from_row(r: &AnyRow) -> Result<Motion> {
    let facts = MotionFacts {
        kind: required(code(r, "kind", |s| MotionKind::parse(s).ok())?, "kind")?,
        session: r.try_get("session")?,
        number: r.try_get("number")?,
        title: r.try_get("title")?,
        proposers: r.try_get("proposers")?,
        content: r.try_get("content")?,
        assigned_by: r.try_get("assigned_by")?,
        assigned_on: required(day(r, "assigned_on")?, "assigned_on")?,
        role: required(code(r, "role", |s| HandlingRole::parse(s).ok())?, "role")?,
        other_units: r.try_get("other_units")?,
        urgent_due: day(r, "urgent_due")?,
    };
    Ok(Motion {
        id: MotionId(r.try_get("id")?),
        org_id: OrgId(r.try_get("org_id")?),
        due_on: required(day(r, "due_on")?, "due_on")?,
        handling: Handling {
            replied_on: day(r, "replied_on")?,
            first_reply_on: day(r, "first_reply_on")?,
            classification: code(r, "classification", |s| Classification::parse(s).ok())?,
            satisfaction: code(r, "satisfaction", |s| Satisfaction::parse(s).ok())?,
            rated_on: day(r, "rated_on")?,
            rehandle_due: day(r, "rehandle_due")?,
            disclosure: code(r, "disclosure", |s| Disclosure::parse(s).ok())?,
            published_on: day(r, "published_on")?,
        },
        facts,
        reply_text: r.try_get("reply_text")?,
        disclosure_reason: r.try_get("disclosure_reason")?,
        published_text: r.try_get("published_text")?,
    })
}

/// Register a motion assigned to `org`; the same kind, session and number twice is a
/// duplicate of `number`.
pub async fn create(db: &Db, actor: &Actor, org: OrgId, f: &MotionFacts, s: &MotionSettings) -> Result<MotionId> {
    let mut tx = db.begin_write().await?;
    let now = ts::now();
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO motions (org_id, kind, session, number, title, proposers, content, assigned_by, assigned_on,
             role, other_units, urgent_due, due_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(org.0)
    .bind(f.kind.code())
    .bind(&f.session)
    .bind(&f.number)
    .bind(&f.title)
    .bind(&f.proposers)
    .bind(&f.content)
    .bind(&f.assigned_by)
    .bind(f.assigned_on.to_string())
    .bind(f.role.code())
    .bind(&f.other_units)
    .bind(f.urgent_due.map(|d| d.to_string()))
    .bind(f.due_on(s).to_string())
    .bind(&now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| map_unique(e, &[("motions_number_key", "number"), ("motions.number", "number")]))?;
    let changes = Changes::new()
        .field("kind", None, Some(f.kind.code()))
        .field("number", None, Some(f.number.as_str()))
        .field("role", None, Some(f.role.code()));
    audit::record(&mut tx, actor, "create", "motion", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(MotionId(id))
}

pub async fn get(db: &Db, id: MotionId) -> Result<Motion> {
    let sql = format!("SELECT {COLS} FROM motions WHERE id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    row.as_ref().map(from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// The motions assigned to `org` in `year` (all years with `None`): open ones first by
/// their due date, then the rest, newest first.
pub async fn list(db: &Db, org: OrgId, year: Option<i16>) -> Result<Vec<Motion>> {
    let (from, to) = match year {
        Some(y) => (format!("{y}-01-01"), format!("{y}-12-31")),
        None => ("0000-01-01".to_string(), "9999-12-31".to_string()),
    };
    let sql = format!(
        "SELECT {COLS} FROM motions WHERE org_id = $1 AND assigned_on >= $2 AND assigned_on <= $3
         ORDER BY CASE WHEN replied_on IS NULL OR rehandle_due IS NOT NULL THEN 0 ELSE 1 END,
                  COALESCE(rehandle_due, due_on), id"
    );
    let rows =
        sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).bind(from).bind(to).fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// Published replies of `org`, newest first (the portal column).
pub async fn published(db: &Db, org: OrgId) -> Result<Vec<Motion>> {
    let sql = format!(
        "SELECT {COLS} FROM motions WHERE org_id = $1 AND published_on IS NOT NULL ORDER BY published_on DESC, id DESC"
    );
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// What a handling step writes besides the [`Handling`] itself.
#[derive(Debug, Clone, Default)]
pub struct StepText {
    pub reply_text: Option<String>,
    pub disclosure_reason: Option<String>,
    pub published_text: Option<String>,
}

/// Store the handling after a step that core allowed (`before` is what core was given:
/// a concurrent step in between makes this one fail rather than overwrite it).
pub async fn save_handling(
    db: &Db,
    actor: &Actor,
    m: &Motion,
    next: &Handling,
    text: &StepText,
    step: &str,
) -> Result<()> {
    let d = |x: Option<Date>| x.map(|d| d.to_string());
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>(
        "UPDATE motions SET first_reply_on = $1, replied_on = $2, classification = $3, satisfaction = $4,
             rated_on = $5, rehandle_due = $6, disclosure = $7, published_on = $8,
             reply_text = COALESCE($9, reply_text), disclosure_reason = COALESCE($10, disclosure_reason),
             published_text = COALESCE($11, published_text), updated_at = $12
         WHERE id = $13 AND COALESCE(replied_on, '') = $14 AND COALESCE(satisfaction, '') = $15
           AND COALESCE(disclosure, '') = $16",
    )
    .bind(d(next.first_reply_on))
    .bind(d(next.replied_on))
    .bind(next.classification.map(|c| c.code()))
    .bind(next.satisfaction.map(|c| c.code()))
    .bind(d(next.rated_on))
    .bind(d(next.rehandle_due))
    .bind(next.disclosure.map(|c| c.code()))
    .bind(d(next.published_on))
    .bind(text.reply_text.as_deref())
    .bind(text.disclosure_reason.as_deref())
    .bind(text.published_text.as_deref())
    .bind(ts::now())
    .bind(m.id.0)
    .bind(d(m.handling.replied_on).unwrap_or_default())
    .bind(m.handling.satisfaction.map(|c| c.code()).unwrap_or_default())
    .bind(m.handling.disclosure.map(|c| c.code()).unwrap_or_default())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict("该件已被他人更新，请刷新后重试".into()));
    }
    let changes = Changes::new()
        .field("replied_on", d(m.handling.replied_on), d(next.replied_on))
        .field("satisfaction", m.handling.satisfaction.map(|c| c.code()), next.satisfaction.map(|c| c.code()))
        .field("disclosure", m.handling.disclosure.map(|c| c.code()), next.disclosure.map(|c| c.code()));
    audit::record(&mut tx, actor, step, "motion", &m.id.to_string(), Some(m.org_id), &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// The year's motions of `org` as the statistics see them.
pub async fn facts(db: &Db, org: OrgId, year: i16) -> Result<Vec<MotionFact>> {
    Ok(list(db, org, Some(year))
        .await?
        .into_iter()
        .map(|m| MotionFact { role: m.facts.role, due_on: m.due_on, handling: m.handling })
        .collect())
}
