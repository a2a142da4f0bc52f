//! Supervision tasks and their assignments, inspection records, and the village-affairs
//! records of each district.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, ts};
use gongkai_core::ids::OrgId;
use gongkai_core::oversight::supervision::{
    AssignmentStatus, InspectionFacts, InspectionKind, TaskFacts, VillageFacts,
};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

fn corrupt(what: &str, raw: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} '{raw}'"))
}

fn date(r: &AnyRow, col: &str) -> Result<Date> {
    let raw: String = r.try_get(col)?;
    raw.parse().map_err(|_| corrupt(col, &raw))
}

fn opt_date(r: &AnyRow, col: &str) -> Result<Option<Date>> {
    match r.try_get::<Option<String>, _>(col)? {
        Some(raw) => raw.parse().map(Some).map_err(|_| corrupt(col, &raw)),
        None => Ok(None),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: i64,
    pub org_id: OrgId,
    pub facts: TaskFacts,
    pub created_by: String,
}

fn task_from(r: &AnyRow) -> Result<Task> {
    Ok(Task {
        id: r.try_get("id")?,
        org_id: OrgId(r.try_get("org_id")?),
        facts: TaskFacts {
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            due_on: date(r, "due_on")?,
        },
        created_by: r.try_get("created_by")?,
    })
}

/// Create a task of supervising body `org` for `targets` (checked by the caller to be
/// below it), with one assignment each.
pub async fn create_task(db: &Db, actor: &Actor, org: OrgId, f: &TaskFacts, targets: &[OrgId]) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let now = ts::now();
    let id = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO supervision_tasks (org_id, title, description, due_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(org.0)
    .bind(&f.title)
    .bind(&f.description)
    .bind(f.due_on.to_string())
    .bind(&actor.label)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    for t in targets {
        sqlx::query::<Any>(
            "INSERT INTO task_assignments (task_id, org_id, status, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(t.0)
        .bind(AssignmentStatus::Open.code())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    let n = targets.len().to_string();
    let changes = Changes::new().field("title", None, Some(f.title.as_str())).field("bodies", None, Some(n.as_str()));
    audit::record(&mut tx, actor, "create", "supervision_task", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(id)
}

/// Tasks set by `org`, latest due first.
pub async fn tasks_of(db: &Db, org: OrgId) -> Result<Vec<Task>> {
    let rows = sqlx::query::<Any>(
        "SELECT id, org_id, title, description, due_on, created_by FROM supervision_tasks WHERE org_id = $1 ORDER BY due_on DESC, id DESC",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(task_from).collect()
}

pub async fn task(db: &Db, id: i64) -> Result<Task> {
    let row = sqlx::query::<Any>(
        "SELECT id, org_id, title, description, due_on, created_by FROM supervision_tasks WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(task_from).transpose()?.ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    pub id: i64,
    pub task_id: i64,
    pub org_id: OrgId,
    pub org_name: String,
    pub status: AssignmentStatus,
    pub reported_on: Option<Date>,
    pub summary: Option<String>,
    pub evidence_item_id: Option<i64>,
    pub evidence_title: Option<String>,
    pub reported_by: Option<String>,
    pub reviewed_by: Option<String>,
    pub review_note: Option<String>,
    /// The name of the file reported with it, if any.
    pub file_name: Option<String>,
}

const ASSIGNMENT_SQL: &str = "SELECT a.id, a.task_id, a.org_id, o.name AS org_name, a.status, a.reported_on, a.summary,
    a.evidence_item_id, c.title AS evidence_title, a.reported_by, a.reviewed_by, a.review_note, e.name AS file_name
    FROM task_assignments a JOIN organisations o ON o.id = a.org_id LEFT JOIN catalog_items c ON c.id = a.evidence_item_id
    LEFT JOIN task_evidence e ON e.assignment_id = a.id";

fn assignment_from(r: &AnyRow) -> Result<Assignment> {
    let status: String = r.try_get("status")?;
    Ok(Assignment {
        id: r.try_get("id")?,
        task_id: r.try_get("task_id")?,
        org_id: OrgId(r.try_get("org_id")?),
        org_name: r.try_get("org_name")?,
        status: AssignmentStatus::parse(&status).ok_or_else(|| corrupt("assignment status", &status))?,
        reported_on: opt_date(r, "reported_on")?,
        summary: r.try_get("summary")?,
        evidence_item_id: r.try_get("evidence_item_id")?,
        evidence_title: r.try_get("evidence_title")?,
        reported_by: r.try_get("reported_by")?,
        reviewed_by: r.try_get("reviewed_by")?,
        review_note: r.try_get("review_note")?,
        file_name: r.try_get("file_name")?,
    })
}

pub async fn assignments(db: &Db, task: i64) -> Result<Vec<Assignment>> {
    let sql = format!("{ASSIGNMENT_SQL} WHERE a.task_id = $1 ORDER BY o.id");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(task).fetch_all(db.pool()).await?;
    rows.iter().map(assignment_from).collect()
}

/// The tasks assigned to `org`, with its assignment, latest due first.
pub async fn inbox(db: &Db, org: OrgId) -> Result<Vec<(Task, Assignment)>> {
    let sql = format!("{ASSIGNMENT_SQL} WHERE a.org_id = $1 ORDER BY a.id DESC");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(db.pool()).await?;
    let mut out = vec![];
    for r in &rows {
        let a = assignment_from(r)?;
        out.push((task(db, a.task_id).await?, a));
    }
    out.sort_by_key(|x| std::cmp::Reverse(x.0.facts.due_on));
    Ok(out)
}

/// A file reported as evidence, already checked by content.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub name: String,
    pub mime: String,
    pub sha256: String,
    pub data: Vec<u8>,
}

/// Report completion of `task` for `org`: only while open or returned (compare-and-set,
/// so two reports or a report racing a review never both win). A file replaces the one
/// of an earlier report; without one, an earlier file stays.
#[allow(clippy::too_many_arguments)] // one report's facts, each a distinct column
pub async fn report(
    db: &Db,
    actor: &Actor,
    org: OrgId,
    task: i64,
    on: Date,
    summary: &str,
    evidence: Option<i64>,
    file: Option<&EvidenceFile>,
) -> Result<()> {
    // Into the file store before the transaction: no write lock is held during an upload.
    let stored = match file {
        Some(f) => crate::files::write(db, &f.sha256, &f.data).await?,
        None => ("db", Vec::new()),
    };
    let mut tx = db.begin_write().await?;
    if let Some(item) = evidence {
        let owner: Option<(i64, String)> = sqlx::query::<Any>("SELECT org_id, status FROM catalog_items WHERE id = $1")
            .bind(item)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| Ok::<_, StoreError>((r.try_get("org_id")?, r.try_get("status")?)))
            .transpose()?;
        if !matches!(owner, Some((o, ref s)) if o == org.0 && s == "published") {
            return Err(StoreError::Conflict("佐证材料应为本机构已发布的信息".into()));
        }
    }
    let n = sqlx::query::<Any>(
        "UPDATE task_assignments SET status = $1, reported_on = COALESCE(reported_on, $2), summary = $3, evidence_item_id = $4,
         reported_by = $5, updated_at = $6 WHERE task_id = $7 AND org_id = $8 AND status IN ($9, $10)",
    )
    .bind(AssignmentStatus::Reported.code())
    .bind(on.to_string())
    .bind(summary)
    .bind(evidence)
    .bind(&actor.label)
    .bind(ts::now())
    .bind(task)
    .bind(org.0)
    .bind(AssignmentStatus::Open.code())
    .bind(AssignmentStatus::Returned.code())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict("该任务已报送或不是本机构的任务，请刷新后查看".into()));
    }
    let mut replaced: Option<String> = None;
    if let Some(f) = file {
        let id: i64 =
            sqlx::query_scalar::<Any, i64>("SELECT id FROM task_assignments WHERE task_id = $1 AND org_id = $2")
                .bind(task)
                .bind(org.0)
                .fetch_one(&mut *tx)
                .await?;
        replaced = sqlx::query_scalar::<Any, String>("SELECT sha256 FROM task_evidence WHERE assignment_id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query::<Any>("DELETE FROM task_evidence WHERE assignment_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query::<Any>(
            "INSERT INTO task_evidence (assignment_id, name, mime, size, sha256, data, stored, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(&f.name)
        .bind(&f.mime)
        .bind(f.data.len() as i64)
        .bind(&f.sha256)
        .bind(stored.1.as_slice())
        .bind(stored.0)
        .bind(&actor.label)
        .bind(ts::now())
        .execute(&mut *tx)
        .await?;
    }
    let changes = Changes::new().field("status", None, Some(AssignmentStatus::Reported.code())).field(
        "attachment",
        None,
        file.map(|f| f.name.as_str()),
    );
    audit::record(&mut tx, actor, "report", "supervision_task", &task.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    if let Some(sha) = replaced {
        crate::files::release(db, &sha).await?;
    }
    Ok(())
}

/// Accept or send back the report of `org` on `task`.
pub async fn review(db: &Db, actor: &Actor, task: i64, org: OrgId, accept: bool, note: Option<&str>) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let next = if accept { AssignmentStatus::Accepted } else { AssignmentStatus::Returned };
    let n = sqlx::query::<Any>(
        "UPDATE task_assignments SET status = $1, reviewed_by = $2, review_note = $3, updated_at = $4
         WHERE task_id = $5 AND org_id = $6 AND status = $7",
    )
    .bind(next.code())
    .bind(&actor.label)
    .bind(note)
    .bind(ts::now())
    .bind(task)
    .bind(org.0)
    .bind(AssignmentStatus::Reported.code())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict("该机构尚未报送或已审核，请刷新后查看".into()));
    }
    let changes = Changes::new().field("status", Some(AssignmentStatus::Reported.code()), Some(next.code()));
    audit::record(&mut tx, actor, "review", "supervision_task", &task.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// Assignments of `org` still owed after their due date (the dashboard's flag).
pub async fn overdue_count(db: &Db, org: OrgId, today: Date) -> Result<i64> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM task_assignments a JOIN supervision_tasks t ON t.id = a.task_id
         WHERE a.org_id = $1 AND a.status IN ($2, $3) AND t.due_on < $4",
    )
    .bind(org.0)
    .bind(AssignmentStatus::Open.code())
    .bind(AssignmentStatus::Returned.code())
    .bind(today.to_string())
    .fetch_one(db.pool())
    .await?)
}

#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub id: i64,
    pub supervisor_org_id: OrgId,
    pub org_name: String,
    pub facts: InspectionFacts,
    pub recorded_by: String,
}

