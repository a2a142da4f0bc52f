//! Feeds for host portals (集约化, spec §B.1): a body's catalog, or one column of it, as
//! JSON or Atom, paged by a cursor over the feed positions (`?after=N`), so a host mirrors
//! it incrementally. Each item appears at its latest change; an item that left the portal
//! (notice period ended, no longer disclosed) appears as a tombstone carrying only its id.
//! Nothing that was never public is in a feed, and personal data in text is masked as on
//! the portal.

use super::portal::{base_url, mask_html, org_by_code};
use crate::error::{AppError, PageResult};
use crate::http::escape::esc;
use crate::http::forms::Params;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::applications::identity::mask_in_text;
use gongkai_core::ids::{ColumnId, OrgId};
use gongkai_store::catalog::{self, feed};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/o/{code}/feed.json", get(org_json))
        .route("/o/{code}/changes.xml", get(org_atom))
        .route("/o/{code}/c/{slug}/feed.json", get(column_json))
        .route("/o/{code}/c/{slug}/changes.xml", get(column_atom))
}

/// Default and largest page.
pub const PAGE: i64 = 100;
pub const MAX_PAGE: i64 = 1000;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FeedQuery {
    pub after: String,
    pub limit: String,
}

fn cursor(q: &FeedQuery) -> Result<(i64, i64), AppError> {
    let after = match q.after.trim() {
        "" => 0,
        s => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| AppError::BadRequest("after 应为非负整数（上一页返回的 next）".into()))?,
    };
    let limit = match q.limit.trim() {
        "" => PAGE,
        s => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| AppError::BadRequest(format!("limit 应为1至{MAX_PAGE}的整数")))?,
    };
    Ok((after, limit))
}

#[derive(Debug, Serialize)]
pub struct FeedPage {
    pub org: String,
    pub column: Option<String>,
    pub after: i64,
    /// The cursor for the next request (`after=next`); equal to `after` when nothing new.
    pub next: i64,
    /// More entries wait after `next`.
    pub more: bool,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub id: i64,
    pub changed_at: String,
    pub deleted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<EntryItem>,
}

#[derive(Debug, Serialize)]
pub struct EntryItem {
    pub url: String,
    pub title: String,
    pub index_no: Option<String>,
    pub column: String,
    pub column_name: String,
    pub kind: String,
    pub issuer: String,
    pub doc_number: Option<String>,
    pub formed_on: String,
    pub published_on: Option<String>,
    pub effective_on: Option<String>,
    pub repealed_on: Option<String>,
    pub validity: String,
    pub summary: String,
    pub body_html: String,
    pub attachments: Vec<EntryFile>,
}

#[derive(Debug, Serialize)]
pub struct EntryFile {
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub url: String,
}

async fn load(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
    slug: Option<&str>,
    q: &FeedQuery,
) -> Result<FeedPage, AppError> {
    let org = org_by_code(state, code).await?;
    let (after, limit) = cursor(q)?;
    let column: Option<ColumnId> = match slug {
        Some(s) => Some(
            catalog::columns(&state.db, org.id).await?.into_iter().find(|c| c.slug == s).ok_or(AppError::NotFound)?.id,
        ),
        None => None,
    };
    // One more than asked tells whether another page follows.
    let mut rows = feed::after(&state.db, OrgId(org.id.0), column, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let base = base_url(state, headers);
    let mut entries = vec![];
    for r in &rows {
        let item = if r.is_tombstone() {
            None
        } else {
            let i = &r.item;
            let files = catalog::attachments(&state.db, i.id).await?;
            Some(EntryItem {
                url: format!("{base}/info/{}", i.id),
                title: i.title.clone(),
                index_no: i.index_no.clone(),
                column: r.column_slug.clone(),
                column_name: r.column_name.clone(),
                kind: i.kind().label().into(),
                issuer: i.issuer.clone(),
                doc_number: i.doc_number.clone(),
                formed_on: i.formed_on.clone(),
                published_on: i.published_on.clone(),
                effective_on: i.effective_on.clone(),
                repealed_on: i.repealed_on.clone(),
                validity: i.validity().label().into(),
                summary: mask_in_text(&i.summary),
                body_html: mask_html(&i.body_html),
                attachments: files
                    .into_iter()
                    .map(|a| EntryFile {
                        url: format!("{base}/files/{}", a.id),
                        name: a.name,
                        mime: a.mime,
                        size: a.size,
                        sha256: a.sha256,
                    })
                    .collect(),
            })
        };
        entries.push(Entry {
            seq: r.seq,
            id: r.item.id.0,
            changed_at: r.changed_at.clone(),
            deleted: item.is_none(),
            item,
        });
    }
    let next = rows.last().map_or(after, |r| r.seq);
    Ok(FeedPage { org: org.short_code, column: slug.map(str::to_string), after, next, more, entries })
}

fn json(page: &FeedPage) -> Result<Response, AppError> {
    let body = serde_json::to_string(page).map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        body,
    )
        .into_response())
}

