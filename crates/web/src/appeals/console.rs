//! Console pages for reconsideration and litigation records (report table 四).

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::CsrfForm;
use crate::http::forms::path_id;
use crate::pages::{AppealLine, AppealsPage, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::FieldErrors;
use gongkai_core::appeals::{AppealKind, AppealResult, check_decision};
use gongkai_core::field::{optional_text, required_text};
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::access::Capability;
use gongkai_store::applications::appeals::{self, NewAppeal};
use gongkai_store::{applications as app_store, orgs};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/appeals", get(list).post(create))
        .route("/console/appeals/{id}/decide", post(decide))
}

async fn page(state: &AppState, user: &ConsoleUser, org: OrgId, errors: Vec<String>) -> PageResult<AppealsPage> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let mut lines = Vec::new();
    for a in appeals::list(&state.db, org).await? {
        let application = match a.application_id {
            Some(id) => crate::error::optional(app_store::get(&state.db, id).await)?.map(|x| (x.id, x.serial)),
            None => None,
        };
        lines.push(AppealLine {
            id: a.id,
            kind: a.kind.label(),
            body: a.body,
            case_number: a.case_number.unwrap_or_default(),
            filed_on: a.filed_on,
            decided_on: a.decided_on.unwrap_or_default(),
            result: a.result.map(|r| r.label()),
            application,
        });
    }
    Ok(AppealsPage {
        title: format!("{}：行政复议和行政诉讼", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        appeals: lines,
        can_act: user.principal.can(Capability::HandleApplications, org, &tree),
        can_open: user.principal.can(Capability::HandleApplications, org, &tree) || user.principal.oversees(org, &tree),
        errors,
        kinds: AppealKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        results: AppealResult::ALL.iter().map(|r| (r.code(), r.label())).collect(),
    })
}

async fn list(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    Ok(render(&page(&state, &user, org, vec![]).await?))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AppealForm {
    kind: String,
    body: String,
    case_number: String,
    filed_on: String,
    application_serial: String,
}

fn date(field: &'static str, raw: &str) -> Result<jiff::civil::Date, gongkai_core::FieldError> {
    raw.trim().parse().map_err(|_| gongkai_core::FieldError::new(field, "日期应为有效日期（年-月-日）"))
}

async fn create(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<AppealForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    let mut e = FieldErrors::new();
    let kind = e.take(AppealKind::parse(&f.kind));
    let body = e.take(required_text("body", "复议机关或法院", &f.body, 100));
    let case_number = e.take(optional_text("case_number", "案号", &f.case_number, 60));
    let filed = e.take(date("filed_on", &f.filed_on));
    let mut application_id = None;
    if !f.application_serial.trim().is_empty() {
        let found = app_store::list_recent(&state.db, org, i64::MAX)
            .await?
            .into_iter()
            .find(|a| a.serial == f.application_serial.trim());
        match found {
            Some(a) => application_id = Some(a.id),
            None => e.push(gongkai_core::FieldError::new("application_serial", "本机关没有该受理编号的申请")),
        }
    }
    let fields = (kind, body, filed);
    let (true, (Some(kind), Some(body), Some(filed_on))) = (e.is_empty(), fields) else {
        let msgs = e.0.into_iter().map(|x| x.message).collect();
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page(&state, &user, org, msgs).await?)).into_response());
    };
    let new = NewAppeal {
        application_id,
        kind,
        body,
        case_number: case_number.flatten(),
        filed_on,
        decided: None,
        note: None,
    };
    appeals::create(&state.db, &user.actor(), org, &new).await?;
    Ok(Redirect::to(&format!("/console/orgs/{org}/appeals")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    result: String,
    decided_on: String,
}

async fn decide(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<DecideForm>,
) -> PageResult<Response> {
    let a = appeals::get(&state.db, path_id(&id)?).await?;
    let org = a.org_id;
    crate::orgs::access::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    let result = AppealResult::parse(&f.result)?;
    let on = date("decided_on", &f.decided_on)?;
    let filed: jiff::civil::Date =
        a.filed_on.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("bad stored date")))?;
    check_decision(filed, on)?;
    appeals::decide(&state.db, &user.actor(), org, a.id, on, result).await?;
    Ok(Redirect::to(&format!("/console/orgs/{org}/appeals")).into_response())
}
