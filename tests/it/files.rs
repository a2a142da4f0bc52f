//! Uploaded files in a file store, through the real `gongkai serve` process: a local folder
//! (the default beside a SQLite file) and an S3-compatible bucket (moto's server from PyPI,
//! started on loopback). Upload, serve, keep one copy of equal files, delete only when no
//! attachment refers to a file any more.

use crate::harness::Browser;
use crate::instances::Instance;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

enum Store {
    Folder(PathBuf),
    Bucket { endpoint: String, bucket: String },
}

impl Store {
    /// The keys of the stored files.
    async fn keys(&self) -> Vec<String> {
        match self {
            Store::Folder(dir) => {
                let mut out = Vec::new();
                let mut stack = vec![dir.clone()];
                while let Some(d) = stack.pop() {
                    for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                        let p = e.path();
                        if p.is_dir() {
                            stack.push(p);
                        } else {
                            out.push(p.strip_prefix(dir).unwrap().display().to_string());
                        }
                    }
                }
                out
            }
            Store::Bucket { endpoint, bucket } => {
                let xml = reqwest::get(format!("{endpoint}/{bucket}?list-type=2")).await.unwrap().text().await.unwrap();
                xml.split("<Key>").skip(1).map(|k| k.split("</Key>").next().unwrap().to_string()).collect()
            }
        }
    }
}

fn png(tag: &str) -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    v.extend_from_slice(format!("gongkai file store test {tag} {:?}", Instant::now()).as_bytes());
    v
}

fn sha(data: &[u8]) -> String {
    gongkai_store::files::sha256_hex(data)
}

/// Upload, serve, dedupe, delete through the console of `server`, checking `store`.
async fn upload_serve_delete(server: &Instance, db_url: &str, store: &Store, prefix: &str) {
    let db = gongkai_store::Db::open(db_url, gongkai_store::OpenMode::Existing).await.unwrap();
    let city = gongkai_store::orgs::find(&db, "gzmz").await.unwrap().id.0;
    let mut staff = Browser::new(&server.base);
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}/catalog/new")).await;
    let p = staff
        .post(
            &format!("/console/orgs/{city}/catalog"),
            &[
                ("column", "normative"),
                ("kind", "normative"),
                ("title", "关于公布特困人员供养机构名单的通知"),
                ("summary", "供养机构名单"),
                ("issuer", "广州市民政局"),
                ("attribute", "proactive"),
                ("formed_on", crate::harness::TODAY),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let item = p.location.unwrap().trim_start_matches("/console/catalog/").to_string();
    let data = png(prefix);
    let key = format!("{prefix}sha256/{}/{}", &sha(&data)[..2], sha(&data));
    let before = store.keys().await;
    for _ in 0..2 {
        staff.get(&format!("/console/catalog/{item}")).await;
        let up = staff
            .post_multipart(
                &format!("/console/catalog/{item}/attachments"),
                &[],
                &[("file", "供养机构名单.png", &data)],
            )
            .await;
        assert_eq!(up.status, 303, "{}", up.body);
    }
    let keys = store.keys().await;
    assert!(keys.contains(&key), "{key} in {keys:?}");
    assert_eq!(keys.len(), before.len() + 1, "the same file twice is kept once");
    let rows: Vec<(String, i64)> = sqlx::query_as::<sqlx::Any, (String, i64)>(
        "SELECT stored, LENGTH(data) FROM catalog_attachments WHERE item_id = $1",
    )
    .bind(item.parse::<i64>().unwrap())
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(rows, vec![("files".to_string(), 0), ("files".to_string(), 0)], "the rows hold no bytes");

    // Served from the store.
    let page = staff.get(&format!("/console/catalog/{item}")).await;
    let ids: Vec<String> =
        page.body.split("href=\"/console/files/").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 2, "{}", page.body);
    let got = reqwest::Client::new()
        .get(format!("{}/console/files/{}", server.base, ids[0]))
        .header("cookie", staff.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), data.as_slice());

    // Without the form's token nothing is deleted, nor by another body's staff.
    let forged = staff.post_raw(&format!("/console/files/{}/delete", ids[0]), &[]).await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let mut other = Browser::new(&server.base);
    other.login("yuexiu.staff").await;
    other.get("/console").await;
    let p = other.post(&format!("/console/files/{}/delete", ids[0]), &[]).await;
    assert!(p.status == 403 || p.status == 404, "another body: {}", p.status);
    assert!(store.keys().await.contains(&key));

    // Deleting one attachment keeps the file the other still uses; deleting both removes it.
    staff.get(&format!("/console/catalog/{item}")).await;
    assert_eq!(staff.post(&format!("/console/files/{}/delete", ids[0]), &[]).await.status, 303);
    assert!(store.keys().await.contains(&key), "still used by the second attachment");
    assert_eq!(staff.get(&format!("/console/files/{}", ids[0])).await.status, 404);
    staff.get(&format!("/console/catalog/{item}")).await;
    assert_eq!(staff.post(&format!("/console/files/{}/delete", ids[1]), &[]).await.status, 303);
    let after = store.keys().await;
    assert!(!after.contains(&key), "{key} still in {after:?}");
    assert_eq!(after.len(), before.len());
    let audit: i64 = sqlx::query_scalar::<sqlx::Any, i64>("SELECT COUNT(*) FROM audit_log WHERE action = 'detach'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(audit, 2, "each deletion is in the audit log");
    db.close().await;
}

fn moto_server() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("GONGKAI_MOTO_SERVER") {
        return Some(PathBuf::from(p));
    }
    let out = std::process::Command::new("sh").args(["-c", "command -v moto_server"]).output().ok()?;
    let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !p.is_empty() {
        return Some(PathBuf::from(p));
    }
    Some(PathBuf::from("/opt/moto/bin/moto_server")).filter(|p| p.exists())
}

struct Killed(std::process::Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("g.db").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_go_to_a_folder_beside_the_database_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let server = Instance::serve_demo(&["--database", &url], &[]);
    let store = Store::Folder(dir.path().join("g.db.files"));
    upload_serve_delete(&server, &url, &store, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_go_to_an_s3_bucket_when_configured() {
    let Some(moto) = moto_server() else {
        if std::env::var("GONGKAI_REQUIRE_S3").is_ok_and(|v| v == "1") {
            panic!("GONGKAI_REQUIRE_S3=1 but moto_server was not found (pip install 'moto[server]')");
        }
        eprintln!("SKIPPING uploads_go_to_an_s3_bucket_when_configured: no moto_server (pip install 'moto[server]')");
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _moto = Killed(
        std::process::Command::new(&moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start moto_server"),
    );
    let endpoint = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let bucket = "gongkai-files".to_string();
    loop {
        // Creating the bucket doubles as the readiness check.
        if let Ok(r) = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "moto_server did not start");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let envs = [
        ("AWS_ACCESS_KEY_ID", "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_ENDPOINT", endpoint.clone()),
        ("AWS_ALLOW_HTTP", "true".to_string()),
    ];
    let server = Instance::serve_demo(&["--database", &url, "--files", &format!("s3://{bucket}/agency-a")], &envs);
    let store = Store::Bucket { endpoint, bucket };
    upload_serve_delete(&server, &url, &store, "agency-a/").await;
    assert!(!dir.path().join("g.db.files").exists(), "nothing went to the default folder");
}
