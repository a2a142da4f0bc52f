use crate::{Result, StoreError};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, SqlSafeStr};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

/// The advisory lock under which `migrate` counts what it applied (any fixed number; the
/// migrator's own lock is another).
const MIGRATION_COUNT_LOCK: i64 = 0x676f_6e67_6b61_6900;

async fn count_migrations(conn: &mut sqlx::AnyConnection) -> Result<usize> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE").fetch_one(conn).await?;
    Ok(n as usize)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives, parsed from a database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    SqliteFile(PathBuf),
    SqliteMemory,
    Postgres(String),
}

/// Whether a missing SQLite file (and its folder) may be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    Existing,
    Create,
}

impl DbTarget {
    /// Parse `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:`, `postgres://…` or
    /// `postgresql://…`. Anything else is refused with a message naming what we accept.
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(StoreError::Config(format!(
                "cannot parse database URL '{url}': expected sqlite://PATH or postgres://USER@HOST/DB"
            )));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                if rest == ":memory:" || rest == "//:memory:" {
                    return Ok(DbTarget::SqliteMemory);
                }
                let path = rest.strip_prefix("//").unwrap_or(rest);
                let path = path.split_once('?').map_or(path, |(p, _)| p);
                if path.is_empty() {
                    return Err(StoreError::Config(format!("database URL '{url}' names no file")));
                }
                Ok(DbTarget::SqliteFile(PathBuf::from(path)))
            }
            "postgres" | "postgresql" => {
                if !rest.starts_with("//") || rest.len() <= 2 {
                    return Err(StoreError::Config(format!(
                        "cannot parse database URL '{url}': expected postgres://USER@HOST[:PORT]/DB"
                    )));
                }
                Ok(DbTarget::Postgres(url.to_string()))
            }
            other => Err(StoreError::Config(format!(
                "unsupported database scheme '{other}' in '{url}': gongkai supports sqlite:// and postgres://"
            ))),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbTarget::Postgres(_) => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }
}

/// A connection pool on either database, with migrations applied by [`Db::migrate`].
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    target: DbTarget,
    /// The active calendar keyed by the id of the newest loaded notices file (0 = built-in),
    /// so requests do not re-parse it.
    pub(crate) calendar_cache: CalendarCache,
    /// The database refuses writes (a PostgreSQL replica or `default_transaction_read_only`,
    /// a write-protected SQLite file): reads are served, writes refused with a notice.
    read_only: bool,
    /// The data keys that seal personal data (set by the caller from its configuration);
    /// shared by every clone so a rotation reaches them all.
    keys: std::sync::Arc<std::sync::RwLock<Option<std::sync::Arc<crate::crypto::Keyring>>>>,
    /// Where uploaded files' bytes go (none: into their rows).
    files: std::sync::Arc<std::sync::RwLock<Option<crate::files::FileStore>>>,
}

/// (id of the newest loaded calendar, the parsed calendar).
pub(crate) type CalendarCache =
    std::sync::Arc<std::sync::Mutex<Option<(i64, std::sync::Arc<gongkai_core::calendar::Calendar>)>>>;

static DRIVERS: Once = Once::new();

