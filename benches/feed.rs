//! The host-portal feed at scale on SQLite: `cargo bench --bench feed`.
//!
//! 1. Builds FEED_ITEMS (default 1,000,000) published items of one district bureau with
//!    their feed positions (bulk SQL, as migration 20 numbers existing items), one in a
//!    hundred withdrawn (a tombstone).
//! 2. Starts the real server in-process and pages through `/o/haizhumz/feed.json` with
//!    `limit=1000` from the start, as a host portal's first mirror would, while a writer
//!    repeals FEED_CHANGES (default 2,000) random items through the store (each takes the
//!    next position under the feed clock) — then keeps reading until nothing is left.
//! 3. Checks the mirror: positions only grow, none is seen twice, every item is seen, and
//!    each changed item's last copy is the repealed one. Prints pages per second, entries per
//!    second and the p50 / p99 page latency.
//!
//! Keep the database between runs with FEED_DIR=/some/folder.

use sqlx::Any;
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run());
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 * p) as usize).min(v.len() - 1)]
}

async fn run() {
    let n: i64 = std::env::var("FEED_ITEMS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let changes: usize = std::env::var("FEED_CHANGES").ok().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var("FEED_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/feed.db", dir.display());
    let db = gongkai_store::Db::open(&url, gongkai_store::OpenMode::Create).await.unwrap();
    db.migrate().await.unwrap();
    db.set_keyring(gongkai_store::crypto::Keyring::generate());
    if gongkai_store::orgs::list(&db).await.unwrap().is_empty() {
        gongkai::demo::seed_base(&db).await.unwrap();
    }
    let org = gongkai_store::orgs::find(&db, "haizhumz").await.unwrap();
    let col = gongkai_store::catalog::columns(&db, org.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.slug == "assistance")
        .unwrap();
    let have: i64 =
        sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM catalog_items").fetch_one(db.pool()).await.unwrap();
    if have < n {
        let started = Instant::now();
        let mut id = have;
        while id < n {
            let mut tx = db.begin_write().await.unwrap();
            for _ in 0..10_000.min(n - id) {
                id += 1;
                let status = if id % 100 == 0 { "expired" } else { "published" };
                sqlx::query::<Any>(
                    "INSERT INTO catalog_items (org_id, column_id, kind, title, summary, body_html, body_text, issuer, co_issuers,
                     genre, subject, keywords, attribute, status, index_no, formed_on, published_on, validity, late, drafted_by,
                     approved_by, created_at, updated_at, feed_seq, feed_at)
                     VALUES ($1, $2, 'general', $3, '低保资金发放情况', '<p>低保资金发放情况。</p>', '低保资金发放情况。', '海珠区民政局', '',
                     '公告', '', '', 'proactive', $4, $5, '2020-03-02', '2020-03-03', 'valid', 0, 'bench', 'bench',
                     '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', $6, '2026-01-01T00:00:00Z')",
                )
                .bind(org.id.0)
                .bind(col.id.0)
                .bind(format!("海珠区低保资金发放情况（第{id}期）"))
                .bind(status)
                .bind(format!("{}/2020-{id:07}", org.credit_code))
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
        }
        sqlx::query::<Any>("UPDATE feed_clock SET last_seq = (SELECT MAX(feed_seq) FROM catalog_items) WHERE id = 1")
            .execute(db.pool())
            .await
            .unwrap();
        sqlx::query::<Any>("ANALYZE").execute(db.pool()).await.unwrap();
        let s = started.elapsed().as_secs_f64();
        println!("feed: {} items inserted in {s:.1} s ({:.0} items/s)", n - have, (n - have) as f64 / s);
    }
    let total: i64 = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM catalog_items WHERE org_id = $1")
        .bind(org.id.0)
        .fetch_one(db.pool())
        .await
        .unwrap();

    let state = gongkai_web::AppState::new(
        db.clone(),
        gongkai_web::WebConfig { index_dir: Some(dir.join("index")), ..Default::default() },
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));

    // The writer: repeals random published items while the host reads.
    let writer_db = db.clone();
    let org_id = org.id;
    let writer = tokio::spawn(async move {
        let mut changed = Vec::new();
        let mut x: u64 = 0x5eed;
        while changed.len() < changes {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let id = 1 + (x % total as u64) as i64;
            if id % 100 == 0 || changed.contains(&id) {
                continue;
            }
            gongkai_store::catalog::set_validity(
                &writer_db,
                &gongkai_store::Actor::system("bench"),
                org_id,
                gongkai_core::ids::ItemId(id),
                gongkai_core::catalog::Validity::Repealed,
                jiff::civil::date(2021, 1, 1),
                "bench",
            )
            .await
            .unwrap();
            changed.push(id);
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        changed
    });

    let client = reqwest::Client::new();
    let mut after = 0i64;
    let mut last_seen: HashMap<i64, (i64, String)> = HashMap::with_capacity(total as usize);
    let (mut pages, mut entries, mut tombstones) = (0usize, 0usize, 0usize);
    let mut latencies = Vec::new();
    let started = Instant::now();
    let mut changed = None;
    let mut writer = Some(writer);
    loop {
        let t = Instant::now();
        let body = client
            .get(format!("{base}/o/haizhumz/feed.json?after={after}&limit=1000"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        latencies.push(t.elapsed());
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        pages += 1;
        for e in v["entries"].as_array().unwrap() {
            let seq = e["seq"].as_i64().unwrap();
            assert!(seq > after, "positions only grow");
            let id = e["id"].as_i64().unwrap();
            let validity = e["item"]["validity"].as_str().unwrap_or("").to_string();
            if e["deleted"] == true {
                tombstones += 1;
            }
            last_seen.insert(id, (seq, validity));
            entries += 1;
            after = seq;
        }
        if v["more"] == false {
            // The end for now: once the writer is done, read what it wrote, then stop.
            match writer.take() {
                Some(w) => changed = Some(w.await.unwrap()),
                None => break,
            }
        }
    }
    let s = started.elapsed().as_secs_f64();
    let changed = changed.unwrap();
    assert_eq!(last_seen.len() as i64, total, "every item seen");
    let stale = changed.iter().filter(|id| last_seen[id].1 != "废止").count();
    assert_eq!(stale, 0, "every changed item's last copy is the changed one");
    assert_eq!(tombstones as i64, total / 100, "one tombstone per withdrawn item");
    println!(
        "feed: {total} items, {} changes during the read: {pages} pages, {entries} entries ({} seen again at their new position) in {s:.1} s = {:.0} entries/s, {:.1} pages/s",
        changed.len(),
        entries as i64 - total,
        entries as f64 / s,
        pages as f64 / s
    );
    println!(
        "feed: page of 1,000 p50 {:.1} ms, p99 {:.1} ms; mirror complete, no gap, no repeat of a position",
        percentile(&mut latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&mut latencies, 0.99).as_secs_f64() * 1000.0
    );
}
