//! Embeddable HTML fragments for host portals: a column's list, a document, and the search
//! box with its results. No page frame, no style and no script — the host styles the
//! `gk-` classes — and links point at this platform's pages (absolute), so a host can
//! include a fragment server-side or in a frame.

use super::portal::{base_url, mask_html, org_by_code, public_item};
use crate::error::{AppError, PageResult};
use crate::http::escape::{esc, url_encode};
use crate::http::forms::Params;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::applications::identity::mask_in_text;
use gongkai_search::SearchQuery;
use gongkai_store::catalog::{self, ItemFilter};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/embed/o/{code}/c/{slug}", get(column))
        .route("/embed/info/{id}", get(document))
        .route("/embed/o/{code}/search", get(search))
}

const PER_PAGE: i64 = 20;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EmbedQuery {
    pub page: String,
    pub q: String,
}

fn fragment(html: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], html)
        .into_response()
}

fn page_no(raw: &str) -> Result<i64, AppError> {
    match raw.trim() {
        "" => Ok(1),
        s => s
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or_else(|| AppError::BadRequest("页码无效".into())),
    }
}

async fn column(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((code, slug)): Path<(String, String)>,
    Params(q): Params<EmbedQuery>,
) -> PageResult<Response> {
    let org = org_by_code(&state, &code).await?;
    let cols = catalog::columns(&state.db, org.id).await?;
    let col = cols.iter().find(|c| c.slug == slug).ok_or(AppError::NotFound)?;
    let page = page_no(&q.page)?;
    let filter = ItemFilter { org_id: Some(org.id), column_ids: vec![col.id], public_only: true, ..Default::default() };
    let (items, total) = catalog::list(&state.db, &filter, (page - 1) * PER_PAGE, PER_PAGE).await?;
    let base = base_url(&state, &headers);
    let mut html = format!(
        "<section class=\"gk-column\" aria-label=\"{}\"><h2 class=\"gk-title\">{}</h2><ul class=\"gk-list\">",
        esc(&col.name),
        esc(&col.name)
    );
    for i in &items {
        html.push_str(&format!(
            "<li class=\"gk-item\"><a href=\"{base}/info/{}\">{}</a>{}<time class=\"gk-date\">{}</time></li>",
            i.id,
            esc(&i.title),
            if i.validity() == gongkai_core::catalog::Validity::Valid {
                String::new()
            } else {
                format!("<span class=\"gk-validity\">（{}）</span>", i.validity().label())
            },
            esc(i.published_on.as_deref().unwrap_or(""))
        ));
    }
    html.push_str("</ul>");
    let pages = (total + PER_PAGE - 1) / PER_PAGE;
    if pages > 1 {
        html.push_str(&format!("<p class=\"gk-pages\">第{page}页，共{pages}页（{total}条）</p>"));
    }
    html.push_str("</section>");
    Ok(fragment(html))
}

async fn document(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult<Response> {
    let item = public_item(&state, &id).await?;
    let base = base_url(&state, &headers);
    let mut html = format!(
        "<article class=\"gk-document\"><h1 class=\"gk-title\">{}</h1><dl class=\"gk-meta\"><dt>索引号</dt><dd>{}</dd><dt>发布机构</dt><dd>{}</dd><dt>发文字号</dt><dd>{}</dd><dt>发布日期</dt><dd>{}</dd><dt>有效性</dt><dd>{}</dd></dl><div class=\"gk-body\">{}</div>",
        esc(&item.title),
        esc(item.index_no.as_deref().unwrap_or("")),
        esc(&item.issuer),
        esc(item.doc_number.as_deref().unwrap_or("")),
        esc(item.published_on.as_deref().unwrap_or("")),
        item.validity().label(),
        mask_html(&item.body_html)
    );
    if let Some(r) = gongkai_store::oversight::roster(&state.db, item.id).await? {
        html.push_str("<table class=\"gk-roster\"><thead><tr>");
        for f in &r.fields {
            html.push_str(&format!("<th scope=\"col\">{}</th>", esc(f)));
        }
        html.push_str("</tr></thead><tbody>");
        for row in &r.rows {
            html.push_str("<tr>");
            for c in row {
                html.push_str(&format!("<td>{}</td>", esc(c)));
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
    }
    let files = catalog::attachments(&state.db, item.id).await?;
    if !files.is_empty() {
        html.push_str("<ul class=\"gk-files\">");
        for a in files {
            html.push_str(&format!("<li><a href=\"{base}/files/{}\">{}</a></li>", a.id, esc(&a.name)));
        }
        html.push_str("</ul>");
    }
    html.push_str(&format!("<p class=\"gk-source\"><a href=\"{base}/info/{}\">查看原文</a></p></article>", item.id));
    Ok(fragment(html))
}

async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Params(q): Params<EmbedQuery>,
) -> PageResult<Response> {
    let org = org_by_code(&state, &code).await?;
    let text: String = q.q.trim().chars().take(100).collect();
    let base = base_url(&state, &headers);
    let mut html = format!(
        "<section class=\"gk-search\"><form class=\"gk-search-form\" method=\"get\" action=\"{base}/embed/o/{}/search\" role=\"search\"><label for=\"gk-q\">检索{}的政府信息</label><input id=\"gk-q\" name=\"q\" value=\"{}\"><button type=\"submit\">检索</button></form>",
        esc(&org.short_code),
        esc(&org.name),
        esc(&text)
    );
    if !text.is_empty() {
        let page = page_no(&q.page)? as usize;
        let query = SearchQuery {
            text: text.clone(),
            org_id: Some(org.id.0),
            offset: (page - 1) * 10,
            limit: 10,
            ..Default::default()
        };
        let index = state.search.clone();
        let results = tokio::task::spawn_blocking(move || index.search(&query))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(e.into()))?;
        html.push_str(&format!(
            "<p class=\"gk-count\">找到{}{}条</p><ol class=\"gk-results\">",
            if results.approximate { "约" } else { "" },
            results.total
        ));
        for h in &results.hits {
            // The index holds only published text; titles and snippets come escaped with <mark>.
            html.push_str(&format!(
                "<li><a href=\"{base}/info/{}\">{}</a><p>{}</p><time>{}</time></li>",
                h.id,
                h.title_html,
                mask_in_text(&h.snippet_html),
                esc(&h.published_on)
            ));
        }
        html.push_str("</ol>");
        if results.total > page * 10 {
            html.push_str(&format!(
                "<p class=\"gk-pages\"><a href=\"{base}/embed/o/{}/search?q={}&amp;page={}\">下一页</a></p>",
                esc(&org.short_code),
                url_encode(&text),
                page + 1
            ));
        }
    }
    html.push_str("</section>");
    Ok(fragment(html))
}