impl Db {
    /// Open the database named by `url`. A SQLite file that does not exist is an error
    /// unless `mode` is [`OpenMode::Create`], so a mistyped path never silently becomes
    /// a new empty database.
    pub async fn open(url: &str, mode: OpenMode) -> Result<Self> {
        const CONNECT_TIMEOUT: Duration = Duration::from_secs(8);
        let target = DbTarget::parse(url)?;
        DRIVERS.call_once(install_default_drivers);
        let (connect_url, max) = match &target {
            DbTarget::SqliteMemory => {
                // One connection: every connection to :memory: is a separate database.
                ("sqlite::memory:".to_string(), 1)
            }
            DbTarget::SqliteFile(path) => {
                prepare_sqlite_path(path, mode)?;
                let m = if mode == OpenMode::Create { "rwc" } else { "rw" };
                (format!("sqlite://{}?mode={m}", path.display()), 8)
            }
            DbTarget::Postgres(u) => (u.clone(), 16),
        };
        let backend = target.backend();
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Per-connection settings (journal_mode=WAL persists in the file).
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(&connect_url);
        // An unreachable server is said within seconds, not after the pool's 30 s retry.
        let pool = match tokio::time::timeout(CONNECT_TIMEOUT, pool).await {
            Ok(r) => r.map_err(|e| match &target {
                DbTarget::Postgres(_) => StoreError::Config(format!("cannot connect to PostgreSQL: {e}")),
                _ => StoreError::Sqlx(e),
            })?,
            Err(_) => {
                return Err(StoreError::Config(format!(
                    "cannot connect to the database within {} s (is the server running and reachable?)",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
        };
        let read_only = match backend {
            Backend::Postgres => {
                sqlx::query_scalar::<sqlx::Any, String>("SHOW transaction_read_only").fetch_one(&pool).await? == "on"
            }
            // SQLite opens a write-protected file read-only; taking the write lock says so.
            Backend::Sqlite => {
                let mut conn = pool.acquire().await?;
                let writable = conn.execute("BEGIN IMMEDIATE").await.is_ok();
                if writable {
                    conn.execute("ROLLBACK").await?;
                }
                !writable
            }
        };
        if matches!(target, DbTarget::SqliteFile(_)) && !read_only {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        Ok(Self {
            pool,
            backend,
            target,
            calendar_cache: Default::default(),
            read_only,
            keys: Default::default(),
            files: Default::default(),
        })
    }

    /// Keep uploaded files' bytes in `files` from now on (rows already written stay readable).
    pub fn set_files(&self, files: crate::files::FileStore) {
        *self.files.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(files);
    }

    /// The file store, if one was configured.
    pub fn files(&self) -> Option<crate::files::FileStore> {
        self.files.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Use `keys` to seal and open personal data from now on.
    pub fn set_keyring(&self, keys: crate::crypto::Keyring) {
        let mut slot = self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Some(std::sync::Arc::new(keys));
    }

    /// The data keys; an error when none were configured, so personal data is never
    /// written in clear.
    pub fn keyring(&self) -> crate::Result<std::sync::Arc<crate::crypto::Keyring>> {
        self.keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .ok_or(crate::StoreError::Crypto(crate::crypto::CryptoError::NoKey))
    }

    /// Whether the database refuses writes (see the field).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn target(&self) -> &DbTarget {
        &self.target
    }

    /// Start a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers wait on the busy timeout instead of
    /// failing when a read transaction tries to upgrade.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// The migrations of this backend, embedded in the binary.
    pub fn migrator(&self) -> Migrator {
        Migrator::with_migrations(migrations(self.backend))
    }

    /// Apply every pending migration; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        if self.read_only {
            // Nothing can be applied: serve as it is if it is current, else say why not.
            let pending = migrations(self.backend).len().saturating_sub(self.applied_migrations().await.unwrap_or(0));
            if pending > 0 {
                return Err(StoreError::Config(format!(
                    "the database is read-only and {pending} migrations are pending; open it writable once"
                )));
            }
            return Ok(0);
        }
        // Servers started together on one PostgreSQL: the migrator takes its own lock, but
        // the count before must be read under a lock too, or each would report them all.
        // Held on a connection that is closed afterwards, so no lock outlives an error (not on
        // SQLite, where closing the only connection of `sqlite::memory:` would lose it).
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            conn.close_on_drop();
            sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_COUNT_LOCK).execute(&mut *conn).await?;
        }
        let before = count_migrations(&mut conn).await.unwrap_or(0);
        self.migrator().run(&mut *conn).await?;
        let after = count_migrations(&mut conn).await?;
        Ok(after.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize> {
        count_migrations(&mut *self.pool.acquire().await?).await
    }

    /// A round trip to the database (health checks).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query_scalar::<sqlx::Any, i64>("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn prepare_sqlite_path(path: &Path, mode: OpenMode) -> Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        if mode == OpenMode::Create {
            std::fs::create_dir_all(&folder)
                .map_err(|e| StoreError::Config(format!("cannot create folder {}: {e}", folder.display())))?;
        } else {
            return Err(StoreError::Config(format!(
                "folder {} of the SQLite database does not exist (use --create to create it)",
                folder.display()
            )));
        }
    }
    if !path.exists() && mode == OpenMode::Existing {
        return Err(StoreError::Config(format!(
            "SQLite database {} does not exist (use --create to create a new empty database, or check the path)",
            path.display()
        )));
    }
    if path.is_file() {
        // A file that is not a SQLite database is said at once, not after the pool's retries.
        use std::io::Read;
        let mut head = [0u8; 16];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| StoreError::Config(format!("cannot read {}: {e}", path.display())))?;
        if n > 0 && head[..n] != b"SQLite format 3\0"[..n] {
            return Err(StoreError::Config(format!(
                "{} is not a SQLite database (check the path; nothing was changed)",
                path.display()
            )));
        }
    }
    if !path.exists() {
        // Created owner-only before SQLite opens it; SQLite gives the -wal and -shm files
        // the database file's permissions.
        create_private(path)?;
    }
    Ok(())
}

