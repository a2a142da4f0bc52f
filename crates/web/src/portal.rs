//! The public portal. This foundation serves the home page with every disclosing
//! organisation and the contact facts of its guide; the catalog, search and reading
//! aids come with the proactive-disclosure module.

use crate::error::PageResult;
use crate::server::AppState;
use crate::templates::{Nav, PortalHome, render, tree_lines};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<AppState>) -> PageResult<Response> {
    let all = orgs::list(&state.db).await?;
    let names = all.iter().map(|o| (o.id.0, o.name.clone())).collect();
    Ok(render(&PortalHome { title: "首页", nav: Nav::default(), orgs: tree_lines(all, &names) }))
}
