//! Organisations repository.

pub mod sessions;
pub mod tokens;
pub mod users;

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, map_unique, ts};
use gongkai_core::orgs::{OrgFacts, OrgId, OrgKind, OrgTree, check_structure};
use gongkai_core::{FieldError, FieldErrors};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub hosted_by_id: Option<OrgId>,
    pub kind: OrgKind,
    pub name: String,
    pub short_code: String,
    pub credit_code: String,
    pub address: Option<String>,
    pub office_hours: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const COLS: &str = "id, parent_id, hosted_by_id, kind, name, short_code, credit_code, address, office_hours, phone, fax, email, website, created_at, updated_at";

fn from_row(r: &AnyRow) -> Result<Org> {
    let kind: String = r.try_get("kind")?;
    Ok(Org {
        id: OrgId(r.try_get("id")?),
        parent_id: r.try_get::<Option<i64>, _>("parent_id")?.map(OrgId),
        hosted_by_id: r.try_get::<Option<i64>, _>("hosted_by_id")?.map(OrgId),
        kind: OrgKind::parse(&kind).map_err(|e| StoreError::Config(format!("corrupt organisation kind: {e}")))?,
        name: r.try_get("name")?,
        short_code: r.try_get("short_code")?,
        credit_code: r.try_get("credit_code")?,
        address: r.try_get("address")?,
        office_hours: r.try_get("office_hours")?,
        phone: r.try_get("phone")?,
        fax: r.try_get("fax")?,
        email: r.try_get("email")?,
        website: r.try_get("website")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Every organisation, ordered by id (the tree is small: one agency and its subtree).
pub async fn list(db: &Db) -> Result<Vec<Org>> {
    let sql = format!("SELECT {COLS} FROM organisations ORDER BY id");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(db: &Db, id: OrgId) -> Result<Org> {
    let sql = format!("SELECT {COLS} FROM organisations WHERE id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    row.as_ref().map(from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// Find by short code (case-insensitive) or exact Chinese name.
pub async fn find(db: &Db, code_or_name: &str) -> Result<Org> {
    let key = code_or_name.trim();
    let sql = format!("SELECT {COLS} FROM organisations WHERE short_code = $1 OR name = $2");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql))
        .bind(key.to_ascii_lowercase())
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// The parent/host structure of all organisations, for access decisions.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    links: HashMap<OrgId, (Option<OrgId>, Option<OrgId>)>,
}

impl Tree {
    pub fn from_orgs(orgs: &[Org]) -> Self {
        Self { links: orgs.iter().map(|o| (o.id, (o.parent_id, o.hosted_by_id))).collect() }
    }

    pub fn contains(&self, id: OrgId) -> bool {
        self.links.contains_key(&id)
    }
}

impl OrgTree for Tree {
    fn parent_of(&self, org: OrgId) -> Option<OrgId> {
        self.links.get(&org).and_then(|l| l.0)
    }
    fn hosted_by(&self, org: OrgId) -> Option<OrgId> {
        self.links.get(&org).and_then(|l| l.1)
    }
}

pub async fn tree(db: &Db) -> Result<Tree> {
    let mut conn = db.pool().acquire().await?;
    tree_in(&mut conn).await
}

/// Why a create or update was refused: invalid fields (shown to the user) or storage.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for WriteError {
    fn from(e: sqlx::Error) -> Self {
        WriteError::Store(e.into())
    }
}

const UNIQUE_RULES: &[(&str, &str)] = &[
    ("organisations_name_key", "name"),
    ("organisations.name", "name"),
    ("organisations_short_code_key", "short_code"),
    ("organisations.short_code", "short_code"),
    ("organisations_credit_code_key", "credit_code"),
    ("organisations.credit_code", "credit_code"),
];

fn duplicate_to_field(e: StoreError) -> WriteError {
    match e {
        StoreError::Duplicate { field } => {
            let label = match field {
                "name" => "机构名称",
                "short_code" => "机构简码",
                _ => "统一社会信用代码",
            };
            WriteError::Invalid(FieldError::new(field, format!("{label}已被其他机构使用")).into())
        }
        other => WriteError::Store(other),
    }
}

fn check_links(tree: &Tree, org: Option<OrgId>, f: &OrgFacts) -> Result<(), WriteError> {
    let mut errs = FieldErrors::new();
    if let Some(p) = f.parent_id.filter(|p| !tree.contains(*p)) {
        errs.push(FieldError::new("parent_id", format!("上级机构（编号{p}）不存在")));
    }
    if let Some(h) = f.hosted_by_id.filter(|h| !tree.contains(*h)) {
        errs.push(FieldError::new("hosted_by_id", format!("托管机构（编号{h}）不存在")));
    }
    errs.into_result().map_err(WriteError::Invalid)?;
    check_structure(tree, org, f.parent_id, f.hosted_by_id).map_err(WriteError::Invalid)
}

fn facts_changes(old: Option<&Org>, f: &OrgFacts) -> Changes {
    let o = |get: fn(&Org) -> Option<String>| old.and_then(get);
    Changes::new()
        .field("name", old.map(|x| x.name.clone()), Some(f.name.clone()))
        .field("short_code", old.map(|x| x.short_code.clone()), Some(f.short_code.to_string()))
        .field("kind", old.map(|x| x.kind.code().to_string()), Some(f.kind.code().to_string()))
        .field("credit_code", old.map(|x| x.credit_code.clone()), Some(f.credit_code.to_string()))
        .field("parent_id", old.and_then(|x| x.parent_id.map(|p| p.0)), f.parent_id.map(|p| p.0))
        .field("hosted_by_id", old.and_then(|x| x.hosted_by_id.map(|p| p.0)), f.hosted_by_id.map(|p| p.0))
        .field("address", o(|x| x.address.clone()), f.address.clone())
        .field("office_hours", o(|x| x.office_hours.clone()), f.office_hours.clone())
        .field("phone", o(|x| x.phone.clone()), f.phone.clone())
        .field("fax", o(|x| x.fax.clone()), f.fax.clone())
        .field("email", o(|x| x.email.clone()), f.email.clone())
        .field("website", o(|x| x.website.clone()), f.website.clone())
}

/// Bind the facts as $1..$12 and the update time as $13, in the column order both the
/// insert and the update use.
fn bind_facts<'q>(
    q: sqlx::query::Query<'q, Any, <Any as sqlx::Database>::Arguments>,
    f: &'q OrgFacts,
    now: &'q str,
) -> sqlx::query::Query<'q, Any, <Any as sqlx::Database>::Arguments> {
    q.bind(f.parent_id.map(|p| p.0))
        .bind(f.hosted_by_id.map(|p| p.0))
        .bind(f.kind.code())
        .bind(f.name.as_str())
        .bind(f.short_code.as_str())
        .bind(f.credit_code.as_str())
        .bind(f.address.as_deref())
        .bind(f.office_hours.as_deref())
        .bind(f.phone.as_deref())
        .bind(f.fax.as_deref())
        .bind(f.email.as_deref())
        .bind(f.website.as_deref())
        .bind(now)
}

pub async fn create(db: &Db, actor: &Actor, f: &OrgFacts) -> Result<OrgId, WriteError> {
    let mut tx = db.begin_write().await?;
    // The tree is read inside the write transaction so the structure check sees what
    // the insert will be checked against.
    let tree = tree_in(&mut tx).await?;
    check_links(&tree, None, f)?;
    let now = ts::now();
    let row = bind_facts(
        sqlx::query::<Any>(
            "INSERT INTO organisations (parent_id, hosted_by_id, kind, name, short_code, credit_code, address,
                 office_hours, phone, fax, email, website, updated_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        ),
        f,
        &now,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| duplicate_to_field(map_unique(e, UNIQUE_RULES)))?;
    let id: i64 = row.try_get("id")?;
    audit::record(&mut tx, actor, "create", "organisation", &id.to_string(), Some(OrgId(id)), &facts_changes(None, f))
        .await?;
    tx.commit().await?;
    Ok(OrgId(id))
}

pub async fn update(db: &Db, actor: &Actor, id: OrgId, f: &OrgFacts) -> Result<(), WriteError> {
    let mut tx = db.begin_write().await?;
    let sql = format!("SELECT {COLS} FROM organisations WHERE id = $1");
    let old = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(&mut *tx).await?;
    let old = old.as_ref().map(from_row).transpose()?.ok_or(StoreError::NotFound)?;
    let tree = tree_in(&mut tx).await?;
    check_links(&tree, Some(id), f)?;
    // An organisation that hosts others cannot itself become hosted (no chains).
    if f.hosted_by_id.is_some() {
        let hosts_others: i64 =
            sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM organisations WHERE hosted_by_id = $1")
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await?;
        if hosts_others > 0 {
            return Err(WriteError::Invalid(
                FieldError::new("hosted_by_id", "本机构正在托管其他机构，不能再由其他机构托管").into(),
            ));
        }
    }
    let changes = facts_changes(Some(&old), f);
    if changes.is_empty() {
        return Ok(());
    }
    let now = ts::now();
    bind_facts(
        sqlx::query::<Any>(
            "UPDATE organisations SET parent_id = $1, hosted_by_id = $2, kind = $3, name = $4, short_code = $5,
                 credit_code = $6, address = $7, office_hours = $8, phone = $9, fax = $10, email = $11,
                 website = $12, updated_at = $13
             WHERE id = $14",
        ),
        f,
        &now,
    )
    .bind(id.0)
    .execute(&mut *tx)
    .await
    .map_err(|e| duplicate_to_field(map_unique(e, UNIQUE_RULES)))?;
    audit::record(&mut tx, actor, "update", "organisation", &id.to_string(), Some(id), &changes).await?;
    tx.commit().await?;
    Ok(())
}

async fn tree_in(conn: &mut sqlx::AnyConnection) -> Result<Tree> {
    let rows = sqlx::query::<Any>("SELECT id, parent_id, hosted_by_id FROM organisations").fetch_all(conn).await?;
    let mut links = HashMap::new();
    for r in &rows {
        links.insert(
            OrgId(r.try_get("id")?),
            (
                r.try_get::<Option<i64>, _>("parent_id")?.map(OrgId),
                r.try_get::<Option<i64>, _>("hosted_by_id")?.map(OrgId),
            ),
        );
    }
    Ok(Tree { links })
}
