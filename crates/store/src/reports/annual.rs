//! The annual report's narrative, workflow and published versions.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, ts};
use gongkai_core::orgs::OrgId;
use gongkai_core::reports::narrative::{ReportStatus, Step, step};
use serde::Serialize;
use sqlx::{Any, Row};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Narrative {
    pub s1: String,
    pub s5: String,
    pub s6: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub org_id: i64,
    pub year: i16,
    pub status: ReportStatus,
    pub narrative: Narrative,
    pub local_deadline: Option<String>,
    pub updated_by: String,
    pub approved_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub version: i64,
    pub published_on: String,
    pub published_by: String,
    pub change_note: String,
    pub html: String,
    pub tables_json: String,
}

pub async fn get(db: &Db, org: OrgId, year: i16) -> Result<Option<Report>> {
    let r = sqlx::query::<Any>(
        "SELECT status, s1, s5, s6, local_deadline, updated_by, approved_by FROM annual_reports WHERE org_id = $1 AND year = $2",
    )
    .bind(org.0)
    .bind(i64::from(year))
    .fetch_optional(db.pool())
    .await?;
    r.map(|r| {
        Ok(Report {
            org_id: org.0,
            year,
            status: status_of(&r)?,
            narrative: Narrative { s1: r.try_get("s1")?, s5: r.try_get("s5")?, s6: r.try_get("s6")? },
            local_deadline: r.try_get("local_deadline")?,
            updated_by: r.try_get("updated_by")?,
            approved_by: r.try_get("approved_by")?,
        })
    })
    .transpose()
}

/// Status of every report of `year` (organisations without a row are not started).
pub async fn statuses(db: &Db, year: i16) -> Result<Vec<(i64, ReportStatus)>> {
    let rows = sqlx::query::<Any>("SELECT org_id, status FROM annual_reports WHERE year = $1")
        .bind(i64::from(year))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok((r.try_get("org_id")?, status_of(r)?))).collect()
}

/// A stored report status; an unknown code is a corrupt row.
fn status_of(r: &sqlx::any::AnyRow) -> Result<ReportStatus> {
    let raw: String = r.try_get("status")?;
    ReportStatus::parse(&raw).ok_or_else(|| crate::StoreError::Corrupt(format!("annual report status '{raw}'")))
}

/// Save the narrative (a correction of a published report starts a new draft).
pub async fn save(
    db: &Db,
    actor: &Actor,
    org: OrgId,
    year: i16,
    n: &Narrative,
    local_deadline: Option<&str>,
) -> Result<(), String> {
    let old = get(db, org, year).await.map_err(|e| e.to_string())?;
    let from = old.as_ref().map_or(ReportStatus::NotStarted, |r| r.status);
    let next = step(from, Step::Edit)?;
    let write = async {
        let mut tx = db.begin_write().await?;
        sqlx::query::<Any>("DELETE FROM annual_reports WHERE org_id = $1 AND year = $2")
            .bind(org.0)
            .bind(i64::from(year))
            .execute(&mut *tx)
            .await?;
        sqlx::query::<Any>(
            "INSERT INTO annual_reports (org_id, year, status, s1, s5, s6, local_deadline, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(org.0)
        .bind(i64::from(year))
        .bind(next.code())
        .bind(&n.s1)
        .bind(&n.s5)
        .bind(&n.s6)
        .bind(local_deadline)
        .bind(&actor.label)
        .bind(ts::now())
        .execute(&mut *tx)
        .await?;
        let changes = Changes::new()
            .field("status", Some(from.code()), Some(next.code()))
            .field("s1", old.as_ref().map(|o| o.narrative.s1.as_str()), Some(n.s1.as_str()))
            .field("s5", old.as_ref().map(|o| o.narrative.s5.as_str()), Some(n.s5.as_str()))
            .field("s6", old.as_ref().map(|o| o.narrative.s6.as_str()), Some(n.s6.as_str()));
        audit::record(&mut tx, actor, "save", "annual_report", &format!("{}/{year}", org.0), Some(org), &changes)
            .await?;
        tx.commit().await?;
        Ok::<(), StoreError>(())
    };
    write.await.map_err(|e| e.to_string())
}

/// Move the report one step (submit, approve, return). Approval is refused by the caller
/// when the tables fail a hard identity.
pub async fn advance(db: &Db, actor: &Actor, org: OrgId, year: i16, s: Step) -> Result<ReportStatus, String> {
    let old = get(db, org, year).await.map_err(|e| e.to_string())?.ok_or("尚未起草年度报告")?;
    let next = step(old.status, s)?;
    let write = async {
        let mut tx = db.begin_write().await?;
        let approved = (s == Step::Approve).then(|| actor.label.clone());
        sqlx::query::<Any>(
            "UPDATE annual_reports SET status = $1, approved_by = COALESCE($2, approved_by), approved_at = $3, updated_at = $3
             WHERE org_id = $4 AND year = $5",
        )
        .bind(next.code())
        .bind(approved)
        .bind(ts::now())
        .bind(org.0)
        .bind(i64::from(year))
        .execute(&mut *tx)
        .await?;
        let changes = Changes::new().field("status", Some(old.status.code()), Some(next.code()));
        audit::record(&mut tx, actor, "advance", "annual_report", &format!("{}/{year}", org.0), Some(org), &changes)
            .await?;
        tx.commit().await?;
        Ok::<(), StoreError>(())
    };
    write.await.map_err(|e| e.to_string())?;
    Ok(next)
}

/// What is frozen at publication.
#[derive(Clone, Copy)]
pub struct Snapshot<'a> {
    /// Publication date `YYYY-MM-DD`.
    pub on: &'a str,
    pub html: &'a str,
    pub tables_json: &'a str,
    /// Public note of a correction (required from the second version on).
    pub change_note: &'a str,
}

