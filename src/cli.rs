//! The command line. Every command that touches data takes `--database URL` (default
//! `sqlite://gongkai.db`, also `GONGKAI_DATABASE`); errors are printed in English with
//! a non-zero exit code.

use crate::demo;
use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use gongkai_core::orgs::OrgInput;
use gongkai_core::orgs::access::Grant;
use gongkai_core::orgs::accounts::{NewPassword, Role, Username, parse_display_name};
use gongkai_store::orgs::{self, users};
use gongkai_store::{Actor, Db, OpenMode};
use gongkai_web::http::clock::WallClock;
use gongkai_web::{AppState, WebConfig};
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "gongkai 政府信息公开平台: proactive disclosure, applications, annual reports"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Database URL: sqlite://PATH or postgres://USER@HOST[:PORT]/DB
    /// [default: sqlite://gongkai.db]
    #[arg(long, global = true, env = "GONGKAI_DATABASE")]
    database: Option<String>,
    /// Create the SQLite database file (and its folder) if it does not exist
    #[arg(long, global = true)]
    create: bool,
}

impl DbArgs {
    const DEFAULT: &str = "sqlite://gongkai.db";

    fn url(&self) -> &str {
        self.database.as_deref().unwrap_or(Self::DEFAULT)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (portal, console, API)
    Serve(ServeArgs),
    /// Run background jobs (deadline alerts and their e-mails, session clean-up) until
    /// stopped; for deployments whose servers run with `serve --no-worker`
    Worker(WorkerArgs),
    /// Apply pending database migrations
    Migrate,
    /// Manage organisations
    #[command(subcommand)]
    Org(OrgCmd),
    /// Manage staff accounts
    #[command(subcommand)]
    User(UserCmd),
    /// Working-day calendar: deadlines, working days, loading each year's holiday notice
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// Annual report: statistical tables computed from records, and checking tables files
    #[command(subcommand)]
    Report(ReportCmd),
    /// Import data from outside
    #[command(subcommand)]
    Import(ImportCmd),
    /// Copy the database to a file (SQLite online backup)
    Backup {
        /// Target file (must not exist)
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Rebuild this instance's search index from the database
    Reindex(IndexArgs),
    /// Print the version
    Version,
}

#[derive(Subcommand)]
enum CalendarCmd {
    /// Print the date of the N-th working day after DATE (DATE itself is day 0, not counted)
    AddWorkingDays {
        /// Start date, YYYY-MM-DD
        date: String,
        /// Number of working days
        n: u32,
        /// Count through years without a loaded notice on the provisional calendar of
        /// 《全国年节及纪念日放假办法》 (said on stderr) instead of exiting 2
        #[arg(long)]
        provisional: bool,
    },
    /// Print true or false
    IsWorkingDay {
        /// YYYY-MM-DD
        date: String,
        /// Answer for a year without a loaded notice from the provisional calendar
        #[arg(long)]
        provisional: bool,
    },
    /// List every day after DATE up to the N-th working day: counted or skipped, and why
    Explain {
        date: String,
        n: u32,
        /// Count through years without a loaded notice on the provisional calendar
        #[arg(long)]
        provisional: bool,
    },
    /// Load a holiday-notice file (TOML, the format of data/holidays-cn.toml) into the
    /// database; it becomes the active calendar of the server
    Load { file: std::path::PathBuf },
    /// Show the active calendar and the load history
    Show,
}

#[derive(Subcommand)]
enum ReportCmd {
    /// Print the tables of one body and year (computed from its records)
    Tables {
        /// Organisation: short code or exact Chinese name
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: i16,
        /// Print JSON: {"format","org","year","cells":{"t3.r1:c1":12,…}}
        #[arg(long)]
        json: bool,
    },
    /// Export the tables of one body and year: html | docx | xlsx | pdf | json
    Export {
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: i16,
        /// html, docx, xlsx, pdf or json
        #[arg(long)]
        to: String,
        /// Output file
        #[arg(short = 'o', long = "output")]
        output: std::path::PathBuf,
    },
    /// Check a tables JSON file: exit 0 when every hard identity holds, 1 otherwise (one line
    /// per failure); warnings go to stderr and do not fail
    Check {
        file: std::path::PathBuf,
        /// Last year's tables of the same body, for the carry-over warning (I4)
        #[arg(long)]
        previous: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Read a published annual-report page (HTML tables or flattened text; Simplified or
    /// Traditional; with or without scraped pinyin annotations) and print its tables as JSON
    /// with the format detected, unreadable cells listed and the identity check
    Report {
        file: std::path::PathBuf,
        /// Report year, when the page title does not say
        #[arg(long)]
        year: Option<i16>,
        /// Body name, when the page title does not say
        #[arg(long)]
        org: Option<String>,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "GONGKAI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Seed the demo organisation into an empty database (creating it) and print the demo logins
    #[arg(long)]
    demo: bool,
    /// Largest accepted request body in bytes
    #[arg(long, env = "GONGKAI_BODY_LIMIT", default_value_t = 2 * 1024 * 1024)]
    body_limit: usize,
    /// Send cookies without the Secure flag (only for plain-HTTP installations on a LAN address;
    /// browsers accept Secure cookies on http://localhost and http://127.0.0.1)
    #[arg(long, env = "GONGKAI_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// Idle session lifetime in minutes
    #[arg(long, env = "GONGKAI_SESSION_MINUTES", default_value_t = 480)]
    session_minutes: i64,
    #[command(flatten)]
    index: IndexArgs,
    /// Public base URL of the portal for the sitemap, feeds and QR codes (default: from the Host header)
    #[arg(long, env = "GONGKAI_BASE_URL")]
    base_url: Option<String>,
    /// Run as if today (in China) were this date, YYYY-MM-DD: deadlines, reminders, default
    /// dates and the demo's open cases follow it (tests, demonstrations, training). Recorded
    /// instants keep the real time.
    #[arg(long, env = "GONGKAI_TODAY", value_parser = parse_clock)]
    today: Option<WallClock>,
    /// Do not run background jobs in this process (run `gongkai worker` instead)
    #[arg(long, env = "GONGKAI_NO_WORKER")]
    no_worker: bool,
}

#[derive(clap::Args)]
struct WorkerArgs {
    /// Run the jobs that are ready now (after scheduling this period's sweeps), then exit
    #[arg(long)]
    once: bool,
    /// The agency's today, as for `serve --today`
    #[arg(long, env = "GONGKAI_TODAY", value_parser = parse_clock)]
    today: Option<WallClock>,
}

fn parse_clock(raw: &str) -> Result<WallClock, String> {
    WallClock::parse(raw)
}

#[derive(clap::Args, Clone)]
struct IndexArgs {
    /// Folder of this instance's search index (default: next to the SQLite file as
    /// `<file>.index`, `./gongkai-index` with PostgreSQL, in memory for `sqlite::memory:`)
    #[arg(long, env = "GONGKAI_INDEX_DIR")]
    index_dir: Option<std::path::PathBuf>,
}

impl IndexArgs {
    fn resolve(&self, db: &Db) -> Option<std::path::PathBuf> {
        if let Some(d) = &self.index_dir {
            return Some(d.clone());
        }
        match db.target() {
            gongkai_store::DbTarget::SqliteFile(p) => Some(std::path::PathBuf::from(format!("{}.index", p.display()))),
            gongkai_store::DbTarget::SqliteMemory => None,
            gongkai_store::DbTarget::Postgres(_) => Some("gongkai-index".into()),
        }
    }
}

#[derive(Subcommand)]
enum OrgCmd {
    /// Add an organisation
    Add(Box<OrgAddArgs>),
    /// List organisations
    List,
}

#[derive(Args)]
struct OrgAddArgs {
    /// Full Chinese name, e.g. 广州市民政局
    #[arg(long)]
    name: String,
    /// Short code for URLs and commands, e.g. gzmz
    #[arg(long)]
    short_code: String,
    /// peoples_government | government_department | district_bureau | affiliated_body
    #[arg(long, default_value = "government_department")]
    kind: String,
    /// Unified social credit code (18 characters, GB 32100-2015)
    #[arg(long)]
    credit_code: String,
    /// Parent organisation (short code or name)
    #[arg(long)]
    parent: Option<String>,
    /// Organisation that carries out this one's disclosure work, except applications
    #[arg(long)]
    hosted_by: Option<String>,
    #[arg(long, default_value = "")]
    address: String,
    #[arg(long, default_value = "")]
    office_hours: String,
    #[arg(long, default_value = "")]
    phone: String,
    #[arg(long, default_value = "")]
    fax: String,
    #[arg(long, default_value = "")]
    email: String,
    #[arg(long, default_value = "")]
    website: String,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a staff account (the password is read from stdin with --password-stdin, else generated and printed)
    Add(UserAddArgs),
    /// Set a new password (read from stdin with --password-stdin, else generated and printed)
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts with their roles
    List,
}

#[derive(Args)]
struct UserAddArgs {
    #[arg(long)]
    username: String,
    /// Person's name, e.g. 王小明
    #[arg(long)]
    display_name: String,
    /// E-mail address for deadline alerts
    #[arg(long)]
    email: Option<String>,
    /// Organisation (short code or name) in which the role is held
    #[arg(long, required_unless_present = "system_admin")]
    org: Option<String>,
    /// staff | approver | org_admin | supervisor
    #[arg(long, default_value = "staff")]
    role: String,
    /// Make the account a system administrator
    #[arg(long)]
    system_admin: bool,
    #[arg(long)]
    password_stdin: bool,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Command::Calendar(cmd) = &cli.command {
        return rt.block_on(calendar(&cli.db, cmd));
    }
    if let Command::Report(ReportCmd::Check { file, previous }) = &cli.command {
        return report_check(file, previous.as_deref());
    }
    if let Command::Import(ImportCmd::Report { file, year, org }) = &cli.command {
        return import_report(file, *year, org.as_deref());
    }
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("GONGKAI_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = std::env::var("GONGKAI_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}

async fn open(db: &DbArgs, create: bool) -> anyhow::Result<Db> {
    let mode = if create || db.create { OpenMode::Create } else { OpenMode::Existing };
    let d = Db::open(db.url(), mode).await?;
    d.migrate().await.context("applying migrations")?;
    Ok(d)
}

fn cli_actor() -> Actor {
    Actor::cli(&std::env::var("USER").unwrap_or_else(|_| "unknown".into()))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Version => {
            println!("gongkai {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Command::Migrate => {
            let mode = if cli.db.create { OpenMode::Create } else { OpenMode::Existing };
            let db = Db::open(cli.db.url(), mode).await?;
            let n = db.migrate().await?;
            println!("migrations applied: {n}");
            Ok(())
        }
        Command::Serve(args) => serve(&cli.db, args).await,
        Command::Worker(args) => worker(&cli.db, args).await,
        Command::Org(cmd) => org(&cli.db, cmd).await,
        Command::User(cmd) => user(&cli.db, cmd).await,
        Command::Calendar(_) | Command::Import(_) => unreachable!("handled in main with its own exit codes"),
        Command::Report(ReportCmd::Check { .. }) => unreachable!("handled in main with its own exit codes"),
        Command::Report(ReportCmd::Tables { org, year, json }) => report_tables(&cli.db, &org, year, json).await,
        Command::Report(ReportCmd::Export { org, year, to, output }) => {
            report_export(&cli.db, &org, year, &to, &output).await
        }
        Command::Reindex(args) => {
            let db = open(&cli.db, false).await?;
            let dir = args.resolve(&db);
            let index: std::sync::Arc<dyn gongkai_search::SearchIndex> =
                std::sync::Arc::new(gongkai_search::TantivyIndex::open(dir.as_deref())?);
            let started = std::time::Instant::now();
            let n = gongkai_web::catalog::indexer::rebuild(&db, &index).await?;
            println!(
                "search index rebuilt: {} documents from {n} change-log entries in {:.1} s{}",
                index.len(),
                started.elapsed().as_secs_f64(),
                dir.map(|d| format!(" ({})", d.display())).unwrap_or_default()
            );
            Ok(())
        }
        Command::Backup { to } => {
            let db = open(&cli.db, false).await?;
            gongkai_store::backup::backup(&db, &to).await?;
            println!("backup written to {}", to.display());
            Ok(())
        }
    }
}

async fn serve(dbargs: &DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    let db = open(dbargs, args.demo).await?;
    let clock = args.today.unwrap_or_default();
    if clock.is_shifted() {
        println!("running as if today were {} (--today)", clock.today());
    }
    if args.demo {
        if demo::is_seeded(&db).await? {
            tracing::info!("demo organisation already present");
        } else {
            demo::seed(&db, clock.today()).await.context("seeding the demo")?;
            tracing::info!("demo organisation seeded");
        }
    }
    let config = WebConfig {
        body_limit: args.body_limit,
        cookie_secure: !args.insecure_cookies,
        session_ttl: jiff::SignedDuration::from_mins(args.session_minutes.max(5)),
        index_dir: args.index.resolve(&db),
        base_url: args.base_url.clone(),
        clock,
    };
    let state = AppState::new(db.clone(), config).await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("gongkai listening on http://{addr}/  (console: http://{addr}/console)");
    if args.demo {
        println!("demo logins (password {}):", demo::DEMO_PASSWORD);
        for l in demo::LOGINS {
            println!("  {:<18} {}", l.username, l.role);
        }
    }
    // Background jobs (alerts, their e-mails, session clean-up) from the job table; with
    // several instances, run them here with --no-worker and `gongkai worker` elsewhere.
    if !args.no_worker {
        let mailer = gongkai_web::applications::mail::Mailer::from_env()?;
        if mailer.is_some() {
            tracing::info!("deadline alerts will also be e-mailed (GONGKAI_SMTP_URL)");
        }
        let worker = gongkai_web::jobs::worker::Worker::new(db.clone(), mailer, clock);
        tokio::spawn(worker.run(std::future::pending()));
    }
    gongkai_web::serve(listener, state, shutdown_signal()).await?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn worker(dbargs: &DbArgs, args: WorkerArgs) -> anyhow::Result<()> {
    let db = open(dbargs, false).await?;
    let mailer = gongkai_web::applications::mail::Mailer::from_env()?;
    let w = gongkai_web::jobs::worker::Worker::new(db.clone(), mailer, args.today.unwrap_or_default());
    if args.once {
        w.schedule().await?;
        let n = w.drain().await?;
        let (queued, running, dead) = gongkai_store::jobs::counts(&db).await?;
        println!("jobs run: {n}; left: {queued} queued, {running} running, {dead} dead");
    } else {
        println!("gongkai worker {} running; stop with Ctrl-C or SIGTERM", w.id);
        w.run(shutdown_signal()).await;
    }
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn org(dbargs: &DbArgs, cmd: OrgCmd) -> anyhow::Result<()> {
    let db = open(dbargs, false).await?;
    match cmd {
        OrgCmd::List => {
            for o in orgs::list(&db).await? {
                println!(
                    "{}\t{}\t{}\t{}\tparent={}\thosted_by={}",
                    o.id,
                    o.short_code,
                    o.name,
                    o.credit_code,
                    o.parent_id.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                    o.hosted_by_id.map(|p| p.to_string()).unwrap_or_else(|| "-".into())
                );
            }
            Ok(())
        }
        OrgCmd::Add(a) => {
            let a = *a;
            let lookup = |key: Option<String>| {
                let db = db.clone();
                async move {
                    match key {
                        Some(k) => orgs::find(&db, &k)
                            .await
                            .map(|o| Some(o.id.0))
                            .map_err(|_| anyhow::anyhow!("no organisation with short code or name '{k}'")),
                        None => Ok(None),
                    }
                }
            };
            let input = OrgInput {
                name: a.name,
                short_code: a.short_code,
                kind: a.kind,
                credit_code: a.credit_code,
                parent_id: lookup(a.parent).await?,
                hosted_by_id: lookup(a.hosted_by).await?,
                address: a.address,
                office_hours: a.office_hours,
                phone: a.phone,
                fax: a.fax,
                email: a.email,
                website: a.website,
            };
            let facts = input.parse().map_err(|e| anyhow::anyhow!("invalid organisation: {}", field_list(&e)))?;
            let id = orgs::create(&db, &cli_actor(), &facts).await.map_err(|e| match e {
                orgs::WriteError::Invalid(f) => {
                    anyhow::anyhow!("invalid organisation: {}", field_list(&f))
                }
                orgs::WriteError::Store(s) => s.into(),
            })?;
            println!("organisation {id} created: {} ({})", facts.name, facts.short_code);
            Ok(())
        }
    }
}

fn field_list(e: &gongkai_core::FieldErrors) -> String {
    e.0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
}

/// A password from stdin (first line), or a generated one that is printed once.
fn obtain_password(from_stdin: bool, username: &Username) -> anyhow::Result<NewPassword> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let pw = line.trim_end_matches(['\r', '\n']);
        NewPassword::parse(pw, Some(username)).map_err(|e| anyhow::anyhow!("password: {}", e.message))
    } else {
        let generated = format!("Gk-{}", gongkai_web::http::auth::random_hex(8));
        println!("generated password for {username}: {generated}");
        NewPassword::parse(&generated, Some(username)).map_err(|e| anyhow::anyhow!("{}", e.message))
    }
}

async fn user(dbargs: &DbArgs, cmd: UserCmd) -> anyhow::Result<()> {
    let db = open(dbargs, false).await?;
    match cmd {
        UserCmd::List => {
            let all = orgs::list(&db).await?;
            for u in users::list(&db).await? {
                let grants = users::grants(&db, u.id).await?;
                let roles: Vec<String> = grants
                    .iter()
                    .map(|g| {
                        let org = all.iter().find(|o| o.id == g.org).map(|o| o.short_code.as_str()).unwrap_or("?");
                        format!("{}@{org}", g.role.code())
                    })
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}{}\t{}",
                    u.id,
                    u.username,
                    u.display_name,
                    if u.system_admin { "system_admin " } else { "" },
                    roles.join(","),
                    if u.active { "active" } else { "disabled" }
                );
            }
            Ok(())
        }
        UserCmd::Add(a) => {
            let username = Username::parse(&a.username).map_err(|e| anyhow::anyhow!("username: {}", e.message))?;
            let display_name = parse_display_name(&a.display_name).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let mut grants = Vec::new();
            if let Some(org) = &a.org {
                let o = orgs::find(&db, org).await.map_err(|_| anyhow::anyhow!("no organisation '{org}'"))?;
                let role = Role::parse(&a.role).map_err(|e| anyhow::anyhow!("role: {}", e.message))?;
                grants.push(Grant { org: o.id, role });
            }
            let email = match a.email.as_deref() {
                Some(e) => {
                    Some(gongkai_core::orgs::parse_email("email", e).map_err(|e| anyhow::anyhow!("{}", e.message))?)
                }
                None => None,
            };
            let pw = obtain_password(a.password_stdin, &username)?;
            let hash = gongkai_web::http::auth::hash_password(&pw)?;
            let new = users::NewUser {
                username,
                display_name,
                email,
                password_hash: hash,
                system_admin: a.system_admin,
                grants,
            };
            let id = users::create(&db, &cli_actor(), &new).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("user {id} created: {}", new.username);
            Ok(())
        }
        UserCmd::Passwd { username, password_stdin } => {
            let name = Username::parse(&username).map_err(|e| anyhow::anyhow!("username: {}", e.message))?;
            let Some((u, _)) = users::credentials(&db, name.as_str()).await? else {
                bail!("no user '{name}'");
            };
            let pw = obtain_password(password_stdin, &name)?;
            let hash = gongkai_web::http::auth::hash_password(&pw)?;
            users::set_password(&db, &cli_actor(), u.id, &hash).await?;
            println!("password of {name} changed; the user's sessions were ended");
            Ok(())
        }
    }
}

/// The calendar the CLI computes with: the database's active calendar when a database
/// is named or the default database file exists, else the compiled-in notices.
async fn cli_calendar(dbargs: &DbArgs) -> anyhow::Result<gongkai_core::calendar::Calendar> {
    let default_missing = dbargs.database.is_none() && !std::path::Path::new("gongkai.db").exists();
    if default_missing {
        return Ok(gongkai_core::calendar::Calendar::builtin());
    }
    let db = open(dbargs, false).await?;
    Ok((*gongkai_store::calendars::active(&db).await?).clone())
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.trim().parse().map_err(|_| format!("'{s}' is not a date (expected YYYY-MM-DD)"))
}

/// Exit codes: 0 success, 1 other errors, 2 bad input or a date the calendar does not cover.
async fn calendar(dbargs: &DbArgs, cmd: &CalendarCmd) -> ExitCode {
    use gongkai_core::calendar::CalendarError;
    let fail = |code: u8, msg: String| {
        eprintln!("error: {msg}");
        ExitCode::from(code)
    };
    let cal_err = |e: CalendarError| match e {
        CalendarError::NotCovered { .. } => fail(2, e.to_string()),
        other => fail(1, other.to_string()),
    };
    if let CalendarCmd::Load { file } = cmd {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => return fail(1, format!("cannot read {}: {e}", file.display())),
        };
        let db = match open(dbargs, false).await {
            Ok(db) => db,
            Err(e) => return fail(1, format!("{e:#}")),
        };
        return match gongkai_store::calendars::load(&db, &cli_actor(), &text).await {
            Ok(Ok(c)) => {
                let years: Vec<String> = c.years().iter().map(|y| y.0.to_string()).collect();
                println!("calendar {} loaded (years {})", c.version(), years.join(", "));
                // Running applications follow the corrected calendar; each move is an event.
                match gongkai_store::applications::recompute_deadlines(
                    &db,
                    &cli_actor(),
                    &gongkai_web::applications::ops::settings(),
                    &c,
                )
                .await
                {
                    Ok(n) => {
                        println!("deadlines moved: {n}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(1, format!("calendar loaded, but re-deriving deadlines failed: {e}")),
                }
            }
            Ok(Err(e)) => fail(2, e.to_string()),
            Err(e) => fail(1, e.to_string()),
        };
    }
    let cal = match cli_calendar(dbargs).await {
        Ok(c) => c,
        Err(e) => return fail(1, format!("{e:#}")),
    };
    // Strict unless asked: the contract is exit 2 for a year without a loaded notice.
    let provisional = match cmd {
        CalendarCmd::AddWorkingDays { provisional, .. }
        | CalendarCmd::IsWorkingDay { provisional, .. }
        | CalendarCmd::Explain { provisional, .. } => *provisional,
        _ => false,
    };
    let cal = if provisional { cal.with_provisional() } else { cal.strict() };
    let say_provisional = |from: jiff::civil::Date, to: jiff::civil::Date| {
        if let Some(year) = cal.provisional_year_in(from, to) {
            eprintln!(
                "provisional: no holiday notice is loaded for {year}; counted on the statutory holidays of                  the 全国年节及纪念日放假办法 (with make-up days for those on a weekend, no adjusted working days)"
            );
        }
    };
    match cmd {
        CalendarCmd::AddWorkingDays { date, n, .. } => match parse_date(date) {
            Err(m) => fail(2, m),
            Ok(d) => match cal.add_working_days(d, *n) {
                Ok(due) => {
                    say_provisional(d, due);
                    println!("{due}");
                    ExitCode::SUCCESS
                }
                Err(e) => cal_err(e),
            },
        },
        CalendarCmd::IsWorkingDay { date, .. } => match parse_date(date) {
            Err(m) => fail(2, m),
            Ok(d) => match cal.is_working_day(d) {
                Ok(b) => {
                    say_provisional(d, d);
                    println!("{b}");
                    ExitCode::SUCCESS
                }
                Err(e) => cal_err(e),
            },
        },
        CalendarCmd::Explain { date, n, .. } => match parse_date(date) {
            Err(m) => fail(2, m),
            Ok(d) => match cal.explain(d, *n) {
                Ok(days) => {
                    say_provisional(d, days.last().map_or(d, |e| e.date));
                    println!("{d} {} day 0 (start, not counted)", weekday(d));
                    for e in &days {
                        let what = match &e.note {
                            Some(note) => format!("{}: {note}, provisional", e.kind.label()),
                            None if e.provisional => format!("{}, provisional", e.kind.label()),
                            None => e.kind.label().to_string(),
                        };
                        match e.counted {
                            Some(k) => println!("{} {} counted {k} ({what})", e.date, weekday(e.date)),
                            None => println!("{} {} skipped ({what})", e.date, weekday(e.date)),
                        }
                    }
                    println!("due {} (working day {n}; calendar {})", days.last().map_or(d, |e| e.date), cal.version());
                    ExitCode::SUCCESS
                }
                Err(e) => cal_err(e),
            },
        },
        CalendarCmd::Show => {
            println!("active calendar {}", cal.version());
            for (y, notice) in cal.years() {
                println!("  {y}  {notice}");
            }
            if (dbargs.database.is_some() || std::path::Path::new("gongkai.db").exists())
                && let Ok(db) = open(dbargs, false).await
            {
                for h in gongkai_store::calendars::history(&db).await.unwrap_or_default() {
                    println!("loaded #{} {} years {} at {} by {}", h.id, h.version, h.years, h.loaded_at, h.loaded_by);
                }
            }
            ExitCode::SUCCESS
        }
        CalendarCmd::Load { .. } => unreachable!("handled above"),
    }
}

fn weekday(d: jiff::civil::Date) -> &'static str {
    use jiff::civil::Weekday::*;
    match d.weekday() {
        Monday => "周一",
        Tuesday => "周二",
        Wednesday => "周三",
        Thursday => "周四",
        Friday => "周五",
        Saturday => "周六",
        Sunday => "周日",
    }
}

/// The tables of one body and year, computed from its records.
async fn computed_tables(dbargs: &DbArgs, org: &str, year: i16) -> anyhow::Result<gongkai_core::reports::Tables> {
    if !(2019..=2100).contains(&year) {
        bail!("year {year}: the 2019 regulation's reports start with 2019");
    }
    let db = open(dbargs, false).await?;
    let o =
        orgs::find(&db, org).await.map_err(|_| anyhow::anyhow!("no organisation with short code or name '{org}'"))?;
    Ok(gongkai_store::reports::tables(&db, o.id, year).await?)
}

async fn report_export(
    dbargs: &DbArgs,
    org: &str,
    year: i16,
    to: &str,
    output: &std::path::Path,
) -> anyhow::Result<()> {
    use gongkai_web::reports::export as x;
    let t = computed_tables(dbargs, org, year).await?;
    let db = open(dbargs, false).await?;
    let o =
        orgs::find(&db, org).await.map_err(|_| anyhow::anyhow!("no organisation with short code or name '{org}'"))?;
    // The whole report: the narrative as stored (sections not yet written say so).
    let (d, _) = gongkai_web::reports::annual::current_document(&db, o.id, year)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    let bytes = match to {
        "html" => x::html(&d).into_bytes(),
        "json" => serde_json::to_vec_pretty(&t)?,
        "docx" => x::docx(&d).map_err(|e| anyhow::anyhow!("{}", e.message()))?,
        "xlsx" => x::xlsx(&d).map_err(|e| anyhow::anyhow!("{}", e.message()))?,
        "pdf" => x::pdf(&d).map_err(|e| anyhow::anyhow!("{}", e.message()))?,
        other => bail!("unknown export format '{other}': use html, docx, xlsx, pdf or json"),
    };
    std::fs::write(output, bytes).with_context(|| format!("writing {}", output.display()))?;
    let what = if to == "json" { "tables" } else { "report" };
    println!("{} {year} {what} written to {} ({to})", t.org, output.display());
    Ok(())
}

/// The statistical tables of one body and year, from its records.
async fn report_tables(dbargs: &DbArgs, org: &str, year: i16, json: bool) -> anyhow::Result<()> {
    use gongkai_core::reports::layout;
    let t = computed_tables(dbargs, org, year).await?;
    let format = t.format;
    if json {
        println!("{}", serde_json::to_string_pretty(&t)?);
        return Ok(());
    }
    println!("{} {year}年政府信息公开工作年度报告统计表（{:?}）", t.org, format);
    println!("三、收到和处理政府信息公开申请情况");
    let cols: Vec<&str> = layout::T3_COLUMNS.iter().map(|c| c.1).collect();
    println!("{:<40}\t{}", "", cols.join("\t"));
    for r in layout::t3_rows(format) {
        if r.values {
            let v: Vec<String> =
                layout::T3_COLUMNS.iter().map(|(c, _)| t.get(&format!("{}:{c}", r.code)).to_string()).collect();
            println!("{:<40}\t{}", r.label, v.join("\t"));
        } else {
            println!("{}", r.label);
        }
    }
    println!("四、政府信息公开行政复议、行政诉讼情况");
    let v: Vec<String> =
        layout::T4_COLUMNS.iter().map(|(c, g, l)| format!("{g}{l}={}", t.get(&format!("t4:{c}")))).collect();
    println!("{}", v.join("  "));
    Ok(())
}

fn read_tables(path: &std::path::Path) -> Result<gongkai_core::reports::Tables, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let raw: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    // The format may be omitted: it follows from the report year.
    let mut raw = raw;
    if raw.get("format").is_none()
        && let Some(y) = raw.get("year").and_then(|y| y.as_i64())
    {
        let f = if y <= 2020 { "F2019" } else { "F2021" };
        raw["format"] = serde_json::Value::String(f.into());
    }
    if raw.get("org").is_none() {
        raw["org"] = serde_json::Value::String(String::new());
    }
    serde_json::from_value(raw)
        .map_err(|e| format!("{}: not a tables file ({{\"format\",\"year\",\"cells\"}}): {e}", path.display()))
}

/// `report check`: exit 0 when every hard identity holds, 1 when one fails, 2 on bad input.
fn report_check(file: &std::path::Path, previous: Option<&std::path::Path>) -> ExitCode {
    let t = match read_tables(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let prev = match previous.map(read_tables).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let r = gongkai_core::reports::check(&t, prev.as_ref());
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    for f in &r.failures {
        println!("{f}");
    }
    if r.failures.is_empty() {
        println!("ok: {} {} {:?} — all identities hold", t.org, t.year, t.format);
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `import report`: exit 0 with the JSON when the page was read, 2 when it cannot be.
fn import_report(file: &std::path::Path, year: Option<i16>, org: Option<&str>) -> ExitCode {
    use gongkai_core::reports::import;
    let raw = match std::fs::read(file) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    // Clean the text first: Traditional to Simplified, scraped pinyin removed.
    let cleaned = gongkai_text::clean_legacy(&raw);
    let toks = import::tokens(&cleaned);
    let (title_year, title_org) = import::title_facts(&toks);
    let Some(year) = year.or(title_year) else {
        eprintln!("error: the page does not name its report year; pass --year");
        return ExitCode::from(2);
    };
    let format = import::detect_format(&toks);
    let org = org.map(str::to_string).or(title_org).unwrap_or_default();
    let imported = import::read(&toks, &org, year, format);
    let check = gongkai_core::reports::check(&imported.tables, None);
    let out = serde_json::json!({
        "format": imported.tables.format,
        "org": imported.tables.org,
        "year": imported.tables.year,
        "cells": imported.tables.cells,
        "unreadable": imported.unreadable,
        "check": check,
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
    ExitCode::SUCCESS
}
