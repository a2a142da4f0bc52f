//! `gongkai migrate-data`: the full demo moved from SQLite to PostgreSQL and back, every
//! table's rows equal value for value, sealed personal data readable with the same key,
//! identities continuing after the copied ids, and a target that holds data refused.

use crate::harness::{Kind, fresh_db, gongkai_bin};
use gongkai_store::Db;
use sqlx::Row;
use std::collections::BTreeMap;

fn run(args: &[&str]) -> (bool, String) {
    let o = std::process::Command::new(gongkai_bin())
        .args(args)
        .env_remove("GONGKAI_DATABASE")
        .env("GONGKAI_FILES", "db")
        .output()
        .unwrap();
    (o.status.success(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

/// Every table's rows, each as text, sorted.
async fn contents(db: &Db) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<String> = match db.backend() {
        gongkai_store::Backend::Sqlite => sqlx::query_scalar::<sqlx::Any, String>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
        )
        .fetch_all(db.pool())
        .await
        .unwrap(),
        gongkai_store::Backend::Postgres => sqlx::query_scalar::<sqlx::Any, String>(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(db.pool())
        .await
        .unwrap(),
    };
    let mut out = BTreeMap::new();
    for t in tables {
        let rows = sqlx::query::<sqlx::Any>(sqlx::AssertSqlSafe(format!("SELECT * FROM {t} ORDER BY 1")))
            .fetch_all(db.pool())
            .await
            .unwrap();
        let mut text: Vec<String> = rows
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
                            format!("{v:?}")
                        } else if let Ok(v) = r.try_get::<Option<String>, _>(i) {
                            format!("{v:?}")
                        } else if let Ok(v) = r.try_get::<Option<f64>, _>(i) {
                            format!("{v:?}")
                        } else {
                            format!("{:?}", r.try_get::<Option<Vec<u8>>, _>(i).unwrap())
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        // As a set of rows: ORDER BY 1 leaves ties in no particular order.
        text.sort();
        out.insert(t, text);
    }
    out
}

/// The same rows, or the first that differs (whole tables are too long to print).
fn same(table: &str, want: &[String], got: &[String]) {
    assert_eq!(got.len(), want.len(), "rows in {table}");
    if let Some((w, g)) = want.iter().zip(got).find(|(w, g)| w != g) {
        panic!("{table}: {w} became {g}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_demo_moves_to_postgresql_and_back_unchanged() {
    let Some((pg, pg_url, _)) = fresh_db(Kind::Postgres).await else {
        eprintln!("SKIPPING the_full_demo_moves_to_postgresql_and_back_unchanged: no PostgreSQL");
        return;
    };
    let (lite, lite_url, dir) = fresh_db(Kind::Sqlite).await.unwrap();
    gongkai::demo::seed(&lite, crate::harness::default_today()).await.unwrap();
    let before = contents(&lite).await;
    let items = before["catalog_items"].len();
    assert!(items > 50 && before["applications"].len() > 100, "the full demo: {items} items");

    let (ok, out) = run(&["migrate-data", "--from", &lite_url, "--to", &pg_url]);
    assert!(ok, "{out}");
    let counted = out.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f == ["catalog_items", items.to_string().as_str(), items.to_string().as_str()]
    });
    assert!(counted && out.contains("rows copied"), "a count per table: {out}");
    let copied = contents(&pg).await;
    assert_eq!(copied.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    for (t, rows) in &before {
        same(t, rows, &copied[t]);
    }

    // Sealed data opens with the same key on the new database.
    let key = dir.as_ref().unwrap().path().join("t.db.key");
    let (keys, _) = gongkai_store::crypto::Keyring::load_or_create(&key).unwrap();
    pg.set_keyring(keys.clone());
    let sealed: (i64, String) = sqlx::query_as::<sqlx::Any, (i64, String)>(
        "SELECT id, phone FROM applications WHERE phone LIKE 'gk1:%' ORDER BY id LIMIT 1",
    )
    .fetch_one(pg.pool())
    .await
    .unwrap();
    let id = gongkai_core::ids::ApplicationId(sealed.0);
    let (here, there) = (
        gongkai_store::applications::get(&lite, id).await.unwrap(),
        gongkai_store::applications::get(&pg, id).await.unwrap(),
    );
    let phone = there.phone.clone().unwrap_or_default();
    assert!(phone.len() >= 7 && !phone.starts_with("gk1:"), "opened: {phone}");
    assert_eq!(here.phone, there.phone);

    // Identities go on after the copied ids.
    let max: i64 =
        sqlx::query_scalar::<sqlx::Any, i64>("SELECT MAX(id) FROM audit_log").fetch_one(pg.pool()).await.unwrap();
    let mut conn = pg.pool().acquire().await.unwrap();
    let none = gongkai_store::audit::Changes::default();
    gongkai_store::audit::record(
        &mut conn,
        &gongkai_store::Actor::cli("test"),
        "test.after_copy",
        "t",
        "1",
        None,
        &none,
    )
    .await
    .unwrap();
    drop(conn);
    let next: i64 =
        sqlx::query_scalar::<sqlx::Any, i64>("SELECT MAX(id) FROM audit_log").fetch_one(pg.pool()).await.unwrap();
    assert!(next > max, "a new row after the copy gets a new id ({next} after {max})");

    // A target that holds data is refused, and left as it was.
    let (ok, out) = run(&["migrate-data", "--from", &lite_url, "--to", &pg_url]);
    assert!(!ok && out.contains("already holds data"), "{out}");
    assert_eq!(contents(&pg).await["catalog_items"], copied["catalog_items"]);

    // And back into a new SQLite file.
    let back_dir = tempfile::tempdir().unwrap();
    let back_url = format!("sqlite://{}", back_dir.path().join("back.db").display());
    let (ok, out) = run(&["migrate-data", "--from", &pg_url, "--to", &back_url]);
    assert!(ok, "{out}");
    let back = Db::open(&back_url, gongkai_store::OpenMode::Existing).await.unwrap();
    let round = contents(&back).await;
    for (t, rows) in &contents(&pg).await {
        same(t, rows, &round[t]);
    }
}

#[tokio::test]
async fn only_the_tables_named_as_seeded_have_rows_in_a_fresh_database() {
    let (db, _, _dir) = fresh_db(Kind::Sqlite).await.unwrap();
    let filled: Vec<String> =
        contents(&db).await.into_iter().filter(|(_, rows)| !rows.is_empty()).map(|(t, _)| t).collect();
    assert_eq!(filled, gongkai_store::transfer::MIGRATION_SEEDED, "migrate-data replaces exactly these");
}
