//! Standard catalogs (templates, adoption, local matters), the links from published
//! records to the matters they fulfil, name lists and public-notice periods; supervision
//! records in [`supervision`], the dashboard's figures in [`dashboard`].

pub mod dashboard;
pub mod supervision;

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, ts};
use gongkai_core::calendar::Calendar;
use gongkai_core::catalog::{Action, Status, transition};
use gongkai_core::ids::{ItemId, OrgId};
use gongkai_core::oversight::standards::{Compliance, Fulfilment, ItemCheck, Roster, StandardItem, check};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::{Any, AnyConnection, Row};

#[derive(Debug, Clone, Serialize)]
pub struct Domain {
    pub id: i64,
    pub name: String,
}

/// The domains standard catalogs exist for (社会救助, 养老服务, and what a system admin adds).
pub async fn domains(db: &Db) -> Result<Vec<Domain>> {
    let rows =
        sqlx::query::<Any>("SELECT id, name FROM standard_domains ORDER BY position, id").fetch_all(db.pool()).await?;
    rows.iter().map(|r| Ok(Domain { id: r.try_get("id")?, name: r.try_get("name")? })).collect()
}

pub async fn add_domain(db: &Db, actor: &Actor, name: &str) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let n: i64 = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM standard_domains").fetch_one(&mut *tx).await?;
    let id = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO standard_domains (name, position, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(n * 10)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| crate::map_unique(e, &[("standard_domains", "name")]))?;
    audit::record(
        &mut tx,
        actor,
        "create",
        "standard_domain",
        &id.to_string(),
        None,
        &Changes::new().field("name", None, Some(name)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogRow {
    pub id: i64,
    pub org_id: OrgId,
    pub org_name: String,
    pub domain_id: i64,
    pub domain: String,
    pub name: String,
    pub template_id: Option<i64>,
    pub published_on: Option<String>,
    pub items: i64,
}

impl CatalogRow {
    pub fn is_template(&self) -> bool {
        self.template_id.is_none()
    }
}

const CATALOG_SQL: &str =
    "SELECT s.id, s.org_id, o.name AS org_name, s.domain_id, d.name AS domain, s.name, s.template_id, s.published_on,
    (SELECT COUNT(*) FROM standard_items i WHERE i.catalog_id = s.id) AS items
    FROM standard_catalogs s JOIN standard_domains d ON d.id = s.domain_id JOIN organisations o ON o.id = s.org_id";

fn catalog_from(r: &sqlx::any::AnyRow) -> Result<CatalogRow> {
    Ok(CatalogRow {
        id: r.try_get("id")?,
        org_id: OrgId(r.try_get("org_id")?),
        org_name: r.try_get("org_name")?,
        domain_id: r.try_get("domain_id")?,
        domain: r.try_get("domain")?,
        name: r.try_get("name")?,
        template_id: r.try_get("template_id")?,
        published_on: r.try_get("published_on")?,
        items: r.try_get("items")?,
    })
}

/// The catalogs a body keeps: its own templates and the ones it adopted.
pub async fn catalogs_of(db: &Db, org: OrgId) -> Result<Vec<CatalogRow>> {
    let sql = format!("{CATALOG_SQL} WHERE s.org_id = $1 ORDER BY d.position, s.id");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(db.pool()).await?;
    rows.iter().map(catalog_from).collect()
}

pub async fn catalog(db: &Db, id: i64) -> Result<CatalogRow> {
    let sql = format!("{CATALOG_SQL} WHERE s.id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(db.pool()).await?;
    row.as_ref().map(catalog_from).transpose()?.ok_or(StoreError::NotFound)
}

/// Published templates of the given bodies (a body's supervisors above it).
pub async fn templates_of(db: &Db, orgs: &[OrgId]) -> Result<Vec<CatalogRow>> {
    let mut out = vec![];
    for o in orgs {
        let sql = format!(
            "{CATALOG_SQL} WHERE s.org_id = $1 AND s.template_id IS NULL AND s.published_on IS NOT NULL ORDER BY d.position, s.id"
        );
        let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(o.0).fetch_all(db.pool()).await?;
        for r in &rows {
            out.push(catalog_from(r)?);
        }
    }
    Ok(out)
}

pub async fn create_template(db: &Db, actor: &Actor, org: OrgId, domain: i64, name: &str) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO standard_catalogs (org_id, domain_id, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org.0)
    .bind(domain)
    .bind(name)
    .bind(&actor.label)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| crate::map_unique(e, &[("standard_catalogs", "domain_id")]))?;
    audit::record(
        &mut tx,
        actor,
        "create",
        "standard_catalog",
        &id.to_string(),
        Some(org),
        &Changes::new().field("name", None, Some(name)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Publish a template so that subordinate bodies can adopt it.
pub async fn publish_template(db: &Db, actor: &Actor, org: OrgId, id: i64, on: Date) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>(
        "UPDATE standard_catalogs SET published_on = $1 WHERE id = $2 AND org_id = $3 AND template_id IS NULL AND published_on IS NULL",
    )
    .bind(on.to_string())
    .bind(id)
    .bind(org.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict("该目录已发布，或不是本机构的目录模板".into()));
    }
    audit::record(&mut tx, actor, "publish", "standard_catalog", &id.to_string(), Some(org), &Changes::new()).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub id: i64,
    pub catalog_id: i64,
    pub template_item_id: Option<i64>,
    pub position: i64,
    pub item: StandardItem,
}

impl ItemRow {
    /// Added by the body itself, not taken from the template.
    pub fn is_local(&self) -> bool {
        self.template_item_id.is_none()
    }
}

fn item_row(r: &sqlx::any::AnyRow) -> Result<ItemRow> {
    let id: i64 = r.try_get("id")?;
    let data: String = r.try_get("data")?;
    Ok(ItemRow {
        id,
        catalog_id: r.try_get("catalog_id")?,
        template_item_id: r.try_get("template_item_id")?,
        position: r.try_get("position")?,
        item: serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("standard item {id}: {e}")))?,
    })
}

