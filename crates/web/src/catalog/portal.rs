//! The public side of proactive disclosure: each organisation's page, column pages with
//! filters, document pages, the guide and the catalog (Art. 12), search, Atom feeds,
//! attachments and the sitemap. Only approved 主动公开 items are ever shown.

use crate::error::{AppError, PageResult};
use crate::http::cache::shared;
use crate::http::forms::Params;
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::applications::identity::mask_in_text;
use gongkai_core::catalog::{ItemKind, Validity};
use gongkai_core::ids::{AttachmentId, ColumnId, ItemId};
use gongkai_search::SearchQuery;
use gongkai_store::catalog::{self, Column, Item, ItemFilter, ItemLine};
use gongkai_store::orgs::{self, Org};
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/o/{code}", get(org_page))
        .route("/o/{code}/c/{slug}", get(column_page))
        .route("/o/{code}/c/{slug}/feed.xml", get(feed))
        .route("/o/{code}/guide", get(guide))
        .route("/o/{code}/catalog", get(catalog_page))
        .route("/info/{id}", get(document))
        .route("/info/{id}/qr.svg", get(qr_code))
        .route("/files/{id}", get(attachment))
        .route("/search", get(search))
        .route("/sitemap.xml", get(sitemap_index))
        .route("/sitemap/{part}", get(sitemap_part))
}

const PAGE: i64 = 20;
const SITEMAP_PART: i64 = 40_000;

/// Site-level page tags of government sites (SiteName, SiteDomain, SiteIDCode).
async fn site_meta(state: &AppState, headers: &HeaderMap) -> Vec<(&'static str, String)> {
    // Read once per process: the site identifier is set at installation.
    static ID_CODE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    // A database error is logged and not remembered, so the next page tries again.
    let id_code = match ID_CODE
        .get_or_try_init(|| async {
            gongkai_store::settings::get(&state.db, "site_id_code").await.map(Option::unwrap_or_default)
        })
        .await
    {
        Ok(code) => code.clone(),
        Err(e) => {
            tracing::warn!(error = %e, "reading the site identifier failed");
            String::new()
        }
    };
    let mut m = vec![("SiteName", "政府信息公开平台".to_string()), ("SiteDomain", host(state, headers))];
    if !id_code.is_empty() {
        m.push(("SiteIDCode", id_code));
    }
    m
}

fn host(state: &AppState, headers: &HeaderMap) -> String {
    base_url(state, headers).split("://").nth(1).unwrap_or("").to_string()
}

/// Public base URL: the configured one, else from the Host header.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(b) = &state.config.base_url {
        return b.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']')))
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub(crate) async fn org_by_code(state: &AppState, code: &str) -> Result<Org, AppError> {
    let o = orgs::find(&state.db, code).await?;
    if o.short_code != code {
        // Only the short code is a URL; names are not accepted here.
        return Err(AppError::NotFound);
    }
    Ok(o)
}

/// A column with its depth, for tree listings.
pub struct ColumnLine {
    pub column: Column,
    pub depth: usize,
}