/// Publish an approved report as an immutable snapshot; returns the version number.
pub async fn publish(db: &Db, actor: &Actor, org: OrgId, year: i16, snap: &Snapshot<'_>) -> Result<i64, String> {
    let Snapshot { on, html, tables_json, change_note } = *snap;
    let old = get(db, org, year).await.map_err(|e| e.to_string())?.ok_or("尚未起草年度报告")?;
    step(old.status, Step::Publish)?;
    let previous = versions(db, org, year).await.map_err(|e| e.to_string())?.len() as i64;
    if previous > 0 && change_note.trim().is_empty() {
        return Err("更正已发布的年度报告须填写更正说明（向公众公开）".into());
    }
    let version = previous + 1;
    let write = async {
        let mut tx = db.begin_write().await?;
        sqlx::query::<Any>(
            "INSERT INTO annual_report_versions (org_id, year, version, published_on, published_by, change_note, html, tables_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(org.0)
        .bind(i64::from(year))
        .bind(version)
        .bind(on)
        .bind(&actor.label)
        .bind(change_note.trim())
        .bind(html)
        .bind(tables_json)
        .execute(&mut *tx)
        .await?;
        sqlx::query::<Any>(
            "UPDATE annual_reports SET status = 'published', updated_at = $1 WHERE org_id = $2 AND year = $3",
        )
        .bind(ts::now())
        .bind(org.0)
        .bind(i64::from(year))
        .execute(&mut *tx)
        .await?;
        let changes =
            Changes::new().field("version", None, Some(version)).field("change_note", None, Some(change_note));
        audit::record(&mut tx, actor, "publish", "annual_report", &format!("{}/{year}", org.0), Some(org), &changes)
            .await?;
        tx.commit().await?;
        Ok::<(), StoreError>(())
    };
    write.await.map_err(|e| e.to_string())?;
    Ok(version)
}

/// Published versions, oldest first.
pub async fn versions(db: &Db, org: OrgId, year: i16) -> Result<Vec<Version>> {
    let rows = sqlx::query::<Any>(
        "SELECT version, published_on, published_by, change_note, html, tables_json FROM annual_report_versions
         WHERE org_id = $1 AND year = $2 ORDER BY version",
    )
    .bind(org.0)
    .bind(i64::from(year))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Version {
                version: r.try_get("version")?,
                published_on: r.try_get("published_on")?,
                published_by: r.try_get("published_by")?,
                change_note: r.try_get("change_note")?,
                html: r.try_get("html")?,
                tables_json: r.try_get("tables_json")?,
            })
        })
        .collect()
}

