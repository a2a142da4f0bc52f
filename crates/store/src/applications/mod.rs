//! Applications for disclosure: rows, their event log, alerts and appeals.
//!
//! Every change is an event appended in one transaction with the re-derived row: the
//! log is replayed, core decides whether the new event is allowed, and the derived
//! columns (status, dates, outcome, due date with its calendar version) are rewritten.

pub mod appeals;
pub mod letters;
pub mod sealed;

use crate::audit::{self, Actor, Changes};
use crate::crypto::Keyring;
use crate::{Db, Result, StoreError, ts};
use gongkai_core::applications::identity::IdKind;
use gongkai_core::applications::intake::{ApplicationFacts, same_request};
use gongkai_core::applications::{ApplicantKind, Case, Channel, ClockSettings, Event, Outcome, Status, WorkflowError};
use gongkai_core::calendar::{Calendar, CalendarError};
use gongkai_core::ids::{ApplicationId, OrgId, ProposalId, UserId};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    pub id: ApplicationId,
    pub org_id: OrgId,
    pub serial: String,
    pub channel: Channel,
    pub applicant_kind: ApplicantKind,
    pub applicant_name: String,
    pub contact_person: Option<String>,
    pub id_kind: IdKind,
    pub id_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub info_title: String,
    pub info_doc_number: Option<String>,
    pub info_description: Option<String>,
    pub delivery_form: String,
    pub delivery_method: String,
    pub submitted_on: String,
    pub received_on: Option<String>,
    pub finished_on: Option<String>,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub due_on: Option<String>,
    /// The deadline was counted through a year without a loaded holiday notice (暂定).
    pub due_provisional: bool,
    pub calendar_version: String,
    pub handler_id: Option<UserId>,
    pub duplicate_of: Option<ApplicationId>,
    pub created_at: String,
}

const COLS: &str = "id, org_id, serial, channel, applicant_kind, applicant_name, contact_person, id_kind, id_number, phone, email, address, info_title, info_doc_number, info_description, delivery_form, delivery_method, submitted_on, received_on, finished_on, status, outcome, due_on, due_provisional, calendar_version, handler_id, duplicate_of, created_at";

/// A stored code decoded into its core type; anything else is a corrupt row.
fn decode<T>(r: &AnyRow, column: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
    let raw: String = r.try_get(column)?;
    parse(&raw).ok_or_else(|| StoreError::Corrupt(format!("application {column} '{raw}'")))
}

/// The columns holding personal data, sealed at rest (see [`crate::crypto`]).
pub const SEALED_COLUMNS: [&str; 4] = ["id_number", "phone", "email", "address"];

fn aad(column: &str) -> String {
    format!("applications.{column}")
}

fn open_opt(k: &Keyring, r: &AnyRow, column: &str) -> Result<Option<String>> {
    let v: Option<String> = r.try_get(column)?;
    Ok(v.map(|v| k.open(&aad(column), &v)).transpose()?)
}

fn seal_opt(k: &Keyring, column: &str, v: Option<&str>) -> Option<String> {
    v.map(|v| k.seal(&aad(column), v))
}

/// The keyed hash that finds an applicant's earlier applications without the ID number
/// in clear: the same kind and number give the same key.
fn applicant_key(k: &Keyring, id_kind: &str, id_number: &str) -> String {
    k.blind_index(&["applicant", id_kind, &id_number.trim().to_uppercase()])
}

