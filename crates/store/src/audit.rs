//! The audit log: every write records who, when, which record and what changed, in the
//! same transaction as the write itself.

use crate::{Result, ts};
use gongkai_core::orgs::OrgId;
use gongkai_core::orgs::accounts::UserId;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::{Any, AnyConnection, Row};

/// Who performs a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// Human-readable: a user name, `cli`, `demo`, `system`.
    pub label: String,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn user(id: UserId, username: &str, request_id: Option<String>) -> Self {
        Self { user_id: Some(id), label: username.to_string(), request_id }
    }

    /// A write made from the command line by the operating-system user `who`.
    pub fn cli(who: &str) -> Self {
        Self { user_id: None, label: format!("cli:{who}"), request_id: None }
    }

    pub fn system(what: &str) -> Self {
        Self { user_id: None, label: what.to_string(), request_id: None }
    }
}

/// Field-by-field changes of one write: `{"field": [old, new]}`, only fields that differ.
#[derive(Debug, Default, Clone)]
pub struct Changes(Map<String, Value>);

impl Changes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn field<T: Serialize + PartialEq>(mut self, name: &str, old: Option<T>, new: Option<T>) -> Self {
        if old != new {
            let old = serde_json::to_value(old).unwrap_or(Value::Null);
            let new = serde_json::to_value(new).unwrap_or(Value::Null);
            self.0.insert(name.to_string(), Value::Array(vec![old, new]));
        }
        self
    }

    /// A secret changed: record that it changed, never its value.
    pub fn secret(mut self, name: &str) -> Self {
        self.0.insert(name.to_string(), Value::String("(changed)".into()));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }
}

/// Append one audit record inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    org: Option<OrgId>,
    changes: &Changes,
) -> Result<()> {
    sqlx::query::<Any>(
        "INSERT INTO audit_log (at, actor_user_id, actor, action, entity, entity_id, org_id, changes, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(ts::now())
    .bind(actor.user_id.map(|u| u.0))
    .bind(&actor.label)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(org.map(|o| o.0))
    .bind(changes.to_json())
    .bind(actor.request_id.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub org_id: Option<i64>,
    pub changes: String,
    pub request_id: Option<String>,
}

/// Most recent entries first; `org` narrows to one organisation's records.
pub async fn list(db: &crate::Db, org: Option<OrgId>, limit: i64) -> Result<Vec<AuditEntry>> {
    let rows = match org {
        Some(o) => {
            sqlx::query::<Any>(
                "SELECT id, at, actor_user_id, actor, action, entity, entity_id, org_id, changes, request_id
                 FROM audit_log WHERE org_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(o.0)
            .bind(limit)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query::<Any>(
                "SELECT id, at, actor_user_id, actor, action, entity, entity_id, org_id, changes, request_id
                 FROM audit_log ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(db.pool())
            .await?
        }
    };
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_user_id: r.try_get("actor_user_id")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
                org_id: r.try_get("org_id")?,
                changes: r.try_get("changes")?,
                request_id: r.try_get("request_id")?,
            })
        })
        .collect()
}
