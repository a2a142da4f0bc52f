//! Background jobs on the console (system admins): what is queued, running, and set aside
//! after its last attempt, with the error; a dead job can be retried.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::CsrfForm;
use crate::http::forms::path_id;
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/jobs", get(show)).route("/console/jobs/{id}/retry", post(retry))
}

pub struct JobLine {
    pub id: gongkai_core::ids::JobId,
    pub what: String,
    pub state: &'static str,
    pub dead: bool,
    pub attempts: i64,
    pub when: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "jobs/console/jobs.html")]
struct JobsPage {
    title: &'static str,
    nav: Nav,
    queued: i64,
    running: i64,
    dead: i64,
    jobs: Vec<JobLine>,
}

fn admin_only(user: &ConsoleUser) -> Result<(), AppError> {
    if user.principal.system_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden("只有系统管理员可以查看后台任务".into()))
    }
}

async fn show(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    admin_only(&user)?;
    let (queued, running, dead) = gongkai_store::jobs::counts(&state.db).await?;
    let jobs = gongkai_store::jobs::list(&state.db, 200)
        .await?
        .into_iter()
        .map(|j| JobLine {
            id: j.id,
            what: j.job.as_ref().map_or_else(|| format!("无法识别的任务（{}）", j.name), |x| x.label()),
            state: match j.state.as_str() {
                "queued" => "排队中",
                "running" => "执行中",
                _ => "已停止重试",
            },
            dead: j.state == "dead",
            attempts: j.attempts,
            when: crate::pages::beijing(if j.state == "dead" { &j.updated_at } else { &j.run_after }),
            error: j.last_error.unwrap_or_default(),
        })
        .collect();
    Ok(render(&JobsPage { title: "后台任务", nav: user.nav(&state), queued, running, dead, jobs }))
}

async fn retry(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::http::forms::Empty>,
) -> PageResult<Response> {
    admin_only(&user)?;
    match gongkai_store::jobs::retry(&state.db, path_id(&id)?).await {
        Ok(()) => Ok(Redirect::to("/console/jobs").into_response()),
        Err(gongkai_store::StoreError::Duplicate { .. }) => {
            Err(AppError::Conflict("已有相同的任务在排队，无需重试".into()))
        }
        Err(e) => Err(e.into()),
    }
}
