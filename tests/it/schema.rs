//! The two migration folders must produce the same schema: same tables, same columns
//! (names and nullability), same indexes.

use crate::harness::{Kind, fresh_db};
use sqlx::Row;
use std::collections::BTreeSet;

async fn sqlite_schema(db: &gongkai_store::Db) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let tables = sqlx::query::<sqlx::Any>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    for t in tables {
        let name: String = t.get("name");
        out.insert(format!("table {name}"));
        let cols = sqlx::query::<sqlx::Any>(sqlx::AssertSqlSafe(format!(
            "SELECT name, \"notnull\" AS nn, pk FROM pragma_table_info('{name}')"
        )))
        .fetch_all(db.pool())
        .await
        .unwrap();
        for c in cols {
            let col: String = c.get("name");
            let not_null = c.get::<i64, _>("nn") != 0 || c.get::<i64, _>("pk") != 0;
            out.insert(format!("column {name}.{col} notnull={not_null}"));
        }
    }
    let idx = sqlx::query::<sqlx::Any>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    for i in idx {
        out.insert(format!("index {}", i.get::<String, _>("name")));
    }
    out
}

async fn postgres_schema(db: &gongkai_store::Db) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let cols = sqlx::query::<sqlx::Any>(
        "SELECT c.table_name::text AS t, c.column_name::text AS c, c.is_nullable::text AS n
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_name = c.table_name AND t.table_schema = c.table_schema
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    for c in cols {
        let t: String = c.get("t");
        out.insert(format!("table {t}"));
        let not_null = c.get::<String, _>("n") == "NO";
        out.insert(format!("column {t}.{} notnull={not_null}", c.get::<String, _>("c")));
    }
    let idx = sqlx::query::<sqlx::Any>(
        "SELECT indexname::text AS i FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey'
           AND tablename <> '_sqlx_migrations'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    for i in idx {
        out.insert(format!("index {}", i.get::<String, _>("i")));
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
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_pg:#?}"
    );
}
