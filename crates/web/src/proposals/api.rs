//! Suggestions and proposals in the JSON API: the register and registering one.

use crate::error::{ApiResult, AppError, ErrorBody};
use crate::http::auth::ApiUser;
use crate::http::forms::ApiJson;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use gongkai_core::ids::{MotionId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_core::proposals::MotionInput;
use gongkai_store::proposals::{self as store, Motion};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/orgs/{id}/motions", get(list).post(create)).route("/api/v1/motions/{id}", get(detail))
}

#[derive(Serialize, ToSchema)]
pub struct MotionView {
    pub id: i64,
    pub org_id: i64,
    /// npc | cppcc
    pub kind: String,
    pub session: String,
    pub number: String,
    pub title: String,
    pub proposers: String,
    pub assigned_by: String,
    pub assigned_on: String,
    /// lead | co_handler | separate | reference
    pub role: String,
    pub other_units: String,
    pub urgent_due: Option<String>,
    /// When our reply (a co-handler's opinion) is due.
    pub due_on: String,
    pub replied_on: Option<String>,
    /// a | b | c | d
    pub classification: Option<String>,
    /// satisfied | basically_satisfied | unsatisfied
    pub satisfaction: Option<String>,
    pub rehandle_due: Option<String>,
    /// full | summary | not_published
    pub disclosure: Option<String>,
    pub published_on: Option<String>,
}

impl From<Motion> for MotionView {
    fn from(m: Motion) -> Self {
        let d = |x: Option<jiff::civil::Date>| x.map(|d| d.to_string());
        Self {
            id: m.id.0,
            org_id: m.org_id.0,
            kind: m.facts.kind.code().into(),
            session: m.facts.session,
            number: m.facts.number,
            title: m.facts.title,
            proposers: m.facts.proposers,
            assigned_by: m.facts.assigned_by,
            assigned_on: m.facts.assigned_on.to_string(),
            role: m.facts.role.code().into(),
            other_units: m.facts.other_units,
            urgent_due: d(m.facts.urgent_due),
            due_on: m.due_on.to_string(),
            replied_on: d(m.handling.replied_on),
            classification: m.handling.classification.map(|c| c.code().into()),
            satisfaction: m.handling.satisfaction.map(|c| c.code().into()),
            rehandle_due: d(m.handling.rehandle_due),
            disclosure: m.handling.disclosure.map(|c| c.code().into()),
            published_on: d(m.handling.published_on),
        }
    }
}

/// A motion as the API takes it (the fields of the console form).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewMotionBody {
    pub kind: String,
    pub session: String,
    pub number: String,
    pub title: String,
    pub proposers: String,
    pub content: String,
    pub assigned_by: String,
    /// YYYY-MM-DD
    pub assigned_on: String,
    pub role: String,
    /// The lead and other units (required unless we lead or it is for reference).
    pub other_units: String,
    /// YYYY-MM-DD, for urgent items; empty when none.
    pub urgent_due: String,
}

fn org_id(raw: &str) -> Result<OrgId, AppError> {
    raw.parse().map(OrgId).map_err(|_| AppError::NotFound)
}

/// The suggestions and proposals assigned to an organisation (all years).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/motions", params(("id" = i64, Path)),
    responses((status = 200, body = [MotionView])))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MotionView>>> {
    let org = org_id(&id)?;
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    Ok(Json(store::list(&state.db, org, None).await?.into_iter().map(MotionView::from).collect()))
}

/// Register a suggestion or proposal assigned to the organisation.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/motions", params(("id" = i64, Path)), request_body = NewMotionBody,
    responses((status = 201, body = MotionView)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewMotionBody>,
) -> ApiResult<(StatusCode, Json<MotionView>)> {
    let org = org_id(&id)?;
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let input = MotionInput {
        kind: b.kind,
        session: b.session,
        number: b.number,
        title: b.title,
        proposers: b.proposers,
        content: b.content,
        assigned_by: b.assigned_by,
        assigned_on: b.assigned_on,
        role: b.role,
        other_units: b.other_units,
        urgent_due: b.urgent_due,
    };
    let facts = input.parse(state.today()).map_err(AppError::from)?;
    let id = store::create(&state.db, &user.actor(), org, &facts, &super::settings()).await.map_err(|e| match e {
        gongkai_store::StoreError::Duplicate { .. } => {
            AppError::Conflict(format!("本机关已登记{}{}{}", facts.kind.label(), facts.session, facts.number))
        }
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(store::get(&state.db, id).await?.into())))
}

/// One suggestion or proposal with its handling.
#[utoipa::path(get, path = "/api/v1/motions/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = MotionView), (status = 403, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MotionView>> {
    let id: MotionId = id.parse().map(MotionId).map_err(|_| AppError::NotFound)?;
    let m = store::get(&state.db, id).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::View, m.org_id).await?;
    Ok(Json(m.into()))
}
