//! Keeping applicants' personal data sealed with the current data key: rows written before
//! encryption (or under a key that has since been rotated out) are re-sealed in batches.

use super::{SEALED_COLUMNS, aad, applicant_key};
use crate::{Db, Result};
use sqlx::{Any, Row};

/// Rows per transaction, so a large table is re-sealed without one long write lock.
const BATCH: i64 = 500;

/// Re-seal every application whose personal data is in clear or under an older key, and
/// fill its applicant key; returns how many rows were rewritten. Cheap when nothing is to
/// do (one scan), so it runs at every start.
pub async fn reseal(db: &Db) -> Result<u64> {
    let keys = db.keyring()?;
    let current = format!("gk1:{}:%", keys.current_id());
    // A row needs work when a sealed column is not under the current key, or the key is missing.
    let stale: Vec<String> = SEALED_COLUMNS.iter().map(|c| format!("({c} IS NOT NULL AND {c} NOT LIKE $1)")).collect();
    let sql = format!(
        "SELECT id, id_kind, {} FROM applications WHERE id > $2 AND (applicant_key IS NULL OR {}) ORDER BY id LIMIT $3",
        SEALED_COLUMNS.join(", "),
        stale.join(" OR ")
    );
    let mut done = 0;
    let mut after = 0i64;
    loop {
        let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(&current)
            .bind(after)
            .bind(BATCH)
            .fetch_all(db.pool())
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        let mut tx = db.begin_write().await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let kind: String = r.try_get("id_kind")?;
            let mut sealed = Vec::with_capacity(SEALED_COLUMNS.len());
            let mut number = String::new();
            for c in SEALED_COLUMNS {
                let v: Option<String> = r.try_get(c)?;
                let plain = v.map(|v| keys.open(&aad(c), &v)).transpose()?;
                if c == "id_number" {
                    number = plain.clone().unwrap_or_default();
                }
                sealed.push(plain.map(|p| keys.seal(&aad(c), &p)));
            }
            let set: Vec<String> =
                SEALED_COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
            let update = format!(
                "UPDATE applications SET {}, applicant_key = ${} WHERE id = ${}",
                set.join(", "),
                SEALED_COLUMNS.len() + 1,
                SEALED_COLUMNS.len() + 2
            );
            let mut q = sqlx::query::<Any>(sqlx::AssertSqlSafe(update));
            for v in sealed {
                q = q.bind(v);
            }
            q.bind(applicant_key(&keys, &kind, &number)).bind(id).execute(&mut *tx).await?;
            done += 1;
        }
        tx.commit().await?;
    }
    Ok(done)
}

/// The ids of the data keys that sealed values in the database use (clear values count
/// as none), so that a key is pruned only when nothing needs it.
pub async fn keys_in_use(db: &Db) -> Result<Vec<String>> {
    let sql = format!("SELECT id, {} FROM applications WHERE id > $1 ORDER BY id LIMIT $2", SEALED_COLUMNS.join(", "));
    let mut used = std::collections::BTreeSet::new();
    let mut after = 0i64;
    loop {
        let rows =
            sqlx::query::<Any>(sqlx::AssertSqlSafe(sql.clone())).bind(after).bind(BATCH).fetch_all(db.pool()).await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for r in &rows {
            for c in SEALED_COLUMNS {
                if let Some(v) = r.try_get::<Option<String>, _>(c)?
                    && let Some(id) = crate::crypto::Keyring::sealed_with(&v)
                {
                    used.insert(id.to_string());
                }
            }
        }
    }
    Ok(used.into_iter().collect())
}
