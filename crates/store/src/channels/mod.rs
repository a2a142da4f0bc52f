//! Items published per channel and month.

use crate::audit::{self, Actor, Changes};
use crate::{Db, Result, ts};
use gongkai_core::channels::ChannelCount;
use gongkai_core::ids::OrgId;
use sqlx::{Any, Row};

/// Set one month's count of a channel (replacing an earlier one).
pub async fn set(db: &Db, actor: &Actor, org: OrgId, c: &ChannelCount) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let old: Option<i64> = sqlx::query_scalar::<Any, i64>(
        "SELECT item_count FROM channel_counts WHERE org_id = $1 AND channel = $2 AND year = $3 AND month = $4",
    )
    .bind(org.0)
    .bind(&c.channel)
    .bind(i64::from(c.year))
    .bind(i64::from(c.month))
    .fetch_optional(&mut *tx)
    .await?;
    let now = ts::now();
    if old.is_some() {
        sqlx::query::<Any>(
            "UPDATE channel_counts SET item_count = $1, entered_by = $2, updated_at = $3
             WHERE org_id = $4 AND channel = $5 AND year = $6 AND month = $7",
        )
        .bind(c.count)
        .bind(&actor.label)
        .bind(&now)
        .bind(org.0)
        .bind(&c.channel)
        .bind(i64::from(c.year))
        .bind(i64::from(c.month))
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query::<Any>(
            "INSERT INTO channel_counts (org_id, channel, year, month, item_count, entered_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(org.0)
        .bind(&c.channel)
        .bind(i64::from(c.year))
        .bind(i64::from(c.month))
        .bind(c.count)
        .bind(&actor.label)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    let key = format!("{}:{}-{:02}", c.channel, c.year, c.month);
    let changes = Changes::new().field("count", old, Some(c.count));
    audit::record(&mut tx, actor, "set_figure", "channel_count", &key, Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// The entered counts of `org` in `year`.
pub async fn entered(db: &Db, org: OrgId, year: i16) -> Result<Vec<ChannelCount>> {
    let rows = sqlx::query::<Any>(
        "SELECT channel, month, item_count FROM channel_counts WHERE org_id = $1 AND year = $2 ORDER BY channel, month",
    )
    .bind(org.0)
    .bind(i64::from(year))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChannelCount {
                channel: r.try_get("channel")?,
                year,
                month: i8::try_from(r.try_get::<i64, _>("month")?).unwrap_or(1).clamp(1, 12),
                count: r.try_get("item_count")?,
            })
        })
        .collect()
}

/// The portal's publications of `org` in `year` by month (proactive, published).
pub async fn portal_by_month(db: &Db, org: OrgId, year: i16) -> Result<[i64; 12]> {
    let rows = sqlx::query::<Any>(
        "SELECT substr(published_on, 6, 2) AS m, COUNT(*) AS n FROM catalog_items
         WHERE org_id = $1 AND status IN ('published', 'expired') AND attribute = 'proactive'
           AND published_on >= $2 AND published_on <= $3
         GROUP BY substr(published_on, 6, 2)",
    )
    .bind(org.0)
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .fetch_all(db.pool())
    .await?;
    let mut out = [0i64; 12];
    for r in &rows {
        let m: String = r.try_get("m")?;
        if let Ok(m) = m.parse::<usize>()
            && (1..=12).contains(&m)
        {
            out[m - 1] += r.try_get::<i64, _>("n")?;
        }
    }
    Ok(out)
}
