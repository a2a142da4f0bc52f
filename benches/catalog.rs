//! The catalog at scale on SQLite: `cargo bench --bench catalog`.
//!
//! 1. Builds a catalog of CATALOG_ITEMS (default 1,000,000) synthetic published items for
//!    the demo city bureau (bulk SQL, as an import of old publications would end up).
//! 2. Indexes them through the real change-log indexer; prints items per second.
//! 3. Runs 500 searches (two-word, phrase, Traditional, filtered) against the index;
//!    prints p50 / p99 latency; then measures the recall of 120 substring queries (each
//!    must find the item it was cut from; a sample's counts must equal SQL LIKE's).
//! 4. Starts the real server in-process and drives document pages and column pages with
//!    32 concurrent keep-alive connections for CATALOG_SECONDS each; prints requests per
//!    second and p99 latency, then the peak resident memory of the process.
//!
//! Keep the database between runs with CATALOG_DIR=/some/folder (it is reused when it
//! already holds the items). Targets (issue 4): indexing ≥ 2,000 items/s, search p99 ≤
//! 50 ms, pages ≥ 3,000 requests/s at p99 ≤ 20 ms, memory ≤ 500 MB.

use gongkai_search::{SearchIndex, SearchQuery};
use sqlx::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run());
}

/// The civil-affairs words the synthetic items are made of (shared with `gongkai bench seed`).
const WORDS: [&str; 40] = gongkai::demo::bench::WORDS;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn word(&mut self) -> &'static str {
        WORDS[(self.next() % WORDS.len() as u64) as usize]
    }
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 * p) as usize).min(v.len() - 1)]
}

