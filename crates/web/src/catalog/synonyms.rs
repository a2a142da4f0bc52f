//! The search synonym list: shown to staff, edited by system admins. Stored in the
//! settings table, so every instance picks an edit up on its next index round.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::CsrfForm;
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_search::Synonyms;

/// The settings key of the list (absent: the built-in default).
pub const KEY: &str = "search_synonyms";

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/search/synonyms", get(show).post(save))
}

/// The stored list's text, or the default one.
pub async fn text(state: &AppState) -> anyhow::Result<String> {
    Ok(gongkai_store::settings::get(&state.db, KEY).await?.unwrap_or_else(|| gongkai_search::synonyms::DEFAULT.into()))
}

/// Give the index the stored list (called by the indexer each round; a list that no
/// longer parses keeps the one in use and says so in the log).
pub async fn load(state: &AppState) -> anyhow::Result<()> {
    match Synonyms::parse(&text(state).await?) {
        Ok(s) => state.search.set_synonyms(s),
        Err(e) => tracing::warn!(error = %e, "stored synonym list is invalid; keeping the one in use"),
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "catalog/console/synonyms.html")]
struct SynonymsPage {
    title: &'static str,
    nav: Nav,
    text: String,
    groups: usize,
    can_edit: bool,
    notice: Option<String>,
    errors: Vec<String>,
}

async fn page(
    state: &AppState,
    user: &ConsoleUser,
    text: String,
    notice: Option<String>,
    errors: Vec<String>,
) -> SynonymsPage {
    SynonymsPage {
        title: "检索同义词",
        nav: user.nav(state),
        groups: Synonyms::parse(&text).map(|s| s.len()).unwrap_or(0),
        text,
        can_edit: user.principal.system_admin,
        notice,
        errors,
    }
}

async fn show(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    let text = text(&state).await?;
    Ok(render(&page(&state, &user, text, None, vec![]).await))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SaveForm {
    content: String,
}

async fn save(
    State(state): State<AppState>,
    user: ConsoleUser,
    CsrfForm(f): CsrfForm<SaveForm>,
) -> PageResult<Response> {
    if !user.principal.system_admin {
        return Err(AppError::Forbidden("只有系统管理员可以修改检索同义词".into()));
    }
    if f.content.len() > 64 * 1024 {
        let p = page(&state, &user, f.content.chars().take(2000).collect(), None, vec!["同义词表不能超过64KB".into()])
            .await;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
    }
    match Synonyms::parse(&f.content) {
        Ok(s) => {
            let n = s.len();
            gongkai_store::settings::set(&state.db, &user.actor(), KEY, &f.content).await?;
            state.search.set_synonyms(s);
            let notice = format!("已保存{n}组同义词，检索即时生效（其他服务器实例在下一轮索引更新时生效）。");
            Ok(render(&page(&state, &user, f.content, Some(notice), vec![]).await))
        }
        Err(e) => {
            let p = page(&state, &user, f.content, None, vec![format!("未保存：{e}")]).await;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
    }
}
