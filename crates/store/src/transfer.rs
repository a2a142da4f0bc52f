//! Moving a whole database to another one (SQLite to PostgreSQL when an installation grows,
//! or back): every table, in an order that satisfies its foreign keys, from one consistent
//! snapshot of the source, into an empty target in one transaction, so a failed copy leaves
//! the target as it was. Identity sequences on PostgreSQL are moved past the copied ids.
//!
//! Values are copied as the schema stores them on both databases (BIGINT integers, 0/1
//! booleans, TEXT instants and dates, BLOB/BYTEA files; see docs/ARCHITECTURE.md), so no
//! value is converted. Sealed personal data stays sealed: the target needs the same data
//! key file.

use crate::db::Backend;
use crate::{Db, Result, StoreError};
use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

/// Tables a fresh database already has rows in, written by the migrations themselves
/// (the civil-affairs standard domains, the feed clock): replaced by the source's rows.
pub const MIGRATION_SEEDED: [&str; 2] = ["feed_clock", "standard_domains"];

/// How a column's values are bound on the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColKind {
    Int,
    Real,
    Text,
    Blob,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: ColKind,
    nullable: bool,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// Tables its foreign keys point to, itself excluded.
    parents: BTreeSet<String>,
    /// Nullable columns that point into the same table: written after every row is in.
    self_refs: Vec<String>,
}

/// One table's rows in the source and, after the copy, in the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: String,
    pub source: u64,
    pub target: u64,
}

fn kind_of(declared: &str) -> ColKind {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        ColKind::Int
    } else if t.contains("real") || t.contains("double") || t.contains("numeric") || t.contains("float") {
        ColKind::Real
    } else if t.contains("blob") || t.contains("bytea") {
        ColKind::Blob
    } else {
        ColKind::Text
    }
}

fn q(sql: String) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments> {
    sqlx::query::<Any>(sqlx::AssertSqlSafe(sql))
}

fn ident(name: &str) -> Result<String> {
    // Names come from the database's own catalogue; quoting keeps them names.
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty() {
        Ok(format!("\"{name}\""))
    } else {
        Err(StoreError::Config(format!("unexpected table or column name {name:?}")))
    }
}

async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<BTreeMap<String, Table>> {
    let names: Vec<String> = match backend {
        Backend::Sqlite => q("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
               AND name <> '_sqlx_migrations'"
            .into())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect(),
        Backend::Postgres => {
            q("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
               AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'"
                .into())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect()
        }
    };
    let mut out = BTreeMap::new();
    for name in names {
        let lit = name.replace('\'', "''");
        let (cols, fks): (Vec<AnyRow>, Vec<AnyRow>) = match backend {
            Backend::Sqlite => (
                q(format!(
                    "SELECT name, type, CAST(CASE WHEN \"notnull\" = 0 AND pk = 0 THEN 1 ELSE 0 END AS BIGINT) \
                     FROM pragma_table_info('{lit}') ORDER BY cid"
                ))
                .fetch_all(&mut *conn)
                .await?,
                q(format!("SELECT \"table\", \"from\" FROM pragma_foreign_key_list('{lit}')")).fetch_all(&mut *conn).await?,
            ),
            Backend::Postgres => (
                q(format!(
                    "SELECT column_name::text, data_type::text, CAST(CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS BIGINT) \
                     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{lit}' \
                     ORDER BY ordinal_position"
                ))
                .fetch_all(&mut *conn)
                .await?,
                q(format!(
                    "SELECT p.relname::text, a.attname::text FROM pg_constraint c \
                     JOIN pg_class s ON s.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid \
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) \
                     WHERE c.contype = 'f' AND s.relname = '{lit}' AND s.relnamespace = current_schema()::regnamespace"
                ))
                .fetch_all(&mut *conn)
                .await?,
            ),
        };
        let columns: Vec<Column> = cols
            .iter()
            .map(|r| Column {
                name: r.get::<String, _>(0),
                kind: kind_of(&r.get::<String, _>(1)),
                nullable: r.get::<i64, _>(2) != 0,
            })
            .collect();
        let mut parents = BTreeSet::new();
        let mut self_refs = Vec::new();
        for fk in &fks {
            let (to, from): (String, String) = (fk.get(0), fk.get(1));
            if to == name {
                if columns.iter().any(|c| c.name == from && c.nullable) {
                    self_refs.push(from);
                }
            } else {
                parents.insert(to);
            }
        }
        out.insert(name.clone(), Table { name, columns, parents, self_refs });
    }
    Ok(out)
}

