//! The command line. Every command that touches data takes `--database URL` (default
//! `sqlite://gongkai.db`, also `GONGKAI_DATABASE`); errors are printed in English with
//! a non-zero exit code.

mod bench;
mod calendar;
mod catalog;
mod import;
mod keys;
mod org;
mod report;
mod serve;
mod user;
mod worker;

use bench::*;
use calendar::*;
use catalog::*;
use import::*;
use keys::*;
use org::*;
use report::*;
use serve::*;
use user::*;
use worker::*;

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
    /// File of the data keys that encrypt applicants' personal data (ID numbers, phones,
    /// e-mail and postal addresses); keep it apart from the database and its backups.
    /// [default: `<file>.key` beside a SQLite file, `./gongkai-data.key` with PostgreSQL;
    /// `serve` and `worker` create it when it does not exist]
    #[arg(long, global = true, env = "GONGKAI_DATA_KEY_FILE")]
    data_key_file: Option<std::path::PathBuf>,
    /// Where uploaded files (attachments, evidence) keep their bytes: a folder, or
    /// s3://BUCKET[/PREFIX] for S3-compatible storage (credentials, region and endpoint from
    /// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT; AWS_ALLOW_HTTP=true
    /// for a plain-HTTP endpoint), or `db` to keep them in the database rows.
    /// [default: `<file>.files` beside a SQLite file, `./gongkai-files` with PostgreSQL]
    #[arg(long, global = true, env = "GONGKAI_FILES")]
    files: Option<String>,
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
    /// A body's whole catalog as one archive: export, and import on another platform
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Copy the database to a file (SQLite online backup)
    Backup {
        /// Target file (must not exist)
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Rebuild this instance's search index from the database
    Reindex(IndexArgs),
    /// Move a whole database into another, empty one (SQLite to PostgreSQL when an
    /// installation grows), with a count per table; the target keeps the source's data key file
    MigrateData {
        /// The database to read (sqlite://… or postgres://…; --database is not used, --data-key-file
        /// names the source's key file)
        #[arg(long)]
        from: String,
        /// The empty database to fill (a SQLite file is created)
        #[arg(long)]
        to: String,
    },
    /// The data keys that encrypt personal data
    #[command(subcommand)]
    DataKey(DataKeyCmd),
    /// Load tests: seed a large organisation
    #[command(subcommand)]
    Bench(BenchCmd),
    /// Print the version
    Version,
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
    let applied = d.migrate().await.context("applying migrations")?;
    if applied > 0 {
        // Several instances starting together: one applies them under the migration lock.
        tracing::info!(applied, "database migrations applied");
    }
    load_keys(db, &d, KeyFile::IfPresent)?;
    if let Some(f) = db.file_store(&d)? {
        d.set_files(f);
    }
    Ok(d)
}

/// Whether a missing key file is made.
#[derive(PartialEq, Clone, Copy)]
enum KeyFile {
    /// Commands that read: without the file, personal data cannot be read (a clear error
    /// where it is needed), and no new key is made that would not match the data.
    IfPresent,
    /// `serve` and `worker`: a first start makes the key.
    Create,
}

impl DbArgs {
    /// The file store for uploads, or `None` to keep them in the rows.
    fn file_store(&self, db: &Db) -> anyhow::Result<Option<gongkai_store::files::FileStore>> {
        let spec = match (&self.files, db.target()) {
            (Some(s), _) if s == "db" => return Ok(None),
            (Some(s), _) => s.clone(),
            (None, gongkai_store::DbTarget::SqliteFile(p)) => format!("{}.files", p.display()),
            (None, gongkai_store::DbTarget::SqliteMemory) => return Ok(None),
            (None, gongkai_store::DbTarget::Postgres(_)) => "gongkai-files".into(),
        };
        Ok(Some(gongkai_store::files::FileStore::open(&spec).with_context(|| format!("the file store {spec}"))?))
    }

    fn key_path(&self, db: &Db) -> Option<std::path::PathBuf> {
        if let Some(p) = &self.data_key_file {
            return Some(p.clone());
        }
        match db.target() {
            gongkai_store::DbTarget::SqliteFile(p) => Some(std::path::PathBuf::from(format!("{}.key", p.display()))),
            gongkai_store::DbTarget::SqliteMemory => None,
            gongkai_store::DbTarget::Postgres(_) => Some("gongkai-data.key".into()),
        }
    }
}

