//! Staff accounts and their roles.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, StoreError, map_unique, ts};
use gongkai_core::FieldError;
use gongkai_core::orgs::OrgId;
use gongkai_core::orgs::access::{Grant, Principal};
use gongkai_core::orgs::accounts::{Role, UserId, Username, global_lockout_seconds};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub system_admin: bool,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<String>,
    pub last_login_at: Option<String>,
    pub created_at: String,
}

const COLS: &str = "id, username, display_name, email, is_system_admin, active, failed_logins, locked_until, last_login_at, created_at";

fn from_row(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: UserId(r.try_get("id")?),
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        system_admin: r.try_get::<i64, _>("is_system_admin")? != 0,
        active: r.try_get::<i64, _>("active")? != 0,
        failed_logins: r.try_get("failed_logins")?,
        locked_until: r.try_get("locked_until")?,
        last_login_at: r.try_get("last_login_at")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A new account, validated at the edge; the password is already hashed.
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    /// For deadline alerts by e-mail (optional).
    pub email: Option<String>,
    pub password_hash: String,
    pub system_admin: bool,
    pub grants: Vec<Grant>,
}

#[derive(Debug, thiserror::Error)]
pub enum UserWriteError {
    #[error("{0}")]
    Invalid(FieldError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for UserWriteError {
    fn from(e: sqlx::Error) -> Self {
        UserWriteError::Store(e.into())
    }
}

pub async fn create(db: &Db, actor: &Actor, u: &NewUser) -> Result<UserId, UserWriteError> {
    let mut tx = db.begin_write().await?;
    let now = ts::now();
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO users (username, display_name, password_hash, is_system_admin, active, failed_logins, created_at, updated_at, email)
         VALUES ($1, $2, $3, $4, 1, 0, $5, $5, $6) RETURNING id",
    )
    .bind(u.username.as_str())
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(i64::from(u.system_admin))
    .bind(&now)
    .bind(u.email.as_deref())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match map_unique(e, &[("users_username_key", "username"), ("users.username", "username")]) {
        StoreError::Duplicate { field } => {
            UserWriteError::Invalid(FieldError::new(field, format!("用户名“{}”已存在", u.username)))
        }
        other => UserWriteError::Store(other),
    })?;
    let changes = Changes::new()
        .field("username", None, Some(u.username.as_str()))
        .field("display_name", None, Some(u.display_name.as_str()))
        .field("system_admin", None, Some(u.system_admin))
        .secret("password");
    let first_org = u.grants.first().map(|g| g.org);
    audit::record(&mut tx, actor, "create", "user", &id.to_string(), first_org, &changes).await?;
    for g in &u.grants {
        insert_grant(&mut tx, actor, UserId(id), *g).await?;
    }
    tx.commit().await?;
    Ok(UserId(id))
}

