//! Public consultations, their meetings and comments.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, ts};
use gongkai_core::consultations::{Adoption, CommentFacts, ConsultationFacts, MeetingFacts, Moderation};
use gongkai_core::ids::{CommentId, ConsultationId, OrgId};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

#[derive(Debug, Clone, Serialize)]
pub struct Consultation {
    pub id: ConsultationId,
    pub org_id: OrgId,
    pub facts: ConsultationFacts,
    pub report_published_on: Option<Date>,
    pub report_summary: Option<String>,
    /// The document finally adopted, once published (the report links to it).
    pub final_item_id: Option<gongkai_core::ids::ItemId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub id: CommentId,
    pub consultation_id: ConsultationId,
    pub facts: CommentFacts,
    pub moderation: Moderation,
    pub adoption: Option<Adoption>,
    pub reason: Option<String>,
    pub submitted_at: String,
}

fn day(r: &AnyRow, col: &str) -> Result<Option<Date>> {
    match r.try_get::<Option<String>, _>(col)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| StoreError::Corrupt(format!("consultation {col} '{s}'"))),
    }
}

fn need<T>(v: Option<T>, what: &str) -> Result<T> {
    v.ok_or_else(|| StoreError::Corrupt(format!("consultation {what} missing")))
}

const COLS: &str = "id, org_id, title, purpose, draft, opens_on, closes_on, normative, channels, report_published_on, report_summary, final_item_id";

fn from_row(r: &AnyRow) -> Result<Consultation> {
    Ok(Consultation {
        id: ConsultationId(r.try_get("id")?),
        org_id: OrgId(r.try_get("org_id")?),
        facts: ConsultationFacts {
            title: r.try_get("title")?,
            purpose: r.try_get("purpose")?,
            draft: r.try_get("draft")?,
            opens_on: need(day(r, "opens_on")?, "opens_on")?,
            closes_on: need(day(r, "closes_on")?, "closes_on")?,
            normative: r.try_get::<i64, _>("normative")? != 0,
            channels: r.try_get("channels")?,
        },
        report_published_on: day(r, "report_published_on")?,
        report_summary: r.try_get("report_summary")?,
        final_item_id: r.try_get::<Option<i64>, _>("final_item_id")?.map(gongkai_core::ids::ItemId),
    })
}

pub async fn create(db: &Db, actor: &Actor, org: OrgId, f: &ConsultationFacts) -> Result<ConsultationId> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO consultations (org_id, title, purpose, draft, opens_on, closes_on, normative, channels, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(org.0)
    .bind(&f.title)
    .bind(&f.purpose)
    .bind(&f.draft)
    .bind(f.opens_on.to_string())
    .bind(f.closes_on.to_string())
    .bind(i64::from(f.normative))
    .bind(&f.channels)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await?;
    let changes = Changes::new().field("title", None, Some(f.title.as_str()));
    audit::record(&mut tx, actor, "create", "consultation", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(ConsultationId(id))
}

pub async fn get(db: &Db, id: ConsultationId) -> Result<Consultation> {
    let sql = format!("SELECT {COLS} FROM consultations WHERE id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    row.as_ref().map(from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// The consultations of `org`, newest first.
pub async fn list(db: &Db, org: OrgId) -> Result<Vec<Consultation>> {
    let sql = format!("SELECT {COLS} FROM consultations WHERE org_id = $1 ORDER BY opens_on DESC, id DESC");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

pub async fn add_meeting(db: &Db, actor: &Actor, c: &Consultation, m: &MeetingFacts) -> Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query::<Any>(
        "INSERT INTO consultation_meetings (consultation_id, kind, held_on, participants, minutes) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(c.id.0)
    .bind(&m.kind)
    .bind(m.on.to_string())
    .bind(&m.participants)
    .bind(&m.minutes)
    .execute(&mut *tx)
    .await?;
    let changes = Changes::new().field("meeting", None, Some(format!("{} {}", m.kind, m.on)));
    audit::record(&mut tx, actor, "meeting", "consultation", &c.id.to_string(), Some(c.org_id), &changes).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn meetings(db: &Db, id: ConsultationId) -> Result<Vec<MeetingFacts>> {
    let rows = sqlx::query::<Any>(
        "SELECT kind, held_on, participants, minutes FROM consultation_meetings WHERE consultation_id = $1 ORDER BY held_on, id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MeetingFacts {
                kind: r.try_get("kind")?,
                on: need(day(r, "held_on")?, "held_on")?,
                participants: r.try_get("participants")?,
                minutes: r.try_get("minutes")?,
            })
        })
        .collect()
}

/// A comment from the portal, waiting for moderation.
pub async fn add_comment(db: &Db, id: ConsultationId, f: &CommentFacts) -> Result<CommentId> {
    let cid: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO consultation_comments (consultation_id, name, article, body, moderation, submitted_at)
         VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
    )
    .bind(id.0)
    .bind(f.name.as_deref())
    .bind(f.article.as_deref())
    .bind(&f.text)
    .bind(ts::now())
    .fetch_one(db.pool())
    .await?;
    Ok(CommentId(cid))
}

/// The comments of a consultation (only the shown ones with `shown_only`), oldest first.
pub async fn comments(db: &Db, id: ConsultationId, shown_only: bool) -> Result<Vec<Comment>> {
    let rows = sqlx::query::<Any>(
        "SELECT id, consultation_id, name, article, body, moderation, adoption, reason, submitted_at
         FROM consultation_comments WHERE consultation_id = $1 AND ($2 = 0 OR moderation = 'shown') ORDER BY id",
    )
    .bind(id.0)
    .bind(i64::from(shown_only))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let m: String = r.try_get("moderation")?;
            Ok(Comment {
                id: CommentId(r.try_get("id")?),
                consultation_id: ConsultationId(r.try_get("consultation_id")?),
                facts: CommentFacts {
                    name: r.try_get("name")?,
                    article: r.try_get("article")?,
                    text: r.try_get("body")?,
                },
                moderation: Moderation::parse(&m).ok_or_else(|| StoreError::Corrupt(format!("moderation '{m}'")))?,
                adoption: match r.try_get::<Option<String>, _>("adoption")? {
                    None => None,
                    Some(a) => Some(Adoption::parse(&a).map_err(|_| StoreError::Corrupt(format!("adoption '{a}'")))?),
                },
                reason: r.try_get("reason")?,
                submitted_at: r.try_get("submitted_at")?,
            })
        })
        .collect()
}