/// Give `d` its data keys from the key file (an in-memory database gets a fresh key).
fn load_keys(args: &DbArgs, d: &Db, mode: KeyFile) -> anyhow::Result<()> {
    use gongkai_store::crypto::Keyring;
    let Some(path) = args.key_path(d) else {
        d.set_keyring(Keyring::generate());
        return Ok(());
    };
    if mode == KeyFile::IfPresent && !path.exists() {
        return Ok(());
    }
    let (keys, created) =
        Keyring::load_or_create(&path).with_context(|| format!("reading the data key file {}", path.display()))?;
    if created {
        eprintln!(
            "created the data key file {} (mode 0600): it encrypts applicants' personal data; keep a copy apart \
             from the database and its backups: without it that data cannot be read",
            path.display()
        );
    }
    d.set_keyring(keys);
    Ok(())
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
        Command::DataKey(cmd) => data_key(&cli.db, cmd).await,
        Command::Worker(args) => worker(&cli.db, args).await,
        Command::Org(cmd) => org(&cli.db, cmd).await,
        Command::User(cmd) => user(&cli.db, cmd).await,
        Command::Catalog(cmd) => catalog(&cli.db, cmd).await,
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
        Command::Bench(cmd) => bench(&cli.db, cmd).await,
        Command::MigrateData { from, to } => migrate_data(&cli.db, &from, &to).await,
        Command::Backup { to } => {
            let db = open(&cli.db, false).await?;
            gongkai_store::backup::backup(&db, &to).await?;
            println!("backup written to {}", to.display());
            if let Some(f) = db.files() {
                println!(
                    "uploaded files keep their bytes in {} (by SHA-256, never changed in place): back that up too",
                    f.label()
                );
            }
            if let Some(key) = cli.db.key_path(&db) {
                println!(
                    "applicants' personal data in it is encrypted: restoring it needs the data key file {} \
                     (kept apart from backups on purpose; back it up separately)",
                    key.display()
                );
            }
            Ok(())
        }
    }
}

async fn migrate_data(keys: &DbArgs, from: &str, to: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let src = Db::open(from, OpenMode::Existing).await.with_context(|| format!("opening the source {from}"))?;
    src.migrate().await.context("applying migrations to the source")?;
    let dst = Db::open(to, OpenMode::Create).await.with_context(|| format!("opening the target {to}"))?;
    dst.migrate().await.context("applying migrations to the target")?;
    let started = std::time::Instant::now();
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut last = std::time::Instant::now();
    let counts = gongkai_store::transfer::copy_database(&src, &dst, |table, n| {
        // A line that rewrites itself on a terminal, at most ten times a second.
        if tty && last.elapsed() >= std::time::Duration::from_millis(100) {
            eprint!("\r\x1b[Kcopying {table}: {n} rows");
            let _ = std::io::stderr().flush();
            last = std::time::Instant::now();
        }
    })
    .await
    .context("copying (the target is left as it was)")?;
    if tty {
        eprint!("\r\x1b[K");
    }
    let width = counts.iter().map(|c| c.table.len()).max().unwrap_or(5);
    println!("{:<width$}  {:>10}  {:>10}", "table", "source", "target");
    for c in &counts {
        println!("{:<width$}  {:>10}  {:>10}", c.table, c.source, c.target);
    }
    let total: u64 = counts.iter().map(|c| c.target).sum();
    println!("{} tables, {total} rows copied in {:.1} s.", counts.len(), started.elapsed().as_secs_f64());
    // Personal data was copied sealed: the new database needs the old key file.
    let to_key = DbArgs { database: None, create: false, data_key_file: None, files: None }.key_path(&dst);
    match (keys.key_path(&src), to_key, dst.target()) {
        (Some(from_key), Some(to_key), gongkai_store::DbTarget::SqliteFile(_))
            if from_key.exists() && !to_key.exists() =>
        {
            std::fs::copy(&from_key, &to_key)
                .with_context(|| format!("copying the data key file to {}", to_key.display()))?;
            println!(
                "data key file copied to {} (it opens the personal data, which was copied sealed)",
                to_key.display()
            );
        }
        (Some(from_key), _, _) => println!(
            "personal data was copied sealed: run the new installation with the same data key file \
             (--data-key-file {}).",
            from_key.display()
        ),
        _ => {}
    }
    let in_store = gongkai_store::files::rows_in_store(&dst).await?;
    if in_store > 0 {
        let label = keys.file_store(&src)?.map(|f| f.label().to_string()).unwrap_or_else(|| "the file store".into());
        println!(
            "{in_store} uploaded files keep their bytes in {label}: run the new installation with that store \
             (--files), or copy its sha256/ folder into the new one."
        );
    }
    println!("Each instance's search index catches up on start (or run `gongkai reindex`).");
    src.close().await;
    dst.close().await;
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
