//! Two `gongkai serve` processes on one PostgreSQL database, as behind a load balancer:
//! both start together on an empty database (migrations once, under the lock; one data
//! key), a session made on one works on the other, an item published through one is found
//! by the other's search within two seconds, and every job is run by exactly one worker.

use crate::harness::{Browser, cluster, gongkai_bin, url_encode};
use gongkai_store::{Db, OpenMode, jobs};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running server process; killed when dropped.
pub struct Instance {
    child: Child,
    pub base: String,
    /// Every log line it wrote (JSON), collected by a reader thread.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Instance {
    fn start(url: &str, key: &std::path::Path, index: &std::path::Path, demo: bool) -> (Self, mpsc::Receiver<String>) {
        let mut cmd = Command::new(gongkai_bin());
        cmd.args(["--database", url, "--data-key-file"]).arg(key).args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--today",
            crate::harness::TODAY,
            "--index-dir",
        ]);
        cmd.arg(index);
        // Uploads (the demo's too) into the test's folder, not ./gongkai-files in the repository.
        cmd.arg("--files").arg(index.with_extension("files"));
        if demo {
            cmd.arg("--demo");
        }
        Self::spawn(cmd)
    }

    /// `gongkai ARGS serve --listen 127.0.0.1:0 --demo --today …` with `envs`, started and listening.
    pub fn serve_demo(args: &[&str], envs: &[(&str, String)]) -> Self {
        let mut cmd = Command::new(gongkai_bin());
        cmd.args(args).args(["serve", "--listen", "127.0.0.1:0", "--demo", "--today", crate::harness::TODAY]);
        cmd.env_remove("GONGKAI_DATABASE").env_remove("GONGKAI_FILES");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let (mut i, rx) = Self::spawn(cmd);
        i.wait_listening(&rx);
        i
    }

    fn spawn(mut cmd: Command) -> (Self, mpsc::Receiver<String>) {
        cmd.env("GONGKAI_LOG", "info,sqlx=warn,gongkai_web::jobs=debug")
            .env("GONGKAI_LOG_FORMAT", "json")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start gongkai serve");
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("gongkai listening on ") {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").trim_end_matches('/').to_string());
                }
            }
        });
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = log.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        (Self { child, base: String::new(), log }, rx)
    }

    fn wait_listening(&mut self, rx: &mpsc::Receiver<String>) {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(base) => self.base = base,
            Err(_) => panic!("the server did not start: {}", self.log.lock().unwrap().join("\n")),
        }
    }

    /// The `fields` of every log line whose message is `message`.
    fn events(&self, message: &str) -> Vec<serde_json::Value> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("fields").cloned())
            .filter(|f| f["message"] == message)
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_search_jobs_and_one_migration() {
    let Some(c) = cluster() else {
        eprintln!("SKIPPING two_instances_share_sessions_search_jobs_and_one_migration: no PostgreSQL");
        return;
    };
    let admin = Db::open(&format!("postgres://gongkai@127.0.0.1:{}/postgres", c.port), OpenMode::Existing)
        .await
        .expect("connect to cluster");
    let name = format!("two_{}", std::process::id());
    sqlx::query::<sqlx::Any>(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await
        .expect("create database");
    admin.close().await;
    let url = format!("postgres://gongkai@127.0.0.1:{}/{name}", c.port);
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("data.key");

    // Both start at once on the empty database: one applies the migrations, the other
    // waits on the lock and finds them applied; both end with the one key file.
    let (mut a, rx_a) = Instance::start(&url, &key, &dir.path().join("index-a"), true);
    let (mut b, rx_b) = Instance::start(&url, &key, &dir.path().join("index-b"), false);
    a.wait_listening(&rx_a);
    b.wait_listening(&rx_b);
    let applied: Vec<u64> = [&a, &b]
        .iter()
        .flat_map(|i| i.events("database migrations applied"))
        .map(|f| f["applied"].as_u64().unwrap())
        .collect();
    let db = Db::open(&url, OpenMode::Existing).await.unwrap();
    let versions: i64 = sqlx::query_scalar::<sqlx::Any, i64>("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(applied, vec![versions as u64], "one instance applied all {versions} migrations, the other none");
    let (keys, _) = gongkai_store::crypto::Keyring::load_or_create(&key).unwrap();
    db.set_keyring(keys);

    // Wait until the demo is seeded (A seeds it after migrating), then log in on A and go on on B.
    let deadline = Instant::now() + Duration::from_secs(60);
    let city = loop {
        if let Ok(o) = gongkai_store::orgs::find(&db, "gzmz").await {
            break o.id.0;
        }
        assert!(Instant::now() < deadline, "the demo was not seeded");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut staff = Browser::new(&a.base);
    staff.login("gzmz.staff").await;
    staff.base = b.base.clone();
    let form = staff.get(&format!("/console/orgs/{city}/catalog/new")).await;
    assert_eq!(form.status, 200, "the session made on A is valid on B: {}", form.body);
    // The form's token from a page A served is accepted by B (one secret in the database).
    staff.base = a.base.clone();
    staff.get(&format!("/console/orgs/{city}/catalog/new")).await;
    staff.base = b.base.clone();
    let title = "关于开展双实例联调养老服务质量评估的通知";
    let p = staff
        .post(
            &format!("/console/orgs/{city}/catalog"),
            &[
                ("column", "normative"),
                ("kind", "normative"),
                ("title", title),
                ("summary", "双实例联调"),
                ("body", "<p>双实例联调养老服务质量评估工作安排。</p>"),
                ("issuer", "广州市民政局"),
                ("doc_number", "穗民规字〔2026〕98号"),
                ("attribute", "proactive"),
                ("formed_on", crate::harness::TODAY),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "a form from A posted to B: {}", p.body);
    let id = p.location.unwrap().trim_start_matches("/console/catalog/").to_string();
    staff.base = a.base.clone();
    staff.get(&format!("/console/catalog/{id}")).await;
    assert_eq!(staff.post(&format!("/console/catalog/{id}/submit"), &[]).await.status, 303);
    let mut approver = Browser::new(&b.base);
    approver.login("gzmz.approver").await;
    approver.get(&format!("/console/catalog/{id}")).await;
    assert_eq!(approver.post(&format!("/console/catalog/{id}/approve"), &[("published_on", "")]).await.status, 303);
    let published = Instant::now();

    // Published through B: A's search finds it by a substring within two seconds.
    let mut public = Browser::new(&a.base);
    let q = url_encode("联调养老服务质量");
    let found_after = loop {
        let r = public.get(&format!("/search?q={q}")).await;
        if r.body.contains(&format!("/info/{id}")) {
            break published.elapsed();
        }
        assert!(published.elapsed() < Duration::from_secs(10), "A never found the item: {}", r.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    eprintln!("an item published on B was found by A's search after {} ms", found_after.as_millis());
    assert!(found_after < Duration::from_secs(2), "found after {found_after:?}");
    assert!(Browser::new(&b.base).get(&format!("/search?q={q}")).await.body.contains(&format!("/info/{id}")));

    // Jobs: a batch made ready at once is shared between the two workers, each job run once.
    const N: i64 = 2000;
    let run_after = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    let mut tx = db.pool().begin().await.unwrap();
    for i in 0..N {
        let job = gongkai_core::jobs::Job::SweepSessions { slot: 10_000_000 + i };
        assert!(jobs::enqueue_in(&mut tx, &job, run_after).await.unwrap());
    }
    tx.commit().await.unwrap();
    let ids: Vec<i64> =
        sqlx::query_scalar::<sqlx::Any, i64>("SELECT id FROM jobs WHERE dedup_key LIKE 'sweep_sessions:1000%'")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(ids.len(), N as usize);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left: i64 = sqlx::query_scalar::<sqlx::Any, i64>(
            "SELECT COUNT(*) FROM jobs WHERE dedup_key LIKE 'sweep_sessions:1000%'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        if left == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{left} jobs were not run");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut runs: HashMap<i64, Vec<&str>> = HashMap::new();
    let (done_a, done_b) = (a.events("job done"), b.events("job done"));
    for (who, events) in [("A", &done_a), ("B", &done_b)] {
        for f in events.iter() {
            runs.entry(f["id"].as_i64().unwrap()).or_default().push(who);
        }
    }
    let by = |who: &str| ids.iter().filter(|id| runs.get(id).is_some_and(|w| w == &vec![who])).count();
    for id in &ids {
        assert_eq!(runs.get(id).map(Vec::len), Some(1), "job {id} ran {:?}", runs.get(id));
    }
    let (on_a, on_b) = (by("A"), by("B"));
    eprintln!("{N} jobs: {on_a} run by A, {on_b} by B, none twice");
    assert!(on_a > 0 && on_b > 0, "both workers took part: A {on_a}, B {on_b}");
    db.close().await;
}
