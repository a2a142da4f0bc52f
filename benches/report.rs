//! Annual-report tables at scale: `cargo bench --bench report`.
//!
//! 1. One body with 1,000,000 applications (received 2023–2025, mixed outcomes and
//!    applicant types): time to compute its 2024 tables. Target ≤ 1 s.
//! 2. 1,000 bodies with 50 applications each: time to compute and sum the tables of all
//!    of them (a supervisor's aggregate). Target ≤ 5 s.
//!
//! SQLite always; PostgreSQL too when `GONGKAI_BENCH_POSTGRES` holds a database URL.

use std::time::Instant;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = format!("sqlite://{}/report-bench.db", dir.path().display());
        run("SQLite", &sqlite).await;
        if let Ok(pg) = std::env::var("GONGKAI_BENCH_POSTGRES") {
            run("PostgreSQL", &pg).await;
        }
    });
}

const KINDS: [&str; 6] =
    ["natural_person", "natural_person", "natural_person", "commercial", "legal_service", "research"];
const OUTCOMES: [&str; 6] = ["disclosed", "disclosed", "partly_disclosed", "not_held", "repeat", "correction_lapsed"];

async fn insert_apps(db: &gongkai_store::Db, org: i64, n: usize, seed: u64) {
    let mut x = seed | 1;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut done = 0;
    while done < n {
        let batch = (n - done).min(400);
        let mut sql = String::from(
            "INSERT INTO applications (org_id, serial, query_code_hash, channel, applicant_kind, applicant_name, id_kind, id_number, info_title, delivery_form, delivery_method, submitted_on, received_on, finished_on, status, outcome, calendar_version, created_at, updated_at) VALUES ",
        );
        for i in 0..batch {
            let r = next();
            let year = 2023 + (r % 3);
            let day = format!("{year}-{:02}-{:02}", 1 + (r >> 8) % 12, 1 + (r >> 16) % 28);
            let open = (r >> 24) % 20 == 0;
            let finished = if open { "NULL".to_string() } else { format!("'{year}-12-31'") };
            let outcome = if open { "NULL".to_string() } else { format!("'{}'", OUTCOMES[((r >> 32) % 6) as usize]) };
            let status = if open { "in_progress" } else { "delivered" };
            let k = KINDS[((r >> 40) % 6) as usize];
            let id = done + i;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({org}, 'B{org}-{id}', 'h{org}-{id}', 'online', '{k}', '申请人', 'passport', 'E{id:08}', '信息', '电子数据', '网上获取', '{day}', '{day}', {finished}, '{status}', {outcome}, 'bench', 'x', 'x')"
            ));
        }
        sqlx::query::<sqlx::Any>(sqlx::AssertSqlSafe(sql)).execute(db.pool()).await.unwrap();
        done += batch;
    }
}

async fn run(name: &str, url: &str) {
    let db = gongkai_store::Db::open(url, gongkai_store::OpenMode::Create).await.unwrap();
    db.migrate().await.unwrap();
    db.set_keyring(gongkai_store::crypto::Keyring::generate());
    let orgs = gongkai::demo::seed_base(&db).await.unwrap();
    let t0 = Instant::now();
    insert_apps(&db, orgs.city.0, 1_000_000, 42).await;
    println!("{name}: inserted 1,000,000 applications in {:.1} s", t0.elapsed().as_secs_f64());
    // Warm once (page cache), then measure three runs.
    gongkai_store::reports::tables(&db, orgs.city, 2024).await.unwrap();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let tables = gongkai_store::reports::tables(&db, orgs.city, 2024).await.unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        assert!(gongkai_core::reports::check(&tables, None).failures.is_empty());
        assert!(tables.get("t3.r3.s7:c3") > 300_000);
    }
    println!("{name}: tables for one body with 1,000,000 applications: best of 3 = {:.3} s", best);

    // 1,000 bodies.
    let mut ids = Vec::new();
    for i in 0..1000 {
        let id: i64 = sqlx::query_scalar::<sqlx::Any, i64>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO organisations (parent_id, kind, name, short_code, credit_code, created_at, updated_at)
             VALUES ({}, 'district_bureau', '基准机构{i}', 'bench{i}', 'BENCH{i:013}', 'x', 'x') RETURNING id",
            orgs.city.0
        )))
        .fetch_one(db.pool())
        .await
        .unwrap();
        insert_apps(&db, id, 50, i as u64 + 7).await;
        ids.push(gongkai_core::orgs::OrgId(id));
    }
    let t = Instant::now();
    let mut parts = Vec::new();
    for id in &ids {
        parts.push(gongkai_store::reports::tables(&db, *id, 2024).await.unwrap());
    }
    let total = gongkai_core::reports::sum(gongkai_core::reports::ReportFormat::F2021, "合计", 2024, &parts);
    let secs = t.elapsed().as_secs_f64();
    assert!(gongkai_core::reports::check(&total, None).failures.is_empty());
    println!("{name}: aggregate over 1,000 bodies (50 applications each): {secs:.3} s");
}
