//! Records behind the annual report's tables: every statistic is a query over records,
//! never a hand-kept counter.

use crate::{Db, Result, StoreError};
use gongkai_core::applications::appeals::{AppealKind, AppealResult};
use gongkai_core::applications::{ApplicantKind, Outcome};
use gongkai_core::orgs::OrgId;
use gongkai_core::reports::{AppFact, AppealFact};
use jiff::civil::Date;
use sqlx::{Any, Row};

fn date(s: Option<String>) -> Result<Option<Date>> {
    s.map(|d| d.parse::<Date>().map_err(|e| StoreError::Config(format!("corrupt date {d}: {e}")))).transpose()
}

/// Applications of `org` received up to the end of `year` and not finished before it.
pub async fn application_facts(db: &Db, org: OrgId, year: i16) -> Result<Vec<AppFact>> {
    let rows = sqlx::query::<Any>(
        "SELECT applicant_kind, received_on, finished_on, outcome FROM applications
         WHERE org_id = $1 AND received_on IS NOT NULL AND received_on <= $2
           AND (finished_on IS NULL OR finished_on >= $3)",
    )
    .bind(org.0)
    .bind(format!("{year}-12-31"))
    .bind(format!("{year}-01-01"))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind: String = r.try_get("applicant_kind")?;
        let kind = ApplicantKind::parse(&kind).map_err(|e| StoreError::Config(e.message))?;
        let finished = match (date(r.try_get("finished_on")?)?, r.try_get::<Option<String>, _>("outcome")?) {
            (Some(d), Some(o)) => Some((d, Outcome::parse(&o).map_err(|e| StoreError::Config(e.message))?)),
            _ => None,
        };
        out.push(AppFact { kind, received: date(r.try_get("received_on")?)?, finished });
    }
    Ok(out)
}

/// Appeals of `org` filed by the end of `year` and not decided before it.
pub async fn appeal_facts(db: &Db, org: OrgId, year: i16) -> Result<Vec<AppealFact>> {
    let rows = sqlx::query::<Any>(
        "SELECT kind, filed_on, decided_on, result FROM appeals
         WHERE org_id = $1 AND filed_on <= $2 AND (decided_on IS NULL OR decided_on >= $3)",
    )
    .bind(org.0)
    .bind(format!("{year}-12-31"))
    .bind(format!("{year}-01-01"))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind = AppealKind::parse(&r.try_get::<String, _>("kind")?).map_err(|e| StoreError::Config(e.message))?;
        let filed =
            date(r.try_get("filed_on")?)?.ok_or_else(|| StoreError::Config("appeal without filing date".into()))?;
        let decided = match (date(r.try_get("decided_on")?)?, r.try_get::<Option<String>, _>("result")?) {
            (Some(d), Some(res)) => Some((d, AppealResult::parse(&res).map_err(|e| StoreError::Config(e.message))?)),
            _ => None,
        };
        out.push(AppealFact { kind, filed, decided });
    }
    Ok(out)
}