pub async fn items(db: &Db, catalog: i64) -> Result<Vec<ItemRow>> {
    let rows = sqlx::query::<Any>(
        "SELECT id, catalog_id, template_item_id, position, data FROM standard_items WHERE catalog_id = $1 ORDER BY position, id",
    )
    .bind(catalog)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(item_row).collect()
}

pub async fn item(db: &Db, id: i64) -> Result<ItemRow> {
    let row =
        sqlx::query::<Any>("SELECT id, catalog_id, template_item_id, position, data FROM standard_items WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    row.as_ref().map(item_row).transpose()?.ok_or(StoreError::NotFound)
}

fn encode(item: &StandardItem) -> Result<String> {
    serde_json::to_string(item).map_err(|e| StoreError::Encode(e.to_string()))
}

async fn owner_of(conn: &mut AnyConnection, catalog: i64) -> Result<OrgId> {
    sqlx::query_scalar::<Any, i64>("SELECT org_id FROM standard_catalogs WHERE id = $1")
        .bind(catalog)
        .fetch_optional(&mut *conn)
        .await?
        .map(OrgId)
        .ok_or(StoreError::NotFound)
}

/// Add a matter to a catalog of `org` (a template's, or a local one of an adopted catalog).
pub async fn add_item(db: &Db, actor: &Actor, org: OrgId, catalog: i64, item: &StandardItem) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    if owner_of(&mut tx, catalog).await? != org {
        return Err(StoreError::NotFound);
    }
    let pos: i64 =
        sqlx::query_scalar::<Any, Option<i64>>("SELECT MAX(position) FROM standard_items WHERE catalog_id = $1")
            .bind(catalog)
            .fetch_one(&mut *tx)
            .await?
            .unwrap_or(0);
    let now = ts::now();
    let id = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO standard_items (catalog_id, position, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(catalog)
    .bind(pos + 10)
    .bind(encode(item)?)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    let path = item.path();
    audit::record(
        &mut tx,
        actor,
        "create",
        "standard_item",
        &id.to_string(),
        Some(org),
        &Changes::new().field("path", None, Some(path.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Change a matter of a catalog of `org`.
pub async fn update_item(db: &Db, actor: &Actor, org: OrgId, id: i64, item: &StandardItem) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let catalog: i64 = sqlx::query_scalar::<Any, i64>("SELECT catalog_id FROM standard_items WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if owner_of(&mut tx, catalog).await? != org {
        return Err(StoreError::NotFound);
    }
    sqlx::query::<Any>("UPDATE standard_items SET data = $1, updated_at = $2 WHERE id = $3")
        .bind(encode(item)?)
        .bind(ts::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let path = item.path();
    audit::record(
        &mut tx,
        actor,
        "update",
        "standard_item",
        &id.to_string(),
        Some(org),
        &Changes::new().field("path", None, Some(path.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adopt a published template: the body gets its own catalog with a copy of every matter
/// (its local time limits and fields can then be tightened, and local matters added).
pub async fn adopt(db: &Db, actor: &Actor, org: OrgId, template: i64, on: Date) -> Result<i64> {
    let t = catalog(db, template).await?;
    if !t.is_template() || t.published_on.is_none() {
        return Err(StoreError::Conflict("只能采用已发布的目录模板".into()));
    }
    let source = items(db, template).await?;
    let mut tx = db.begin_write().await?;
    let id = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO standard_catalogs (org_id, domain_id, name, template_id, published_on, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(org.0)
    .bind(t.domain_id)
    .bind(&t.name)
    .bind(template)
    .bind(on.to_string())
    .bind(&actor.label)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match crate::map_unique(e, &[("standard_catalogs", "domain_id")]) {
        StoreError::Duplicate { .. } => StoreError::Conflict(format!("本机构已有{}领域的标准目录", t.domain)),
        other => other,
    })?;
    let now = ts::now();
    for s in &source {
        sqlx::query::<Any>(
            "INSERT INTO standard_items (catalog_id, template_item_id, position, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id)
        .bind(s.id)
        .bind(s.position)
        .bind(encode(&s.item)?)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "adopt",
        "standard_catalog",
        &id.to_string(),
        Some(org),
        &Changes::new().field("template", None, Some(t.name.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A published record linked to a matter.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub standard_item_id: i64,
    pub item_id: ItemId,
    pub title: String,
    pub status: Status,
    pub formed_on: String,
    pub published_on: Option<String>,
    pub notice_until: Option<String>,
    pub has_roster: bool,
}

/// The records linked to the matters of `catalog`.
pub async fn links(db: &Db, catalog: i64) -> Result<Vec<Link>> {
    let rows = sqlx::query::<Any>(
        "SELECT l.standard_item_id, c.id, c.title, c.status, c.formed_on, c.published_on, c.notice_until,
                (SELECT COUNT(*) FROM catalog_rosters r WHERE r.item_id = c.id) AS rosters
         FROM standard_links l JOIN standard_items s ON s.id = l.standard_item_id JOIN catalog_items c ON c.id = l.catalog_item_id
         WHERE s.catalog_id = $1 ORDER BY c.published_on, c.id",
    )
    .bind(catalog)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(Link {
                standard_item_id: r.try_get("standard_item_id")?,
                item_id: ItemId(r.try_get("id")?),
                title: r.try_get("title")?,
                status: Status::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("catalog status '{status}'")))?,
                formed_on: r.try_get("formed_on")?,
                published_on: r.try_get("published_on")?,
                notice_until: r.try_get("notice_until")?,
                has_roster: r.try_get::<i64, _>("rosters")? > 0,
            })
        })
        .collect()
}

/// Per matter of `catalog`, where it stands (in catalog order), and the body's total.
pub async fn compliance(db: &Db, catalog: i64, cal: &Calendar) -> Result<(Vec<(ItemRow, ItemCheck)>, Compliance)> {
    let all = items(db, catalog).await?;
    let linked = links(db, catalog).await?;
    let mut out = vec![];
    for it in all {
        let records: Vec<Fulfilment> = linked
            .iter()
            .filter(|l| l.standard_item_id == it.id)
            .filter_map(|l| {
                let published = l.published_on.as_deref()?.parse().ok()?;
                Some(Fulfilment { event_on: l.formed_on.parse().ok()?, published_on: published })
            })
            .collect();
        let k = check(it.item.mode, &it.item.limit, &records, cal)
            .map_err(|e| StoreError::Corrupt(format!("calendar for standard item {}: {e}", it.id)))?;
        out.push((it, k));
    }
    let checks: Vec<ItemCheck> = out.iter().map(|(_, k)| *k).collect();
    let total = Compliance::of(&checks);
    Ok((out, total))
}

/// A body's compliance over all its adopted catalogs.
pub async fn body_compliance(db: &Db, org: OrgId, cal: &Calendar) -> Result<Compliance> {
    let mut checks = vec![];
    for c in catalogs_of(db, org).await?.into_iter().filter(|c| !c.is_template()) {
        checks.extend(compliance(db, c.id, cal).await?.0.into_iter().map(|(_, k)| k));
    }
    Ok(Compliance::of(&checks))
}

/// Link a published record of `org` to the matter it fulfils; a matter with a notice
/// period sets the last day the record stays on the portal.
pub async fn link(
    db: &Db,
    cal: &Calendar,
    actor: &Actor,
    org: OrgId,
    record: ItemId,
    standard_item: i64,
) -> Result<()> {
    let target = item(db, standard_item).await?;
    let mut tx = db.begin_write().await?;
    if owner_of(&mut tx, target.catalog_id).await? != org {
        return Err(StoreError::NotFound);
    }
    let row = sqlx::query::<Any>("SELECT org_id, status, published_on FROM catalog_items WHERE id = $1")
        .bind(record.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if OrgId(row.try_get("org_id")?) != org {
        return Err(StoreError::NotFound);
    }
    let status: String = row.try_get("status")?;
    let published: Option<String> = row.try_get("published_on")?;
    let Some(published) = published.filter(|_| status == Status::Published.code()) else {
        return Err(StoreError::Conflict("只能关联已发布的信息".into()));
    };
    let until = match published.parse::<Date>() {
        Ok(p) => {
            target.item.limit.notice_ends(cal, p).map_err(|e| StoreError::Conflict(format!("无法计算公示期：{e}")))?
        }
        Err(_) => return Err(StoreError::Corrupt(format!("catalog published_on '{published}'"))),
    };
    sqlx::query::<Any>("DELETE FROM standard_links WHERE catalog_item_id = $1")
        .bind(record.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query::<Any>(
        "INSERT INTO standard_links (catalog_item_id, standard_item_id, linked_by, linked_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(record.0)
    .bind(standard_item)
    .bind(&actor.label)
    .bind(ts::now())
    .execute(&mut *tx)
    .await?;
    sqlx::query::<Any>("UPDATE catalog_items SET notice_until = $1 WHERE id = $2")
        .bind(until.map(|d| d.to_string()))
        .bind(record.0)
        .execute(&mut *tx)
        .await?;
    let path = target.item.path();
    let changes = Changes::new().field("fulfils", None, Some(path.as_str()));
    audit::record(&mut tx, actor, "link", "catalog_item", &record.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn unlink(db: &Db, actor: &Actor, org: OrgId, record: ItemId) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let owner: Option<i64> = sqlx::query_scalar::<Any, i64>("SELECT org_id FROM catalog_items WHERE id = $1")
        .bind(record.0)
        .fetch_optional(&mut *tx)
        .await?;
    if owner != Some(org.0) {
        return Err(StoreError::NotFound);
    }
    sqlx::query::<Any>("DELETE FROM standard_links WHERE catalog_item_id = $1")
        .bind(record.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query::<Any>("UPDATE catalog_items SET notice_until = NULL WHERE id = $1 AND status = 'published'")
        .bind(record.0)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, actor, "unlink", "catalog_item", &record.to_string(), Some(org), &Changes::new()).await?;
    tx.commit().await?;
    Ok(())
}

/// The matter a record fulfils, as (catalog name, matter path), for exports.
pub async fn fulfils(db: &Db, record: ItemId) -> Result<Option<(String, String)>> {
    let row = sqlx::query::<Any>(
        "SELECT c.name, s.data FROM standard_links l JOIN standard_items s ON s.id = l.standard_item_id
         JOIN standard_catalogs c ON c.id = s.catalog_id WHERE l.catalog_item_id = $1",
    )
    .bind(record.0)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let data: String = row.try_get("data")?;
    let item: StandardItem = serde_json::from_str(&data)
        .map_err(|e| StoreError::Corrupt(format!("standard item of record {record}: {e}")))?;
    Ok(Some((row.try_get("name")?, item.path())))
}

/// Re-create a link on import, when the importing body has a catalog of that name with a
/// matter of that path (otherwise the record stays unlinked, as it would on a platform
/// without the catalog).
pub(crate) async fn relink_in(
    conn: &mut AnyConnection,
    org: OrgId,
    record: ItemId,
    catalog: &str,
    path: &str,
    by: &str,
) -> Result<()> {
    let rows = sqlx::query::<Any>(
        "SELECT s.id, s.data FROM standard_items s JOIN standard_catalogs c ON c.id = s.catalog_id WHERE c.org_id = $1 AND c.name = $2",
    )
    .bind(org.0)
    .bind(catalog)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let data: String = r.try_get("data")?;
        let Ok(item) = serde_json::from_str::<StandardItem>(&data) else { continue };
        if item.path() == path {
            sqlx::query::<Any>(
                "INSERT INTO standard_links (catalog_item_id, standard_item_id, linked_by, linked_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(record.0)
            .bind(r.try_get::<i64, _>("id")?)
            .bind(by)
            .bind(ts::now())
            .execute(&mut *conn)
            .await?;
            break;
        }
    }
    Ok(())
}

/// Store the name list of a record linked to a name-list matter (replacing an earlier one).
pub async fn set_roster(db: &Db, actor: &Actor, org: OrgId, record: ItemId, roster: &Roster) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let owner: Option<i64> = sqlx::query_scalar::<Any, i64>("SELECT org_id FROM catalog_items WHERE id = $1")
        .bind(record.0)
        .fetch_optional(&mut *tx)
        .await?;
    if owner != Some(org.0) {
        return Err(StoreError::NotFound);
    }
    let data = serde_json::to_string(roster).map_err(|e| StoreError::Encode(e.to_string()))?;
    sqlx::query::<Any>("DELETE FROM catalog_rosters WHERE item_id = $1").bind(record.0).execute(&mut *tx).await?;
    sqlx::query::<Any>("INSERT INTO catalog_rosters (item_id, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4)")
        .bind(record.0)
        .bind(data)
        .bind(&actor.label)
        .bind(ts::now())
        .execute(&mut *tx)
        .await?;
    let rows = roster.rows.len().to_string();
    audit::record(
        &mut tx,
        actor,
        "roster",
        "catalog_item",
        &record.to_string(),
        Some(org),
        &Changes::new().field("rows", None, Some(rows.as_str())),
    )
    .await?;
    crate::catalog::touch(&mut tx, record).await?;
    tx.commit().await?;
    Ok(())
}

/// The name list of a record as it may be shown now: only the columns its matter still
/// lists (a matter narrowed after the upload narrows what is shown), none when the record
/// is no longer linked to a name-list matter.
pub async fn roster(db: &Db, record: ItemId) -> Result<Option<Roster>> {
    let Some(stored) = sqlx::query_scalar::<Any, String>("SELECT data FROM catalog_rosters WHERE item_id = $1")
        .bind(record.0)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let stored: Roster =
        serde_json::from_str(&stored).map_err(|e| StoreError::Corrupt(format!("roster of item {record}: {e}")))?;
    let Some(matter) = link_of(db, record).await? else { return Ok(None) };
    let listed = item(db, matter).await?.item.list_fields;
    let keep: Vec<usize> = (0..stored.fields.len()).filter(|i| listed.contains(&stored.fields[*i])).collect();
    if keep.is_empty() {
        return Ok(None);
    }
    Ok(Some(Roster {
        fields: keep.iter().map(|&i| stored.fields[i].clone()).collect(),
        rows: stored
            .rows
            .iter()
            .map(|r| keep.iter().map(|&i| r.get(i).cloned().unwrap_or_default()).collect())
            .collect(),
    }))
}

/// Take down every public notice whose period ended before `today`: the record leaves the
/// portal, the search index and the feeds (as a tombstone), and stays counted as published.
pub async fn expire_notices(db: &Db, today: Date) -> Result<u64> {
    let ids: Vec<i64> = sqlx::query_scalar::<Any, i64>(
        "SELECT id FROM catalog_items WHERE status = 'published' AND notice_until IS NOT NULL AND notice_until < $1",
    )
    .bind(today.to_string())
    .fetch_all(db.pool())
    .await?;
    let actor = Actor::system("system");
    let mut n = 0;
    for id in ids {
        let mut tx = db.begin_write().await?;
        let next = transition(Status::Published, Action::Expire, gongkai_core::catalog::Attribute::Proactive)
            .map_err(StoreError::Conflict)?;
        let done = sqlx::query::<Any>(
            "UPDATE catalog_items SET status = $1, updated_at = $2 WHERE id = $3 AND status = 'published'",
        )
        .bind(next.code())
        .bind(ts::now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 1 {
            let org: i64 = sqlx::query_scalar::<Any, i64>("SELECT org_id FROM catalog_items WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            // Off the column pages too (their lists are kept apart from the items).
            sqlx::query::<Any>("DELETE FROM catalog_column_items WHERE item_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let changes = Changes::new().field("status", Some(Status::Published.code()), Some(next.code()));
            audit::record(&mut tx, &actor, "expire", "catalog_item", &id.to_string(), Some(OrgId(org)), &changes)
                .await?;
            crate::catalog::touch(&mut tx, ItemId(id)).await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n)
}

/// The matter a record is linked to, if any.
pub async fn link_of(db: &Db, record: ItemId) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar::<Any, i64>("SELECT standard_item_id FROM standard_links WHERE catalog_item_id = $1")
        .bind(record.0)
        .fetch_optional(db.pool())
        .await?)
}