pub fn tree_of(cols: &[Column]) -> Vec<ColumnLine> {
    fn walk(cols: &[Column], parent: Option<ColumnId>, depth: usize, out: &mut Vec<ColumnLine>) {
        for c in cols.iter().filter(|c| c.parent_id == parent) {
            out.push(ColumnLine { column: c.clone(), depth });
            walk(cols, Some(c.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(cols, None, 0, &mut out);
    out
}

/// A column and every column below it.
pub fn subtree_ids(cols: &[Column], root: ColumnId) -> Vec<ColumnId> {
    let mut ids = vec![root];
    let mut i = 0;
    while i < ids.len() {
        let p = ids[i];
        ids.extend(cols.iter().filter(|c| c.parent_id == Some(p)).map(|c| c.id));
        i += 1;
    }
    ids
}

#[derive(Template)]
#[template(path = "catalog/portal/org.html")]
struct OrgPage {
    title: String,
    nav: Nav,
    org: Org,
    columns: Vec<ColumnLine>,
    latest: Vec<ItemLine>,
}

async fn org_page(State(state): State<AppState>, headers: HeaderMap, Path(code): Path<String>) -> PageResult<Response> {
    let org = org_by_code(&state, &code).await?;
    let columns = tree_of(&catalog::columns(&state.db, org.id).await?);
    let filter = ItemFilter { org_id: Some(org.id), public_only: true, ..Default::default() };
    let (latest, _) = catalog::list(&state.db, &filter, 0, 10).await?;
    let mut meta = site_meta(&state, &headers).await;
    meta.push(("ColumnName", format!("{}政府信息公开", org.name)));
    meta.push(("ColumnType", "政府信息公开".into()));
    Ok(render(&OrgPage {
        title: format!("{}政府信息公开", org.name),
        nav: Nav { meta, ..Default::default() },
        org,
        columns,
        latest,
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    page: Option<i64>,
    year: String,
    validity: String,
    issuer: String,
}

#[derive(Template)]
#[template(path = "catalog/portal/column.html")]
struct ColumnPage {
    title: String,
    nav: Nav,
    org: Org,
    column: Column,
    children: Vec<Column>,
    parents: Vec<Column>,
    items: Vec<ItemLine>,
    total: i64,
    page: i64,
    pages: i64,
    years: Vec<i32>,
    issuers: Vec<String>,
    validities: Vec<(&'static str, &'static str)>,
    year: String,
    validity: String,
    issuer: String,
    /// The filter part of the query, for the pager links.
    filter_query: String,
}

/// Organisations and columns, shared by portal pages for 30 s or until a change.
async fn directory(state: &AppState) -> Result<Arc<(Vec<Org>, Vec<Column>)>, AppError> {
    let generation = state.generation.load(std::sync::atomic::Ordering::Relaxed);
    if let Some(d) = state.caches.directory.get("", generation) {
        return Ok(d);
    }
    let d = Arc::new((orgs::list(&state.db).await?, catalog::all_columns(&state.db).await?));
    state.caches.directory.put(String::new(), generation, d.clone());
    Ok(d)
}

/// Serialises the filling of the count and issuer caches (see `cached_count`).
static FILL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The number of items a portal list filter matches, cached for a minute or until the
/// catalog changes.
async fn cached_count(state: &AppState, f: &ItemFilter) -> Result<i64, AppError> {
    let key = format!("{f:?}");
    let generation = state.generation.load(std::sync::atomic::Ordering::Relaxed);
    if let Some(n) = state.caches.counts.get(&key, generation) {
        return Ok(n);
    }
    // One count at a time: visitors arriving together after a restart wait for the first
    // one's result instead of each counting the same subtree.
    let _fill = FILL.lock().await;
    if let Some(n) = state.caches.counts.get(&key, generation) {
        return Ok(n);
    }
    let n = catalog::count(&state.db, f).await?;
    state.caches.counts.put(key, generation, n);
    Ok(n)
}

/// The organisation's issuing bodies, cached for five minutes or until the catalog changes.
async fn issuers(state: &AppState, org: gongkai_core::orgs::OrgId) -> Result<Arc<Vec<String>>, AppError> {
    let key = org.0.to_string();
    let generation = state.generation.load(std::sync::atomic::Ordering::Relaxed);
    if let Some(list) = state.caches.issuers.get(&key, generation) {
        return Ok(list);
    }
    let _fill = FILL.lock().await;
    if let Some(list) = state.caches.issuers.get(&key, generation) {
        return Ok(list);
    }
    let list = Arc::new(catalog::issuers(&state.db, org).await?);
    state.caches.issuers.put(key, generation, list.clone());
    Ok(list)
}

fn years_list(today: jiff::civil::Date) -> Vec<i32> {
    let now = today.year() as i32;
    (2008..=now).rev().collect()
}

/// Column pages are kept finished while nothing in the catalog changed (see `zh::switch`).
async fn column_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Path<(String, String)>,
    query: Params<ListQuery>,
) -> PageResult<Response> {
    Ok(shared(render_column_page(state, headers, path, query).await?))
}

async fn render_column_page(
    state: AppState,
    headers: HeaderMap,
    Path((code, slug)): Path<(String, String)>,
    Params(q): Params<ListQuery>,
) -> PageResult<Response> {
    let org = org_by_code(&state, &code).await?;
    let cols = catalog::columns(&state.db, org.id).await?;
    let column = cols.iter().find(|c| c.slug == slug).cloned().ok_or(AppError::NotFound)?;
    let year = q.year.trim().parse::<i32>().ok().filter(|y| (1949..=2200).contains(y));
    let validity = Validity::parse(&q.validity).ok().filter(|_| !q.validity.is_empty());
    let issuer = Some(q.issuer.trim().to_string()).filter(|s| !s.is_empty());
    let filter = ItemFilter {
        org_id: Some(org.id),
        column_ids: subtree_ids(&cols, column.id),
        subtree_of: Some(column.id),
        year,
        validity,
        issuer: issuer.clone(),
        public_only: true,
        ..Default::default()
    };
    let page = q.page.unwrap_or(1).max(1);
    let total = cached_count(&state, &filter).await?;
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let items = catalog::page(&state.db, &filter, (page - 1) * PAGE, PAGE).await?;
    let mut parents = Vec::new();
    let mut cur = column.parent_id;
    while let Some(p) = cur.and_then(|id| cols.iter().find(|c| c.id == id)) {
        parents.insert(0, p.clone());
        cur = p.parent_id;
    }
    let mut meta = site_meta(&state, &headers).await;
    meta.push(("ColumnName", column.name.clone()));
    meta.push((
        "ColumnDescription",
        if column.description.is_empty() { column.name.clone() } else { column.description.clone() },
    ));
    meta.push(("ColumnKeywords", format!("{},{}", column.name, org.name)));
    meta.push(("ColumnType", column.kind().label().to_string()));
    let feed = format!("/o/{}/c/{}/feed.xml", org.short_code, column.slug);
    let mut filter_query = String::new();
    for (k, v) in [
        ("year", year.map(|y| y.to_string())),
        ("validity", validity.map(|v| v.code().to_string())),
        ("issuer", issuer.clone()),
    ] {
        if let Some(v) = v {
            filter_query.push_str(&format!("{k}={}&", crate::http::escape::url_encode(&v)));
        }
    }
    Ok(render(&ColumnPage {
        title: format!("{} - {}", column.name, org.name),
        nav: Nav {
            meta,
            links: vec![("alternate", feed, "application/atom+xml", format!("{}（订阅）", column.name))],
            ..Default::default()
        },
        children: cols.iter().filter(|c| c.parent_id == Some(column.id)).cloned().collect(),
        issuers: issuers(&state, org.id).await?.to_vec(),
        org,
        column,
        parents,
        items,
        total,
        page,
        pages,
        years: years_list(state.today()),
        validities: Validity::ALL.iter().map(|v| (v.code(), v.label())).collect(),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        validity: validity.map(|v| v.code().to_string()).unwrap_or_default(),
        issuer: issuer.unwrap_or_default(),
        filter_query,
    }))
}

#[derive(Template)]
#[template(path = "catalog/portal/document.html")]
struct DocumentPage {
    title: String,
    nav: Nav,
    item: Item,
    org: Org,
    column: Column,
    kind_label: &'static str,
    validity: Validity,
    body_html: String,
    attachments: Vec<catalog::Attachment>,
    interpretations: Vec<Item>,
    interprets: Option<Item>,
    history: Vec<catalog::ValidityEntry>,
    url: String,
    /// A name list: only the fields its standard-catalog matter lists.
    roster: Option<gongkai_core::oversight::standards::Roster>,
    notice_until: Option<String>,
}

/// A public notice taken down at the end of its period: 410 saying so, rather than a bare 404.
fn ended_notice(item: &Item) -> Response {
    let until = item.notice_until.as_deref().unwrap_or_default();
    let page =
        crate::pages::ErrorPage::new(410, format!("《{}》的公示期已于{until}届满，已按规定撤下。", item.title), vec![]);
    (axum::http::StatusCode::GONE, render(&page)).into_response()
}

/// A published, proactively disclosed item, else 404 (drafts and withheld items do not exist publicly).
pub(crate) async fn public_item(state: &AppState, id: &str) -> Result<Item, AppError> {
    let id: ItemId = id.parse().map_err(|_| AppError::NotFound)?;
    let item = catalog::get(&state.db, id).await?;
    if !item.is_public() {
        return Err(AppError::NotFound);
    }
    Ok(item)
}

fn qr(url: &str) -> String {
    qrcode::QrCode::new(url.as_bytes())
        .map(|c| c.render::<qrcode::render::svg::Color>().min_dimensions(120, 120).quiet_zone(true).build())
        .unwrap_or_default()
}

/// Mask personal data in the text nodes of published HTML.
pub(crate) fn mask_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&mask_in_text(&rest[..i]));
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        out.push_str(&rest[i..end]);
        rest = &rest[end..];
    }
    out.push_str(&mask_in_text(rest));
    out
}

async fn document(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult<Response> {
    let id: ItemId = id.parse().map_err(|_| AppError::NotFound)?;
    let item = catalog::get(&state.db, id).await?;
    if item.status() == gongkai_core::catalog::Status::Expired
        && item.attribute() == gongkai_core::catalog::Attribute::Proactive
    {
        return Ok(ended_notice(&item));
    }
    if !item.is_public() {
        return Err(AppError::NotFound);
    }
    let dir = directory(&state).await?;
    let org = dir.0.iter().find(|o| o.id == item.org_id).cloned().ok_or(AppError::NotFound)?;
    let column = match dir.1.iter().find(|c| c.id == item.column_id) {
        Some(c) => c.clone(),
        None => catalog::column(&state.db, item.column_id).await?,
    };
    let interpretations =
        catalog::interpretations_of(&state.db, item.id).await?.into_iter().filter(Item::is_public).collect();
    let interprets = match item.interprets_id {
        Some(t) => crate::error::optional(catalog::get(&state.db, t).await)?.filter(Item::is_public),
        None => None,
    };
    let url = format!("{}/info/{}", base_url(&state, &headers), item.id);
    let mut meta = site_meta(&state, &headers).await;
    meta.push(("ArticleTitle", item.title.clone()));
    meta.push(("PubDate", item.published_on.clone().unwrap_or_default()));
    meta.push(("ContentSource", item.issuer.clone()));
    meta.push(("Keywords", item.keywords.clone()));
    meta.push(("Author", item.issuer.clone()));
    meta.push(("Description", mask_in_text(&item.summary)));
    meta.push(("Url", url.clone()));
    meta.push(("ColumnName", column.name.clone()));
    // A name list shows the fields its standard-catalog matter lists now; a matter's edit
    // is not a catalog change, so such a page is made afresh each time.
    let roster = gongkai_store::oversight::roster(&state.db, item.id).await?;
    let keep = if roster.is_none() { shared } else { std::convert::identity };
    Ok(keep(render(&DocumentPage {
        title: item.title.clone(),
        nav: Nav { meta, links: vec![("canonical", url.clone(), "", String::new())], ..Default::default() },
        kind_label: item.kind().label(),
        validity: item.validity(),
        body_html: mask_html(&item.body_html),
        attachments: catalog::attachments(&state.db, item.id).await?,
        history: catalog::validity_entries(&state.db, item.id).await?,
        roster,
        notice_until: item.notice_until.clone(),

        interpretations,
        interprets,
        org,
        column,
        item,
        url,
    })))
}

/// The page's address as a QR code for phones: a separate, cacheable image, so the page
/// itself does not pay for drawing it.
async fn qr_code(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult<Response> {
    let item = public_item(&state, &id).await?;
    let url = format!("{}/info/{}", base_url(&state, &headers), item.id);
    // Drawn from the request's Host when no base URL is configured: then no shared cache
    // may keep it, or one forged Host would be served to everybody.
    let cache = if state.config.base_url.is_some() { "public, max-age=86400" } else { "private, no-store" };
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, cache)], qr(&url)).into_response())
}

async fn attachment(State(state): State<AppState>, Path(id): Path<String>) -> PageResult<Response> {
    let id: AttachmentId = id.parse().map_err(|_| AppError::NotFound)?;
    let (a, data) = catalog::attachment_data(&state.db, id).await?;
    public_item(&state, &a.item_id.to_string()).await?;
    Ok(file_response(&a, data, Caching::Public))
}

/// Who may keep a copy of a download.
#[derive(Clone, Copy)]
pub enum Caching {
    /// A published attachment: any cache for an hour.
    Public,
    /// A staff download (possibly unpublished): no shared cache, nothing stored.
    Private,
}

/// An attachment download: the sniffed type, never rendered inline as HTML.
pub fn file_response(a: &catalog::Attachment, data: Vec<u8>, caching: Caching) -> Response {
    let cache = match caching {
        Caching::Public => "public, max-age=3600",
        Caching::Private => "private, no-store",
    };
    let encoded = crate::http::escape::url_encode(&a.name);
    (
        [
            (header::CONTENT_TYPE, a.mime.clone()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"file\"; filename*=UTF-8''{encoded}")),
            (header::CACHE_CONTROL, cache.to_string()),
        ],
        data,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "catalog/portal/guide.html")]
