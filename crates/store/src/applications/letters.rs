//! Organisations' own letter templates.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, ts};
use gongkai_core::applications::letters::LetterKind;
use gongkai_core::orgs::OrgId;
use sqlx::Any;

/// The organisation's template for `kind`, or `None` when it uses the default.
pub async fn custom(db: &Db, org: OrgId, kind: LetterKind) -> Result<Option<String>> {
    Ok(sqlx::query_scalar::<Any, String>("SELECT body FROM letter_templates WHERE org_id = $1 AND kind = $2")
        .bind(org.0)
        .bind(kind.code())
        .fetch_optional(db.pool())
        .await?)
}

/// The template in force: the organisation's own, else the default.
pub async fn template(db: &Db, org: OrgId, kind: LetterKind) -> Result<String> {
    Ok(custom(db, org, kind).await?.unwrap_or_else(|| kind.default_template().to_string()))
}

/// Save a (validated) template; `None` restores the default.
pub async fn save(db: &Db, actor: &Actor, org: OrgId, kind: LetterKind, body: Option<&str>) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let old: Option<String> =
        sqlx::query_scalar::<Any, String>("SELECT body FROM letter_templates WHERE org_id = $1 AND kind = $2")
            .bind(org.0)
            .bind(kind.code())
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query::<Any>("DELETE FROM letter_templates WHERE org_id = $1 AND kind = $2")
        .bind(org.0)
        .bind(kind.code())
        .execute(&mut *tx)
        .await?;
    if let Some(b) = body {
        sqlx::query::<Any>(
            "INSERT INTO letter_templates (org_id, kind, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org.0)
        .bind(kind.code())
        .bind(b)
        .bind(ts::now())
        .bind(&actor.label)
        .execute(&mut *tx)
        .await?;
    }
    let changes = Changes::new().field("body", old.as_deref(), body);
    audit::record(&mut tx, actor, "update", "letter_template", kind.code(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}