/// Tables ordered so that every table comes after the tables its foreign keys point to.
fn ordered(tables: &BTreeMap<String, Table>) -> Result<Vec<Table>> {
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < tables.len() {
        let ready: Vec<&Table> = tables
            .values()
            .filter(|t| {
                !done.contains(&t.name) && t.parents.iter().all(|p| done.contains(p) || !tables.contains_key(p))
            })
            .collect();
        if ready.is_empty() {
            let left: Vec<&str> = tables.keys().filter(|t| !done.contains(*t)).map(String::as_str).collect();
            return Err(StoreError::Config(format!("the foreign keys of these tables form a cycle: {left:?}")));
        }
        for t in ready {
            done.insert(t.name.clone());
            out.push(t.clone());
        }
    }
    Ok(out)
}

async fn last_migration(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar::<Any, i64>("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success = TRUE")
        .fetch_one(conn)
        .await?)
}

async fn count(conn: &mut AnyConnection, table: &str) -> Result<u64> {
    let n: i64 = sqlx::query_scalar::<Any, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {}", ident(table)?)))
        .fetch_one(conn)
        .await?;
    Ok(n as u64)
}

#[derive(Debug, Clone)]
enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

fn value(row: &AnyRow, i: usize, want: ColKind, at: &str) -> Result<Val> {
    let mismatch =
        |e: sqlx::Error| StoreError::Config(format!("{at}: a value the target column ({want:?}) cannot take: {e}"));
    Ok(match want {
        ColKind::Int => match row.try_get::<Option<i64>, _>(i) {
            Ok(v) => v.map_or(Val::Null, Val::Int),
            Err(e) => match row.try_get::<Option<i32>, _>(i) {
                Ok(v) => v.map_or(Val::Null, |n| Val::Int(i64::from(n))),
                Err(_) => row
                    .try_get::<Option<bool>, _>(i)
                    .map_err(|_| mismatch(e))?
                    .map_or(Val::Null, |b| Val::Int(i64::from(b))),
            },
        },
        ColKind::Real => match row.try_get::<Option<f64>, _>(i) {
            Ok(v) => v.map_or(Val::Null, Val::Real),
            Err(e) => {
                row.try_get::<Option<i64>, _>(i).map_err(|_| mismatch(e))?.map_or(Val::Null, |n| Val::Real(n as f64))
            }
        },
        ColKind::Text => row.try_get::<Option<String>, _>(i).map_err(mismatch)?.map_or(Val::Null, Val::Text),
        ColKind::Blob => row.try_get::<Option<Vec<u8>>, _>(i).map_err(mismatch)?.map_or(Val::Null, Val::Blob),
    })
}

fn bind_val(
    query: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>,
    v: Val,
    kind: ColKind,
) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments> {
    match (v, kind) {
        (Val::Null, ColKind::Int) => query.bind(None::<i64>),
        (Val::Null, ColKind::Real) => query.bind(None::<f64>),
        (Val::Null, ColKind::Text) => query.bind(None::<String>),
        (Val::Null, ColKind::Blob) => query.bind(None::<Vec<u8>>),
        (Val::Int(n), _) => query.bind(n),
        (Val::Real(x), _) => query.bind(x),
        (Val::Text(s), _) => query.bind(s),
        (Val::Blob(b), _) => query.bind(b),
    }
}

