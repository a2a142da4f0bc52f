//! Targeted policy push (定向推送): the console (groups, recipients, the gateway,
//! campaigns, printed lists), the portal (registering, the personal link with the inbox
//! and withdrawal), the API, and the sending of deliveries by the worker.

pub mod api;
pub mod console;
pub mod portal;
pub mod send;

/// Registrations one address may make per minute.
pub const REGISTRATIONS_PER_MINUTE: u32 = 5;

/// A new personal-link token (128 bits, hex).
pub fn new_token() -> String {
    crate::http::secrets::random_hex(16)
}

/// A stored instant as China time, `YYYY-MM-DD HH:MM`, for pages.
pub fn when(s: &str) -> String {
    gongkai_store::ts::parse(s).map(gongkai_core::time::china_display).unwrap_or_else(|| s.to_string())
}

/// A stored instant's date in China.
pub fn day(s: &str) -> String {
    gongkai_store::ts::parse(s).map(|t| gongkai_core::time::china_date(t).to_string()).unwrap_or_else(|| s.to_string())
}

/// Of `ids`, the items a campaign of `org` may carry: its own published, public ones.
pub async fn publishable_of(
    state: &crate::state::AppState,
    org: gongkai_core::ids::OrgId,
    ids: &[i64],
) -> Result<Vec<gongkai_core::ids::ItemId>, crate::error::AppError> {
    Ok(gongkai_store::catalog::items_by_ids(&state.db, ids)
        .await?
        .into_iter()
        .filter(|i| i.org_id == org && i.is_public())
        .map(|i| i.id)
        .collect())
}

/// A campaign's documents as its messages link them: those still public (one depublished
/// since the launch is left out rather than linked dead), at the portal address of the launch.
pub async fn linked_docs(
    db: &gongkai_store::Db,
    c: &gongkai_store::pushes::Campaign,
) -> gongkai_store::Result<Vec<gongkai_core::pushes::Linked>> {
    let base = c.base_url.clone().unwrap_or_default();
    let ids: Vec<i64> = c.facts.items.iter().map(|i| i.0).collect();
    Ok(gongkai_store::catalog::items_by_ids(db, &ids)
        .await?
        .into_iter()
        .filter(|i| i.is_public())
        .map(|i| gongkai_core::pushes::Linked { title: i.title.clone(), url: format!("{base}/info/{}", i.id) })
        .collect())
}
