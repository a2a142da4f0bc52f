//! Targeted policy push: groups, consenting recipients (personal data sealed), the body's
//! gateway, campaigns and their deliveries. Launching a campaign writes its deliveries and
//! enqueues their jobs in one transaction; the unique (campaign, recipient, channel) key
//! and the status check in [`mark_sent`] keep a person from getting a campaign twice.

use crate::audit::{self, Actor, Changes};
use crate::crypto::Keyring;
use crate::{Db, Result, StoreError, jobs, ts};
use gongkai_core::ids::{CampaignId, DeliveryId, ItemId, OrgId, PushGroupId, RecipientId};
use gongkai_core::jobs::Job;
pub use gongkai_core::pushes::Source;
use gongkai_core::pushes::{
    CampaignFacts, Channel, Contact, DEFAULT_GROUPS, DeliveryStatus, GroupFacts, Reach, RecipientFacts, WITHDRAWN,
    channels_code, contact_keys, parse_channels_code, plan,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row};

/// Who a person's own registration or withdrawal on the portal is logged as.
pub const PORTAL_ACTOR: &str = "公众（门户网站）";

fn aad(table: &str, column: &str) -> String {
    format!("{table}.{column}")
}

/// The columns sealed per table (the rotation and key-use scans walk them).
const RECIPIENT_SEALED: [&str; 4] = ["email", "phone", "address", "token"];

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn contact_key(keys: &Keyring, k: &str) -> String {
    keys.blind_index(&["push_contact", k])
}

fn ids_code<T: std::fmt::Display>(v: &[T]) -> String {
    v.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

fn parse_ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub id: PushGroupId,
    pub org_id: OrgId,
    pub code: Option<String>,
    pub name: String,
    pub description: String,
    pub retired: bool,
    /// Consenting members.
    pub members: i64,
}

/// The groups of `org`, live ones first; a body's first look creates the default ones.
pub async fn groups(db: &Db, org: OrgId) -> Result<Vec<Group>> {
    let any: i64 = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM push_groups WHERE org_id = $1")
        .bind(org.0)
        .fetch_one(db.pool())
        .await?;
    if any == 0 && !db.is_read_only() {
        let mut tx = db.begin_write().await?;
        for (code, name, description) in DEFAULT_GROUPS {
            sqlx::query::<Any>(
                "INSERT INTO push_groups (org_id, code, name, description, retired, created_at)
                 VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT DO NOTHING",
            )
            .bind(org.0)
            .bind(code)
            .bind(name)
            .bind(description)
            .bind(ts::now())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    }
    let rows = sqlx::query::<Any>(
        "SELECT g.id, g.org_id, g.code, g.name, g.description, g.retired,
                (SELECT COUNT(*) FROM push_memberships m JOIN push_recipients r ON r.id = m.recipient_id
                  WHERE m.group_id = g.id AND r.withdrawn_at IS NULL) AS members
         FROM push_groups g WHERE g.org_id = $1 ORDER BY g.retired, g.id",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Group {
                id: PushGroupId(r.try_get("id")?),
                org_id: OrgId(r.try_get("org_id")?),
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                description: r.try_get("description")?,
                retired: r.try_get::<i64, _>("retired")? != 0,
                members: r.try_get("members")?,
            })
        })
        .collect()
}

/// The ids of the groups a person or a campaign may choose (not retired).
pub async fn live_group_ids(db: &Db, org: OrgId) -> Result<Vec<PushGroupId>> {
    Ok(groups(db, org).await?.into_iter().filter(|g| !g.retired).map(|g| g.id).collect())
}

fn name_taken(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate { field: "name" },
        _ => e.into(),
    }
}

