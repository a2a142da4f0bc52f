//! Press work and responses to public concerns.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, ts};
use gongkai_core::ids::{OrgId, PressId};
use gongkai_core::press::{PressFacts, PressKind};
use serde::Serialize;
use sqlx::{Any, Row};

#[derive(Debug, Clone, Serialize)]
pub struct PressRecord {
    pub id: PressId,
    pub org_id: OrgId,
    pub facts: PressFacts,
}

pub async fn create(db: &Db, actor: &Actor, org: OrgId, f: &PressFacts) -> Result<PressId> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO press_records (org_id, kind, happened_on, title, level, who, summary, item_count, national_count, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(org.0)
    .bind(f.kind.code())
    .bind(f.on.to_string())
    .bind(&f.title)
    .bind(&f.level)
    .bind(&f.who)
    .bind(&f.summary)
    .bind(f.count)
    .bind(f.national)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await?;
    let changes = Changes::new().field("kind", None, Some(f.kind.code())).field("title", None, Some(f.title.as_str()));
    audit::record(&mut tx, actor, "create", "press_record", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(PressId(id))
}

/// Remove a record entered by mistake (audited with what it said).
pub async fn delete(db: &Db, actor: &Actor, org: OrgId, id: PressId) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let title: Option<String> =
        sqlx::query_scalar::<Any, String>("SELECT title FROM press_records WHERE id = $1 AND org_id = $2")
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(title) = title else { return Err(StoreError::NotFound) };
    sqlx::query::<Any>("DELETE FROM press_records WHERE id = $1").bind(id.0).execute(&mut *tx).await?;
    let changes = Changes::new().field("title", Some(title.as_str()), None);
    audit::record(&mut tx, actor, "delete", "press_record", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// The records of `org` in `year`, newest first.
pub async fn list(db: &Db, org: OrgId, year: i16) -> Result<Vec<PressRecord>> {
    let rows = sqlx::query::<Any>(
        "SELECT id, org_id, kind, happened_on, title, level, who, summary, item_count, national_count FROM press_records
         WHERE org_id = $1 AND happened_on >= $2 AND happened_on <= $3 ORDER BY happened_on DESC, id DESC",
    )
    .bind(org.0)
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let on: String = r.try_get("happened_on")?;
            Ok(PressRecord {
                id: PressId(r.try_get("id")?),
                org_id: OrgId(r.try_get("org_id")?),
                facts: PressFacts {
                    kind: PressKind::parse(&kind).map_err(|_| StoreError::Corrupt(format!("press kind '{kind}'")))?,
                    on: on.parse().map_err(|_| StoreError::Corrupt(format!("press date '{on}'")))?,
                    title: r.try_get("title")?,
                    level: r.try_get("level")?,
                    who: r.try_get("who")?,
                    summary: r.try_get("summary")?,
                    count: r.try_get("item_count")?,
                    national: r.try_get("national_count")?,
                },
            })
        })
        .collect()
}
