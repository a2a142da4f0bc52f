//! Moving a body's whole catalog between platforms: every column of the column tree, the
//! items (with their review trail, dates, index numbers and validity history), the
//! attachments' metadata and bytes, name lists, links to standard-catalog matters, the
//! index-number pattern and serials. The export names columns by slug and items by their
//! position in the export, never by database ids, so exporting what an import wrote gives
//! the same document again (the round trip the tests check).

use super::{ITEM_COLS, log_change_in, rebuild_column_lists};
use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError};
use gongkai_core::ids::{ItemId, OrgId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::{Any, Row};
use std::collections::BTreeMap;

pub const FORMAT: &str = "gongkai-catalog/1";

/// Item columns carried as they are (ids and feed positions are the platform's own).
fn item_fields() -> Vec<&'static str> {
    ITEM_COLS
        .split(", ")
        .filter(|c| !matches!(*c, "id" | "org_id" | "column_id" | "interprets_id"))
        .chain(["created_at", "updated_at"])
        .collect()
}

const INT_FIELDS: [&str; 4] = ["late", "position", "limit_wd", "size"];
const VALIDITY_FIELDS: [&str; 5] = ["validity", "on_date", "note", "decided_by", "decided_at"];
const ATTACHMENT_FIELDS: [&str; 7] = ["name", "mime", "size", "sha256", "text", "uploaded_by", "uploaded_at"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub org: ExportOrg,
    pub index_pattern: Option<String>,
    pub serials: Vec<(String, i64)>,
    pub columns: Vec<ExportColumn>,
    pub items: Vec<ExportItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportOrg {
    pub name: String,
    pub short_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportColumn {
    pub slug: String,
    pub parent: Option<String>,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub position: i64,
    pub limit_wd: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportItem {
    /// Position in the export (1-based), what `interprets` refers to.
    pub r#ref: usize,
    pub column: String,
    pub interprets: Option<usize>,
    pub fields: Map<String, Value>,
    pub validity_history: Vec<Map<String, Value>>,
    /// Metadata; the bytes are the file `attachments/<sha256>` of the archive.
    pub attachments: Vec<Map<String, Value>>,
    /// A name list, as stored (only the fields its matter lists).
    pub roster: Option<Value>,
    /// The standard-catalog matter it fulfils: (catalog name, matter path).
    pub fulfils: Option<(String, String)>,
}

fn cells(r: &AnyRow, fields: &[&str]) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    for f in fields {
        let v = if INT_FIELDS.contains(f) {
            r.try_get::<Option<i64>, _>(*f)?.map_or(Value::Null, Value::from)
        } else {
            r.try_get::<Option<String>, _>(*f)?.map_or(Value::Null, Value::from)
        };
        m.insert((*f).to_string(), v);
    }
    Ok(m)
}

/// The whole catalog of `org`, and the attachment bytes by sha256.
pub async fn export(db: &Db, org: OrgId) -> Result<(Export, BTreeMap<String, Vec<u8>>)> {
    let o = crate::orgs::get(db, org).await?;
    let pool = db.pool();
    let index_pattern =
        sqlx::query_scalar::<Any, String>("SELECT index_pattern FROM catalog_settings WHERE org_id = $1")
            .bind(org.0)
            .fetch_optional(pool)
            .await?;
    let serials =
        sqlx::query::<Any>("SELECT period, last_serial FROM catalog_serials WHERE org_id = $1 ORDER BY period")
            .bind(org.0)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("period")?, r.try_get("last_serial")?)))
            .collect::<Result<Vec<_>>>()?;
    let cols = sqlx::query::<Any>(
        "SELECT c.id, c.slug, p.slug AS parent, c.name, c.kind, c.description, c.position, c.limit_wd
         FROM catalog_columns c LEFT JOIN catalog_columns p ON p.id = c.parent_id WHERE c.org_id = $1 ORDER BY c.id",
    )
    .bind(org.0)
    .fetch_all(pool)
    .await?;
    let mut slug_of = BTreeMap::new();
    let mut columns = vec![];
    for r in &cols {
        let slug: String = r.try_get("slug")?;
        slug_of.insert(r.try_get::<i64, _>("id")?, slug.clone());
        columns.push(ExportColumn {
            slug,
            parent: r.try_get("parent")?,
            name: r.try_get("name")?,
            kind: r.try_get("kind")?,
            description: r.try_get("description")?,
            position: r.try_get("position")?,
            limit_wd: r.try_get("limit_wd")?,
        });
    }
    let fields = item_fields();
    let sql = format!(
        "SELECT id, column_id, interprets_id, {} FROM catalog_items WHERE org_id = $1 ORDER BY id",
        fields.join(", ")
    );
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(pool).await?;
    let ref_of: BTreeMap<i64, usize> =
        rows.iter().enumerate().map(|(i, r)| Ok((r.try_get::<i64, _>("id")?, i + 1))).collect::<Result<_>>()?;
    let mut items = vec![];
    let mut files = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let id: i64 = r.try_get("id")?;
        let column_id: i64 = r.try_get("column_id")?;
        let validity_history = sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM catalog_validity WHERE item_id = $1 ORDER BY id",
            VALIDITY_FIELDS.join(", ")
        )))
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|v| cells(v, &VALIDITY_FIELDS))
        .collect::<Result<Vec<_>>>()?;
        let mut attachments = vec![];
        for a in sqlx::query::<Any>(sqlx::AssertSqlSafe(format!(
            "SELECT {}, data, stored FROM catalog_attachments WHERE item_id = $1 ORDER BY id",
            ATTACHMENT_FIELDS.join(", ")
        )))
        .bind(id)
        .fetch_all(pool)
        .await?
        {
            let meta = cells(&a, &ATTACHMENT_FIELDS)?;
            let sha: String = a.try_get("sha256")?;
            let data = crate::files::read(db, &a.try_get::<String, _>("stored")?, &sha, a.try_get("data")?).await?;
            files.insert(sha, data);
            attachments.push(meta);
        }
        let roster = sqlx::query_scalar::<Any, String>("SELECT data FROM catalog_rosters WHERE item_id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("roster of item {id}: {e}"))))
            .transpose()?;
        let fulfils = crate::oversight::fulfils(db, ItemId(id)).await?;
        items.push(ExportItem {
            r#ref: i + 1,
            column: slug_of.get(&column_id).cloned().ok_or_else(|| StoreError::Corrupt(format!("item {id} column")))?,
            interprets: r.try_get::<Option<i64>, _>("interprets_id")?.and_then(|t| ref_of.get(&t).copied()),
            fields: cells(r, &fields)?,
            validity_history,
            attachments,
            roster,
            fulfils,
        });
    }
    let export = Export {
        format: FORMAT.into(),
        org: ExportOrg { name: o.name, short_code: o.short_code },
        index_pattern,
        serials,
        columns,
        items,
    };
    Ok((export, files))
}

