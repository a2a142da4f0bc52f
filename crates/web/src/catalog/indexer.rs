//! Feeding the search index from the database's change log. Each server instance owns
//! its index and applies the log from where its last commit stopped, so a restarted or
//! newly added instance (even on a shared PostgreSQL) catches up by itself.

use gongkai_search::{SearchDoc, SearchIndex};
use gongkai_store::{Db, catalog};
use std::sync::Arc;

/// Entries of the change log applied per index commit.
const BATCH: i64 = 2000;

/// Apply every pending change; returns how many log entries were applied.
pub async fn catch_up(db: &Db, index: &Arc<dyn SearchIndex>) -> anyhow::Result<usize> {
    let mut applied = 0;
    loop {
        let from = index.applied_seq();
        let changes = catalog::changes_after(db, from, BATCH).await?;
        let Some(&(last, _)) = changes.last() else { return Ok(applied) };
        let mut ids: Vec<i64> = changes.iter().map(|c| c.1).collect();
        ids.sort_unstable();
        ids.dedup();
        let items = catalog::items_by_ids(db, &ids).await?;
        let mut upserts = Vec::new();
        let mut deletes = Vec::new();
        for id in &ids {
            match items.iter().find(|i| i.id.0 == *id) {
                Some(item) if item.is_public() => upserts.push(to_doc(db, item).await?),
                _ => deletes.push(*id),
            }
        }
        // Tokenising and committing is CPU work: keep it off the request threads.
        let ix = index.clone();
        tokio::task::spawn_blocking(move || ix.apply(&upserts, &deletes, last)).await??;
        applied += changes.len();
    }
}

async fn to_doc(db: &Db, item: &catalog::Item) -> anyhow::Result<SearchDoc> {
    let attachments = catalog::attachment_texts(db, item.id).await?;
    let mut body = item.body_text.clone();
    if !attachments.is_empty() {
        body.push('\n');
        body.push_str(&attachments);
    }
    Ok(SearchDoc {
        id: item.id.0,
        org_id: item.org_id.0,
        column_id: item.column_id.0,
        kind: item.kind.code().to_string(),
        validity: item.validity.code().to_string(),
        published_on: item.published_on.clone().unwrap_or_default(),
        title: item.title.clone(),
        doc_number: item.doc_number.clone().unwrap_or_default(),
        index_no: item.index_no.clone().unwrap_or_default(),
        issuer: item.issuer.clone(),
        summary: item.summary.clone(),
        body,
    })
}

/// Apply pending changes for this server and, when there were any, let cached portal pages
/// go stale (they are rendered again on their next request).
pub async fn refresh(state: &crate::AppState) -> anyhow::Result<usize> {
    // An edit of the synonym list on another instance arrives the same way.
    super::synonyms::load(state).await?;
    let n = catch_up(&state.db, &state.search).await?;
    if n > 0 {
        state.generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    Ok(n)
}

/// Throw the index away and rebuild it from the whole change log.
pub async fn rebuild(db: &Db, index: &Arc<dyn SearchIndex>) -> anyhow::Result<usize> {
    index.clear()?;
    catch_up(db, index).await
}

/// How long the index may stay behind the change log before health checks fail.
pub const STUCK_AFTER_SECONDS: i64 = 120;

/// Whether an index `lag` entries behind, last caught up `since` seconds ago, is stuck.
pub fn stuck(lag: i64, since: i64) -> bool {
    lag > 0 && since > STUCK_AFTER_SECONDS
}

/// Entries of the change log this instance's index has not applied yet.
pub async fn lag(state: &crate::AppState) -> anyhow::Result<i64> {
    Ok((catalog::last_change(&state.db).await? - state.search.applied_seq()).max(0))
}

/// Keep the index current: apply the log every `every` until the process ends. Changes
/// made through any instance reach this one's index and its page cache this way. A
/// failed round is retried on the next (the index drops a dead writer and opens a new
/// one); the lag is exported as `search_index_lag` and a stuck index fails `/healthz`.
pub fn spawn(state: crate::AppState, every: std::time::Duration) {
    tokio::spawn(async move {
        loop {
            match refresh(&state).await {
                Ok(_) => state
                    .index_caught_up
                    .store(jiff::Timestamp::now().as_second(), std::sync::atomic::Ordering::Relaxed),
                Err(e) => tracing::error!(error = %e, "search index catch-up failed; retrying"),
            }
            if let Ok(n) = lag(&state).await {
                metrics::gauge!("search_index_lag").set(n as f64);
            }
            tokio::time::sleep(every).await;
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_index_is_stuck_only_when_behind_for_long() {
        assert!(!super::stuck(0, 10_000), "nothing to apply");
        assert!(!super::stuck(5, 30), "behind for a moment");
        assert!(super::stuck(5, super::STUCK_AFTER_SECONDS + 1));
    }
}
