//! The public portal's home page: every disclosing organisation with the contact facts of
//! its guide and a link to its disclosure page, and the newest publications.

use crate::error::PageResult;
use crate::pages::{Nav, PortalHome, render, tree_lines};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<AppState>) -> PageResult<Response> {
    // The newest items of a million-item catalog cost a second to find, and every visitor's
    // home page is the same: kept finished per catalog generation, as the column pages are.
    let all = orgs::list(&state.db).await?;
    let names = all.iter().map(|o| (o.id.0, o.name.clone())).collect();
    let filter = gongkai_store::catalog::ItemFilter { public_only: true, ..Default::default() };
    // The page alone: counting a million public items took a second per catalog change.
    let latest = gongkai_store::catalog::page(&state.db, &filter, 0, 10).await?;
    Ok(crate::http::cache::shared(render(&PortalHome {
        title: "首页",
        nav: Nav::default(),
        orgs: tree_lines(all, &names),
        latest,
    })))
}
