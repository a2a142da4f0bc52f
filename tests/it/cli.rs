//! The `gongkai` command as a user runs it.

use crate::harness::{Kind, fresh_db, gongkai_bin};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(gongkai_bin());
    c.args(args)
        .env_remove("GONGKAI_DATABASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("run gongkai");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn bad_database_urls_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["--database", "mysql://u@h/db", "migrate"], None);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("unsupported database scheme 'mysql'"),
        "{}",
        text(&o)
    );
    let o = run(&["--database", "gongkai.db", "migrate"], None);
    assert!(
        text(&o).contains("cannot parse database URL"),
        "{}",
        text(&o)
    );
    let url = format!("sqlite://{}/missing/g.db", dir.path().display());
    let o = run(&["--database", &url, "org", "list"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("does not exist"), "{}", text(&o));
    assert!(!dir.path().join("missing").exists(), "nothing was created");
}

#[test]
fn help_everywhere() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["org", "add", "--help"],
        vec!["user", "--help"],
        vec!["backup", "--help"],
    ] {
        let o = run(&args, None);
        assert!(o.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Usage"),
            "{args:?}"
        );
    }
    let o = run(&["version"], None);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        format!("gongkai {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn organisations_users_and_backup_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/g.db", dir.path().display());
    let db = ["--database", url.as_str()];
    let o = run(&[&db[..], &["migrate", "--create"]].concat(), None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("migrations applied: 1"));
    let code = gongkai::demo::credit_code("440100", 9);
    let o = run(
        &[
            &db[..],
            &[
                "org",
                "add",
                "--name",
                "某市民政局",
                "--short-code",
                "mz",
                "--credit-code",
                &code,
                "--phone",
                "020-1234567",
            ],
        ]
        .concat(),
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &[
            &db[..],
            &[
                "org",
                "add",
                "--name",
                "坏代码局",
                "--short-code",
                "bad",
                "--credit-code",
                "11440100MB0000009X",
            ],
        ]
        .concat(),
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("credit_code"), "{}", text(&o));
    let o = run(&[&db[..], &["org", "list"]].concat(), None);
    assert!(text(&o).contains("某市民政局") && !text(&o).contains("坏代码局"));

    let o = run(
        &[
            &db[..],
            &[
                "user",
                "add",
                "--username",
                "wang",
                "--display-name",
                "王某",
                "--org",
                "mz",
                "--role",
                "approver",
                "--password-stdin",
            ],
        ]
        .concat(),
        Some("Cli-password-1\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &[
            &db[..],
            &[
                "user",
                "add",
                "--username",
                "weak",
                "--display-name",
                "弱",
                "--org",
                "mz",
                "--password-stdin",
            ],
        ]
        .concat(),
        Some("123\n"),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("密码至少需要10个字符"));
    let o = run(
        &[
            &db[..],
            &[
                "user",
                "add",
                "--username",
                "root",
                "--display-name",
                "管理员",
                "--system-admin",
            ],
        ]
        .concat(),
        None,
    );
    assert!(
        text(&o).contains("generated password for root: Gk-"),
        "{}",
        text(&o)
    );
    let o = run(&[&db[..], &["user", "list"]].concat(), None);
    let listing = text(&o);
    assert!(
        listing.contains("wang\t王某\tapprover@mz\tactive"),
        "{listing}"
    );
    assert!(listing.contains("root\t管理员\tsystem_admin"), "{listing}");
    let o = run(
        &[&db[..], &["user", "passwd", "wang", "--password-stdin"]].concat(),
        Some("Another-pass-2\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&[&db[..], &["user", "passwd", "ghost"]].concat(), None);
    assert!(text(&o).contains("no user 'ghost'"));

    let to = dir.path().join("copy.db");
    let o = run(
        &[&db[..], &["backup", "--to", to.to_str().unwrap()]].concat(),
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        &[
            "--database",
            &format!("sqlite://{}", to.display()),
            "org",
            "list",
        ],
        None,
    );
    assert!(text(&o).contains("某市民政局"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_work_on_postgres() {
    let Some((_db, url, _)) = fresh_db(Kind::Postgres).await else {
        return;
    };
    let o = run(&["--database", &url, "migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("migrations applied: 0"));
    let code = gongkai::demo::credit_code("440100", 21);
    let o = run(
        &[
            "--database",
            &url,
            "org",
            "add",
            "--name",
            "某区民政局",
            "--short-code",
            "qmz",
            "--credit-code",
            &code,
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&run(&["--database", &url, "org", "list"], None)).contains("某区民政局"));
    let o = run(
        &["--database", &url, "backup", "--to", "/tmp/never.db"],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("pg_dump"), "{}", text(&o));
}

/// `serve --demo` on a new database file: creates it, seeds it, prints the logins and
/// serves the console login page; SIGTERM stops it gracefully.
#[test]
fn serve_demo_starts_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/demo/gongkai.db", dir.path().display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(gongkai_bin())
        .args([
            "--database",
            &url,
            "serve",
            "--demo",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut ok = false;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            s.write_all(b"GET /console/login HTTP/1.0\r\nHost: x\r\n\r\n")
                .unwrap();
            let mut buf = String::new();
            s.read_to_string(&mut buf).unwrap();
            ok = buf.starts_with("HTTP/1.0 200") && buf.contains("工作人员登录");
            break;
        }
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(ok, "login page served");
    assert!(out.status.success(), "graceful exit");
    for login in [
        "admin",
        "gzmz.admin",
        "gzmz.staff",
        "gzmz.approver",
        "gzmz.supervisor",
        "yuexiu.staff",
        "shzz.staff",
    ] {
        assert!(stdout.contains(login), "{login} printed: {stdout}");
    }
}
