//! The host-portal feed: every change of an item that is or was public gets the next
//! position of one sequence, so a host mirrors a body's catalog by asking for "everything
//! after the last position I saw". Positions are taken from the single row of
//! `feed_clock` inside the writing transaction: the row lock makes writers on PostgreSQL
//! commit in position order (SQLite writers are serialised anyway), so a reader never
//! sees position n+1 before n is visible, and a cursor never skips a change.

use super::{ITEM_COLS, Item, item_from_row};
use crate::{Db, Result, ts};
use gongkai_core::catalog::{Attribute, Status};
use gongkai_core::ids::{ColumnId, ItemId, OrgId};
use sqlx::{Any, AnyConnection, Row};

/// Give `item` the next feed position if it is public now or was before (a depublished
/// item then reads as a tombstone); items that were never public stay out of the feed.
pub(super) async fn touch_in(conn: &mut AnyConnection, item: ItemId) -> Result<()> {
    let row = sqlx::query::<Any>("SELECT status, attribute, feed_seq FROM catalog_items WHERE id = $1")
        .bind(item.0)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(()) };
    let public = row.try_get::<String, _>("status")? == Status::Published.code()
        && row.try_get::<String, _>("attribute")? == Attribute::Proactive.code();
    let was = row.try_get::<Option<i64>, _>("feed_seq")?.is_some();
    if !(public || was) {
        return Ok(());
    }
    let seq: i64 =
        sqlx::query_scalar::<Any, i64>("UPDATE feed_clock SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq")
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query::<Any>("UPDATE catalog_items SET feed_seq = $1, feed_at = $2 WHERE id = $3")
        .bind(seq)
        .bind(ts::now())
        .bind(item.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One position of the feed: the item as it is now (public), or a tombstone.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub seq: i64,
    pub changed_at: String,
    pub item: Item,
    pub column_slug: String,
    pub column_name: String,
}

impl FeedEntry {
    /// Withdrawn from the portal (notice ended, or no longer proactively disclosed).
    pub fn is_tombstone(&self) -> bool {
        !self.item.is_public()
    }
}

/// Up to `limit` entries of `org` (optionally one column) after position `after`, in
/// position order.
pub async fn after(db: &Db, org: OrgId, column: Option<ColumnId>, after: i64, limit: i64) -> Result<Vec<FeedEntry>> {
    let cols: String = ITEM_COLS.split(", ").map(|c| format!("i.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {cols}, i.feed_seq, i.feed_at, c.slug AS column_slug, c.name AS column_name
         FROM catalog_items i JOIN catalog_columns c ON c.id = i.column_id
         WHERE {} AND i.feed_seq > $2 ORDER BY i.feed_seq LIMIT $3",
        if column.is_some() { "i.column_id = $1" } else { "i.org_id = $1" }
    );
    let key = column.map_or(org.0, |c| c.0);
    let rows =
        sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(key).bind(after).bind(limit).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            Ok(FeedEntry {
                seq: r.try_get("feed_seq")?,
                changed_at: r.try_get::<Option<String>, _>("feed_at")?.unwrap_or_default(),
                item: item_from_row(r)?,
                column_slug: r.try_get("column_slug")?,
                column_name: r.try_get("column_name")?,
            })
        })
        .collect()
}

/// The newest position of `org` (what a host stores after a full copy).
pub async fn head(db: &Db, org: OrgId) -> Result<i64> {
    Ok(sqlx::query_scalar::<Any, Option<i64>>("SELECT MAX(feed_seq) FROM catalog_items WHERE org_id = $1")
        .bind(org.0)
        .fetch_one(db.pool())
        .await?
        .unwrap_or(0))
}
