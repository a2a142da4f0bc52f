//! The one migration source must produce the same schema on both databases: the same
//! tables, columns (name, type family, nullability, default), indexes (and which are
//! unique) and foreign keys.

use crate::harness::{Kind, fresh_db};
use sqlx::Row;
use std::collections::BTreeSet;

/// The type family a column's declared type stands for on either database.
fn family(t: &str) -> &'static str {
    match t.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "smallint" | "int" => "int",
        "text" | "character varying" | "varchar" => "text",
        "blob" | "bytea" => "blob",
        "real" | "double precision" | "double" => "real",
        _ => "other",
    }
}

/// A default as written, without PostgreSQL's casts (`'draft'::text` → `'draft'`).
fn default_of(d: Option<String>) -> String {
    match d {
        None => "none".into(),
        Some(d) => {
            let d = d.trim();
            let d = match d.find("::") {
                Some(i) => &d[..i],
                None => d,
            };
            d.trim_matches(|c| c == '(' || c == ')').to_string()
        }
    }
}

async fn rows(db: &gongkai_store::Db, sql: String) -> Vec<sqlx::any::AnyRow> {
    sqlx::query::<sqlx::Any>(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await.unwrap()
}

async fn sqlite_schema(db: &gongkai_store::Db) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let tables = rows(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'"
            .into(),
    )
    .await;
    for t in tables {
        let name: String = t.get("name");
        out.insert(format!("table {name}"));
        for c in
            rows(db, format!("SELECT name, type, \"notnull\" AS nn, pk, dflt_value FROM pragma_table_info('{name}')"))
                .await
        {
            let col: String = c.get("name");
            let not_null = c.get::<i64, _>("nn") != 0 || c.get::<i64, _>("pk") != 0;
            let ty: String = c.get("type");
            let dflt: Option<String> = c.get("dflt_value");
            out.insert(format!("column {name}.{col} {} notnull={not_null} default={}", family(&ty), default_of(dflt)));
        }
        for i in rows(db, format!("SELECT name, \"unique\" AS u FROM pragma_index_list('{name}')")).await {
            let idx: String = i.get("name");
            if !idx.starts_with("sqlite_autoindex") {
                out.insert(format!("index {idx} on {name} unique={}", i.get::<i64, _>("u") != 0));
            }
        }
        for f in rows(
            db,
            format!("SELECT \"from\" AS f, \"table\" AS t, \"to\" AS c FROM pragma_foreign_key_list('{name}')"),
        )
        .await
        {
            let to: Option<String> = f.get("c");
            out.insert(format!(
                "foreign key {name}.{} -> {}.{}",
                f.get::<String, _>("f"),
                f.get::<String, _>("t"),
                to.unwrap_or_else(|| "id".into())
            ));
        }
    }
    out
}

async fn postgres_schema(db: &gongkai_store::Db) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let cols = rows(
        db,
        "SELECT c.table_name::text AS t, c.column_name::text AS c, c.is_nullable::text AS n, c.data_type::text AS ty,
                c.column_default::text AS d
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_name = c.table_name AND t.table_schema = c.table_schema
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> '_sqlx_migrations'"
            .into(),
    )
    .await;
    for c in cols {
        let t: String = c.get("t");
        out.insert(format!("table {t}"));
        let not_null = c.get::<String, _>("n") == "NO";
        let ty: String = c.get("ty");
        let d: Option<String> = c.get("d");
        out.insert(format!(
            "column {t}.{} {} notnull={not_null} default={}",
            c.get::<String, _>("c"),
            family(&ty),
            default_of(d)
        ));
    }
    let idx = rows(
        db,
        "SELECT indexname::text AS i, tablename::text AS t, indexdef::text AS d FROM pg_indexes
         WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND tablename <> '_sqlx_migrations'"
            .into(),
    )
    .await;
    for i in idx {
        let unique = i.get::<String, _>("d").starts_with("CREATE UNIQUE");
        out.insert(format!("index {} on {} unique={unique}", i.get::<String, _>("i"), i.get::<String, _>("t")));
    }
    let fks = rows(
        db,
        "SELECT kcu.table_name::text AS t, kcu.column_name::text AS c, ccu.table_name::text AS rt, ccu.column_name::text AS rc
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'"
            .into(),
    )
    .await;
    for f in fks {
        out.insert(format!(
            "foreign key {}.{} -> {}.{}",
            f.get::<String, _>("t"),
            f.get::<String, _>("c"),
            f.get::<String, _>("rt"),
            f.get::<String, _>("rc")
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_match() {
    let (sqlite, _, _dir) = fresh_db(Kind::Sqlite).await.unwrap();
    let Some((pg, _, _)) = fresh_db(Kind::Postgres).await else {
        return;
    };
    let a = sqlite_schema(&sqlite).await;
    let b = postgres_schema(&pg).await;
    assert!(a.len() > 40, "schema introspection found too little: {a:?}");
    for kind in ["foreign key ", "index ", "default="] {
        assert!(a.iter().any(|x| x.contains(kind)), "the comparison covers {kind}");
    }
    assert!(a.iter().any(|x| x.contains("unique=true")), "unique indexes compared");
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_pg:#?}"
    );
}

#[test]
fn type_families_and_defaults_normalise() {
    assert_eq!(family("BIGINT"), family("integer"));
    assert_eq!(family("BLOB"), family("bytea"));
    assert_eq!(default_of(Some("'draft'::text".into())), default_of(Some("'draft'".into())));
    assert_ne!(default_of(Some("0".into())), default_of(None));
}
