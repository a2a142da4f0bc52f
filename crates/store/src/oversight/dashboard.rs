//! The records behind the supervisor's dashboard, read per body and handed to core's
//! pure figures (`core::oversight::supervision`).

use crate::{Db, Result, StoreError};
use gongkai_core::appeals::AppealResult;
use gongkai_core::applications::{Case, ClockSettings, Event, Outcome, Status};
use gongkai_core::calendar::Calendar;
use gongkai_core::ids::OrgId;
use gongkai_core::oversight::supervision::{AppealFigures, ApplicationFact, ApplicationFigures};
use jiff::civil::Date;
use sqlx::{Any, Row};

fn opt_date(raw: Option<String>, col: &str) -> Result<Option<Date>> {
    raw.map(|s| s.parse().map_err(|_| StoreError::Corrupt(format!("{col} '{s}'")))).transpose()
}

/// Applications of `org` that matter for `year`: received or finished in it, or still open.
/// Cases finished in the year are replayed from their event logs to count the working
/// days they took without the lawful pauses.
pub async fn application_facts(
    db: &Db,
    org: OrgId,
    year: i16,
    s: &ClockSettings,
    cal: &Calendar,
) -> Result<Vec<ApplicationFact>> {
    let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let rows = sqlx::query::<Any>(
        "SELECT id, status, outcome, received_on, finished_on, due_on FROM applications
         WHERE org_id = $1 AND ((received_on >= $2 AND received_on <= $3) OR (finished_on >= $2 AND finished_on <= $3) OR finished_on IS NULL)",
    )
    .bind(org.0)
    .bind(&from)
    .bind(&to)
    .fetch_all(db.pool())
    .await?;
    let mut out = vec![];
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let status: String = r.try_get("status")?;
        let status =
            Status::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("application status '{status}'")))?;
        let outcome = match r.try_get::<Option<String>, _>("outcome")? {
            Some(o) => Some(Outcome::parse(&o).map_err(|_| StoreError::Corrupt(format!("application outcome '{o}'")))?),
            None => None,
        };
        let finished_on = opt_date(r.try_get("finished_on")?, "finished_on")?;
        let handling_wd = match finished_on {
            Some(f) if f.year() == year => {
                let log: Vec<String> = sqlx::query_scalar::<Any, String>(
                    "SELECT data FROM application_events WHERE application_id = $1 ORDER BY seq",
                )
                .bind(id)
                .fetch_all(db.pool())
                .await?;
                let events = log
                    .iter()
                    .map(|d| serde_json::from_str::<Event>(d))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(|e| StoreError::Corrupt(format!("event of application {id}: {e}")))?;
                let case =
                    Case::replay(&events, s, cal).map_err(|e| StoreError::Corrupt(format!("application {id}: {e}")))?;
                case.handling_wd(cal).map_err(|e| StoreError::Corrupt(format!("application {id}: {e}")))?
            }
            _ => None,
        };
        out.push(ApplicationFact {
            received_on: opt_date(r.try_get("received_on")?, "received_on")?,
            finished_on,
            due_on: opt_date(r.try_get("due_on")?, "due_on")?,
            open: status.is_open(),
            outcome,
            handling_wd,
        });
    }
    Ok(out)
}

pub async fn applications(
    db: &Db,
    org: OrgId,
    year: i16,
    today: Date,
    s: &ClockSettings,
    cal: &Calendar,
) -> Result<ApplicationFigures> {
    Ok(ApplicationFigures::of(&application_facts(db, org, year, s, cal).await?, year, today))
}

/// Appeals of `org` filed in `year`, by result.
pub async fn appeals(db: &Db, org: OrgId, year: i16) -> Result<AppealFigures> {
    let rows: Vec<Option<String>> = sqlx::query_scalar::<Any, Option<String>>(
        "SELECT result FROM appeals WHERE org_id = $1 AND filed_on >= $2 AND filed_on <= $3",
    )
    .bind(org.0)
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(db.pool())
    .await?;
    let results = rows
        .into_iter()
        .map(|r| {
            r.map(|s| AppealResult::parse(&s).map_err(|_| StoreError::Corrupt(format!("appeal result '{s}'"))))
                .transpose()
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(AppealFigures::of(&results))
}

/// Catalog records of `org` published in `year`, and those published after their limit.
pub async fn published(db: &Db, org: OrgId, year: i16) -> Result<(u32, u32)> {
    let row = sqlx::query::<Any>(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(late), 0) AS BIGINT) AS late FROM catalog_items
         WHERE org_id = $1 AND status IN ('published', 'expired') AND attribute = 'proactive' AND published_on >= $2 AND published_on <= $3",
    )
    .bind(org.0)
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_one(db.pool())
    .await?;
    let n: i64 = row.try_get("n")?;
    let late: i64 = row.try_get("late")?;
    Ok((n as u32, late as u32))
}