/// Years with a published report of `org`, newest first, with the latest version number.
pub async fn published_years(db: &Db, org: OrgId) -> Result<Vec<(i64, i64, String)>> {
    let rows = sqlx::query::<Any>(
        "SELECT year, MAX(version) AS v, MIN(published_on) AS first FROM annual_report_versions WHERE org_id = $1
         GROUP BY year ORDER BY year DESC",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((r.try_get("year")?, r.try_get("v")?, r.try_get("first")?))).collect()
}

/// Fee notices sent and fees collected (yuan) by `org` in `year`, counted by
/// [`gongkai_core::applications::fees::year_totals`] over the fee events of its applications.
pub async fn fees(db: &Db, org: OrgId, year: i16) -> Result<(i64, i64)> {
    use gongkai_core::applications::workflow::Event;
    let rows = sqlx::query::<Any>(
        "SELECT e.application_id, e.data FROM application_events e JOIN applications a ON a.id = e.application_id
         WHERE a.org_id = $1 AND e.kind IN ('fee_noticed', 'fee_paid') ORDER BY e.application_id, e.seq",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?;
    let mut logs: std::collections::BTreeMap<i64, Vec<Event>> = Default::default();
    for r in rows {
        let data: String = r.try_get("data")?;
        let e: Event =
            serde_json::from_str(&data).map_err(|e| StoreError::Config(format!("corrupt application event: {e}")))?;
        logs.entry(r.try_get("application_id")?).or_default().push(e);
    }
    Ok(gongkai_core::applications::fees::year_totals(logs.values().map(Vec::as_slice), year))
}

/// (organisation, first publication date) of every published report of `year`.
pub async fn first_published(db: &Db, year: i16) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query::<Any>(
        "SELECT org_id, MIN(published_on) AS first FROM annual_report_versions WHERE year = $1 GROUP BY org_id",
    )
    .bind(i64::from(year))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((r.try_get("org_id")?, r.try_get("first")?))).collect()
}

/// Local deadlines set for `year`.
pub async fn local_deadlines(db: &Db, year: i16) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query::<Any>(
        "SELECT org_id, local_deadline FROM annual_reports WHERE year = $1 AND local_deadline IS NOT NULL",
    )
    .bind(i64::from(year))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((r.try_get("org_id")?, r.try_get("local_deadline")?))).collect()
}

/// Save an imported (and corrected) report of an earlier year as the organisation's
/// historical report: the first published version, dated when it was originally published.
pub async fn save_historical(
    db: &Db,
    actor: &Actor,
    org: OrgId,
    year: i16,
    on: &str,
    html: &str,
    tables_json: &str,
) -> Result<(), String> {
    if !versions(db, org, year).await.map_err(|e| e.to_string())?.is_empty() {
        return Err(format!("{year}年度已有发布的年度报告，不能再导入；如需更正，请在年度报告页面发布新版本"));
    }
    let write = async {
        let mut tx = db.begin_write().await?;
        sqlx::query::<Any>("DELETE FROM annual_reports WHERE org_id = $1 AND year = $2")
            .bind(org.0)
            .bind(i64::from(year))
            .execute(&mut *tx)
            .await?;
        sqlx::query::<Any>(
            "INSERT INTO annual_reports (org_id, year, status, updated_by, updated_at) VALUES ($1, $2, 'published', $3, $4)",
        )
        .bind(org.0)
        .bind(i64::from(year))
        .bind(&actor.label)
        .bind(ts::now())
        .execute(&mut *tx)
        .await?;
        sqlx::query::<Any>(
            "INSERT INTO annual_report_versions (org_id, year, version, published_on, published_by, change_note, html, tables_json)
             VALUES ($1, $2, 1, $3, $4, '', $5, $6)",
        )
        .bind(org.0)
        .bind(i64::from(year))
        .bind(on)
        .bind(&actor.label)
        .bind(html)
        .bind(tables_json)
        .execute(&mut *tx)
        .await?;
        let changes = Changes::new().field("imported", None, Some(on));
        audit::record(&mut tx, actor, "import", "annual_report", &format!("{}/{year}", org.0), Some(org), &changes)
            .await?;
        tx.commit().await?;
        Ok::<(), StoreError>(())
    };
    write.await.map_err(|e| e.to_string())
}