pub async fn add_group(db: &Db, actor: &Actor, org: OrgId, f: &GroupFacts) -> Result<PushGroupId> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO push_groups (org_id, code, name, description, retired, created_at)
         VALUES ($1, NULL, $2, $3, 0, $4) RETURNING id",
    )
    .bind(org.0)
    .bind(&f.name)
    .bind(&f.description)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await
    .map_err(name_taken)?;
    let changes = Changes::new().field("name", None, Some(f.name.as_str()));
    audit::record(&mut tx, actor, "create", "push_group", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(PushGroupId(id))
}

/// Rename, describe, retire or bring back a group; a retired group keeps its members (a
/// past campaign still names it) but takes no new ones.
pub async fn update_group(db: &Db, actor: &Actor, g: &Group, f: &GroupFacts, retired: bool) -> Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query::<Any>("UPDATE push_groups SET name = $1, description = $2, retired = $3 WHERE id = $4")
        .bind(&f.name)
        .bind(&f.description)
        .bind(i64::from(retired))
        .bind(g.id.0)
        .execute(&mut *tx)
        .await
        .map_err(name_taken)?;
    let changes = Changes::new()
        .field("name", Some(g.name.as_str()), Some(f.name.as_str()))
        .field("description", Some(g.description.as_str()), Some(f.description.as_str()))
        .field("retired", Some(g.retired), Some(retired));
    audit::record(&mut tx, actor, "update", "push_group", &g.id.to_string(), Some(g.org_id), &changes).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn group(db: &Db, id: PushGroupId) -> Result<Group> {
    let org: i64 = sqlx::query_scalar::<Any, i64>("SELECT org_id FROM push_groups WHERE id = $1")
        .bind(id.0)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    groups(db, OrgId(org)).await?.into_iter().find(|g| g.id == id).ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    pub id: RecipientId,
    pub org_id: OrgId,
    pub name: String,
    pub contact: Contact,
    pub channels: Vec<Channel>,
    pub groups: Vec<PushGroupId>,
    pub source: Source,
    pub registered_by: String,
    pub consent_at: String,
    pub withdrawn_at: Option<String>,
    /// The personal link's secret.
    #[serde(skip)]
    pub token: String,
}

const RECIPIENT_COLS: &str =
    "id, org_id, name, email, phone, address, channels, source, registered_by, consent_at, withdrawn_at, token";

async fn recipient_from_row(db: &Db, keys: &Keyring, r: &AnyRow) -> Result<Recipient> {
    let open = |c: &str| -> Result<Option<String>> {
        let v: Option<String> = r.try_get(c)?;
        Ok(v.map(|v| keys.open(&aad("push_recipients", c), &v)).transpose()?)
    };
    let id = RecipientId(r.try_get("id")?);
    let groups = sqlx::query_scalar::<Any, i64>(
        "SELECT group_id FROM push_memberships WHERE recipient_id = $1 ORDER BY group_id",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(PushGroupId)
    .collect();
    let source: String = r.try_get("source")?;
    Ok(Recipient {
        id,
        org_id: OrgId(r.try_get("org_id")?),
        name: r.try_get("name")?,
        contact: Contact { email: open("email")?, phone: open("phone")?, address: open("address")? },
        channels: parse_channels_code(&r.try_get::<String, _>("channels")?),
        groups,
        source: Source::parse(&source)
            .ok_or_else(|| StoreError::Corrupt(format!("push recipient source '{source}'")))?,
        registered_by: r.try_get("registered_by")?,
        consent_at: r.try_get("consent_at")?,
        withdrawn_at: r.try_get("withdrawn_at")?,
        token: open("token")?.unwrap_or_default(),
    })
}

/// Register a consenting person with the personal-link `token` (the caller makes it).
/// The same e-mail or phone twice is a [`StoreError::Duplicate`] on `contact`, so one
/// person never gets a campaign twice under two registrations.
pub async fn register(
    db: &Db,
    actor: &Actor,
    org: OrgId,
    f: &RecipientFacts,
    source: Source,
    token: &str,
) -> Result<RecipientId> {
    let keys = db.keyring()?;
    let seal = |c: &str, v: &Option<String>| v.as_ref().map(|v| keys.seal(&aad("push_recipients", c), v));
    let now = ts::now();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO push_recipients (org_id, name, email, phone, address, channels, source, registered_by,
             consent_at, token, token_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $9) RETURNING id",
    )
    .bind(org.0)
    .bind(&f.name)
    .bind(seal("email", &f.contact.email))
    .bind(seal("phone", &f.contact.phone))
    .bind(seal("address", &f.contact.address))
    .bind(channels_code(&f.channels))
    .bind(source.code())
    .bind(&actor.label)
    .bind(&now)
    .bind(keys.seal(&aad("push_recipients", "token"), token))
    .bind(token_hash(token))
    .fetch_one(&mut *tx)
    .await?;
    for k in contact_keys(&f.contact) {
        sqlx::query::<Any>("INSERT INTO push_contact_keys (org_id, contact_key, recipient_id) VALUES ($1, $2, $3)")
            .bind(org.0)
            .bind(contact_key(&keys, &k))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate { field: "contact" },
                _ => e.into(),
            })?;
    }
    for g in &f.groups {
        sqlx::query::<Any>("INSERT INTO push_memberships (recipient_id, group_id) VALUES ($1, $2)")
            .bind(id)
            .bind(g.0)
            .execute(&mut *tx)
            .await?;
    }
    // The log names the groups and channels, never the contact details.
    let changes = Changes::new()
        .field("groups", None, Some(ids_code(&f.groups)))
        .field("channels", None, Some(channels_code(&f.channels)))
        .field("source", None, Some(source.code()));
    audit::record(&mut tx, actor, "register", "push_recipient", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(RecipientId(id))
}

