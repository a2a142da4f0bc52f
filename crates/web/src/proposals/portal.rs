//! The portal column of published replies to suggestions and proposals (建议提案办理结果公开).

use crate::error::{AppError, PageResult};
use crate::http::forms::path_id;
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use gongkai_core::ids::MotionId;
use gongkai_store::orgs;
use gongkai_store::proposals::{self as store, Motion};

pub fn routes() -> Router<AppState> {
    Router::new().route("/o/{org}/motions", get(list)).route("/o/{org}/motions/{id}", get(one))
}

#[derive(Template)]
#[template(path = "proposals/portal/replies.html")]
struct ListPage {
    title: String,
    nav: Nav,
    org_name: String,
    short_code: String,
    replies: Vec<Motion>,
}

#[derive(Template)]
#[template(path = "proposals/portal/reply.html")]
struct ReplyPage {
    title: String,
    nav: Nav,
    org_name: String,
    short_code: String,
    m: Motion,
}

async fn org_of(state: &AppState, code: &str) -> Result<orgs::Org, AppError> {
    let o = orgs::find(&state.db, code).await?;
    if o.short_code != code {
        return Err(AppError::NotFound);
    }
    Ok(o)
}

async fn list(State(state): State<AppState>, Path(code): Path<String>) -> PageResult<Response> {
    let o = org_of(&state, &code).await?;
    Ok(render(&ListPage {
        title: format!("{}建议提案办理结果公开", o.name),
        nav: Nav::default(),
        replies: store::published(&state.db, o.id).await?,
        org_name: o.name,
        short_code: o.short_code,
    }))
}

async fn one(State(state): State<AppState>, Path((code, id)): Path<(String, String)>) -> PageResult<Response> {
    let o = org_of(&state, &code).await?;
    let m = store::get(&state.db, MotionId(path_id(&id)?)).await?;
    // Only this body's published replies exist on the portal.
    if m.org_id != o.id || m.handling.published_on.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(render(&ReplyPage {
        title: format!("{}的答复", m.facts.title),
        nav: Nav::default(),
        org_name: o.name,
        short_code: o.short_code,
        m,
    }))
}
