//! The `gongkai` command as a user runs it.

use crate::harness::{Kind, fresh_db, gongkai_bin};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(gongkai_bin());
    c.args(args)
        .env_remove("GONGKAI_DATABASE")
        .env("GONGKAI_FILES", "db")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("run gongkai");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn bad_database_urls_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["--database", "mysql://u@h/db", "migrate"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("unsupported database scheme 'mysql'"), "{}", text(&o));
    let o = run(&["--database", "gongkai.db", "migrate"], None);
    assert!(text(&o).contains("cannot parse database URL"), "{}", text(&o));
    let url = format!("sqlite://{}/missing/g.db", dir.path().display());
    let o = run(&["--database", &url, "org", "list"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("does not exist"), "{}", text(&o));
    assert!(!dir.path().join("missing").exists(), "nothing was created");
    let text_file = dir.path().join("notes.db");
    std::fs::write(&text_file, "这不是数据库，只是一段文字。").unwrap();
    let o = run(&["--database", &format!("sqlite://{}", text_file.display()), "org", "list"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("is not a SQLite database"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&text_file).unwrap(), "这不是数据库，只是一段文字。", "left as it was");
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
        assert!(String::from_utf8_lossy(&o.stdout).contains("Usage"), "{args:?}");
    }
    let o = run(&["version"], None);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), format!("gongkai {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn organisations_users_and_backup_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/g.db", dir.path().display());
    let db = ["--database", url.as_str()];
    let o = run(&[&db[..], &["migrate", "--create"]].concat(), None);
    assert!(o.status.success(), "{}", text(&o));
    let applied: usize = text(&o).trim().trim_start_matches("migrations applied: ").parse().expect("a count");
    let sources = std::fs::read_dir("crates/store/migrations")
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sql")))
        .count();
    assert_eq!(applied, sources, "every migration ran");
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
        &[&db[..], &["org", "add", "--name", "坏代码局", "--short-code", "bad", "--credit-code", "11440100MB0000009X"]]
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
        &[&db[..], &["user", "add", "--username", "weak", "--display-name", "弱", "--org", "mz", "--password-stdin"]]
            .concat(),
        Some("123\n"),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("密码至少需要10个字符"));
    let o = run(
        &[&db[..], &["user", "add", "--username", "root", "--display-name", "管理员", "--system-admin"]].concat(),
        None,
    );
    assert!(text(&o).contains("generated password for root: Gk-"), "{}", text(&o));
    let o = run(&[&db[..], &["user", "list"]].concat(), None);
    let listing = text(&o);
    assert!(listing.contains("wang\t王某\tapprover@mz\tactive"), "{listing}");
    assert!(listing.contains("root\t管理员\tsystem_admin"), "{listing}");
    let o = run(&[&db[..], &["user", "passwd", "wang", "--password-stdin"]].concat(), Some("Another-pass-2\n"));
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&[&db[..], &["user", "passwd", "ghost"]].concat(), None);
    assert!(text(&o).contains("no user 'ghost'"));

    let to = dir.path().join("copy.db");
    let o = run(&[&db[..], &["backup", "--to", to.to_str().unwrap()]].concat(), None);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["--database", &format!("sqlite://{}", to.display()), "org", "list"], None);
    assert!(text(&o).contains("某市民政局"));
    // Personal data lives in these files: owner-only, also the WAL and the backup.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["g.db", "g.db-wal", "copy.db"] {
            let p = dir.path().join(f);
            if let Ok(m) = std::fs::metadata(&p) {
                assert_eq!(m.permissions().mode() & 0o777, 0o600, "{f}");
            } else {
                assert_ne!(f, "g.db", "the database exists");
                assert_ne!(f, "copy.db", "the backup exists");
            }
        }
    }
}

#[test]
fn an_unreachable_postgres_is_said_within_seconds() {
    // Port 1 on loopback: nothing listens there.
    let started = std::time::Instant::now();
    let o = run(&["--database", "postgres://gongkai@127.0.0.1:1/gongkai", "org", "list"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("cannot connect"), "{}", text(&o));
    // Generous bound: the pool's own retry would take 30 s.
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
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
        &["--database", &url, "org", "add", "--name", "某区民政局", "--short-code", "qmz", "--credit-code", &code],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&run(&["--database", &url, "org", "list"], None)).contains("某区民政局"));
    let o = run(&["--database", &url, "backup", "--to", "/tmp/never.db"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("pg_dump"), "{}", text(&o));
}