struct GuidePage {
    title: String,
    nav: Nav,
    org: Org,
    host: Option<Org>,
    columns: Vec<ColumnLine>,
    updated: String,
}

async fn guide(State(state): State<AppState>, headers: HeaderMap, Path(code): Path<String>) -> PageResult<Response> {
    let org = org_by_code(&state, &code).await?;
    let host = match org.hosted_by_id {
        Some(h) => Some(orgs::get(&state.db, h).await?),
        None => None,
    };
    let columns = tree_of(&catalog::columns(&state.db, org.id).await?);
    let mut meta = site_meta(&state, &headers).await;
    meta.push(("ColumnName", "政府信息公开指南".into()));
    Ok(render(&GuidePage {
        title: format!("{}政府信息公开指南", org.name),
        nav: Nav { meta, ..Default::default() },
        updated: org.updated_at.get(..10).unwrap_or("").to_string(),
        org,
        host,
        columns,
    }))
}

#[derive(Template)]
#[template(path = "catalog/portal/catalog.html")]
struct CatalogPage {
    title: String,
    nav: Nav,
    org: Org,
    items: Vec<ItemLine>,
    total: i64,
    page: i64,
    pages: i64,
    year: String,
    years: Vec<i32>,
}

async fn catalog_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Params(q): Params<ListQuery>,
) -> PageResult<Response> {
    let org = org_by_code(&state, &code).await?;
    let year = q.year.trim().parse::<i32>().ok().filter(|y| (1949..=2200).contains(y));
    let filter = ItemFilter { org_id: Some(org.id), year, public_only: true, ..Default::default() };
    let per = 50;
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = catalog::list(&state.db, &filter, (page - 1) * per, per).await?;
    let pages = ((total + per - 1) / per).max(1);
    let mut meta = site_meta(&state, &headers).await;
    meta.push(("ColumnName", "政府信息公开目录".into()));
    Ok(render(&CatalogPage {
        title: format!("{}政府信息公开目录", org.name),
        nav: Nav { meta, ..Default::default() },
        org,
        items,
        total,
        page,
        pages,
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        years: years_list(state.today()),
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SearchParams {
    q: String,
    org: String,
    year: String,
    kind: String,
    validity: String,
    page: Option<usize>,
}

pub struct HitLine {
    pub hit: gongkai_search::SearchHit,
    pub org_name: String,
    pub kind_label: &'static str,
    /// `None`: the index holds a code this version does not know (a stale index).
    pub validity: Option<Validity>,
}

impl HitLine {
    /// The mark beside the title: the validity when it is not plainly valid, and a
    /// warning, never silence, when the index's code is unknown.
    pub fn mark(&self) -> Option<&'static str> {
        match self.validity {
            Some(v) if v.needs_mark() => Some(v.label()),
            Some(_) => None,
            None => Some("有效性待核实"),
        }
    }
}

#[derive(Template)]
#[template(path = "catalog/portal/search.html")]
struct SearchPage {
    title: String,
    nav: Nav,
    q: String,
    hits: Vec<HitLine>,
    total: usize,
    approximate: bool,
    page: usize,
    pages: usize,
    error: Option<String>,
    /// (label, link, count, selected)
    facet_years: Vec<(String, String, u64, bool)>,
    facet_kinds: Vec<(String, String, u64, bool)>,
    facet_orgs: Vec<(String, String, u64, bool)>,
    facet_validity: Vec<(String, String, u64, bool)>,
    base_query: String,
}

async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Params(p): Params<SearchParams>,
) -> PageResult<Response> {
    let q = p.q.trim().chars().take(100).collect::<String>();
    let all_orgs = orgs::list(&state.db).await?;
    let org_id = all_orgs.iter().find(|o| o.short_code == p.org.trim()).map(|o| o.id.0);
    let year = p.year.trim().parse::<u64>().ok();
    let kind = ItemKind::parse(&p.kind).ok().filter(|_| !p.kind.is_empty());
    let validity = Validity::parse(&p.validity).ok().filter(|_| !p.validity.is_empty());
    let page = p.page.unwrap_or(1).clamp(1, 50);
    let per = 10;
    let mut error = None;
    let results = if q.is_empty() {
        Default::default()
    } else {
        let query = SearchQuery {
            text: q.clone(),
            org_id,
            year,
            kind: kind.map(|k| k.code().to_string()),
            validity: validity.map(|v| v.code().to_string()),
            offset: (page - 1) * per,
            limit: per,
        };
        let index = state.search.clone();
        match tokio::task::spawn_blocking(move || index.search(&query)).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "search failed");
                error = Some("检索暂时不可用，请稍后再试".into());
                Default::default()
            }
            Err(e) => return Err(AppError::Internal(e.into())),
        }
    };
    let org_name = |id: i64| all_orgs.iter().find(|o| o.id.0 == id).map(|o| o.name.clone()).unwrap_or_default();
    let org_code = |id: i64| all_orgs.iter().find(|o| o.id.0 == id).map(|o| o.short_code.clone()).unwrap_or_default();
    let enc = crate::http::escape::url_encode;
    let mut base_query = format!("q={}", enc(&q));
    let selected_org = org_id.map(org_code).unwrap_or_default();
    for (k, v) in [
        ("org", selected_org.clone()),
        ("year", year.map(|y| y.to_string()).unwrap_or_default()),
        ("kind", kind.map(|k| k.code().to_string()).unwrap_or_default()),
        ("validity", validity.map(|v| v.code().to_string()).unwrap_or_default()),
    ] {
        if !v.is_empty() {
            base_query.push_str(&format!("&{k}={}", enc(&v)));
        }
    }
    // A facet link toggles its filter, keeping the others.
    let link = |key: &str, value: &str, selected: bool| {
        let mut parts: Vec<String> =
            base_query.split('&').filter(|kv| !kv.starts_with(&format!("{key}="))).map(str::to_string).collect();
        if !selected {
            parts.push(format!("{key}={}", enc(value)));
        }
        format!("/search?{}", parts.join("&"))
    };
    let f = &results.facets;
    let facet_years = f
        .years
        .iter()
        .map(|(y, n)| (format!("{y}年"), link("year", &y.to_string(), year == Some(*y)), *n, year == Some(*y)))
        .collect();
    let facet_kinds = f
        .kinds
        .iter()
        .filter_map(|(k, n)| {
            let kk = ItemKind::parse(k).ok()?;
            let sel = kind == Some(kk);
            Some((kk.label().to_string(), link("kind", k, sel), *n, sel))
        })
        .collect();
    let facet_orgs = f
        .orgs
        .iter()
        .map(|(o, n)| {
            let sel = org_id == Some(*o);
            (org_name(*o), link("org", &org_code(*o), sel), *n, sel)
        })
        .collect();
    let facet_validity = f
        .validity
        .iter()
        .filter_map(|(v, n)| {
            let vv = Validity::parse(v).ok()?;
            let sel = validity == Some(vv);
            Some((vv.label().to_string(), link("validity", v, sel), *n, sel))
        })
        .collect();
    let hits = results
        .hits
        .into_iter()
        .map(|h| HitLine {
            org_name: org_name(h.org_id),
            kind_label: ItemKind::parse(&h.kind).map_or("", |k| k.label()),
            validity: Validity::parse(&h.validity).ok(),
            hit: gongkai_search::SearchHit { snippet_html: mask_in_text(&h.snippet_html), ..h },
        })
        .collect();
    let pages = results.total.div_ceil(per).clamp(1, 50);
    let mut meta = site_meta(&state, &headers).await;
    meta.push(("ColumnName", "信息检索".into()));
    Ok(render(&SearchPage {
        title: if q.is_empty() { "信息检索".into() } else { format!("“{q}”的检索结果") },
        nav: Nav { meta, ..Default::default() },
        q,
        hits,
        total: results.total,
        approximate: results.approximate,
        page,
        pages,
        error,
        facet_years,
        facet_kinds,
        facet_orgs,
        facet_validity,
        base_query,
    }))
}