async fn run() {
    let n: i64 = std::env::var("CATALOG_ITEMS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let secs: u64 = std::env::var("CATALOG_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(15);
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var("CATALOG_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/catalog.db", dir.display());
    let db = gongkai_store::Db::open(&url, gongkai_store::OpenMode::Create).await.unwrap();
    db.migrate().await.unwrap();
    db.set_keyring(gongkai_store::crypto::Keyring::generate());
    if gongkai_store::orgs::list(&db).await.unwrap().is_empty() {
        gongkai::demo::seed_base(&db).await.unwrap();
    }
    let city = gongkai_store::orgs::find(&db, "gzmz").await.unwrap();
    let cols = gongkai_store::catalog::columns(&db, city.id).await.unwrap();
    let leaf: Vec<gongkai_core::ids::ColumnId> =
        cols.iter().filter(|c| !cols.iter().any(|x| x.parent_id == Some(c.id))).map(|c| c.id).collect();
    let have: i64 =
        sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM catalog_items").fetch_one(db.pool()).await.unwrap();
    if have < n {
        let started = Instant::now();
        let mut rng = Rng(0x00c0_ffee_1234_5678);
        let mut id = have;
        while id < n {
            let mut tx = db.begin_write().await.unwrap();
            for _ in 0..10_000.min(n - id) {
                id += 1;
                let year = 2008 + (id % 19);
                let day = format!("{year}-{:02}-{:02}", 1 + id % 12, 1 + id % 28);
                let (a, b, c) = (rng.word(), rng.word(), rng.word());
                let title = format!("广州市民政局关于{a}和{b}工作的通知（第{id}号）");
                let body = format!(
                    "为进一步做好{a}工作，根据有关规定，现就{b}有关事项通知如下。一、各区要落实{c}责任，完善工作机制。\
                     二、加强{a}与{c}的衔接，做好信息公开和政策解读。三、强化监督检查，确保{b}资金安全。\
                     四、本通知自发布之日起施行，由市民政局负责解释。联系电话：020-83{:06}。",
                    id % 1_000_000
                );
                sqlx::query::<Any>(
                    "INSERT INTO catalog_items (org_id, column_id, kind, title, summary, body_html, body_text, issuer,
                     co_issuers, doc_number, genre, subject, keywords, attribute, status, index_no, formed_on,
                     published_on, validity, late, drafted_by, approved_by, created_at, updated_at)
                     VALUES ($1, $2, 'general', $3, $4, $5, $6, '广州市民政局', '', $7, '通知', '', $8, 'proactive',
                     'published', $9, $10, $10, 'valid', 0, 'bench', 'bench', $11, $11)",
                )
                .bind(city.id.0)
                .bind(leaf[(id as usize) % leaf.len()].0)
                .bind(&title)
                .bind(format!("关于{a}和{b}的通知"))
                .bind(format!("<p>{body}</p>"))
                .bind(&body)
                .bind(format!("穗民函〔{year}〕{id}号"))
                .bind(format!("{a},{b}"))
                .bind(format!("{}/{year}-{id:07}", city.credit_code))
                .bind(&day)
                .bind("2026-01-01T00:00:00Z")
                .execute(&mut *tx)
                .await
                .unwrap();
                sqlx::query::<Any>(
                    "INSERT INTO search_changes (item_id, changed_at) VALUES ($1, '2026-01-01T00:00:00Z')",
                )
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
        }
        sqlx::query::<Any>("ANALYZE").execute(db.pool()).await.unwrap();
        println!("catalog: {} items inserted in {:.1} s", n - have, started.elapsed().as_secs_f64());
    }

    let listed: i64 =
        sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM catalog_column_items").fetch_one(db.pool()).await.unwrap();
    if listed == 0 {
        // The bulk insert bypassed publication: list the items under their columns.
        let started = Instant::now();
        gongkai_store::catalog::rebuild_column_lists(&db, city.id).await.unwrap();
        sqlx::query::<Any>("ANALYZE").execute(db.pool()).await.unwrap();
        println!("column lists rebuilt in {:.1} s", started.elapsed().as_secs_f64());
    }

    // 2. Indexing through the change log.
    let index_dir = dir.join("index");
    let tantivy = Arc::new(gongkai_search::TantivyIndex::open(Some(&index_dir)).unwrap());
    let index: Arc<dyn SearchIndex> = tantivy.clone();
    if index.len() < n as u64 {
        let started = Instant::now();
        let applied = gongkai_web::catalog::indexer::catch_up(&db, &index).await.unwrap();
        let s = started.elapsed().as_secs_f64();
        println!(
            "indexing: {applied} items in {s:.1} s = {:.0} items/s (index now {} documents)",
            applied as f64 / s,
            index.len()
        );
    } else {
        println!("indexing: reused the index in {} ({} documents)", index_dir.display(), index.len());
    }

    // 3. Search latency at steady state (one unmeasured pass warms the page cache of the
    //    freshly opened index, as a running server's would be), overall and per kind of query.
    for warm in [true, false] {
        let mut rng = Rng(42);
        let mut lat = Vec::new();
        let mut by_kind: Vec<Vec<Duration>> = vec![Vec::new(); 4];
        let mut hits = 0usize;
        let kinds = ["two words", "one word", "two words in Traditional", "a word and 通知 (every item)"];
        for i in 0..500 {
            let text = match i % 4 {
                0 => format!("{} {}", rng.word(), rng.word()),
                1 => rng.word().to_string(),
                2 => gongkai_text::to_traditional(&format!("{} {}", rng.word(), rng.word())),
                _ => format!("{} 通知", rng.word()),
            };
            let q = SearchQuery { text, year: (i % 3 == 0).then_some(2020), limit: 10, ..Default::default() };
            let t = Instant::now();
            // Uncached: the latency of the search itself (a hot query is then served from
            // the result cache until the index changes).
            let r = tantivy.search_uncached(&q).unwrap();
            if warm {
                continue;
            }
            lat.push(t.elapsed());
            by_kind[i % 4].push(t.elapsed());
            hits += r.total;
        }
        if warm {
            continue;
        }
        println!(
            "search: 500 queries over {} documents, p50 {:.1} ms, p99 {:.1} ms (mean {} hits per query)",
            index.len(),
            percentile(&mut lat, 0.5).as_secs_f64() * 1000.0,
            percentile(&mut lat, 0.99).as_secs_f64() * 1000.0,
            hits / 500
        );
        for (k, mut v) in kinds.iter().zip(by_kind) {
            println!(
                "  {k}: p50 {:.1} ms, p99 {:.1} ms",
                percentile(&mut v, 0.5).as_secs_f64() * 1000.0,
                percentile(&mut v, 0.99).as_secs_f64() * 1000.0
            );
        }
    }
    drop(index);
    drop(tantivy);

    // 3b. Recall of substrings: any run of 2–6 Han characters cut from a random item's title or
    //     body must find that item (the query is the substring plus the item's unique document
    //     number), and for a sample the exact count must equal what SQL's LIKE finds.
    let exact = gongkai_search::TantivyIndex::open(Some(&index_dir)).unwrap();
    exact.set_exact_count(usize::MAX);
    exact.set_synonyms(gongkai_search::Synonyms::parse("").unwrap());
    let mut rng = Rng(7);
    let (mut found, mut counted, mut agreed) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    const QUERIES: usize = 120;
    for q in 0..QUERIES {
        let id = 1 + (rng.next() % n as u64) as i64;
        let (title, body, number): (String, String, String) = sqlx::query_as::<Any, (String, String, String)>(
            "SELECT title, body_text, doc_number FROM catalog_items WHERE id = $1",
        )
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
        let source: Vec<char> = if q % 2 == 0 { title.chars().collect() } else { body.chars().collect() };
        let runs: Vec<&[char]> =
            source.split(|c| !('\u{4E00}'..='\u{9FFF}').contains(c)).filter(|r| r.len() >= 2).collect();
        let run = runs[(rng.next() % runs.len() as u64) as usize];
        let len = 2 + (rng.next() % 5) as usize;
        let len = len.min(run.len());
        let from = (rng.next() % (run.len() - len + 1) as u64) as usize;
        let sub: String = run[from..from + len].iter().collect();
        let r = exact
            .search_uncached(&SearchQuery { text: format!("{sub} {number}"), limit: 10, ..Default::default() })
            .unwrap();
        if r.hits.iter().any(|h| h.id == id) {
            found += 1;
        } else {
            misses.push(format!("{sub} in item {id}"));
        }
        if q % 6 == 0 {
            let like = format!("%{sub}%");
            let truth: i64 = sqlx::query_scalar::<Any, i64>(
                "SELECT COUNT(*) FROM catalog_items WHERE status = 'published'
                 AND (title LIKE $1 OR summary LIKE $1 OR body_text LIKE $1 OR doc_number LIKE $1 OR issuer LIKE $1)",
            )
            .bind(&like)
            .fetch_one(db.pool())
            .await
            .unwrap();
            let got =
                exact.search_uncached(&SearchQuery { text: sub.clone(), limit: 1, ..Default::default() }).unwrap();
            counted += 1;
            if got.total as i64 == truth {
                agreed += 1;
            } else {
                misses.push(format!("{sub}: index counts {}, LIKE counts {truth}", got.total));
            }
        }
    }
    println!(
        "recall: {found} of {QUERIES} substring queries found their item ({:.1} %); exact counts equal to SQL LIKE's for {agreed} of {counted}",
        found as f64 * 100.0 / QUERIES as f64
    );
    for m in misses.iter().take(10) {
        println!("  miss: {m}");
    }
    drop(exact);

    // 4. Pages under load, through the real server.
    let config = gongkai_web::WebConfig { index_dir: Some(index_dir), ..Default::default() };
    let state = gongkai_web::AppState::new(db.clone(), config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));
    let columns: Vec<String> = cols.iter().map(|c| c.slug.clone()).collect();
    // Pages 1–50 of every column at full size; fewer where a small run has fewer.
    let pages = (n as u64 / (leaf.len() as u64 * 20)).clamp(1, 50);
    for (label, kind) in [("document page", 0u8), ("column page", 1), ("search page", 2)] {
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for c in 0..32u64 {
            let (base, stop, columns) = (base.clone(), stop.clone(), columns.clone());
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut rng = Rng(c * 7919 + 1);
                let mut lat = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let path = match kind {
                        0 => format!("/info/{}", 1 + rng.next() % n as u64),
                        1 => format!(
                            "/o/gzmz/c/{}?page={}",
                            columns[(rng.next() % columns.len() as u64) as usize],
                            1 + rng.next() % pages
                        ),
                        _ => format!("/search?q={}", rng.word()),
                    };
                    let t = Instant::now();
                    let r = client.get(format!("{base}{path}")).send().await.unwrap();
                    assert_eq!(r.status(), 200, "{path}");
                    r.bytes().await.unwrap();
                    lat.push(t.elapsed());
                }
                lat
            }));
        }
        tokio::time::sleep(Duration::from_secs(secs)).await;
        stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        println!(
            "{label}: {:.0} requests/s with 32 connections, p50 {:.1} ms, p99 {:.1} ms",
            all.len() as f64 / secs as f64,
            percentile(&mut all, 0.5).as_secs_f64() * 1000.0,
            percentile(&mut all, 0.99).as_secs_f64() * 1000.0
        );
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines().filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS")) {
        println!("memory (server and load generator in one process): {line}");
    }
}