pub async fn add_inspection(db: &Db, actor: &Actor, supervisor: OrgId, f: &InspectionFacts) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO inspections (supervisor_org_id, org_id, kind, inspected_on, findings, rectification, rectify_by, rectified_on, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(supervisor.0)
    .bind(f.org_id)
    .bind(f.kind.code())
    .bind(f.on.to_string())
    .bind(&f.findings)
    .bind(&f.rectification)
    .bind(f.rectify_by.map(|d| d.to_string()))
    .bind(f.rectified_on.map(|d| d.to_string()))
    .bind(&actor.label)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await?;
    let changes =
        Changes::new().field("kind", None, Some(f.kind.code())).field("org", None, Some(f.org_id.to_string().as_str()));
    audit::record(&mut tx, actor, "create", "inspection", &id.to_string(), Some(supervisor), &changes).await?;
    tx.commit().await?;
    Ok(id)
}

/// Record that the findings of inspection `id` (of `supervisor`) were rectified on `on`.
pub async fn set_rectified(db: &Db, actor: &Actor, supervisor: OrgId, id: i64, on: Date) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>(
        "UPDATE inspections SET rectified_on = $1 WHERE id = $2 AND supervisor_org_id = $3 AND findings IS NOT NULL AND inspected_on <= $1",
    )
    .bind(on.to_string())
    .bind(id)
    .bind(supervisor.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict("该检查记录没有待整改的问题，或整改日期早于检查日期".into()));
    }
    audit::record(
        &mut tx,
        actor,
        "rectify",
        "inspection",
        &id.to_string(),
        Some(supervisor),
        &Changes::new().field("rectified_on", None, Some(on.to_string().as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Inspections recorded by `supervisor`, newest first.
pub async fn inspections(db: &Db, supervisor: OrgId) -> Result<Vec<Inspection>> {
    let rows = sqlx::query::<Any>(
        "SELECT i.id, i.supervisor_org_id, i.org_id, o.name AS org_name, i.kind, i.inspected_on, i.findings, i.rectification,
                i.rectify_by, i.rectified_on, i.recorded_by
         FROM inspections i JOIN organisations o ON o.id = i.org_id WHERE i.supervisor_org_id = $1 ORDER BY i.inspected_on DESC, i.id DESC",
    )
    .bind(supervisor.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Inspection {
                id: r.try_get("id")?,
                supervisor_org_id: OrgId(r.try_get("supervisor_org_id")?),
                org_name: r.try_get("org_name")?,
                facts: InspectionFacts {
                    org_id: r.try_get("org_id")?,
                    kind: InspectionKind::parse(&kind).map_err(|_| corrupt("inspection kind", &kind))?,
                    on: date(r, "inspected_on")?,
                    findings: r.try_get("findings")?,
                    rectification: r.try_get("rectification")?,
                    rectify_by: opt_date(r, "rectify_by")?,
                    rectified_on: opt_date(r, "rectified_on")?,
                },
                recorded_by: r.try_get("recorded_by")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct VillageRecord {
    pub org_name: String,
    pub facts: VillageFacts,
    pub updated_by: String,
}

/// Save the year's record of a district (one per district and year; a second save replaces it).
pub async fn save_village(db: &Db, actor: &Actor, supervisor: OrgId, f: &VillageFacts) -> Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query::<Any>("DELETE FROM village_records WHERE org_id = $1 AND year = $2")
        .bind(f.org_id)
        .bind(i64::from(f.year))
        .execute(&mut *tx)
        .await?;
    sqlx::query::<Any>(
        "INSERT INTO village_records (supervisor_org_id, org_id, year, work_points, committees, on_schedule, inspected, problems, rectified, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(supervisor.0)
    .bind(f.org_id)
    .bind(i64::from(f.year))
    .bind(&f.work_points)
    .bind(i64::from(f.committees))
    .bind(i64::from(f.on_schedule))
    .bind(i64::from(f.inspected))
    .bind(i64::from(f.problems))
    .bind(i64::from(f.rectified))
    .bind(&actor.label)
    .bind(ts::now())
    .execute(&mut *tx)
    .await?;
    let changes = Changes::new().field("year", None, Some(f.year.to_string().as_str())).field(
        "org",
        None,
        Some(f.org_id.to_string().as_str()),
    );
    audit::record(&mut tx, actor, "save", "village_record", &f.org_id.to_string(), Some(supervisor), &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// Village-affairs records of `year` entered by `supervisor`, by district.
pub async fn village(db: &Db, supervisor: OrgId, year: i16) -> Result<Vec<VillageRecord>> {
    let rows = sqlx::query::<Any>(
        "SELECT v.*, o.name AS org_name FROM village_records v JOIN organisations o ON o.id = v.org_id
         WHERE v.supervisor_org_id = $1 AND v.year = $2 ORDER BY o.id",
    )
    .bind(supervisor.0)
    .bind(i64::from(year))
    .fetch_all(db.pool())
    .await?;
    let n = |r: &AnyRow, c: &str| -> Result<u32> {
        let v: i64 = r.try_get(c)?;
        u32::try_from(v).map_err(|_| corrupt(c, &v.to_string()))
    };
    rows.iter()
        .map(|r| {
            Ok(VillageRecord {
                org_name: r.try_get("org_name")?,
                facts: VillageFacts {
                    org_id: r.try_get("org_id")?,
                    year,
                    work_points: r.try_get("work_points")?,
                    committees: n(r, "committees")?,
                    on_schedule: n(r, "on_schedule")?,
                    inspected: n(r, "inspected")?,
                    problems: n(r, "problems")?,
                    rectified: n(r, "rectified")?,
                },
                updated_by: r.try_get("updated_by")?,
            })
        })
        .collect()
}

/// Tasks `org` still owes, and how many of them are past their due date (the desk).
pub async fn owed(db: &Db, org: OrgId, today: Date) -> Result<(i64, i64)> {
    let row = sqlx::query::<Any>(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN t.due_on < $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS late
         FROM task_assignments a JOIN supervision_tasks t ON t.id = a.task_id
         WHERE a.org_id = $1 AND a.status IN ($2, $3)",
    )
    .bind(org.0)
    .bind(AssignmentStatus::Open.code())
    .bind(AssignmentStatus::Returned.code())
    .bind(today.to_string())
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("n")?, row.try_get("late")?))
}

/// Reports on the tasks of `supervisor` waiting for review.
pub async fn to_review(db: &Db, supervisor: OrgId) -> Result<i64> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM task_assignments a JOIN supervision_tasks t ON t.id = a.task_id WHERE t.org_id = $1 AND a.status = $2",
    )
    .bind(supervisor.0)
    .bind(AssignmentStatus::Reported.code())
    .fetch_one(db.pool())
    .await?)
}

/// The file `org` reported on `task`: (name, mime, bytes).
pub async fn evidence(db: &Db, task: i64, org: OrgId) -> Result<(String, String, Vec<u8>)> {
    let row = sqlx::query::<Any>(
        "SELECT e.name, e.mime, e.data, e.stored, e.sha256 FROM task_evidence e JOIN task_assignments a ON a.id = e.assignment_id
         WHERE a.task_id = $1 AND a.org_id = $2",
    )
    .bind(task)
    .bind(org.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let (stored, sha): (String, String) = (row.try_get("stored")?, row.try_get("sha256")?);
    let data = crate::files::read(db, &stored, &sha, row.try_get("data")?).await?;
    Ok((row.try_get("name")?, row.try_get("mime")?, data))
}