async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((code, slug)): Path<(String, String)>,
) -> PageResult<Response> {
    let org = org_by_code(&state, &code).await?;
    let cols = catalog::columns(&state.db, org.id).await?;
    let column = cols.iter().find(|c| c.slug == slug).ok_or(AppError::NotFound)?;
    let filter = ItemFilter {
        org_id: Some(org.id),
        column_ids: subtree_ids(&cols, column.id),
        subtree_of: Some(column.id),
        public_only: true,
        ..Default::default()
    };
    let items = catalog::page(&state.db, &filter, 0, 20).await?;
    let base = base_url(&state, &headers);
    let updated = items.first().and_then(|i| i.published_on.clone()).unwrap_or_else(|| "2000-01-01".into());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n<title>{} - {}</title>\n<id>{base}/o/{}/c/{}</id>\n<link rel=\"self\" href=\"{base}/o/{}/c/{}/feed.xml\"/>\n<link href=\"{base}/o/{}/c/{}\"/>\n<updated>{updated}T00:00:00+08:00</updated>\n<author><name>{}</name></author>\n",
        crate::http::escape::esc(&column.name),
        crate::http::escape::esc(&org.name),
        org.short_code,
        column.slug,
        org.short_code,
        column.slug,
        org.short_code,
        column.slug,
        crate::http::escape::esc(&org.name)
    );
    for i in &items {
        let day = i.published_on.clone().unwrap_or_default();
        xml.push_str(&format!(
            "<entry><title>{}</title><id>{base}/info/{}</id><link href=\"{base}/info/{}\"/><updated>{day}T00:00:00+08:00</updated><summary>{}</summary></entry>\n",
            crate::http::escape::esc(&i.title),
            i.id,
            i.id,
            crate::http::escape::esc(&mask_in_text(&i.summary))
        ));
    }
    xml.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