/// `serve --demo` on a new database file: creates it, seeds it, prints the logins and
/// serves the console login page; SIGTERM stops it gracefully. At the harness's date and
/// in February of a year without a loaded holiday notice.
#[test]
fn serve_demo_starts_and_stops() {
    for today in [crate::harness::TODAY, "2027-02-15"] {
        serve_demo_on(today);
    }
}

fn serve_demo_on(today: &str) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/demo/gongkai.db", dir.path().display());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(gongkai_bin())
        .args(["--database", &url, "serve", "--demo", "--listen", &format!("127.0.0.1:{port}"), "--today", today])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut ok = false;
    // Seeding the demo takes a few seconds in a debug build.
    for _ in 0..600 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            s.write_all(b"GET /console/login HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
            let mut buf = String::new();
            s.read_to_string(&mut buf).unwrap();
            ok = buf.starts_with("HTTP/1.0 200") && buf.contains("工作人员登录");
            break;
        }
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(ok, "login page served at {today}: {stdout}");
    assert!(out.status.success(), "graceful exit");
    assert!(stdout.contains(&format!("running as if today were {today}")), "{stdout}");
    for login in ["admin", "gzmz.admin", "gzmz.staff", "gzmz.approver", "gzmz.supervisor", "yuexiu.staff", "shzz.staff"]
    {
        assert!(stdout.contains(login), "{login} printed: {stdout}");
    }
}