/// Create an empty file readable and writable by its owner only (0600 on Unix): the
/// database and its backups hold applicants' personal data.
pub fn create_private(path: &Path) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map(drop).map_err(|e| StoreError::Config(format!("cannot create {}: {e}", path.display())))
}

/// (version, description, source) of each migration: one source for both databases,
/// rendered by [`render`] (see migrations/README.md).
#[rustfmt::skip]
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "calendars", include_str!("../migrations/0002_calendars.sql")),
    (3, "applications", include_str!("../migrations/0003_applications.sql")),
    (4, "letter templates", include_str!("../migrations/0004_letter_templates.sql")),
    (5, "user email", include_str!("../migrations/0005_user_email.sql")),
    (6, "report figures", include_str!("../migrations/0006_report_figures.sql")),
    (7, "report index", include_str!("../migrations/0007_report_index.sql")),
    (8, "catalog", include_str!("../migrations/0008_catalog.sql")),
    (9, "annual reports", include_str!("../migrations/0009_annual_reports.sql")),
    (10, "column lists", include_str!("../migrations/0010_column_lists.sql")),
    (11, "provisional deadlines", include_str!("../migrations/0011_provisional_deadlines.sql")),
    (12, "application proposals", include_str!("../migrations/0012_application_proposals.sql")),
    (13, "jobs", include_str!("../migrations/0013_jobs.sql")),
    (14, "sealed personal data", include_str!("../migrations/0014_sealed_personal_data.sql")),
    (15, "motions", include_str!("../migrations/0015_motions.sql")),
    (16, "press", include_str!("../migrations/0016_press.sql")),
    (17, "channel counts", include_str!("../migrations/0017_channel_counts.sql")),
    (18, "consultations", include_str!("../migrations/0018_consultations.sql")),
    (19, "pushes", include_str!("../migrations/0019_pushes.sql")),
    (20, "oversight", include_str!("../migrations/0020_oversight.sql")),
    (21, "file_store", include_str!("../migrations/0021_file_store.sql")),
    (22, "issuer_index", include_str!("../migrations/0022_issuer_index.sql")),
];

/// A migration source as the SQL of `backend`.
pub fn render(source: &str, backend: Backend) -> String {
    let (identity, blob, other) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB", "postgres"),
        Backend::Postgres => ("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BYTEA", "sqlite"),
    };
    source.replace("{{identity}}", identity).replace("{{blob}}", blob).replace("{{other}}", other)
}