/// Insert `rows` (values in `cols` order) as one statement.
async fn insert(conn: &mut AnyConnection, table: &str, cols: &[Column], rows: Vec<Vec<Val>>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = cols.iter().map(|c| ident(&c.name)).collect::<Result<_>>()?;
    let mut sql = format!("INSERT INTO {} ({}) VALUES ", ident(table)?, names.join(", "));
    let mut n = 0;
    for (r, _) in rows.iter().enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols.len() {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    let mut query = q(sql);
    for row in rows {
        for (v, c) in row.into_iter().zip(cols) {
            query = bind_val(query, v, c.kind);
        }
    }
    query.execute(conn).await?;
    Ok(())
}

/// Copy every table of `from` into `to` (both migrated to the same version; `to` holding
/// no data yet). `progress` is told each table's name and rows copied so far.
pub async fn copy_database(from: &Db, to: &Db, mut progress: impl FnMut(&str, u64)) -> Result<Vec<TableCount>> {
    let mut src = from.pool().acquire().await?;
    let mut dst_check = to.pool().acquire().await?;
    let (src_backend, dst_backend) = (from.backend(), to.backend());
    let (vs, vt) = (last_migration(&mut src).await?, last_migration(&mut dst_check).await?);
    if vs != vt {
        return Err(StoreError::Config(format!(
            "the databases are at different migrations (source {vs}, target {vt}): run `gongkai migrate` on both"
        )));
    }
    let source_tables = tables(&mut src, src_backend).await?;
    let target_tables = tables(&mut dst_check, dst_backend).await?;
    let src_names: BTreeSet<&String> = source_tables.keys().collect();
    let dst_names: BTreeSet<&String> = target_tables.keys().collect();
    if src_names != dst_names {
        return Err(StoreError::Config(format!(
            "the databases have different tables: only in the source {:?}, only in the target {:?}",
            src_names.difference(&dst_names).collect::<Vec<_>>(),
            dst_names.difference(&src_names).collect::<Vec<_>>()
        )));
    }
    for t in target_tables.values() {
        if MIGRATION_SEEDED.contains(&t.name.as_str()) {
            continue;
        }
        let n = count(&mut dst_check, &t.name).await?;
        if n > 0 {
            return Err(StoreError::Config(format!(
                "the target database already holds data ({} has {n} rows): migrate-data fills an empty database",
                t.name
            )));
        }
    }
    drop(dst_check);
    let order = ordered(&target_tables)?;

    // One snapshot of the source: a server still writing to it cannot tear the copy.
    match src_backend {
        Backend::Sqlite => sqlx::query::<Any>("BEGIN").execute(&mut *src).await?,
        Backend::Postgres => {
            sqlx::query::<Any>("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").execute(&mut *src).await?
        }
    };
    let mut tx = to.begin_write().await?;
    for t in order.iter().rev() {
        if MIGRATION_SEEDED.contains(&t.name.as_str()) {
            q(format!("DELETE FROM {}", ident(&t.name)?)).execute(&mut *tx).await?;
        }
    }
    let mut counts = Vec::new();
    for t in &order {
        let source = &source_tables[&t.name];
        let cols: Vec<Column> = t.columns.clone();
        for c in &cols {
            if !source.columns.iter().any(|s| s.name == c.name) {
                return Err(StoreError::Config(format!("the source's {} has no column {}", t.name, c.name)));
            }
        }
        let names: Vec<String> = cols.iter().map(|c| ident(&c.name)).collect::<Result<_>>()?;
        let has_id = cols.iter().any(|c| c.name == "id");
        let select =
            format!("SELECT {} FROM {}{}", names.join(", "), ident(&t.name)?, if has_id { " ORDER BY id" } else { "" });
        let per_batch = (30_000 / cols.len().max(1)).clamp(1, 500);
        let mut batch: Vec<Vec<Val>> = Vec::with_capacity(per_batch);
        let mut later: Vec<(i64, Vec<(usize, Val)>)> = Vec::new();
        let mut copied = 0u64;
        let id_at = cols.iter().position(|c| c.name == "id");
        {
            let mut rows = q(select).fetch(&mut *src);
            while let Some(row) = rows.try_next().await? {
                let mut vals = Vec::with_capacity(cols.len());
                let mut deferred = Vec::new();
                for (i, c) in cols.iter().enumerate() {
                    let v = value(&row, i, c.kind, &format!("{}.{}", t.name, c.name))?;
                    if t.self_refs.contains(&c.name) && !matches!(v, Val::Null) {
                        deferred.push((i, v));
                        vals.push(Val::Null);
                    } else {
                        vals.push(v);
                    }
                }
                if !deferred.is_empty() {
                    let Some(Val::Int(id)) = id_at.map(|i| vals[i].clone()) else {
                        return Err(StoreError::Config(format!("{} refers to itself but has no id", t.name)));
                    };
                    later.push((id, deferred));
                }
                batch.push(vals);
                if batch.len() == per_batch {
                    insert(&mut tx, &t.name, &cols, std::mem::take(&mut batch)).await?;
                    copied += per_batch as u64;
                    progress(&t.name, copied);
                }
            }
        }
        copied += batch.len() as u64;
        insert(&mut tx, &t.name, &cols, batch).await?;
        // References within the table, now that every row they may point to is in.
        for (id, vals) in later {
            for (i, v) in vals {
                let sql = format!("UPDATE {} SET {} = $1 WHERE id = $2", ident(&t.name)?, names[i]);
                bind_val(q(sql), v, cols[i].kind).bind(id).execute(&mut *tx).await?;
            }
        }
        progress(&t.name, copied);
        counts.push(TableCount { table: t.name.clone(), source: copied, target: 0 });
    }
    if dst_backend == Backend::Postgres {
        for t in &order {
            if !t.columns.iter().any(|c| c.name == "id") {
                continue;
            }
            let seq: Option<String> =
                sqlx::query_scalar::<Any, Option<String>>("SELECT pg_get_serial_sequence($1, 'id')::text")
                    .bind(t.name.clone())
                    .fetch_one(&mut *tx)
                    .await?;
            if let Some(seq) = seq {
                q(format!(
                    "SELECT setval('{}', COALESCE((SELECT MAX(id) FROM {}), 0) + 1, false)",
                    seq.replace('\'', "''"),
                    ident(&t.name)?
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    for c in counts.iter_mut() {
        c.target = count(&mut tx, &c.table).await?;
        if c.target != c.source {
            return Err(StoreError::Config(format!(
                "{}: {} rows read but {} in the target; nothing was written",
                c.table, c.source, c.target
            )));
        }
    }
    tx.commit().await?;
    sqlx::query::<Any>("COMMIT").execute(&mut *src).await?;
    Ok(counts)
}