pub async fn recipient(db: &Db, id: RecipientId) -> Result<Recipient> {
    let keys = db.keyring()?;
    let sql = format!("SELECT {RECIPIENT_COLS} FROM push_recipients WHERE id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    match row {
        Some(r) => recipient_from_row(db, &keys, &r).await,
        None => Err(StoreError::NotFound),
    }
}

/// The person a personal link belongs to.
pub async fn by_token(db: &Db, token: &str) -> Result<Option<Recipient>> {
    let keys = db.keyring()?;
    let sql = format!("SELECT {RECIPIENT_COLS} FROM push_recipients WHERE token_hash = $1");
    let row =
        sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(token_hash(token.trim())).fetch_optional(db.pool()).await?;
    match row {
        Some(r) => Ok(Some(recipient_from_row(db, &keys, &r).await?)),
        None => Ok(None),
    }
}

/// The people `org` holds, newest first.
pub async fn recipients(db: &Db, org: OrgId) -> Result<Vec<Recipient>> {
    let keys = db.keyring()?;
    let sql = format!("SELECT {RECIPIENT_COLS} FROM push_recipients WHERE org_id = $1 ORDER BY id DESC");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(db.pool()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(recipient_from_row(db, &keys, r).await?);
    }
    Ok(out)
}

/// Withdraw consent: nothing more is sent, deliveries not yet out are stopped. Returns
/// `false` when consent had been withdrawn already.
pub async fn withdraw(db: &Db, actor: &Actor, r: &Recipient) -> Result<bool> {
    let now = ts::now();
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>("UPDATE push_recipients SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL")
        .bind(&now)
        .bind(r.id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Ok(false);
    }
    sqlx::query::<Any>(
        "UPDATE push_deliveries SET status = 'withdrawn', updated_at = $1
         WHERE recipient_id = $2 AND status IN ('queued', 'failed')",
    )
    .bind(&now)
    .bind(r.id.0)
    .execute(&mut *tx)
    .await?;
    let changes = Changes::new().field("withdrawn_at", None, Some(now.as_str()));
    audit::record(&mut tx, actor, "withdraw", "push_recipient", &r.id.to_string(), Some(r.org_id), &changes).await?;
    tx.commit().await?;
    Ok(true)
}