/// regulation.md §9 worked examples, through the command as the brief specifies it.
#[test]
fn calendar_commands_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let in_dir = |args: &[&str]| {
        Command::new(gongkai_bin()).args(args).current_dir(dir.path()).env_remove("GONGKAI_DATABASE").output().unwrap()
    };
    for (start, n, due) in [
        ("2024-09-27", "20", "2024-10-30"),
        ("2024-10-30", "20", "2024-11-27"),
        ("2024-09-27", "7", "2024-10-12"),
        ("2025-09-26", "20", "2025-10-30"),
        ("2025-09-30", "20", "2025-11-04"),
        ("2026-09-30", "20", "2026-11-03"),
        ("2026-02-12", "7", "2026-02-28"),
        ("2026-02-12", "20", "2026-03-18"),
        ("2024-09-30", "20", "2024-11-01"),
        ("2019-12-27", "20", "2020-02-03"),
    ] {
        let o = in_dir(&["calendar", "add-working-days", start, n]);
        assert_eq!(String::from_utf8_lossy(&o.stdout), format!("{due}\n"), "{start} + {n}");
    }
    assert_eq!(String::from_utf8_lossy(&in_dir(&["calendar", "is-working-day", "2024-10-12"]).stdout), "true\n");
    assert_eq!(String::from_utf8_lossy(&in_dir(&["calendar", "is-working-day", "2024-10-07"]).stdout), "false\n");
    let o = in_dir(&["calendar", "add-working-days", "2026-12-20", "20"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2027"));
    // --provisional: the date on the rule of the 放假办法, said so on stderr.
    let o = in_dir(&["calendar", "add-working-days", "2026-12-20", "20", "--provisional"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "2027-01-18\n");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("provisional") && err.contains("2027"), "{err}");
    let o = in_dir(&["calendar", "add-working-days", "2026-11-02", "20", "--provisional"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "2026-11-30\n");
    assert!(o.stderr.is_empty(), "a noticed span is not provisional: {}", String::from_utf8_lossy(&o.stderr));
    let o = in_dir(&["calendar", "explain", "2027-02-04", "1", "--provisional"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("2027-02-09 周二 skipped (节假日: 春节补假, provisional)"), "{out}");
    assert!(out.contains("2027-02-11 周四 counted 1 (工作日, provisional)"), "{out}");
    // 国庆 2027: Fri 1 to Sun 3 October, made up on Mon 4 and Tue 5; no 调休 by the rule.
    let o = in_dir(&["calendar", "is-working-day", "2027-10-04", "--provisional"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "false\n");
    let o = in_dir(&["calendar", "is-working-day", "2027-10-06", "--provisional"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "true\n");
    let o = in_dir(&["calendar", "is-working-day", "2018-06-01", "--provisional"]);
    assert_eq!(o.status.code(), Some(2), "years before the first notice are never guessed");
    let o = in_dir(&["calendar", "is-working-day", "2018-06-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2018"));
    let o = in_dir(&["calendar", "explain", "2024-09-27", "3"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("2024-09-28 周六 skipped (周末)"), "{out}");
    assert!(out.contains("2024-09-29 周日 counted 1 (调休上班)"), "{out}");
    assert!(out.contains("2024-10-01 周二 skipped (节假日)"), "{out}");
    assert!(out.contains("due 2024-10-08"), "{out}");
}

/// A system admin loads next year's notice; the CLI then computes with it.
#[test]
fn calendar_load_extends_the_covered_years() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/g.db", dir.path().display());
    assert!(run(&["--database", &url, "migrate", "--create"], None).status.success());
    let before = run(&["--database", &url, "calendar", "add-working-days", "2026-12-30", "5"], None);
    assert_eq!(before.status.code(), Some(2));
    // A bad file is refused and nothing is stored.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[2027]\nworkday = [\"2027-01-05\"]\n").unwrap();
    let o = run(&["--database", &url, "calendar", "load", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("不是周六或周日"), "{}", text(&o));
    // An invented 2027 notice: 1 January off.
    let mut next = gongkai_core::calendar::BUILTIN_TOML.to_string();
    next.push_str("\n[2027]\nnotice = \"test notice\"\noff = [\"2027-01-01\"]\nworkday = []\n");
    let good = dir.path().join("next.toml");
    std::fs::write(&good, next).unwrap();
    let o = run(&["--database", &url, "calendar", "load", good.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2027"));
    // 2026-12-30 (Wed) + 5: Thu 31, (Fri 1 Jan off), Mon 4, Tue 5, Wed 6, Thu 7.
    let after = run(&["--database", &url, "calendar", "add-working-days", "2026-12-30", "5"], None);
    assert_eq!(String::from_utf8_lossy(&after.stdout), "2027-01-07\n", "{}", text(&after));
    let show = run(&["--database", &url, "calendar", "show"], None);
    assert!(text(&show).contains("test notice") && text(&show).contains("loaded #1"), "{}", text(&show));
}

/// `report check` on hand-made tables: a clean file passes; each broken identity is one
/// failing line naming it and its cells; exit 1; bad input exits 2.
#[test]
fn report_check_names_every_broken_identity() {
    let dir = tempfile::tempdir().unwrap();
    let apps = [
        gongkai_core::reports::AppFact {
            kind: gongkai_core::applications::ApplicantKind::NaturalPerson,
            received: Some("2021-03-01".parse().unwrap()),
            finished: Some(("2021-03-20".parse().unwrap(), gongkai_core::applications::Outcome::Disclosed)),
        },
        gongkai_core::reports::AppFact {
            kind: gongkai_core::applications::ApplicantKind::Commercial,
            received: Some("2021-12-30".parse().unwrap()),
            finished: None,
        },
    ];
    let good = gongkai_core::reports::compute(gongkai_core::reports::ReportFormat::F2021, "某局", 2021, &apps, &[]);
    let write = |name: &str, t: &gongkai_core::reports::Tables| {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_string(t).unwrap()).unwrap();
        p
    };
    let ok = run(&["report", "check", write("good.json", &good).to_str().unwrap()], None);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    // Each case sets cells so that exactly one identity breaks.
    let cases: [(&str, &[(&str, i64)]); 4] = [
        ("I1", &[("t3.r3.s1:c3", 5)]),
        ("I2", &[("t3.r3.s7:c1", 2), ("t3.r3.s7:c2.s1", -1)]),
        ("I3", &[("t3.r4:c2.s1", 3), ("t3.r4:c3", 3)]),
        ("T4", &[("t4:c5", 2)]),
    ];
    for (identity, changes) in cases {
        let mut t = good.clone();
        for (c, v) in changes {
            t.cells.insert(c.to_string(), gongkai_core::reports::Value::Int(*v));
        }
        let o = run(&["report", "check", write(&format!("{identity}.json"), &t).to_str().unwrap()], None);
        assert_eq!(o.status.code(), Some(1), "{identity}: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.lines().any(|l| l.starts_with(identity)), "{identity}: {out}");
    }
    // A file without "format" gets it from the year; a malformed file exits 2.
    let mut v: serde_json::Value = serde_json::to_value(&good).unwrap();
    v.as_object_mut().unwrap().remove("format");
    let p = dir.path().join("noformat.json");
    std::fs::write(&p, v.to_string()).unwrap();
    assert_eq!(run(&["report", "check", p.to_str().unwrap()], None).status.code(), Some(0));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{not json").unwrap();
    assert_eq!(run(&["report", "check", bad.to_str().unwrap()], None).status.code(), Some(2));
}

/// `gongkai worker --once` schedules this period's sweeps and runs them from the job table.
#[test]
fn worker_once_runs_the_scheduled_sweeps() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/g.db", dir.path().display());
    assert!(run(&["--database", &url, "migrate", "--create"], None).status.success());
    let o = run(&["--database", &url, "worker", "--once"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("jobs run: 3; left: 0 queued, 0 running, 0 dead"),
        "{}",
        text(&o)
    );
    let help = run(&["serve", "--help"], None);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--no-worker"));
}

crate::both!(bench_seed_fills_an_empty_database_the_same_way_each_time, |kind: Kind| async move {
    let Some((db, url, _dir)) = fresh_db(kind).await else { return };
    let seed = |url: &str| {
        run(
            &[
                "--database",
                url,
                "--data-key-file",
                &std::env::temp_dir().join(format!("gongkai-bench-{}.key", std::process::id())).display().to_string(),
                "bench",
                "seed",
                "--orgs",
                "15",
                "--items",
                "2500",
                "--applications",
                "12",
                "--today",
                crate::harness::TODAY,
            ],
            None,
        )
    };
    let o = seed(&url);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("seeded 15 bodies, 2500 items"), "{}", text(&o));
    let count = |sql: &'static str| {
        let db = db.clone();
        async move { sqlx::query_scalar::<sqlx::Any, i64>(sql).fetch_one(db.pool()).await.unwrap() }
    };
    assert_eq!(count("SELECT COUNT(*) FROM organisations").await, 15);
    assert_eq!(count("SELECT COUNT(*) FROM catalog_items WHERE status = 'published'").await, 2500);
    assert_eq!(count("SELECT COUNT(DISTINCT org_id) FROM catalog_items").await, 15, "spread over every body");
    assert_eq!(count("SELECT COUNT(DISTINCT item_id) FROM search_changes").await, 2500, "queued for the index");
    assert!(count("SELECT COUNT(DISTINCT item_id) FROM catalog_column_items").await >= 2500, "on the column pages");
    assert_eq!(count("SELECT COUNT(*) FROM applications").await, 12);
    assert_eq!(count("SELECT COUNT(*) FROM applications WHERE outcome IS NULL").await, 0, "each handled to a reply");
    // Into a database that holds data: refused, nothing added.
    let again = seed(&url);
    assert!(!again.status.success() && text(&again).contains("already holds organisations"), "{}", text(&again));
    assert_eq!(count("SELECT COUNT(*) FROM catalog_items").await, 2500);
    // The same seed gives the same data.
    if kind == Kind::Sqlite {
        let (other, other_url, _d2) = fresh_db(Kind::Sqlite).await.unwrap();
        assert!(seed(&other_url).status.success());
        let titles = |db: gongkai_store::Db| async move {
            sqlx::query_scalar::<sqlx::Any, String>("SELECT title || '|' || column_id FROM catalog_items ORDER BY id")
                .fetch_all(db.pool())
                .await
                .unwrap()
        };
        assert_eq!(titles(db.clone()).await, titles(other).await);
    }
});
