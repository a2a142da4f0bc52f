//! Intake through HTTP on SQLite: `cargo bench --bench intake`.
//!
//! Starts the real server in-process on a fresh SQLite file, then POSTs applications
//! through the JSON API from concurrent clients for a fixed duration, and checks that
//! every accepted application is in the database (nothing lost). Prints applications
//! per second. Target (issue 3): at least 500 applications/s sustained.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run());
}

async fn run() {
    let secs: u64 = std::env::var("INTAKE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let clients: usize = std::env::var("INTAKE_CLIENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(16);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let db = gongkai_store::Db::open(&url, gongkai_store::OpenMode::Create).await.unwrap();
    db.migrate().await.unwrap();
    db.set_keyring(gongkai_store::crypto::Keyring::generate());
    let orgs = gongkai::demo::seed_base(&db).await.unwrap();
    // An API token for the city bureau's staff account.
    let staff = gongkai_store::orgs::users::credentials(&db, "gzmz.staff").await.unwrap().unwrap().0;
    let token = "gk_benchbenchbenchbenchbenchbenchbench0000";
    gongkai_store::orgs::tokens::create(
        &db,
        &gongkai_store::Actor::system("bench"),
        staff.id,
        "bench",
        &gongkai_web::http::auth::sha256_hex(token),
        "gk_bench",
        None,
    )
    .await
    .unwrap();
    let state = gongkai_web::AppState::new(db.clone(), gongkai_web::WebConfig::default()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));
    let endpoint = format!("http://{addr}/api/v1/orgs/{}/applications", orgs.city.0);
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (ok, failed, endpoint) = (ok.clone(), failed.clone(), endpoint.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let body = serde_json::json!({
                    "channel": "in_person", "submitted_on": "2026-11-02", "applicant_kind": "natural_person",
                    "applicant_name": format!("申请人{c}-{n}"), "id_kind": "passport", "id_number": format!("E{c:03}{n:07}"),
                    "phone": "13800000000", "info_title": format!("信息{c}-{n}"),
                    "delivery_form": "电子数据", "delivery_method": "网上获取"
                });
                match client.post(&endpoint).bearer_auth(token).json(&body).send().await {
                    Ok(r) if r.status() == 201 => ok.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let accepted = ok.load(Ordering::Relaxed);
    let stored = gongkai_store::applications::list_recent(&db, orgs.city, i64::MAX).await.unwrap().len() as u64;
    println!(
        "intake: {accepted} applications accepted in {elapsed:.1} s = {:.0}/s with {clients} clients; {} failed; {stored} stored",
        accepted as f64 / elapsed,
        failed.load(Ordering::Relaxed)
    );
    assert_eq!(stored, accepted, "every accepted application is stored");
}