fn migrations(backend: Backend) -> Vec<Migration> {
    MIGRATIONS
        .iter()
        .map(|&(v, d, src)| {
            let sql = sqlx::AssertSqlSafe(render(src, backend)).into_sql_str();
            Migration::new(v, d.into(), MigrationType::Simple, sql, false)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_urls() {
        assert_eq!(DbTarget::parse("sqlite://gongkai.db").unwrap(), DbTarget::SqliteFile("gongkai.db".into()));
        assert_eq!(DbTarget::parse("sqlite:///var/lib/g.db").unwrap(), DbTarget::SqliteFile("/var/lib/g.db".into()));
        assert_eq!(DbTarget::parse("sqlite:data/g.db?mode=rw").unwrap(), DbTarget::SqliteFile("data/g.db".into()));
        assert_eq!(DbTarget::parse("sqlite::memory:").unwrap(), DbTarget::SqliteMemory);
        assert_eq!(DbTarget::parse("postgres://u@localhost/g").unwrap().backend(), Backend::Postgres);
        assert_eq!(DbTarget::parse("postgresql://u@h:5433/g").unwrap().backend(), Backend::Postgres);
    }

    #[test]
    fn refuses_bad_urls() {
        for bad in ["gongkai.db", "mysql://u@h/db", "sqlite://", "postgres:foo", "http://x"] {
            let e = DbTarget::parse(bad).unwrap_err().to_string();
            assert!(e.contains(bad.split(':').next().unwrap()) || e.contains(bad), "{bad}: {e}");
        }
        assert!(
            DbTarget::parse("mysql://u@h/db").unwrap_err().to_string().contains("unsupported database scheme 'mysql'")
        );
    }

    /// The checksums sqlx records for applied migrations: rendering must keep them, or every
    /// existing database refuses to start ("migration was previously applied but modified").
    #[test]
    fn rendered_migrations_keep_their_released_checksums() {
        let pinned: [(&str, &str); 22] = [
            ("84aa5ac2b6e04474", "169b8857c032ae3c"),
            ("7da3d45f4688b5a9", "1ae7407bf54b4767"),
            ("2f3e0ce4cce60e5a", "b0062d5a0a468791"),
            ("aebce558123add70", "ec5205587d1f087d"),
            ("0ecc60ed56c0bd00", "c26065753812c645"),
            ("0f268c9c19e2dfa8", "efc91c848d6be501"),
            ("bdb220b192c59285", "fd1b600bca5aaa03"),
            ("585a2d0558359d0d", "eaf26cf12c2ccc57"),
            ("0117d4ed16e3328b", "1b9bc62103265fb6"),
            ("882984a812f7388b", "c8ce11320dd8b8a2"),
            ("d86ba359a578d2d0", "ae0b558b8869e38a"),
            ("f5372e4fac7d75ef", "97ce9c36818f7a9b"),
            ("335779d65312294f", "086cf35602b74743"),
            ("ad9e637cb9832704", "ad9e637cb9832704"),
            ("c837b14780416b88", "0b19930ff0678b4f"),
            ("6f9893246200e39a", "f9a932586014871f"),
            ("dd3eefcaaeadbee8", "9414158b23695afa"),
            ("7a17570890c87dcf", "cbdb8e08a7f978cd"),
            ("1e81069a5fb951a1", "f09b43461f446e81"),
            ("7445f9847cb89a7d", "a1f4596e42128a7a"),
            ("cf9868e1fe63f750", "cf9868e1fe63f750"),
            ("2e76a09bc5fdd381", "2e76a09bc5fdd381"),
        ];
        let hex = |m: &Migration| m.checksum.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>();
        let (sqlite, postgres) = (migrations(Backend::Sqlite), migrations(Backend::Postgres));
        for (i, (s, p)) in pinned.iter().enumerate() {
            assert_eq!((hex(&sqlite[i]).as_str(), hex(&postgres[i]).as_str()), (*s, *p), "migration {}", i + 1);
        }
        for m in sqlite.iter().chain(&postgres) {
            for p in ["{{identity}}", "{{blob}}", "{{other}}"] {
                assert!(!m.sql.as_str().contains(p), "{p} left in migration {}", m.version);
            }
        }
        assert_eq!(MIGRATIONS.iter().map(|m| m.0).collect::<Vec<_>>(), (1..=22).collect::<Vec<_>>());
    }
}
