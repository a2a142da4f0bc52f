//! Online backup.

use crate::{Backend, Db, Result, StoreError};
use std::path::Path;

/// Copy a live SQLite database to `to` with `VACUUM INTO` (a consistent snapshot taken
/// while the server keeps running). PostgreSQL is backed up with its own tools; the
/// error message says how.
pub async fn backup(db: &Db, to: &Path) -> Result<()> {
    match db.backend() {
        Backend::Sqlite => {
            if to.exists() {
                return Err(StoreError::Config(format!("{} already exists; choose a new file", to.display())));
            }
            let target = to.to_str().ok_or_else(|| StoreError::Config("backup path is not valid UTF-8".into()))?;
            // Owner-only, like the database (VACUUM INTO accepts an empty existing file).
            crate::db::create_private(to)?;
            if let Err(e) = sqlx::query::<sqlx::Any>("VACUUM INTO $1").bind(target).execute(db.pool()).await {
                let _ = std::fs::remove_file(to);
                return Err(e.into());
            }
            Ok(())
        }
        Backend::Postgres => Err(StoreError::Config(POSTGRES_BACKUP_HELP.into())),
    }
}

pub const POSTGRES_BACKUP_HELP: &str = "PostgreSQL databases are backed up with PostgreSQL's own tools, e.g.\n  \
     pg_dump --format=custom --file=gongkai.dump \"$GONGKAI_DATABASE\"\n\
     and restored with\n  pg_restore --clean --dbname=\"$GONGKAI_DATABASE\" gongkai.dump";