fn bind_value<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    v: &Value,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    match v {
        Value::Null => q.bind(None::<String>),
        Value::Number(n) => q.bind(n.as_i64()),
        Value::String(s) => q.bind(s.clone()),
        other => q.bind(other.to_string()),
    }
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub columns: usize,
    pub items: usize,
    pub attachments: usize,
}

fn refuse(msg: impl Into<String>) -> StoreError {
    StoreError::Conflict(msg.into())
}

/// Write an export into `org`, in one transaction: columns are matched by slug (an
/// existing column takes the export's name and settings), items are added; an index number
/// already used anywhere on this platform refuses the whole import, so nothing is half
/// written.
pub async fn import(
    db: &Db,
    actor: &Actor,
    org: OrgId,
    export: &Export,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<Imported> {
    if export.format != FORMAT {
        return Err(refuse(format!("unknown export format '{}' (expected {FORMAT})", export.format)));
    }
    let fields = item_fields();
    for it in &export.items {
        if let Some(k) = it.fields.keys().find(|k| !fields.contains(&k.as_str())) {
            return Err(refuse(format!("item {}: unknown field '{k}'", it.r#ref)));
        }
        for a in &it.attachments {
            let sha = a.get("sha256").and_then(Value::as_str).unwrap_or_default();
            if !files.contains_key(sha) {
                return Err(refuse(format!("item {}: attachment file {sha} is missing from the archive", it.r#ref)));
            }
        }
    }
    // Make sure the default tree exists before matching, so a fresh body's defaults are reused.
    super::columns(db, org).await?;
    // Files into the file store first: no write lock is held during the uploads.
    let mut stored: BTreeMap<&str, (&'static str, Vec<u8>)> = BTreeMap::new();
    for a in export.items.iter().flat_map(|it| &it.attachments) {
        let sha = a.get("sha256").and_then(Value::as_str).unwrap_or_default();
        if !stored.contains_key(sha) {
            let kept = crate::files::write(db, sha, &files[sha]).await.map_err(|e| match e {
                StoreError::Corrupt(_) => refuse(format!("attachment file {sha} does not match its SHA-256")),
                e => e,
            })?;
            stored.insert(sha, kept);
        }
    }
    let mut tx = db.begin_write().await?;
    let mut out = Imported::default();
    if let Some(p) = &export.index_pattern {
        sqlx::query::<Any>("DELETE FROM catalog_settings WHERE org_id = $1").bind(org.0).execute(&mut *tx).await?;
        sqlx::query::<Any>("INSERT INTO catalog_settings (org_id, index_pattern) VALUES ($1, $2)")
            .bind(org.0)
            .bind(p)
            .execute(&mut *tx)
            .await?;
    }
    for (period, last) in &export.serials {
        sqlx::query::<Any>("DELETE FROM catalog_serials WHERE org_id = $1 AND period = $2")
            .bind(org.0)
            .bind(period)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<Any>("INSERT INTO catalog_serials (org_id, period, last_serial) VALUES ($1, $2, $3)")
            .bind(org.0)
            .bind(period)
            .bind(last)
            .execute(&mut *tx)
            .await?;
    }
    let mut column_id = BTreeMap::new();
    for c in &export.columns {
        let existing = sqlx::query_scalar::<Any, i64>("SELECT id FROM catalog_columns WHERE org_id = $1 AND slug = $2")
            .bind(org.0)
            .bind(&c.slug)
            .fetch_optional(&mut *tx)
            .await?;
        let id = match existing {
            Some(id) => {
                sqlx::query::<Any>(
                    "UPDATE catalog_columns SET name = $1, kind = $2, description = $3, position = $4, limit_wd = $5 WHERE id = $6",
                )
                .bind(&c.name)
                .bind(&c.kind)
                .bind(&c.description)
                .bind(c.position)
                .bind(c.limit_wd)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                id
            }
            None => {
                out.columns += 1;
                sqlx::query_scalar::<Any, i64>(
                    "INSERT INTO catalog_columns (org_id, slug, name, kind, description, position, limit_wd)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(org.0)
                .bind(&c.slug)
                .bind(&c.name)
                .bind(&c.kind)
                .bind(&c.description)
                .bind(c.position)
                .bind(c.limit_wd)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        column_id.insert(c.slug.clone(), id);
    }
    for c in &export.columns {
        let parent = match &c.parent {
            Some(p) => Some(*column_id.get(p).ok_or_else(|| refuse(format!("column {}: unknown parent {p}", c.slug)))?),
            None => None,
        };
        sqlx::query::<Any>("UPDATE catalog_columns SET parent_id = $1 WHERE id = $2")
            .bind(parent)
            .bind(column_id[&c.slug])
            .execute(&mut *tx)
            .await?;
    }
    let mut item_id: BTreeMap<usize, i64> = BTreeMap::new();
    for it in &export.items {
        if let Some(Value::String(no)) = it.fields.get("index_no") {
            let taken: i64 = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM catalog_items WHERE index_no = $1")
                .bind(no)
                .fetch_one(&mut *tx)
                .await?;
            if taken > 0 {
                return Err(refuse(format!(
                    "index number {no} is already used on this platform; nothing was imported"
                )));
            }
        }
        let col = *column_id.get(&it.column).ok_or_else(|| refuse(format!("item {}: unknown column", it.r#ref)))?;
        let names: Vec<&str> = fields.iter().copied().filter(|f| it.fields.contains_key(*f)).collect();
        let marks: Vec<String> = (0..names.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "INSERT INTO catalog_items (org_id, column_id, {}) VALUES ($1, $2, {}) RETURNING id",
            names.join(", "),
            marks.join(", ")
        );
        let mut q = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).bind(col);
        for n in &names {
            q = bind_value(q, &it.fields[*n]);
        }
        let id: i64 = q.fetch_one(&mut *tx).await?.try_get("id")?;
        item_id.insert(it.r#ref, id);
        for v in &it.validity_history {
            let mut q = sqlx::query::<Any>(
                "INSERT INTO catalog_validity (item_id, validity, on_date, note, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id);
            for f in VALIDITY_FIELDS {
                q = bind_value(q, v.get(f).unwrap_or(&Value::Null));
            }
            q.execute(&mut *tx).await?;
        }
        for a in &it.attachments {
            let sha = a.get("sha256").and_then(Value::as_str).unwrap_or_default();
            let mut q = sqlx::query::<Any>(
                "INSERT INTO catalog_attachments (item_id, name, mime, size, sha256, text, uploaded_by, uploaded_at, stored, data)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id);
            for f in ATTACHMENT_FIELDS {
                q = bind_value(q, a.get(f).unwrap_or(&Value::Null));
            }
            let (place, data) = &stored[sha];
            q.bind(*place).bind(data.clone()).execute(&mut *tx).await?;
            out.attachments += 1;
        }
        if let Some(r) = &it.roster {
            sqlx::query::<Any>(
                "INSERT INTO catalog_rosters (item_id, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(r.to_string())
            .bind(&actor.label)
            .bind(crate::ts::now())
            .execute(&mut *tx)
            .await?;
        }
        out.items += 1;
    }
    for it in &export.items {
        if let Some(target) = it.interprets {
            let t =
                *item_id.get(&target).ok_or_else(|| refuse(format!("item {}: interprets unknown item", it.r#ref)))?;
            sqlx::query::<Any>("UPDATE catalog_items SET interprets_id = $1 WHERE id = $2")
                .bind(t)
                .bind(item_id[&it.r#ref])
                .execute(&mut *tx)
                .await?;
        }
        if let Some((catalog, path)) = &it.fulfils {
            crate::oversight::relink_in(&mut tx, org, ItemId(item_id[&it.r#ref]), catalog, path, &actor.label).await?;
        }
        log_change_in(&mut tx, ItemId(item_id[&it.r#ref])).await?;
    }
    let changes = Changes::new().field("items", None, Some(out.items.to_string().as_str())).field(
        "from",
        None,
        Some(export.org.short_code.as_str()),
    );
    audit::record(&mut tx, actor, "import", "catalog", &org.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    rebuild_column_lists(db, org).await?;
    Ok(out)
}