async fn insert_grant(conn: &mut AnyConnection, actor: &Actor, user: UserId, g: Grant) -> Result<()> {
    sqlx::query::<Any>("INSERT INTO user_roles (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user.0)
        .bind(g.org.0)
        .bind(g.role.code())
        .bind(ts::now())
        .execute(&mut *conn)
        .await?;
    let changes = Changes::new().field("role", None, Some(g.role.code())).field("org_id", None, Some(g.org.0));
    audit::record(conn, actor, "grant", "user", &user.to_string(), Some(g.org), &changes).await
}

/// Give `user` the role `g` (no-op when already held).
pub async fn grant(db: &Db, actor: &Actor, user: UserId, g: Grant) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let held: i64 = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM user_roles WHERE user_id = $1 AND org_id = $2 AND role = $3",
    )
    .bind(user.0)
    .bind(g.org.0)
    .bind(g.role.code())
    .fetch_one(&mut *tx)
    .await?;
    if held == 0 {
        insert_grant(&mut tx, actor, user, g).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn revoke(db: &Db, actor: &Actor, user: UserId, g: Grant) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>("DELETE FROM user_roles WHERE user_id = $1 AND org_id = $2 AND role = $3")
        .bind(user.0)
        .bind(g.org.0)
        .bind(g.role.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n > 0 {
        let changes = Changes::new().field("role", Some(g.role.code()), None).field("org_id", Some(g.org.0), None);
        audit::record(&mut tx, actor, "revoke", "user", &user.to_string(), Some(g.org), &changes).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn get(db: &Db, id: UserId) -> Result<User> {
    let sql = format!("SELECT {COLS} FROM users WHERE id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    row.as_ref().map(from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// The account and its password hash, for login.
pub async fn credentials(db: &Db, username: &str) -> Result<Option<(User, String)>> {
    let sql = format!("SELECT {COLS}, password_hash FROM users WHERE username = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql))
        .bind(username.trim().to_ascii_lowercase())
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(r) => Ok(Some((from_row(&r)?, r.try_get("password_hash")?))),
        None => Ok(None),
    }
}

pub async fn list(db: &Db) -> Result<Vec<User>> {
    let sql = format!("SELECT {COLS} FROM users ORDER BY id");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// Users holding any role in `org`, with those roles.
pub async fn list_for_org(db: &Db, org: OrgId) -> Result<Vec<(User, Vec<Role>)>> {
    let sql =
        format!("SELECT {COLS} FROM users WHERE id IN (SELECT user_id FROM user_roles WHERE org_id = $1) ORDER BY id");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(db.pool()).await?;
    let mut out = Vec::new();
    for r in &rows {
        let u = from_row(r)?;
        let roles = grants(db, u.id).await?.into_iter().filter(|g| g.org == org).map(|g| g.role).collect();
        out.push((u, roles));
    }
    Ok(out)
}

pub async fn grants(db: &Db, user: UserId) -> Result<Vec<Grant>> {
    let rows = sqlx::query::<Any>("SELECT org_id, role FROM user_roles WHERE user_id = $1 ORDER BY org_id, role")
        .bind(user.0)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(Grant {
                org: OrgId(r.try_get("org_id")?),
                role: Role::parse(&role).map_err(|e| StoreError::Config(format!("corrupt role: {e}")))?,
            })
        })
        .collect()
}

/// The principal for an active user, or `None` when the account is disabled.
pub async fn principal(db: &Db, id: UserId) -> Result<Option<Principal>> {
    let u = match get(db, id).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !u.active {
        return Ok(None);
    }
    Ok(Some(Principal {
        user_id: u.id,
        username: u.username,
        display_name: u.display_name,
        system_admin: u.system_admin,
        grants: grants(db, id).await?,
    }))
}

/// Replace the password hash; clears the lock-out and ends every session of the user
/// (a changed password must log out whoever else knew the old one).
pub async fn set_password(db: &Db, actor: &Actor, id: UserId, hash: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>(
        "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3",
    )
    .bind(hash)
    .bind(ts::now())
    .bind(id.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query::<Any>("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
    audit::record(&mut tx, actor, "set_password", "user", &id.to_string(), None, &Changes::new().secret("password"))
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_active(db: &Db, actor: &Actor, id: UserId, active: bool) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let old: Option<i64> = sqlx::query_scalar::<Any, i64>("SELECT active FROM users WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
    let old = old.ok_or(StoreError::NotFound)? != 0;
    if old != active {
        sqlx::query::<Any>("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(active))
            .bind(ts::now())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if !active {
            sqlx::query::<Any>("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
        }
        let changes = Changes::new().field("active", Some(old), Some(active));
        audit::record(&mut tx, actor, "update", "user", &id.to_string(), None, &changes).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Outcome of a failed login for an existing account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub failures: i64,
    pub locked_until: Option<Timestamp>,
}

/// Count one more failed login and lock the account per the back-off rule of core.
pub async fn record_failure(db: &Db, id: UserId, request_id: Option<String>, now: Timestamp) -> Result<Failure> {
    let mut tx = db.begin_write().await?;
    let failures: i64 = sqlx::query_scalar::<Any, i64>(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
    )
    .bind(id.0)
    .fetch_one(&mut *tx)
    .await?;
    let locked_until =
        global_lockout_seconds(failures.clamp(0, u32::MAX as i64) as u32).map(|s| now + SignedDuration::from_secs(s));
    if let Some(until) = locked_until {
        sqlx::query::<Any>("UPDATE users SET locked_until = $1 WHERE id = $2")
            .bind(ts::fmt(until))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
    }
    let actor = Actor { user_id: Some(id), label: "login".into(), request_id };
    let changes = Changes::new().field("failed_logins", Some(failures - 1), Some(failures)).field(
        "locked_until",
        None,
        locked_until.map(ts::fmt),
    );
    audit::record(&mut tx, &actor, "login_failed", "user", &id.to_string(), None, &changes).await?;
    tx.commit().await?;
    Ok(Failure { failures, locked_until })
}

pub async fn record_success(db: &Db, id: UserId, request_id: Option<String>) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let now = ts::now();
    sqlx::query::<Any>("UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    let actor = Actor { user_id: Some(id), label: "login".into(), request_id };
    audit::record(&mut tx, &actor, "login", "user", &id.to_string(), None, &Changes::new()).await?;
    tx.commit().await?;
    Ok(())
}
