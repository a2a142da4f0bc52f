//! gongkai-store: one schema on SQLite and PostgreSQL, migrations and repositories.
//!
//! All queries go through sqlx's `Any` driver with `$n` placeholders, which both
//! databases accept, so there is one code path; the few dialect differences live in the
//! two migration folders and in [`Db::begin_write`]. Within the `Any` type limits,
//! integers are `i64`, booleans 0/1 integers, instants RFC 3339 text (see [`ts`]).

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod applications;
pub mod audit;
pub mod backup;
pub mod calendars;
pub mod catalog;
pub mod channels;
pub mod consultations;
pub mod crypto;
mod db;
pub mod files;
pub mod jobs;
pub mod orgs;
pub mod oversight;
pub mod press;
pub mod proposals;
pub mod pushes;
pub mod reports;
pub mod sealing;
pub mod settings;
pub mod transfer;
pub mod ts;

pub use audit::Actor;
pub use db::{Backend, Db, DbTarget, OpenMode};

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is malformed, names an unsupported scheme, or points to a file
    /// that does not exist (and creating it was not asked for).
    #[error("{0}")]
    Config(String),
    /// A uniqueness rule was violated: `field` names the input field to blame.
    #[error("duplicate value for {field}")]
    Duplicate { field: &'static str },
    #[error("record not found")]
    NotFound,
    /// The record changed under the writer (a concurrent step); the message is for the user.
    #[error("{0}")]
    Conflict(String),
    /// A stored value that is not one the platform writes (a damaged or hand-edited row):
    /// an error, never replaced by a default.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// A value could not be written as JSON (an event, a job).
    #[error("cannot encode {0}")]
    Encode(String),
    /// Personal data cannot be sealed or opened (no key configured, a key missing from
    /// the key file, a damaged value).
    #[error(transparent)]
    Crypto(#[from] crypto::CryptoError),
    /// The file store (folder or bucket) could not be reached or written.
    #[error("{0}")]
    Files(String),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Map a unique-constraint violation to the field it concerns, by index name. Both
/// databases name the index in their message (SQLite names the columns instead).
pub(crate) fn map_unique(e: sqlx::Error, rules: &[(&str, &'static str)]) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let msg = db.message().to_string();
        let constraint = db.constraint().unwrap_or("").to_string();
        if db.is_unique_violation() || msg.contains("UNIQUE") || msg.contains("unique") {
            for (needle, field) in rules {
                if constraint.contains(needle) || msg.contains(needle) {
                    return StoreError::Duplicate { field };
                }
            }
        }
    }
    StoreError::Sqlx(e)
}
