//! The public portal's home page: every disclosing organisation with the contact facts of
//! its guide and a link to its disclosure page, and the newest publications.

use crate::error::PageResult;
use crate::pages::{Nav, PortalHome, render, tree_lines};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<AppState>) -> PageResult<Response> {
    // Rendered once per catalog generation (as the column pages are): the newest items of a
    // million-item catalog cost a second to find, and every visitor's home page is the same.
    const KEY: &str = "/";
    let generation = state.generation.load(std::sync::atomic::Ordering::Relaxed);
    if let Some(html) = state.caches.pages.get(KEY, generation) {
        return Ok(axum::response::Html(html.as_str().to_owned()).into_response());
    }
    let all = orgs::list(&state.db).await?;
    let names = all.iter().map(|o| (o.id.0, o.name.clone())).collect();
    let filter = gongkai_store::catalog::ItemFilter { public_only: true, ..Default::default() };
    let (latest, _) = gongkai_store::catalog::list(&state.db, &filter, 0, 10).await?;
    let resp = render(&PortalHome { title: "首页", nav: Nav::default(), orgs: tree_lines(all, &names), latest });
    if resp.status() != axum::http::StatusCode::OK {
        return Ok(resp);
    }
    let (parts, body) = resp.into_parts();
    let bytes =
        axum::body::to_bytes(body, 16 * 1024 * 1024).await.map_err(|e| crate::error::AppError::Internal(e.into()))?;
    let html = std::sync::Arc::new(String::from_utf8_lossy(&bytes).into_owned());
    state.caches.pages.put(KEY.to_string(), generation, html.clone());
    Ok(Response::from_parts(parts, axum::body::Body::from(html.as_str().to_owned())))
}