fn from_row(k: &Keyring, r: &AnyRow) -> Result<Application> {
    Ok(Application {
        id: ApplicationId(r.try_get("id")?),
        org_id: OrgId(r.try_get("org_id")?),
        serial: r.try_get("serial")?,
        channel: decode(r, "channel", |s| Channel::parse(s).ok())?,
        applicant_kind: decode(r, "applicant_kind", |s| ApplicantKind::parse(s).ok())?,
        applicant_name: r.try_get("applicant_name")?,
        contact_person: r.try_get("contact_person")?,
        id_kind: decode(r, "id_kind", |s| IdKind::parse(s).ok())?,
        id_number: open_opt(k, r, "id_number")?.unwrap_or_default(),
        phone: open_opt(k, r, "phone")?,
        email: open_opt(k, r, "email")?,
        address: open_opt(k, r, "address")?,
        info_title: r.try_get("info_title")?,
        info_doc_number: r.try_get("info_doc_number")?,
        info_description: r.try_get("info_description")?,
        delivery_form: r.try_get("delivery_form")?,
        delivery_method: r.try_get("delivery_method")?,
        submitted_on: r.try_get("submitted_on")?,
        received_on: r.try_get("received_on")?,
        finished_on: r.try_get("finished_on")?,
        status: decode(r, "status", Status::parse)?,
        outcome: match r.try_get::<Option<String>, _>("outcome")? {
            None => None,
            Some(o) => Some(Outcome::parse(&o).map_err(|_| StoreError::Corrupt(format!("application outcome '{o}'")))?),
        },
        due_on: r.try_get("due_on")?,
        due_provisional: r.try_get::<i64, _>("due_provisional")? != 0,
        calendar_version: r.try_get("calendar_version")?,
        handler_id: r.try_get::<Option<i64>, _>("handler_id")?.map(UserId),
        duplicate_of: r.try_get::<Option<i64>, _>("duplicate_of")?.map(ApplicationId),
        created_at: r.try_get("created_at")?,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    pub seq: i64,
    pub event: Event,
    pub actor: String,
    pub at: String,
}

/// Why an append was refused.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("{0}")]
    Refused(WorkflowError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AppendError {
    fn from(e: sqlx::Error) -> Self {
        AppendError::Store(e.into())
    }
}

impl From<CalendarError> for AppendError {
    fn from(e: CalendarError) -> Self {
        AppendError::Refused(WorkflowError::Calendar(e))
    }
}

/// Columns derived from the replayed case.
struct Derived {
    status: &'static str,
    received_on: Option<String>,
    finished_on: Option<String>,
    outcome: Option<&'static str>,
    due_on: Option<String>,
    due_provisional: bool,
}

fn derive(case: &Case, s: &ClockSettings, cal: &Calendar) -> std::result::Result<Derived, CalendarError> {
    Ok(Derived {
        status: case.status.code(),
        received_on: case.received_on.map(|d| d.to_string()),
        finished_on: case.finished_on.map(|d| d.to_string()),
        outcome: case.outcome.map(|o| o.code()),
        due_on: case.due(s, cal)?.map(|d| d.to_string()),
        due_provisional: case.due_provisional(s, cal)?.is_some(),
    })
}

async fn load_events(conn: &mut AnyConnection, id: ApplicationId) -> Result<Vec<EventRecord>> {
    let rows = sqlx::query::<Any>(
        "SELECT seq, data, actor, at FROM application_events WHERE application_id = $1 ORDER BY seq",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let data: String = r.try_get("data")?;
            Ok(EventRecord {
                seq: r.try_get("seq")?,
                event: serde_json::from_str(&data)
                    .map_err(|e| StoreError::Config(format!("corrupt application event: {e}")))?,
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

async fn insert_event(conn: &mut AnyConnection, id: ApplicationId, seq: i64, e: &Event, actor: &Actor) -> Result<()> {
    sqlx::query::<Any>(
        "INSERT INTO application_events (application_id, seq, kind, data, actor_user_id, actor, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.0)
    .bind(seq)
    .bind(e.kind())
    .bind(serde_json::to_string(e).map_err(|err| StoreError::Encode(format!("event: {err}")))?)
    .bind(actor.user_id.map(|u| u.0))
    .bind(&actor.label)
    .bind(ts::now())
    .execute(conn)
    .await?;
    Ok(())
}

async fn write_derived(
    conn: &mut AnyConnection,
    id: ApplicationId,
    d: &Derived,
    cal: &Calendar,
    handler: Option<i64>,
) -> Result<()> {
    sqlx::query::<Any>(
        "UPDATE applications SET status = $1, received_on = $2, finished_on = $3, outcome = $4, due_on = $5,
             calendar_version = $6, handler_id = COALESCE($7, handler_id), updated_at = $8, due_provisional = $10
         WHERE id = $9",
    )
    .bind(d.status)
    .bind(d.received_on.as_deref())
    .bind(d.finished_on.as_deref())
    .bind(d.outcome)
    .bind(d.due_on.as_deref())
    .bind(cal.version())
    .bind(handler)
    .bind(ts::now())
    .bind(id.0)
    .bind(i64::from(d.due_provisional))
    .execute(conn)
    .await?;
    Ok(())
}

/// Result of recording a new application.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: ApplicationId,
    pub serial: String,
    pub duplicate_of: Option<ApplicationId>,
}

/// Record a new application with its `Submitted` event. `query_code_hash` is the SHA-256
/// of the tracking code handed to the applicant.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &Db,
    actor: &Actor,
    org: OrgId,
    f: &ApplicationFacts,
    channel: Channel,
    submitted_on: Date,
    query_code_hash: &str,
    s: &ClockSettings,
    cal: &Calendar,
) -> std::result::Result<Created, AppendError> {
    let first = Event::Submitted { channel, on: submitted_on };
    let case = Case::replay(std::slice::from_ref(&first), s, cal).map_err(AppendError::Refused)?;
    cal.kind(submitted_on)?;
    let d = derive(&case, s, cal)?;
    // Serials are counted per organisation and year; two concurrent intakes on PostgreSQL
    // can count the same number, and the unique index makes the loser retry.
    let mut attempt = 0;
    loop {
        match try_create(db, actor, org, f, channel, submitted_on, query_code_hash, cal, &first, &d).await {
            Err(AppendError::Store(StoreError::Sqlx(sqlx::Error::Database(e))))
                if attempt < 5 && (e.is_unique_violation() || e.message().contains("UNIQUE")) =>
            {
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// The advisory-lock namespace of application serials (any fixed number).
const SERIAL_LOCK: i32 = 0x676b_0001;

#[allow(clippy::too_many_arguments)]
async fn try_create(
    db: &Db,
    actor: &Actor,
    org: OrgId,
    f: &ApplicationFacts,
    channel: Channel,
    submitted_on: Date,
    query_code_hash: &str,
    cal: &Calendar,
    first: &Event,
    d: &Derived,
) -> std::result::Result<Created, AppendError> {
    let keys = db.keyring()?;
    let who = applicant_key(&keys, f.id_kind.code(), &f.id_number);
    let mut tx = db.begin_write().await?;
    if db.backend() == crate::Backend::Postgres {
        // Intakes of one body wait for each other until commit, so each counts the serial
        // after the last (under load, retrying on the unique index alone ran out of tries;
        // SQLite's BEGIN IMMEDIATE already serialises writers).
        sqlx::query::<Any>("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(SERIAL_LOCK)
            .bind(org.0 as i32)
            .execute(&mut *tx)
            .await?;
    }
    // Duplicate detection: an earlier, answered application of the same applicant.
    let earlier = sqlx::query::<Any>(
        "SELECT id, info_title, info_doc_number FROM applications
         WHERE org_id = $1 AND applicant_key = $2 AND outcome IS NOT NULL ORDER BY id",
    )
    .bind(org.0)
    .bind(&who)
    .fetch_all(&mut *tx)
    .await?;
    let mut duplicate_of = None;
    for r in &earlier {
        let title: String = r.try_get("info_title")?;
        let docno: Option<String> = r.try_get("info_doc_number")?;
        if same_request(&f.info_title, f.info_doc_number.as_deref(), &title, docno.as_deref()) {
            duplicate_of = Some(ApplicationId(r.try_get::<i64, _>("id")?));
            break;
        }
    }
    let code: String = sqlx::query_scalar::<Any, String>("SELECT short_code FROM organisations WHERE id = $1")
        .bind(org.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let year = submitted_on.year();
    let prefix = format!("{}-{year}-", code.to_ascii_uppercase());
    // The highest serial of this organisation and year, found by an index range scan
    // ('.' sorts right after '-', so the range holds exactly the serials with the prefix).
    let last: Option<String> = sqlx::query_scalar::<Any, String>(
        "SELECT serial FROM applications WHERE serial >= $1 AND serial < $2 ORDER BY serial DESC LIMIT 1",
    )
    .bind(&prefix)
    .bind(format!("{}.", &prefix[..prefix.len() - 1]))
    .fetch_optional(&mut *tx)
    .await?;
    let n: u64 = last.as_deref().and_then(|s| s[prefix.len()..].parse().ok()).unwrap_or(0);
    let serial = format!("{prefix}{:05}", n + 1);
    let now = ts::now();
    let id = ApplicationId(
        sqlx::query_scalar::<Any, i64>(
            "INSERT INTO applications (org_id, serial, query_code_hash, channel, applicant_kind, applicant_name,
             contact_person, id_kind, id_number, phone, email, address, info_title, info_doc_number,
             info_description, delivery_form, delivery_method, submitted_on, received_on, status, due_on,
             calendar_version, duplicate_of, created_at, updated_at, due_provisional, applicant_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
             $22, $23, $24, $24, $25, $26) RETURNING id",
        )
        .bind(org.0)
        .bind(&serial)
        .bind(query_code_hash)
        .bind(channel.code())
        .bind(f.applicant_kind.code())
        .bind(&f.applicant_name)
        .bind(f.contact_person.as_deref())
        .bind(f.id_kind.code())
        .bind(keys.seal(&aad("id_number"), &f.id_number))
        .bind(seal_opt(&keys, "phone", f.phone.as_deref()))
        .bind(seal_opt(&keys, "email", f.email.as_deref()))
        .bind(seal_opt(&keys, "address", f.address.as_deref()))
        .bind(&f.info_title)
        .bind(f.info_doc_number.as_deref())
        .bind(f.info_description.as_deref())
        .bind(&f.delivery_form)
        .bind(&f.delivery_method)
        .bind(submitted_on.to_string())
        .bind(d.received_on.as_deref())
        .bind(d.status)
        .bind(d.due_on.as_deref())
        .bind(cal.version())
        .bind(duplicate_of.map(|d| d.0))
        .bind(&now)
        .bind(i64::from(d.due_provisional))
        .bind(&who)
        .fetch_one(&mut *tx)
        .await?,
    );
    insert_event(&mut tx, id, 1, first, actor).await?;
    // Personal data never enters the audit log: only what identifies the record.
    let changes = Changes::new()
        .field("serial", None, Some(serial.as_str()))
        .field("channel", None, Some(channel.code()))
        .field("info_title", None, Some(f.info_title.as_str()));
    audit::record(&mut tx, actor, "create", "application", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(Created { id, serial, duplicate_of })
}

/// Append `e` if the workflow allows it; returns the new case.
pub async fn append(
    db: &Db,
    actor: &Actor,
    id: ApplicationId,
    e: &Event,
    s: &ClockSettings,
    cal: &Calendar,
) -> std::result::Result<Case, AppendError> {
    let mut tx = db.begin_write().await?;
    let events = load_events(&mut tx, id).await?;
    if events.is_empty() {
        return Err(StoreError::NotFound.into());
    }
    let log: Vec<Event> = events.iter().map(|r| r.event.clone()).collect();
    let case = Case::replay(&log, s, cal).map_err(AppendError::Refused)?;
    let next = case.apply(e, s, cal).map_err(AppendError::Refused)?;
    let d = derive(&next, s, cal)?;
    insert_event(&mut tx, id, events.len() as i64 + 1, e, actor).await?;
    let handler = match e {
        Event::Assigned { handler_id, .. } => Some(*handler_id),
        _ => None,
    };
    write_derived(&mut tx, id, &d, cal, handler).await?;
    let org: i64 = sqlx::query_scalar::<Any, i64>("SELECT org_id FROM applications WHERE id = $1")
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
    let changes = Changes::new().field("event", None, Some(e.describe()));
    audit::record(&mut tx, actor, e.kind(), "application", &id.to_string(), Some(OrgId(org)), &changes).await?;
    tx.commit().await?;
    Ok(next)
}

pub async fn get(db: &Db, id: ApplicationId) -> Result<Application> {
    let sql = format!("SELECT {COLS} FROM applications WHERE id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    let k = db.keyring()?;
    row.as_ref().map(|r| from_row(&k, r)).transpose()?.ok_or(StoreError::NotFound)
}

pub async fn by_query_code(db: &Db, query_code_hash: &str) -> Result<Option<Application>> {
    let sql = format!("SELECT {COLS} FROM applications WHERE query_code_hash = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(query_code_hash).fetch_optional(db.pool()).await?;
    let k = db.keyring()?;
    row.as_ref().map(|r| from_row(&k, r)).transpose()
}

pub async fn events(db: &Db, id: ApplicationId) -> Result<Vec<EventRecord>> {
    let mut conn = db.pool().acquire().await?;
    load_events(&mut conn, id).await
}

/// The case as core sees it.
pub async fn case(
    db: &Db,
    id: ApplicationId,
    s: &ClockSettings,
    cal: &Calendar,
) -> std::result::Result<Case, AppendError> {
    let log: Vec<Event> = events(db, id).await?.into_iter().map(|r| r.event).collect();
    if log.is_empty() {
        return Err(StoreError::NotFound.into());
    }
    Case::replay(&log, s, cal).map_err(AppendError::Refused)
}

/// The stored codes of the open statuses, as an SQL list: one definition, core's
/// [`Status::is_open`], for every query that means "still running".
fn open_statuses() -> String {
    Status::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ")
}

/// Open applications of an organisation, most urgent first (earliest due date; those
/// without a running clock after them).
pub async fn list_open(db: &Db, org: OrgId) -> Result<Vec<Application>> {
    let sql = format!(
        "SELECT {COLS} FROM applications WHERE org_id = $1 AND status IN ({})
         ORDER BY CASE WHEN due_on IS NULL THEN 1 ELSE 0 END, due_on, id",
        open_statuses()
    );
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(db.pool()).await?;
    let k = db.keyring()?;
    rows.iter().map(|r| from_row(&k, r)).collect()
}

/// Most recent applications of an organisation (finished ones included).
pub async fn list_recent(db: &Db, org: OrgId, limit: i64) -> Result<Vec<Application>> {
    let sql = format!("SELECT {COLS} FROM applications WHERE org_id = $1 ORDER BY id DESC LIMIT $2");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).bind(limit).fetch_all(db.pool()).await?;
    let k = db.keyring()?;
    rows.iter().map(|r| from_row(&k, r)).collect()
}

/// Re-derive the deadline of every open application with `cal` (after a corrected
/// calendar was loaded); each moved deadline is recorded as an event. Returns how many
/// moved.
pub async fn recompute_deadlines(db: &Db, actor: &Actor, s: &ClockSettings, cal: &Calendar) -> Result<u64> {
    let sql = format!("SELECT id FROM applications WHERE status IN ({}) ORDER BY id", open_statuses());
    let ids: Vec<i64> = sqlx::query_scalar::<Any, i64>(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
    let mut moved = 0;
    for id in ids.into_iter().map(ApplicationId) {
        let mut tx = db.begin_write().await?;
        let events = load_events(&mut tx, id).await?;
        let log: Vec<Event> = events.iter().map(|r| r.event.clone()).collect();
        // A log the new calendar cannot replay is reported, never skipped: its stored
        // deadline would silently keep the old calendar.
        let corrupt = |why: String| StoreError::Config(format!("application {id}: {why}"));
        let case = Case::replay(&log, s, cal).map_err(|e| corrupt(e.to_string()))?;
        let old: Option<String> =
            sqlx::query_scalar::<Any, Option<String>>("SELECT due_on FROM applications WHERE id = $1")
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await?;
        let d = derive(&case, s, cal).map_err(|e| corrupt(e.message_zh()))?;
        if let (Some(new), Some(old)) = (d.due_on.as_deref(), old.as_deref())
            && new != old
        {
            let parse =
                |s: &str| s.parse::<Date>().map_err(|_| corrupt(format!("stored deadline '{s}' is not a date")));
            let e = Event::DeadlineMoved { from: parse(old)?, to: parse(new)?, calendar: cal.version().to_string() };
            insert_event(&mut tx, id, events.len() as i64 + 1, &e, actor).await?;
            moved += 1;
        }
        write_derived(&mut tx, id, &d, cal, None).await?;
        tx.commit().await?;
    }
    Ok(moved)
}

#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub id: i64,
    pub org_id: OrgId,
    pub application_id: Option<ApplicationId>,
    pub kind: String,
    pub message: String,
    pub created_at: String,
}

/// Create due-soon and overdue alerts for open applications. Idempotent: one alert per
/// application, kind and deadline, whatever the number of runs or restarts.
pub async fn sweep_alerts(db: &Db, today: Date, s: &ClockSettings, cal: &Calendar) -> Result<u64> {
    // Every open case whose clock runs (a paused or uncorrected one has no due date).
    let sql = format!(
        "SELECT id, org_id, serial, due_on, due_provisional FROM applications WHERE due_on IS NOT NULL AND status IN ({})",
        open_statuses()
    );
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
    let mut created = 0;
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let org: i64 = r.try_get("org_id")?;
        let serial: String = r.try_get("serial")?;
        let due: String = r.try_get("due_on")?;
        // A stored deadline that is not a date is a corrupt row: an error, never skipped.
        let due_date = due
            .parse::<Date>()
            .map_err(|_| StoreError::Config(format!("application {id}: due_on '{due}' is not a date")))?;
        let provisional = r.try_get::<i64, _>("due_provisional")? != 0;
        let Some(alert) =
            gongkai_core::applications::alerts::classify(id, &serial, due_date, provisional, today, s, cal)
                .map_err(|e| StoreError::Config(e.message_zh()))?
        else {
            continue;
        };
        let n = sqlx::query::<Any>(
            "INSERT INTO alerts (org_id, application_id, kind, alert_key, message, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (alert_key) DO NOTHING",
        )
        .bind(org)
        .bind(id)
        .bind(alert.kind.code())
        .bind(&alert.key)
        .bind(&alert.message)
        .bind(ts::now())
        .execute(db.pool())
        .await?
        .rows_affected();
        created += n;
    }
    Ok(created)
}

pub async fn alerts(db: &Db, org: OrgId, limit: i64) -> Result<Vec<Alert>> {
    let rows = sqlx::query::<Any>(
        "SELECT id, org_id, application_id, kind, message, created_at FROM alerts WHERE org_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(org.0)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Alert {
                id: r.try_get("id")?,
                org_id: OrgId(r.try_get("org_id")?),
                application_id: r.try_get::<Option<i64>, _>("application_id")?.map(ApplicationId),
                kind: r.try_get("kind")?,
                message: r.try_get("message")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// An alert to be e-mailed, with whom to send it to.
#[derive(Debug, Clone)]
pub struct AlertMail {
    pub alert_id: i64,
    pub message: String,
    pub recipients: Vec<String>,
}

/// Alerts created since `since` (RFC 3339) that have not been e-mailed: each gets a mail job
/// (deduplicated), so an alert whose job was lost in a crash is found again by the next sweep.
pub async fn unmailed_alerts(db: &Db, since: &str) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT id FROM alerts WHERE emailed_at IS NULL AND created_at >= $1 ORDER BY id",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await?)
}

/// The e-mail of alert `id` with its recipients (the handler and the organisation's
/// approvers who have an address), or `None` when it was already sent.
pub async fn alert_mail(db: &Db, id: i64) -> Result<Option<AlertMail>> {
    let Some(r) = sqlx::query::<Any>(
        "SELECT al.id, al.org_id, al.message, al.emailed_at, ap.handler_id FROM alerts al
         LEFT JOIN applications ap ON ap.id = al.application_id WHERE al.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Err(StoreError::NotFound);
    };
    if r.try_get::<Option<String>, _>("emailed_at")?.is_some() {
        return Ok(None);
    }
    let org: i64 = r.try_get("org_id")?;
    let handler: Option<i64> = r.try_get("handler_id")?;
    let recipients: Vec<String> = sqlx::query_scalar::<Any, String>(
        "SELECT DISTINCT u.email FROM users u WHERE u.active = 1 AND u.email IS NOT NULL AND (u.id = $1 OR u.id IN
           (SELECT user_id FROM user_roles WHERE org_id = $2 AND role = 'approver')) ORDER BY u.email",
    )
    .bind(handler.unwrap_or(-1))
    .bind(org)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(AlertMail { alert_id: id, message: r.try_get("message")?, recipients }))
}

/// Record that alert `id` was e-mailed; `false` when another worker already did.
pub async fn mark_emailed(db: &Db, id: i64) -> Result<bool> {
    Ok(sqlx::query::<Any>("UPDATE alerts SET emailed_at = $1 WHERE id = $2 AND emailed_at IS NULL")
        .bind(ts::now())
        .bind(id)
        .execute(db.pool())
        .await?
        .rows_affected()
        == 1)
}

/// The position of application `id` among its applicant's applications to the same
/// organisation in the same calendar month (by date of receipt, then registration order):
/// the `n` of the per-item fee bands (109号 Art. 4: 同一申请人一个自然月内累计).
pub async fn monthly_position(db: &Db, id: ApplicationId) -> Result<i64> {
    let a = get(db, id).await?;
    let day = a.received_on.clone().unwrap_or_else(|| a.submitted_on.clone());
    let month = &day[..7];
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM applications
         WHERE org_id = $1 AND applicant_key = $2
           AND COALESCE(received_on, submitted_on) >= $3 AND COALESCE(received_on, submitted_on) <= $4
           AND (COALESCE(received_on, submitted_on) < $5 OR (COALESCE(received_on, submitted_on) = $5 AND id <= $6))",
    )
    .bind(a.org_id.0)
    .bind(applicant_key(&*db.keyring()?, a.id_kind.code(), &a.id_number))
    .bind(format!("{month}-01"))
    .bind(format!("{month}-31"))
    .bind(&day)
    .bind(id.0)
    .fetch_one(db.pool())
    .await?)
}

/// A reply or extension drafted by staff for an approver.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub id: ProposalId,
    pub application_id: ApplicationId,
    pub event: Event,
    pub proposed_by: Option<UserId>,
    pub proposed_by_label: String,
    pub proposed_at: String,
    /// `None` while pending; `Some("approved" | "returned")` once decided.
    pub decision: Option<String>,
    pub decided_by_label: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
}

const PROPOSAL_COLS: &str = "id, application_id, data, proposed_by, proposed_by_label, proposed_at, decision, decided_by_label, decided_at, note";

fn proposal_from_row(r: &AnyRow) -> Result<Proposal> {
    let data: String = r.try_get("data")?;
    Ok(Proposal {
        id: ProposalId(r.try_get("id")?),
        application_id: ApplicationId(r.try_get("application_id")?),
        event: serde_json::from_str(&data).map_err(|e| StoreError::Config(format!("corrupt proposal: {e}")))?,
        proposed_by: r.try_get::<Option<i64>, _>("proposed_by")?.map(UserId),
        proposed_by_label: r.try_get("proposed_by_label")?,
        proposed_at: r.try_get("proposed_at")?,
        decision: r.try_get("decision")?,
        decided_by_label: r.try_get("decided_by_label")?,
        decided_at: r.try_get("decided_at")?,
        note: r.try_get("note")?,
    })
}

/// Record a drafted reply or extension for approval. Refused while another is pending for
/// the same application (one decision at a time).
pub async fn propose(
    db: &Db,
    actor: &Actor,
    application_id: ApplicationId,
    e: &Event,
) -> std::result::Result<i64, AppendError> {
    let mut tx = db.begin_write().await?;
    let pending: i64 = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM application_proposals WHERE application_id = $1 AND decision IS NULL",
    )
    .bind(application_id.0)
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Err(AppendError::Refused(WorkflowError::NotAllowed("已有待审核的答复或延期，请等待审核人处理".into())));
    }
    let org: i64 = sqlx::query_scalar::<Any, i64>("SELECT org_id FROM applications WHERE id = $1")
        .bind(application_id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO application_proposals (application_id, kind, data, proposed_by, proposed_by_label, proposed_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(application_id.0)
    .bind(e.kind())
    .bind(serde_json::to_string(e).map_err(|err| StoreError::Encode(format!("event: {err}")))?)
    .bind(actor.user_id.map(|u| u.0))
    .bind(&actor.label)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await?;
    let changes = Changes::new().field("event", None, Some(e.describe()));
    audit::record(&mut tx, actor, "propose", "application", &application_id.to_string(), Some(OrgId(org)), &changes)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The latest proposal of an application (pending or decided), if any.
pub async fn latest_proposal(db: &Db, application_id: ApplicationId) -> Result<Option<Proposal>> {
    let sql =
        format!("SELECT {PROPOSAL_COLS} FROM application_proposals WHERE application_id = $1 ORDER BY id DESC LIMIT 1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(application_id.0).fetch_optional(db.pool()).await?;
    row.as_ref().map(proposal_from_row).transpose()
}

pub async fn proposal(db: &Db, id: ProposalId) -> Result<Proposal> {
    let sql = format!("SELECT {PROPOSAL_COLS} FROM application_proposals WHERE id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    row.as_ref().map(proposal_from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// Pending proposals of an organisation's applications, oldest first, with the serial.
pub async fn pending_proposals(db: &Db, org: OrgId) -> Result<Vec<(Proposal, String)>> {
    let rows = sqlx::query::<Any>(
        "SELECT p.id, p.application_id, p.data, p.proposed_by, p.proposed_by_label, p.proposed_at, p.decision,
                p.decided_by_label, p.decided_at, p.note, a.serial
         FROM application_proposals p JOIN applications a ON a.id = p.application_id
         WHERE a.org_id = $1 AND p.decision IS NULL ORDER BY p.id",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok((proposal_from_row(r)?, r.try_get("serial")?))).collect()
}

/// Claim a pending proposal for a decision: `true` when this call decided it (so two
/// approvers clicking at once record one decision).
pub async fn decide_proposal(
    db: &Db,
    actor: &Actor,
    id: ProposalId,
    decision: &str,
    note: Option<&str>,
) -> Result<bool> {
    let n = sqlx::query::<Any>(
        "UPDATE application_proposals SET decision = $1, decided_by_label = $2, decided_at = $3, note = $4
         WHERE id = $5 AND decision IS NULL",
    )
    .bind(decision)
    .bind(&actor.label)
    .bind(ts::now())
    .bind(note)
    .bind(id.0)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Undo a claim whose event the workflow then refused, so the proposal can be decided again.
pub async fn reopen_proposal(db: &Db, id: ProposalId) -> Result<()> {
    sqlx::query::<Any>(
        "UPDATE application_proposals SET decision = NULL, decided_by_label = NULL, decided_at = NULL, note = NULL
         WHERE id = $1",
    )
    .bind(id.0)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// What the applications register is filtered by.
#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    /// Part of the serial, the applicant's name or the information asked for.
    pub q: Option<String>,
    /// A status code, or `open` for every open status.
    pub status: Option<String>,
    /// Year of receipt (of submission while receipt is not confirmed).
    pub year: Option<i16>,
    pub outcome: Option<String>,
    pub channel: Option<String>,
    /// Open, running and past its deadline on this day.
    pub overdue_on: Option<Date>,
    /// Open, running and due between the two days (inclusive): due soon.
    pub due_between: Option<(Date, Date)>,
}

/// `%` and `_` typed by a person are literal characters, not wildcards.
fn like_pattern(q: &str) -> String {
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The register of an organisation's applications (every year), newest first, with the
/// number of matches for paging.
pub async fn register(
    db: &Db,
    org: OrgId,
    f: &RegisterFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Application>, i64)> {
    let mut conds = vec!["org_id = $1".to_string()];
    let mut binds: Vec<String> = vec![];
    let mut next = 2;
    let mut bind = |conds: &mut Vec<String>, sql: &str, values: Vec<String>| {
        let mut s = sql.to_string();
        for v in values {
            s = s.replacen("$?", &format!("${next}"), 1);
            next += 1;
            binds.push(v);
        }
        conds.push(s);
    };
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = like_pattern(q);
        bind(
            &mut conds,
            "(UPPER(serial) LIKE UPPER($?) ESCAPE '\\' OR applicant_name LIKE $? ESCAPE '\\' OR info_title LIKE $? ESCAPE '\\')",
            vec![p.clone(), p.clone(), p],
        );
    }
    match f.status.as_deref() {
        Some("open") => conds.push(format!("status IN ({})", open_statuses())),
        Some(code) => bind(&mut conds, "status = $?", vec![code.to_string()]),
        None => {}
    }
    if let Some(y) = f.year {
        bind(
            &mut conds,
            "COALESCE(received_on, submitted_on) >= $? AND COALESCE(received_on, submitted_on) <= $?",
            vec![format!("{y}-01-01"), format!("{y}-12-31")],
        );
    }
    if let Some(o) = &f.outcome {
        bind(&mut conds, "outcome = $?", vec![o.clone()]);
    }
    if let Some(c) = &f.channel {
        bind(&mut conds, "channel = $?", vec![c.clone()]);
    }
    if let Some(d) = f.overdue_on {
        conds.push(format!("status IN ({})", open_statuses()));
        bind(&mut conds, "due_on IS NOT NULL AND due_on < $?", vec![d.to_string()]);
    }
    if let Some((a, b)) = f.due_between {
        conds.push(format!("status IN ({})", open_statuses()));
        bind(&mut conds, "due_on IS NOT NULL AND due_on >= $? AND due_on <= $?", vec![a.to_string(), b.to_string()]);
    }
    let w = conds.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM applications WHERE {w}");
    let mut count = sqlx::query_scalar::<Any, i64>(sqlx::AssertSqlSafe(count_sql)).bind(org.0);
    for b in &binds {
        count = count.bind(b);
    }
    let total = count.fetch_one(db.pool()).await?;
    let list_sql = format!(
        "SELECT {COLS} FROM applications WHERE {w} ORDER BY COALESCE(received_on, submitted_on) DESC, id DESC
         LIMIT ${next} OFFSET ${}",
        next + 1
    );
    let mut list = sqlx::query::<Any>(sqlx::AssertSqlSafe(list_sql)).bind(org.0);
    for b in &binds {
        list = list.bind(b);
    }
    let rows = list.bind(limit).bind(offset).fetch_all(db.pool()).await?;
    let k = db.keyring()?;
    Ok((rows.iter().map(|r| from_row(&k, r)).collect::<Result<_>>()?, total))
}

/// The counts on a handler's desk (工作台) for one organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeskCounts {
    pub overdue: i64,
    pub due_soon: i64,
    pub unconfirmed_online: i64,
    pub awaiting_correction: i64,
    pub consulting: i64,
    pub awaiting_payment: i64,
    pub proposals: i64,
}

/// Counts for the desk: `soon_until` is the last day that counts as due soon (today plus
/// the due-soon working days, computed by the caller on the calendar).
pub async fn desk_counts(db: &Db, org: OrgId, today: Date, soon_until: Date) -> Result<DeskCounts> {
    let sql = format!(
        "SELECT
           COALESCE(SUM(CASE WHEN due_on IS NOT NULL AND due_on < $2 THEN 1 ELSE 0 END), 0) AS overdue,
           COALESCE(SUM(CASE WHEN due_on IS NOT NULL AND due_on >= $2 AND due_on <= $3 THEN 1 ELSE 0 END), 0) AS soon,
           COALESCE(SUM(CASE WHEN status = 'awaiting_receipt' AND channel = 'online' THEN 1 ELSE 0 END), 0) AS online,
           COALESCE(SUM(CASE WHEN status = 'awaiting_correction' THEN 1 ELSE 0 END), 0) AS correction,
           COALESCE(SUM(CASE WHEN status = 'consulting' THEN 1 ELSE 0 END), 0) AS consulting,
           COALESCE(SUM(CASE WHEN status = 'awaiting_payment' THEN 1 ELSE 0 END), 0) AS payment
         FROM applications WHERE org_id = $1 AND status IN ({})",
        open_statuses()
    );
    let r = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql))
        .bind(org.0)
        .bind(today.to_string())
        .bind(soon_until.to_string())
        .fetch_one(db.pool())
        .await?;
    let proposals: i64 = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM application_proposals p JOIN applications a ON a.id = p.application_id
         WHERE a.org_id = $1 AND p.decision IS NULL",
    )
    .bind(org.0)
    .fetch_one(db.pool())
    .await?;
    Ok(DeskCounts {
        overdue: r.try_get("overdue")?,
        due_soon: r.try_get("soon")?,
        unconfirmed_online: r.try_get("online")?,
        awaiting_correction: r.try_get("correction")?,
        consulting: r.try_get("consulting")?,
        awaiting_payment: r.try_get("payment")?,
        proposals,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_open_statuses_are_the_five_that_run_against_the_deadline() {
        assert_eq!(
            super::open_statuses(),
            "'awaiting_receipt', 'in_progress', 'awaiting_correction', 'consulting', 'awaiting_payment'"
        );
        assert_eq!(super::like_pattern("50%_a"), "%50\\%\\_a%");
    }
}

/// An approver recorded a reply or extension directly: a pending proposal of that kind is
/// closed as superseded, so it does not wait on the desk for ever.
pub async fn supersede_proposals(db: &Db, actor: &Actor, application_id: ApplicationId, kind: &str) -> Result<u64> {
    Ok(sqlx::query::<Any>(
        "UPDATE application_proposals SET decision = 'superseded', decided_by_label = $1, decided_at = $2,
             note = '审核人已直接办理'
         WHERE application_id = $3 AND kind = $4 AND decision IS NULL",
    )
    .bind(&actor.label)
    .bind(ts::now())
    .bind(application_id.0)
    .bind(kind)
    .execute(db.pool())
    .await?
    .rows_affected())
}