async fn sitemap_index(State(state): State<AppState>, headers: HeaderMap) -> PageResult<Response> {
    let base = base_url(&state, &headers);
    let total = catalog::published_count_all(&state.db).await?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    xml.push_str(&format!("<sitemap><loc>{base}/sitemap/pages.xml</loc></sitemap>\n"));
    for n in 0..(total + SITEMAP_PART - 1) / SITEMAP_PART {
        xml.push_str(&format!("<sitemap><loc>{base}/sitemap/items-{}.xml</loc></sitemap>\n", n + 1));
    }
    xml.push_str("</sitemapindex>\n");
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response())
}

async fn sitemap_part(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(part): Path<String>,
) -> PageResult<Response> {
    let base = base_url(&state, &headers);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    if part == "pages.xml" {
        xml.push_str(&format!("<url><loc>{base}/</loc></url>\n<url><loc>{base}/apply</loc></url>\n"));
        for o in orgs::list(&state.db).await? {
            let code = &o.short_code;
            for p in ["", "/guide", "/catalog"] {
                xml.push_str(&format!("<url><loc>{base}/o/{code}{p}</loc></url>\n"));
            }
            for c in catalog::columns(&state.db, o.id).await? {
                xml.push_str(&format!("<url><loc>{base}/o/{code}/c/{}</loc></url>\n", c.slug));
            }
        }
    } else {
        let n: i64 = part
            .strip_prefix("items-")
            .and_then(|s| s.strip_suffix(".xml"))
            .and_then(|s| s.parse().ok())
            .filter(|n| *n >= 1)
            .ok_or(AppError::NotFound)?;
        let rows = catalog::public_id_dates(&state.db, (n - 1) * SITEMAP_PART, SITEMAP_PART).await?;
        if rows.is_empty() {
            return Err(AppError::NotFound);
        }
        for (id, day) in rows {
            xml.push_str(&format!("<url><loc>{base}/info/{id}</loc><lastmod>{day}</lastmod></url>\n"));
        }
    }
    xml.push_str("</urlset>\n");
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response())
}
