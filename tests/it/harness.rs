//! Test harness: databases on both backends and a real listening server.
//!
//! PostgreSQL: one throwaway cluster per test process, started with `initdb`/`postgres`
//! when they are installed (as the `postgres` system user when the tests run as root);
//! each test gets its own database in it. A watchdog shell stops the cluster and removes
//! its folder when the test process exits. Without PostgreSQL the PostgreSQL half of
//! each test is skipped with a message, unless `GONGKAI_REQUIRE_POSTGRES=1` (as in CI),
//! which turns a missing server into a failure.

use gongkai_store::{Db, OpenMode};
use gongkai_web::{AppState, WebConfig};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub struct Cluster {
    pub port: u16,
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
static DB_SEQ: AtomicU32 = AtomicU32::new(0);

fn pg_bin(name: &str) -> Option<PathBuf> {
    if let Ok(out) = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output() {
        let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !p.is_empty() {
            return Some(PathBuf::from(p));
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Run `cmd` as the PostgreSQL user when we are root (initdb refuses root).
fn as_pg_user(script: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh", "-c", script]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }
}

fn start_cluster() -> Result<Cluster, String> {
    let initdb = pg_bin("initdb").ok_or("initdb not found")?;
    let postgres = pg_bin("postgres").ok_or("postgres not found")?;
    let dir = std::env::temp_dir().join(format!("gongkai-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if is_root() {
        let st = Command::new("chown").args(["postgres:postgres", dir.to_str().unwrap()]).status();
        if !st.is_ok_and(|s| s.success()) {
            return Err("cannot chown the cluster folder to postgres (is the postgres user there?)".into());
        }
    }
    let data = dir.join("data");
    let out = as_pg_user(&format!(
        "{} -D {} -U gongkai --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >/dev/null 2>{}/initdb.err",
        initdb.display(),
        data.display(),
        dir.display()
    ))
    .status()
    .map_err(|e| e.to_string())?;
    if !out.success() {
        return Err(format!("initdb failed: {}", std::fs::read_to_string(dir.join("initdb.err")).unwrap_or_default()));
    }
    let port = free_port();
    // The watchdog stops the server and removes the folder once this process is gone.
    let script = format!(
        "{pg} -D {data} -p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=300 >{dir}/server.log 2>&1 & PG=$!; \
         while [ -d /proc/{parent} ]; do sleep 1; done; kill -INT $PG; wait $PG; rm -rf {dir}",
        pg = postgres.display(),
        data = data.display(),
        dir = dir.display(),
        parent = std::process::id(),
    );
    as_pg_user(&script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Cluster { port });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("PostgreSQL did not start: {}", std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()))
}

/// The shared cluster, or `None` (after saying why) when PostgreSQL is not available.
pub fn cluster() -> Option<&'static Cluster> {
    CLUSTER
        .get_or_init(|| match start_cluster() {
            Ok(c) => Some(c),
            Err(why) => {
                if std::env::var("GONGKAI_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                    panic!("GONGKAI_REQUIRE_POSTGRES=1 but no PostgreSQL server could be started: {why}");
                }
                eprintln!("SKIPPING the PostgreSQL half of the tests: {why}");
                None
            }
        })
        .as_ref()
}

/// The data keys of every PostgreSQL test database (a SQLite one has its own `<file>.key`
/// beside it, as the command line finds it).
pub fn pg_keys() -> gongkai_store::crypto::Keyring {
    static KEYS: OnceLock<gongkai_store::crypto::Keyring> = OnceLock::new();
    KEYS.get_or_init(gongkai_store::crypto::Keyring::generate).clone()
}

/// A fresh, migrated database of `kind`, or `None` when PostgreSQL is unavailable.
pub async fn fresh_db(kind: Kind) -> Option<(Db, String, Option<tempfile::TempDir>)> {
    match kind {
        Kind::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}", dir.path().join("t.db").display());
            let db = Db::open(&url, OpenMode::Create).await.expect("open sqlite");
            db.migrate().await.expect("migrate");
            let (keys, _) =
                gongkai_store::crypto::Keyring::load_or_create(&dir.path().join("t.db.key")).expect("key file");
            db.set_keyring(keys);
            Some((db, url, Some(dir)))
        }
        Kind::Postgres => {
            let c = cluster()?;
            let name = format!("t_{}_{}", std::process::id(), DB_SEQ.fetch_add(1, Ordering::SeqCst));
            let admin = format!("postgres://gongkai@127.0.0.1:{}/postgres", c.port);
            let admin_db = Db::open(&admin, OpenMode::Existing).await.expect("connect to cluster");
            sqlx::query::<sqlx::Any>(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(admin_db.pool())
                .await
                .expect("create database");
            admin_db.close().await;
            let url = format!("postgres://gongkai@127.0.0.1:{}/{name}", c.port);
            let db = Db::open(&url, OpenMode::Existing).await.expect("open postgres");
            db.migrate().await.expect("migrate");
            db.set_keyring(pg_keys());
            Some((db, url, None))
        }
    }
}

/// The date every test runs at unless it picks another: fixed, so that no test depends on
/// the day it runs (a Monday in a year the compiled-in notices cover).
pub const TODAY: &str = "2026-11-16";

/// The dates at which the date-sensitive tests run as well: the last day of the last
/// noticed year, a year without a notice, and far ahead (every deadline provisional).
pub const DATES: [&str; 3] = ["2026-12-31", "2027-06-01", "2030-01-01"];

pub fn default_today() -> jiff::civil::Date {
    TODAY.parse().expect("a date")
}

pub fn date(s: &str) -> jiff::civil::Date {
    s.parse().expect("a date")
}

/// A real server on 127.0.0.1:0 over a fresh database with the demo seeded.
pub struct TestApp {
    pub base: String,
    /// The server's today (its clock is shifted to it).
    pub today: jiff::civil::Date,
    pub db: Db,
    /// The database URL, for running the `gongkai` command against the same data.
    pub url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn spawn(kind: Kind) -> Option<Self> {
        Self::spawn_on(kind, default_today()).await
    }

    /// The demo organisations and users, the server's today being `today`.
    pub async fn spawn_on(kind: Kind, today: jiff::civil::Date) -> Option<Self> {
        Self::spawn_inner(kind, WebConfig { cookie_secure: false, ..WebConfig::default() }, false, today).await
    }

    /// With the complete demo (years of applications), as `serve --demo` has it.
    pub async fn spawn_full_demo(kind: Kind) -> Option<Self> {
        Self::spawn_full_demo_on(kind, default_today()).await
    }

    pub async fn spawn_full_demo_on(kind: Kind, today: jiff::civil::Date) -> Option<Self> {
        Self::spawn_inner(kind, WebConfig { cookie_secure: false, ..WebConfig::default() }, true, today).await
    }

    pub async fn spawn_with(kind: Kind, config: WebConfig) -> Option<Self> {
        Self::spawn_inner(kind, config, false, default_today()).await
    }

    async fn spawn_inner(kind: Kind, mut config: WebConfig, full: bool, today: jiff::civil::Date) -> Option<Self> {
        let (db, url, dir) = fresh_db(kind).await?;
        if full {
            gongkai::demo::seed(&db, today).await.expect("seed demo");
        } else {
            gongkai::demo::seed_base(&db).await.expect("seed demo organisations and users");
        }
        config.clock = gongkai_web::http::clock::WallClock::today_is(today);
        let state = AppState::new(db.clone(), config).await.expect("state");
        if full {
            // Searches of the demo find everything from the first request on.
            gongkai_web::catalog::indexer::catch_up(&state.db, &state.search).await.expect("index the demo");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(gongkai_web::serve(listener, state, async {
            let _ = rx.await;
        }));
        Some(TestApp { base, today, db, url, shutdown: Some(tx), handle: Some(handle), _dir: dir })
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Ask the server to stop and wait for it (graceful shutdown).
    pub async fn stop(&mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.handle.take() {
            Some(h) => h.await.expect("server task"),
            None => Ok(()),
        }
    }

    pub async fn org_id(&self, code: &str) -> i64 {
        gongkai_store::orgs::find(&self.db, code).await.expect("org").id.0
    }
}

/// A test that leaves work in the job table has not finished what it started (or
/// enqueues work it does not test): it fails. Checked on a connection of its own, since the
/// test's runtime is being torn down.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let url = self.url.clone();
        let left = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                let db = Db::open(&url, OpenMode::Existing).await.ok()?;
                let n = gongkai_store::jobs::counts(&db).await.ok().map(|(q, r, _)| q + r);
                db.close().await;
                n
            })
        })
        .join()
        .ok()
        .flatten();
        if let Some(n) = left
            && n > 0
        {
            panic!(
                "the test left {n} job(s) queued or running in the job table; run them (Worker::drain) or remove them"
            );
        }
    }
}