async fn comment_org(db: &Db, comment: CommentId) -> Result<(ConsultationId, OrgId)> {
    let row = sqlx::query::<Any>(
        "SELECT c.id, c.org_id FROM consultation_comments m JOIN consultations c ON c.id = m.consultation_id WHERE m.id = $1",
    )
    .bind(comment.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((ConsultationId(row.try_get(0)?), OrgId(row.try_get(1)?)))
}

/// The consultation and organisation a comment belongs to.
pub async fn owner(db: &Db, comment: CommentId) -> Result<(ConsultationId, OrgId)> {
    comment_org(db, comment).await
}

pub async fn moderate(db: &Db, actor: &Actor, comment: CommentId, m: Moderation) -> Result<()> {
    let (_, org) = comment_org(db, comment).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query::<Any>("UPDATE consultation_comments SET moderation = $1 WHERE id = $2")
        .bind(m.code())
        .bind(comment.0)
        .execute(&mut *tx)
        .await?;
    let changes = Changes::new().field("moderation", None, Some(m.code()));
    audit::record(&mut tx, actor, "moderate", "consultation_comment", &comment.to_string(), Some(org), &changes)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn adopt(db: &Db, actor: &Actor, comment: CommentId, a: Adoption, reason: &str) -> Result<()> {
    let (_, org) = comment_org(db, comment).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query::<Any>("UPDATE consultation_comments SET adoption = $1, reason = $2 WHERE id = $3")
        .bind(a.code())
        .bind((!reason.is_empty()).then_some(reason))
        .bind(comment.0)
        .execute(&mut *tx)
        .await?;
    let changes = Changes::new().field("adoption", None, Some(a.code()));
    audit::record(&mut tx, actor, "adopt", "consultation_comment", &comment.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn publish_report(db: &Db, actor: &Actor, c: &Consultation, on: Date, summary: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query::<Any>("UPDATE consultations SET report_published_on = $1, report_summary = $2 WHERE id = $3")
        .bind(on.to_string())
        .bind(summary)
        .bind(c.id.0)
        .execute(&mut *tx)
        .await?;
    let changes = Changes::new().field("report_published_on", None, Some(on.to_string()));
    audit::record(&mut tx, actor, "publish", "consultation", &c.id.to_string(), Some(c.org_id), &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// Link the final document (or with `None`, unlink it).
pub async fn set_final(
    db: &Db,
    actor: &Actor,
    c: &Consultation,
    item: Option<gongkai_core::ids::ItemId>,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query::<Any>("UPDATE consultations SET final_item_id = $1 WHERE id = $2")
        .bind(item.map(|i| i.0))
        .bind(c.id.0)
        .execute(&mut *tx)
        .await?;
    let changes = Changes::new().field("final_item_id", c.final_item_id.map(|i| i.0), item.map(|i| i.0));
    audit::record(&mut tx, actor, "link_final", "consultation", &c.id.to_string(), Some(c.org_id), &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// For the report: consultations opened in `year` (意见征集公告) and meetings held in it.
pub async fn year_counts(db: &Db, org: OrgId, year: i16) -> Result<(i64, i64)> {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let notices = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM consultations WHERE org_id = $1 AND opens_on >= $2 AND opens_on <= $3",
    )
    .bind(org.0)
    .bind(&from)
    .bind(&to)
    .fetch_one(db.pool())
    .await?;
    let meetings = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM consultation_meetings m JOIN consultations c ON c.id = m.consultation_id
         WHERE c.org_id = $1 AND m.held_on >= $2 AND m.held_on <= $3",
    )
    .bind(org.0)
    .bind(&from)
    .bind(&to)
    .fetch_one(db.pool())
    .await?;
    Ok((notices, meetings))
}
