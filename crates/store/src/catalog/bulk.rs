//! Loading many published items at once (load tests, `gongkai bench seed`): multi-row
//! inserts in one transaction, each item queued for the search index as a publication
//! would. Column pages are rebuilt afterwards with `rebuild_column_lists`.

use crate::{Backend, Db, Result};
use sqlx::{Any, Row};

/// One published, valid, proactively disclosed item.
#[derive(Debug, Clone)]
pub struct BulkItem {
    pub org_id: i64,
    pub column_id: i64,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub body_text: String,
    pub issuer: String,
    pub doc_number: String,
    pub keywords: String,
    pub index_no: String,
    /// Formed and published on (YYYY-MM-DD).
    pub published_on: String,
}

/// Rows per statement: 11 parameters each, well under SQLite's and PostgreSQL's limits.
const ROWS_PER_STATEMENT: usize = 200;

/// The `n`th (1-based) parameter. SQLite gets anonymous `?`: sqlx looks every parameter's
/// name up by number, and SQLite finds a name by walking the list of names, so numbered
/// placeholders made binding quadratic in the statement's size (a quarter of the seeding
/// time at 2,200 parameters).
fn param(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${n}"),
    }
}

/// Insert `items` in one transaction; returns their ids in order.
pub async fn insert_published(db: &Db, items: &[BulkItem]) -> Result<Vec<i64>> {
    let backend = db.backend();
    let p = |n| param(backend, n);
    let mut tx = db.begin_write().await?;
    if backend == Backend::Sqlite {
        // Every row goes into eight indexes at scattered places; with SQLite's default 2 MB
        // page cache most of those pages were read back from the operating system per row.
        // A load is a one-off: this connection keeps 256 MB of pages.
        sqlx::query::<Any>("PRAGMA cache_size = -262144").execute(&mut *tx).await?;
    }
    let now = crate::ts::now();
    let mut all = Vec::with_capacity(items.len());
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO catalog_items (org_id, column_id, kind, title, summary, body_html, body_text, issuer,
             co_issuers, doc_number, genre, subject, keywords, attribute, status, index_no, formed_on,
             published_on, validity, late, drafted_by, approved_by, created_at, updated_at) VALUES ",
        );
        for r in 0..chunk.len() {
            let b = r * 12;
            if r > 0 {
                sql.push_str(", ");
            }
            // Placeholders in binding order: an anonymous one cannot be used twice, so
            // the publication date is bound twice (formed_on and published_on).
            sql.push_str(&format!(
                "({}, {}, 'general', {}, {}, {}, {}, {}, '', {}, '通知', '', {}, 'proactive', 'published', \
                 {}, {}, {}, 'valid', 0, 'bench', 'bench', '{now}', '{now}')",
                p(b + 1),
                p(b + 2),
                p(b + 3),
                p(b + 4),
                p(b + 5),
                p(b + 6),
                p(b + 7),
                p(b + 8),
                p(b + 9),
                p(b + 10),
                p(b + 11),
                p(b + 12)
            ));
        }
        sql.push_str(" RETURNING id");
        let mut q = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql));
        for it in chunk {
            q = q
                .bind(it.org_id)
                .bind(it.column_id)
                .bind(&it.title)
                .bind(&it.summary)
                .bind(&it.body_html)
                .bind(&it.body_text)
                .bind(&it.issuer)
                .bind(&it.doc_number)
                .bind(&it.keywords)
                .bind(&it.index_no)
                .bind(&it.published_on)
                .bind(&it.published_on);
        }
        let mut ids: Vec<i64> =
            q.fetch_all(&mut *tx).await?.iter().map(|r| r.try_get(0)).collect::<std::result::Result<_, _>>()?;
        ids.sort_unstable();
        let mut changes = String::from("INSERT INTO search_changes (item_id, changed_at) VALUES ");
        for r in 0..ids.len() {
            if r > 0 {
                changes.push_str(", ");
            }
            changes.push_str(&format!("({}, '{now}')", p(r + 1)));
        }
        let mut q = sqlx::query::<Any>(sqlx::AssertSqlSafe(changes));
        for id in &ids {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
        all.extend(ids);
    }
    tx.commit().await?;
    Ok(all)
}

/// Refresh the query planner's statistics after a large load.
pub async fn analyze(db: &Db) -> Result<()> {
    sqlx::query::<Any>("ANALYZE").execute(db.pool()).await?;
    Ok(())
}