/// A minimal browser: keeps cookies, does not follow redirects, remembers the last
/// CSRF token it saw in a page.
pub struct Browser {
    pub base: String,
    client: reqwest::Client,
    cookies: std::collections::BTreeMap<String, String>,
    pub csrf: Option<String>,
    /// Sent with every request (e.g. `X-Forwarded-For` as a proxy would add it).
    extra: Vec<(String, String)>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { base: base.to_string(), client, cookies: Default::default(), csrf: None, extra: Vec::new() }
    }

    /// Send `name: value` with every request from now on.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.extra.push((name.to_string(), value.to_string()));
        self
    }

    fn headers(&self) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("cookie", self.cookie_header().parse().unwrap());
        for (k, v) in &self.extra {
            h.insert(reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        h
    }

    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn finish(&mut self, resp: reqwest::Response) -> Page {
        for v in resp.headers().get_all(reqwest::header::SET_COOKIE) {
            let s = v.to_str().unwrap_or("");
            let first = s.split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                if s.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let location = headers.get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = resp.text().await.unwrap_or_default();
        if let Some(t) = extract_csrf(&body) {
            self.csrf = Some(t);
        }
        Page { status, location, body, headers }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let resp = self.client.get(format!("{}{path}", self.base)).headers(self.headers()).send().await.expect("GET");
        self.finish(resp).await
    }

    /// POST a form with the remembered CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if let Some(t) = &self.csrf {
            all.push(("_csrf".into(), t.clone()));
        }
        self.post_raw(path, &all).await
    }

    /// POST exactly these fields (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(String, String)]) -> Page {
        let body = serde_urlencoded_encode(fields);
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .headers(self.headers())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        self.finish(resp).await
    }

    /// POST a multipart form (file uploads) with the remembered CSRF token added.
    pub async fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Page {
        let boundary = "gongkaiTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        let token = self.csrf.clone().unwrap_or_default();
        for (k, v) in fields.iter().copied().chain(std::iter::once(("_csrf", token.as_str()))) {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        for (field, name, data) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .headers(self.headers())
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .expect("POST multipart");
        self.finish(resp).await
    }

    /// Log in through the real form; panics unless it redirects into the console.
    pub async fn login(&mut self, username: &str) -> &mut Self {
        let p = self.try_login(username, gongkai::demo::DEMO_PASSWORD).await;
        assert_eq!(p.status, 303, "login of {username} failed: {}", p.body);
        self
    }

    pub async fn try_login(&mut self, username: &str, password: &str) -> Page {
        self.get("/console/login").await;
        self.post("/console/login", &[("username", username), ("password", password), ("next", "/console")]).await
    }
}

