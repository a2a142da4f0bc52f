//! Reconsideration and litigation records.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, ts};
use gongkai_core::appeals::{AppealKind, AppealResult};
use gongkai_core::ids::{AppealId, ApplicationId, OrgId};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::{Any, Row};

#[derive(Debug, Clone, Serialize)]
pub struct Appeal {
    pub id: AppealId,
    pub org_id: OrgId,
    pub application_id: Option<ApplicationId>,
    pub kind: AppealKind,
    pub body: String,
    pub case_number: Option<String>,
    pub filed_on: String,
    pub decided_on: Option<String>,
    pub result: Option<AppealResult>,
    pub note: Option<String>,
}

pub struct NewAppeal {
    pub application_id: Option<ApplicationId>,
    pub kind: AppealKind,
    pub body: String,
    pub case_number: Option<String>,
    pub filed_on: Date,
    pub decided: Option<(Date, AppealResult)>,
    pub note: Option<String>,
}

pub async fn create(db: &Db, actor: &Actor, org: OrgId, a: &NewAppeal) -> Result<AppealId> {
    let mut tx = db.begin_write().await?;
    if let Some(app) = a.application_id {
        let owner: Option<i64> = sqlx::query_scalar::<Any, i64>("SELECT org_id FROM applications WHERE id = $1")
            .bind(app.0)
            .fetch_optional(&mut *tx)
            .await?;
        if owner != Some(org.0) {
            return Err(StoreError::NotFound);
        }
    }
    let now = ts::now();
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO appeals (org_id, application_id, kind, body, case_number, filed_on, decided_on, result, note, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(org.0)
    .bind(a.application_id.map(|a| a.0))
    .bind(a.kind.code())
    .bind(&a.body)
    .bind(a.case_number.as_deref())
    .bind(a.filed_on.to_string())
    .bind(a.decided.map(|d| d.0.to_string()))
    .bind(a.decided.map(|d| d.1.code()))
    .bind(a.note.as_deref())
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let changes = Changes::new()
        .field("kind", None, Some(a.kind.code()))
        .field("filed_on", None, Some(a.filed_on.to_string()))
        .field("result", None, a.decided.map(|d| d.1.code()));
    audit::record(&mut tx, actor, "create", "appeal", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(AppealId(id))
}

/// Record the decision of a pending appeal.
pub async fn decide(db: &Db, actor: &Actor, org: OrgId, id: AppealId, on: Date, result: AppealResult) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>(
        "UPDATE appeals SET decided_on = $1, result = $2, updated_at = $3 WHERE id = $4 AND org_id = $5 AND result IS NULL",
    )
    .bind(on.to_string())
    .bind(result.code())
    .bind(ts::now())
    .bind(id.0)
    .bind(org.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let changes =
        Changes::new().field("result", None, Some(result.code())).field("decided_on", None, Some(on.to_string()));
    audit::record(&mut tx, actor, "decide", "appeal", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get(db: &Db, id: AppealId) -> Result<Appeal> {
    list_where(db, "id = $1", id.0).await?.pop().ok_or(StoreError::NotFound)
}

pub async fn list(db: &Db, org: OrgId) -> Result<Vec<Appeal>> {
    list_where(db, "org_id = $1", org.0).await
}

async fn list_where(db: &Db, cond: &'static str, v: i64) -> Result<Vec<Appeal>> {
    let sql = format!(
        "SELECT id, org_id, application_id, kind, body, case_number, filed_on, decided_on, result, note FROM appeals
         WHERE {cond} ORDER BY filed_on DESC, id DESC"
    );
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(v).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            Ok(Appeal {
                id: AppealId(r.try_get("id")?),
                org_id: OrgId(r.try_get("org_id")?),
                application_id: r.try_get::<Option<i64>, _>("application_id")?.map(ApplicationId),
                kind: {
                    let raw: String = r.try_get("kind")?;
                    AppealKind::parse(&raw).map_err(|_| StoreError::Corrupt(format!("appeal kind '{raw}'")))?
                },
                body: r.try_get("body")?,
                case_number: r.try_get("case_number")?,
                filed_on: r.try_get("filed_on")?,
                decided_on: r.try_get("decided_on")?,
                result: match r.try_get::<Option<String>, _>("result")? {
                    None => None,
                    Some(raw) => Some(
                        AppealResult::parse(&raw).map_err(|_| StoreError::Corrupt(format!("appeal result '{raw}'")))?,
                    ),
                },
                note: r.try_get("note")?,
            })
        })
        .collect()
}