/// The body's gateway for SMS or WeChat: posts go to `url`, signed with `secret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    pub url: String,
    pub secret: String,
}

pub async fn gateway(db: &Db, org: OrgId) -> Result<Option<Gateway>> {
    let row = sqlx::query::<Any>("SELECT url, secret FROM push_gateways WHERE org_id = $1")
        .bind(org.0)
        .fetch_optional(db.pool())
        .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let keys = db.keyring()?;
            let secret: String = r.try_get("secret")?;
            Ok(Some(Gateway { url: r.try_get("url")?, secret: keys.open(&aad("push_gateways", "secret"), &secret)? }))
        }
    }
}

/// Set (or with `None`, remove) the gateway.
pub async fn set_gateway(db: &Db, actor: &Actor, org: OrgId, g: Option<&Gateway>) -> Result<()> {
    let old = gateway(db, org).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query::<Any>("DELETE FROM push_gateways WHERE org_id = $1").bind(org.0).execute(&mut *tx).await?;
    if let Some(g) = g {
        let keys = db.keyring()?;
        sqlx::query::<Any>("INSERT INTO push_gateways (org_id, url, secret, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(org.0)
            .bind(&g.url)
            .bind(keys.seal(&aad("push_gateways", "secret"), &g.secret))
            .bind(ts::now())
            .execute(&mut *tx)
            .await?;
    }
    let changes =
        Changes::new().field("url", old.as_ref().map(|g| g.url.as_str()), g.map(|g| g.url.as_str())).secret("secret");
    audit::record(&mut tx, actor, "update", "push_gateway", &org.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub org_id: OrgId,
    pub facts: CampaignFacts,
    pub created_by: String,
    pub created_at: String,
    pub base_url: Option<String>,
    pub launched_at: Option<String>,
    pub launched_by: Option<String>,
}

/// Deliveries of a campaign by status.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Tally {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub withdrawn: i64,
}

impl Tally {
    pub fn total(&self) -> i64 {
        self.queued + self.sent + self.failed + self.withdrawn
    }
}

const CAMPAIGN_COLS: &str = "id, org_id, title, message, items, groups_chosen, channels, created_by, created_at, base_url, launched_at, launched_by";

fn campaign_from_row(r: &AnyRow) -> Result<Campaign> {
    Ok(Campaign {
        id: CampaignId(r.try_get("id")?),
        org_id: OrgId(r.try_get("org_id")?),
        facts: CampaignFacts {
            title: r.try_get("title")?,
            message: r.try_get("message")?,
            items: parse_ids(&r.try_get::<String, _>("items")?).into_iter().map(ItemId).collect(),
            groups: parse_ids(&r.try_get::<String, _>("groups_chosen")?).into_iter().map(PushGroupId).collect(),
            channels: parse_channels_code(&r.try_get::<String, _>("channels")?),
        },
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        base_url: r.try_get("base_url")?,
        launched_at: r.try_get("launched_at")?,
        launched_by: r.try_get("launched_by")?,
    })
}

pub async fn create_campaign(db: &Db, actor: &Actor, org: OrgId, f: &CampaignFacts) -> Result<CampaignId> {
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO push_campaigns (org_id, title, message, items, groups_chosen, channels, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(org.0)
    .bind(&f.title)
    .bind(&f.message)
    .bind(ids_code(&f.items))
    .bind(ids_code(&f.groups))
    .bind(channels_code(&f.channels))
    .bind(&actor.label)
    .bind(ts::now())
    .fetch_one(&mut *tx)
    .await?;
    let changes = Changes::new().field("title", None, Some(f.title.as_str()));
    audit::record(&mut tx, actor, "create", "push_campaign", &id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(CampaignId(id))
}

pub async fn campaign(db: &Db, id: CampaignId) -> Result<Campaign> {
    let sql = format!("SELECT {CAMPAIGN_COLS} FROM push_campaigns WHERE id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    row.as_ref().map(campaign_from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// The campaigns of `org`, newest first, each with its deliveries by status.
pub async fn campaigns(db: &Db, org: OrgId) -> Result<Vec<(Campaign, Tally)>> {
    let sql = format!("SELECT {CAMPAIGN_COLS} FROM push_campaigns WHERE org_id = $1 ORDER BY id DESC");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(db.pool()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let c = campaign_from_row(r)?;
        let t = tally(db, c.id).await?;
        out.push((c, t));
    }
    Ok(out)
}

pub async fn tally(db: &Db, id: CampaignId) -> Result<Tally> {
    let rows =
        sqlx::query::<Any>("SELECT status, COUNT(*) AS n FROM push_deliveries WHERE campaign_id = $1 GROUP BY status")
            .bind(id.0)
            .fetch_all(db.pool())
            .await?;
    let mut t = Tally::default();
    for r in rows {
        let n: i64 = r.try_get("n")?;
        match DeliveryStatus::parse(&r.try_get::<String, _>("status")?) {
            Some(DeliveryStatus::Queued) => t.queued += n,
            Some(DeliveryStatus::Sent) => t.sent += n,
            Some(DeliveryStatus::Failed) => t.failed += n,
            Some(DeliveryStatus::Withdrawn) => t.withdrawn += n,
            None => return Err(StoreError::Corrupt("push delivery status".into())),
        }
    }
    Ok(t)
}

async fn reach_in(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<Reach>> {
    let rows = sqlx::query::<Any>(
        "SELECT r.id, r.channels, r.withdrawn_at, m.group_id FROM push_recipients r
         LEFT JOIN push_memberships m ON m.recipient_id = r.id WHERE r.org_id = $1 ORDER BY r.id, m.group_id",
    )
    .bind(org.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<Reach> = Vec::new();
    for r in rows {
        let id = RecipientId(r.try_get("id")?);
        let group: Option<i64> = r.try_get("group_id")?;
        if out.last().is_none_or(|x| x.id != id) {
            out.push(Reach {
                id,
                groups: Vec::new(),
                channels: parse_channels_code(&r.try_get::<String, _>("channels")?),
                consenting: r.try_get::<Option<String>, _>("withdrawn_at")?.is_none(),
            });
        }
        if let (Some(g), Some(last)) = (group, out.last_mut()) {
            last.groups.push(PushGroupId(g));
        }
    }
    Ok(out)
}

/// Launch: one delivery per person and channel the campaign reaches (in-site messages are
/// delivered at once, printed lists wait for staff to hand them out, e-mail and gateway
/// deliveries are queued as jobs), all in one transaction. Launching twice is refused.
/// Returns how many deliveries were made.
pub async fn launch(db: &Db, actor: &Actor, c: &Campaign, base_url: &str) -> Result<usize> {
    let now = ts::now();
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>(
        "UPDATE push_campaigns SET launched_at = $1, launched_by = $2, base_url = $3 WHERE id = $4 AND launched_at IS NULL",
    )
    .bind(&now)
    .bind(&actor.label)
    .bind(base_url)
    .bind(c.id.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict("该推送已经发出，不能重复发送".into()));
    }
    let planned = plan(&c.facts, &reach_in(&mut tx, c.org_id).await?);
    for (who, channel) in &planned {
        let status = if *channel == Channel::Site { DeliveryStatus::Sent } else { DeliveryStatus::Queued };
        let id: i64 = sqlx::query_scalar::<Any, i64>(
            "INSERT INTO push_deliveries (campaign_id, recipient_id, channel, status, attempts, sent_at, updated_at)
             VALUES ($1, $2, $3, $4, 0, $5, $6) RETURNING id",
        )
        .bind(c.id.0)
        .bind(who.0)
        .bind(channel.code())
        .bind(status.code())
        .bind((status == DeliveryStatus::Sent).then_some(now.as_str()))
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        if channel.is_sent_by_job() {
            jobs::enqueue_in(&mut tx, &Job::PushDelivery { delivery_id: id }, jiff::Timestamp::now()).await?;
        }
    }
    let changes = Changes::new().field("deliveries", None, Some(planned.len() as i64));
    audit::record(&mut tx, actor, "launch", "push_campaign", &c.id.to_string(), Some(c.org_id), &changes).await?;
    tx.commit().await?;
    Ok(planned.len())
}

#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub id: DeliveryId,
    pub campaign_id: CampaignId,
    pub recipient_id: RecipientId,
    pub recipient_name: String,
    pub channel: Channel,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
}

const DELIVERY_SELECT: &str = "SELECT d.id, d.campaign_id, d.recipient_id, r.name, d.channel, d.status, d.attempts,
        d.last_error, d.sent_at FROM push_deliveries d JOIN push_recipients r ON r.id = d.recipient_id";

fn delivery_from_row(r: &AnyRow) -> Result<Delivery> {
    let channel: String = r.try_get("channel")?;
    let status: String = r.try_get("status")?;
    Ok(Delivery {
        id: DeliveryId(r.try_get("id")?),
        campaign_id: CampaignId(r.try_get("campaign_id")?),
        recipient_id: RecipientId(r.try_get("recipient_id")?),
        recipient_name: r.try_get("name")?,
        channel: Channel::parse(&channel).ok_or_else(|| StoreError::Corrupt(format!("push channel '{channel}'")))?,
        status: DeliveryStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("push delivery status '{status}'")))?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        sent_at: r.try_get("sent_at")?,
    })
}

pub async fn deliveries(db: &Db, c: CampaignId) -> Result<Vec<Delivery>> {
    let sql = format!("{DELIVERY_SELECT} WHERE d.campaign_id = $1 ORDER BY d.channel, d.id");
    let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(c.0).fetch_all(db.pool()).await?;
    rows.iter().map(delivery_from_row).collect()
}

pub async fn delivery(db: &Db, id: DeliveryId) -> Result<Delivery> {
    let sql = format!("{DELIVERY_SELECT} WHERE d.id = $1");
    let row = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(db.pool()).await?;
    row.as_ref().map(delivery_from_row).transpose()?.ok_or(StoreError::NotFound)
}

/// Sent: recorded once; `false` when it had been recorded already (a second run of the
/// same job), so the caller knows not to count it twice.
pub async fn mark_sent(db: &Db, id: DeliveryId) -> Result<bool> {
    let now = ts::now();
    let n = sqlx::query::<Any>(
        "UPDATE push_deliveries SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL,
             updated_at = $1 WHERE id = $2 AND status IN ('queued', 'failed')",
    )
    .bind(&now)
    .bind(id.0)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn mark_failed(db: &Db, id: DeliveryId, error: &str) -> Result<()> {
    sqlx::query::<Any>(
        "UPDATE push_deliveries SET status = 'failed', attempts = attempts + 1, last_error = $1, updated_at = $2
         WHERE id = $3 AND status IN ('queued', 'failed')",
    )
    .bind(error)
    .bind(ts::now())
    .bind(id.0)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn mark_withdrawn(db: &Db, id: DeliveryId) -> Result<()> {
    sqlx::query::<Any>(
        "UPDATE push_deliveries SET status = 'withdrawn', updated_at = $1 WHERE id = $2 AND status IN ('queued', 'failed')",
    )
    .bind(ts::now())
    .bind(id.0)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Staff handed out the printed list: its deliveries to people still consenting count as
/// delivered. Returns how many.
pub async fn mark_printed(db: &Db, actor: &Actor, c: &Campaign) -> Result<u64> {
    let now = ts::now();
    let mut tx = db.begin_write().await?;
    let n = sqlx::query::<Any>(
        "UPDATE push_deliveries SET status = 'sent', sent_at = $1, attempts = attempts + 1, updated_at = $1
         WHERE campaign_id = $2 AND channel = 'print' AND status = 'queued'",
    )
    .bind(&now)
    .bind(c.id.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let changes = Changes::new().field("printed", None, Some(n as i64));
    audit::record(&mut tx, actor, "printed", "push_campaign", &c.id.to_string(), Some(c.org_id), &changes).await?;
    tx.commit().await?;
    Ok(n)
}

/// Send a failed delivery again (the console's retry): refused once the person withdrew.
pub async fn resend(db: &Db, actor: &Actor, d: &Delivery, org: OrgId) -> Result<()> {
    let r = recipient(db, d.recipient_id).await?;
    if r.withdrawn_at.is_some() {
        return Err(StoreError::Conflict(WITHDRAWN.into()));
    }
    if d.status != DeliveryStatus::Failed || !d.channel.is_sent_by_job() {
        return Err(StoreError::Conflict("只有发送失败的邮件或短信/微信投递可以重试".into()));
    }
    let mut tx = db.begin_write().await?;
    let queued = jobs::enqueue_in(&mut tx, &Job::PushDelivery { delivery_id: d.id.0 }, jiff::Timestamp::now()).await?;
    if !queued {
        return Err(StoreError::Conflict("该投递已在发送队列中，请稍候".into()));
    }
    let changes = Changes::new().field("delivery", None, Some(d.id.0));
    audit::record(&mut tx, actor, "resend", "push_campaign", &d.campaign_id.to_string(), Some(org), &changes).await?;
    tx.commit().await?;
    Ok(())
}

/// One message in a person's inbox.
#[derive(Debug, Clone, Serialize)]
pub struct InboxLine {
    pub campaign: Campaign,
    pub sent_at: String,
}

/// The in-site messages a person received, newest first.
pub async fn inbox(db: &Db, r: RecipientId) -> Result<Vec<InboxLine>> {
    let rows = sqlx::query::<Any>(
        "SELECT campaign_id, sent_at FROM push_deliveries
         WHERE recipient_id = $1 AND channel = 'site' AND status = 'sent' ORDER BY sent_at DESC, id DESC",
    )
    .bind(r.0)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let c = campaign(db, CampaignId(row.try_get("campaign_id")?)).await?;
        out.push(InboxLine { campaign: c, sent_at: row.try_get::<Option<String>, _>("sent_at")?.unwrap_or_default() });
    }
    Ok(out)
}

/// How many of `org`'s people consent, and how many deliveries went out in `year`.
pub async fn year_counts(db: &Db, org: OrgId, year: i16) -> Result<(i64, i64)> {
    let consenting: i64 = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM push_recipients WHERE org_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(org.0)
    .fetch_one(db.pool())
    .await?;
    let sent: i64 = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM push_deliveries d JOIN push_campaigns c ON c.id = d.campaign_id
         WHERE c.org_id = $1 AND d.status = 'sent' AND d.sent_at >= $2 AND d.sent_at < $3",
    )
    .bind(org.0)
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{:04}-01-01", year + 1))
    .fetch_one(db.pool())
    .await?;
    Ok((consenting, sent))
}

/// Re-seal recipients' personal data and gateway secrets not under the current key, and
/// recompute the contact keys (they are keyed hashes under it). Returns rows rewritten.
pub async fn reseal(db: &Db) -> Result<u64> {
    let keys = db.keyring()?;
    let current = format!("gk1:{}:%", keys.current_id());
    let stale: Vec<String> =
        RECIPIENT_SEALED.iter().map(|c| format!("({c} IS NOT NULL AND {c} NOT LIKE $1)")).collect();
    let sql = format!(
        "SELECT id, org_id, {} FROM push_recipients WHERE {} ORDER BY id LIMIT 500",
        RECIPIENT_SEALED.join(", "),
        stale.join(" OR ")
    );
    let mut done = 0;
    loop {
        let rows = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql.clone())).bind(&current).fetch_all(db.pool()).await?;
        if rows.is_empty() {
            break;
        }
        let mut tx = db.begin_write().await?;
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let org: i64 = r.try_get("org_id")?;
            let mut plain = Vec::new();
            for c in RECIPIENT_SEALED {
                let v: Option<String> = r.try_get(c)?;
                plain.push(v.map(|v| keys.open(&aad("push_recipients", c), &v)).transpose()?);
            }
            let sealed: Vec<Option<String>> = RECIPIENT_SEALED
                .iter()
                .zip(&plain)
                .map(|(c, p)| p.as_ref().map(|p| keys.seal(&aad("push_recipients", c), p)))
                .collect();
            sqlx::query::<Any>(
                "UPDATE push_recipients SET email = $1, phone = $2, address = $3, token = $4 WHERE id = $5",
            )
            .bind(&sealed[0])
            .bind(&sealed[1])
            .bind(&sealed[2])
            .bind(&sealed[3])
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query::<Any>("DELETE FROM push_contact_keys WHERE recipient_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let contact = Contact { email: plain[0].clone(), phone: plain[1].clone(), address: plain[2].clone() };
            for k in contact_keys(&contact) {
                sqlx::query::<Any>(
                    "INSERT INTO push_contact_keys (org_id, contact_key, recipient_id) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
                )
                .bind(org)
                .bind(contact_key(&keys, &k))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            done += 1;
        }
        tx.commit().await?;
    }
    let rows = sqlx::query::<Any>("SELECT org_id, secret FROM push_gateways WHERE secret NOT LIKE $1")
        .bind(&current)
        .fetch_all(db.pool())
        .await?;
    for r in rows {
        let secret: String = r.try_get("secret")?;
        let plain = keys.open(&aad("push_gateways", "secret"), &secret)?;
        sqlx::query::<Any>("UPDATE push_gateways SET secret = $1 WHERE org_id = $2")
            .bind(keys.seal(&aad("push_gateways", "secret"), &plain))
            .bind(r.try_get::<i64, _>("org_id")?)
            .execute(db.pool())
            .await?;
        done += 1;
    }
    Ok(done)
}

/// The data keys the sealed push data uses.
pub async fn keys_in_use(db: &Db) -> Result<Vec<String>> {
    let mut used = std::collections::BTreeSet::new();
    let sql = format!("SELECT {} FROM push_recipients", RECIPIENT_SEALED.join(", "));
    for r in sqlx::query::<Any>(sqlx::AssertSqlSafe(sql)).fetch_all(db.pool()).await? {
        for c in RECIPIENT_SEALED {
            if let Some(v) = r.try_get::<Option<String>, _>(c)?
                && let Some(id) = Keyring::sealed_with(&v)
            {
                used.insert(id.to_string());
            }
        }
    }
    for r in sqlx::query::<Any>("SELECT secret FROM push_gateways").fetch_all(db.pool()).await? {
        if let Some(id) = Keyring::sealed_with(&r.try_get::<String, _>("secret")?) {
            used.insert(id.to_string());
        }
    }
    Ok(used.into_iter().collect())
}

/// What the desk shows of `org`'s pushes: campaigns awaiting approval, failed deliveries,
/// and printed-list deliveries not yet handed out.
pub async fn desk_counts(db: &Db, org: OrgId) -> Result<(i64, i64, i64)> {
    let drafts: i64 =
        sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM push_campaigns WHERE org_id = $1 AND launched_at IS NULL")
            .bind(org.0)
            .fetch_one(db.pool())
            .await?;
    let r = sqlx::query::<Any>(
        "SELECT COALESCE(SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
                COALESCE(SUM(CASE WHEN d.status = 'queued' AND d.channel = 'print' THEN 1 ELSE 0 END), 0) AS print
         FROM push_deliveries d JOIN push_campaigns c ON c.id = d.campaign_id WHERE c.org_id = $1",
    )
    .bind(org.0)
    .fetch_one(db.pool())
    .await?;
    Ok((drafts, r.try_get("failed")?, r.try_get("print")?))
}