pub fn extract_csrf(body: &str) -> Option<String> {
    let i = body.find("name=\"_csrf\" value=\"")?;
    let rest = &body[i + "name=\"_csrf\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

fn serde_urlencoded_encode(fields: &[(String, String)]) -> String {
    fields.iter().map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v))).collect::<Vec<_>>().join("&")
}

pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn gongkai_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_gongkai"))
}

/// Generate one test per backend from an async body taking the backend kind.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::harness::Kind::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)($crate::harness::Kind::Postgres).await;
            }
        }
    };
}

/// The text of a PDF as poppler's `pdftotext` reads it, or `None` (with a message) when
/// poppler-utils is not installed; CI installs it, so there the check always runs.
pub fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).ok()?;
    match Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!("pdftotext could not read the PDF: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            if std::env::var("GONGKAI_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("pdftotext missing (apt-get install poppler-utils)");
            }
            eprintln!("SKIPPING the PDF text check: pdftotext not installed");
            None
        }
    }
}

/// A minimal SMTP sink on 127.0.0.1 that accepts every message and records
/// (recipients, data). Enough for lettre's plain-SMTP client.
pub async fn smtp_sink() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<(Vec<String>, String)>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else { return };
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let (mut rcpt, mut data, mut in_data) = (Vec::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store.lock().unwrap().push((std::mem::take(&mut rcpt), std::mem::take(&mut data)));
                            let _ = w.write_all(b"250 queued\r\n").await;
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_string());
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, got)
}

/// The text of a message the SMTP sink received: its body after the headers, decoded when
/// it was sent as base64 (lettre's choice for Chinese text).
pub fn mail_text(raw: &str) -> String {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    if !head.to_ascii_lowercase().contains("content-transfer-encoding: base64") {
        return body.to_string();
    }
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in body.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

/// A catalog item to create in a test: proactively disclosed, with a short body.
pub fn item_draft(
    column_id: gongkai_core::ids::ColumnId,
    title: &str,
    kind: gongkai_core::catalog::ItemKind,
    formed: jiff::civil::Date,
) -> gongkai_store::catalog::Draft {
    use gongkai_core::catalog::Disclosure;
    gongkai_store::catalog::Draft {
        column_id,
        kind,
        title: title.into(),
        summary: "概述".into(),
        body_html: "<p>正文</p>".into(),
        body_text: "正文".into(),
        issuer: "广州市民政局".into(),
        co_issuers: String::new(),
        doc_number: None,
        genre: String::new(),
        subject: String::new(),
        keywords: String::new(),
        disclosure: Disclosure::Proactive,
        formed_on: formed,
        effective_on: None,
        interprets_id: None,
        interp_form: None,
        media_url: None,
    }
}
