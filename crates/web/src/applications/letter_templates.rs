//! Each organisation's wording of its letters to applicants.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::CsrfForm;
use crate::http::forms::path_id;
use crate::pages::{LettersPage, TemplateLine, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use gongkai_core::applications::letters::{LetterKind, PLACEHOLDERS, validate};
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::access::Capability;
use gongkai_core::orgs::accounts::Role;
use gongkai_store::applications::letters;
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/orgs/{id}/letters", get(show)).route("/console/orgs/{id}/letters/{kind}", post(save))
}

/// Letters belong to application work, which is never hosted: the organisation's own
/// approvers and admins edit them.
async fn require(state: &AppState, user: &ConsoleUser, org: OrgId) -> Result<(), AppError> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let p = &user.principal;
    let own_admin = p.grants.iter().any(|g| g.org == org && g.role == Role::OrgAdmin);
    if p.system_admin || own_admin || p.can(Capability::ApproveApplications, org, &tree) {
        Ok(())
    } else {
        Err(AppError::Forbidden("文书模板由本机关的审核人或机构管理员维护".into()))
    }
}

async fn page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    notice: Option<String>,
    errors: Vec<String>,
) -> PageResult<LettersPage> {
    let o = orgs::get(&state.db, org).await?;
    let mut templates = Vec::new();
    for k in LetterKind::ALL {
        let custom = letters::custom(&state.db, org, k).await?;
        templates.push(TemplateLine {
            code: k.code(),
            title: k.title(),
            custom: custom.is_some(),
            body: custom.unwrap_or_else(|| k.default_template().to_string()),
        });
    }
    Ok(LettersPage {
        title: format!("{}：文书模板", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        placeholders: PLACEHOLDERS.to_vec(),
        templates,
        notice,
        errors,
    })
}

async fn show(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    require(&state, &user, org).await?;
    Ok(render(&page(&state, &user, org, None, vec![]).await?))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TemplateForm {
    body: String,
    action: String,
}

async fn save(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, kind)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<TemplateForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    require(&state, &user, org).await?;
    let kind = LetterKind::parse(&kind).map_err(|_| AppError::NotFound)?;
    if f.action == "reset" {
        letters::save(&state.db, &user.actor(), org, kind, None).await?;
        return Ok(render(&page(&state, &user, org, Some(format!("“{}”已恢复默认文本", kind.title())), vec![]).await?));
    }
    let body = f.body.replace("\r\n", "\n");
    if let Err(e) = validate(&body) {
        let p = page(&state, &user, org, None, vec![format!("“{}”未保存：{}", kind.title(), e.message)]).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
    }
    letters::save(&state.db, &user.actor(), org, kind, Some(body.trim())).await?;
    Ok(render(&page(&state, &user, org, Some(format!("“{}”已保存", kind.title())), vec![]).await?))
}