async fn org_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Params(q): Params<FeedQuery>,
) -> PageResult<Response> {
    json(&load(&state, &headers, &code, None, &q).await?)
}

async fn column_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((code, slug)): Path<(String, String)>,
    Params(q): Params<FeedQuery>,
) -> PageResult<Response> {
    json(&load(&state, &headers, &code, Some(&slug), &q).await?)
}

/// The same page as Atom: entries in position order, tombstones as RFC 6721
/// `at:deleted-entry`, and a `next` link (RFC 5005 paging) while more follow.
fn atom(page: &FeedPage, base: &str, self_path: &str) -> Response {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:at=\"http://purl.org/atompub/tombstones/1.0\" xmlns:gk=\"https://gongkai.example/ns/feed\" xml:lang=\"zh-CN\">\n<title>{}{} 信息变更</title>\n<id>{base}{self_path}</id>\n<link rel=\"self\" href=\"{base}{self_path}?after={}\"/>\n<updated>{}</updated>\n<gk:next>{}</gk:next>\n",
        esc(&page.org),
        page.column.as_deref().map(|c| format!(" {c}")).unwrap_or_default(),
        page.after,
        page.entries.last().map_or_else(|| "2000-01-01T00:00:00Z".to_string(), |e| e.changed_at.clone()),
        page.next
    );
    if page.more {
        xml.push_str(&format!("<link rel=\"next\" href=\"{base}{self_path}?after={}\"/>\n", page.next));
    }
    for e in &page.entries {
        match &e.item {
            None => xml.push_str(&format!(
                "<at:deleted-entry ref=\"{base}/info/{}\" when=\"{}\"><gk:seq>{}</gk:seq></at:deleted-entry>\n",
                e.id,
                esc(&e.changed_at),
                e.seq
            )),
            Some(i) => xml.push_str(&format!(
                "<entry><title>{}</title><id>{base}/info/{}</id><link href=\"{}\"/><updated>{}</updated><published>{}T00:00:00+08:00</published><gk:seq>{}</gk:seq><gk:index>{}</gk:index><summary>{}</summary><content type=\"html\">{}</content></entry>\n",
                esc(&i.title),
                e.id,
                esc(&i.url),
                esc(&e.changed_at),
                i.published_on.clone().unwrap_or_default(),
                e.seq,
                esc(i.index_no.as_deref().unwrap_or("")),
                esc(&i.summary),
                esc(&i.body_html)
            )),
        }
    }
    xml.push_str("</feed>\n");
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"), (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], xml)
        .into_response()
}

async fn org_atom(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Params(q): Params<FeedQuery>,
) -> PageResult<Response> {
    let page = load(&state, &headers, &code, None, &q).await?;
    Ok(atom(&page, &base_url(&state, &headers), &format!("/o/{code}/changes.xml")))
}

async fn column_atom(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((code, slug)): Path<(String, String)>,
    Params(q): Params<FeedQuery>,
) -> PageResult<Response> {
    let page = load(&state, &headers, &code, Some(&slug), &q).await?;
    Ok(atom(&page, &base_url(&state, &headers), &format!("/o/{code}/c/{slug}/changes.xml")))
}
