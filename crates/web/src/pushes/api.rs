//! Push campaigns in the JSON API: list, draft, launch, and how they were delivered.
//! Recipients' personal data is not served by the API.

use crate::error::{ApiResult, AppError, ErrorBody};
use crate::http::auth::ApiUser;
use crate::http::forms::ApiJson;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use gongkai_core::ids::{CampaignId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_core::pushes::CampaignInput;
use gongkai_store::pushes::{self as store, Campaign, Tally};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs/{id}/push-campaigns", get(list).post(create))
        .route("/api/v1/push-campaigns/{id}", get(detail))
        .route("/api/v1/push-campaigns/{id}/launch", post(launch))
}

#[derive(Serialize, ToSchema)]
pub struct CampaignView {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub message: String,
    /// Catalog item ids.
    pub items: Vec<i64>,
    /// Recipient group ids.
    pub groups: Vec<i64>,
    /// email | site | webhook | print
    pub channels: Vec<String>,
    pub created_at: String,
    pub launched_at: Option<String>,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub withdrawn: i64,
}

fn view(c: Campaign, t: Tally) -> CampaignView {
    CampaignView {
        id: c.id.0,
        org_id: c.org_id.0,
        title: c.facts.title,
        message: c.facts.message,
        items: c.facts.items.iter().map(|i| i.0).collect(),
        groups: c.facts.groups.iter().map(|g| g.0).collect(),
        channels: c.facts.channels.iter().map(|x| x.code().to_string()).collect(),
        created_at: c.created_at,
        launched_at: c.launched_at,
        queued: t.queued,
        sent: t.sent,
        failed: t.failed,
        withdrawn: t.withdrawn,
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewCampaignBody {
    pub title: String,
    pub message: String,
    /// Published, public catalog items of the organisation.
    pub items: Vec<i64>,
    /// Live recipient groups of the organisation.
    pub groups: Vec<i64>,
    /// email | site | webhook | print
    pub channels: Vec<String>,
}

fn org_id(raw: &str) -> Result<OrgId, AppError> {
    raw.parse().map(OrgId).map_err(|_| AppError::NotFound)
}

/// The organisation's push campaigns, newest first, with their deliveries by status.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/push-campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = [CampaignView])))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CampaignView>>> {
    let org = org_id(&id)?;
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    Ok(Json(store::campaigns(&state.db, org).await?.into_iter().map(|(c, t)| view(c, t)).collect()))
}

/// Draft a campaign (sent only when launched).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/push-campaigns", params(("id" = i64, Path)), request_body = NewCampaignBody,
    responses((status = 201, body = CampaignView)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewCampaignBody>,
) -> ApiResult<(StatusCode, Json<CampaignView>)> {
    let org = org_id(&id)?;
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let input = CampaignInput {
        title: b.title,
        message: b.message,
        items: b.items.iter().map(ToString::to_string).collect(),
        groups: b.groups.iter().map(ToString::to_string).collect(),
        channels: b.channels,
    };
    let publishable = super::publishable_of(&state, org, &b.items).await?;
    let groups = store::live_group_ids(&state.db, org).await?;
    let facts = input.parse(&publishable, &groups).map_err(AppError::from)?;
    let id = store::create_campaign(&state.db, &user.actor(), org, &facts).await?;
    let c = store::campaign(&state.db, id).await?;
    Ok((StatusCode::CREATED, Json(view(c, Tally::default()))))
}

/// One campaign with its deliveries by status.
#[utoipa::path(get, path = "/api/v1/push-campaigns/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignView), (status = 403, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignView>> {
    let id: CampaignId = id.parse().map(CampaignId).map_err(|_| AppError::NotFound)?;
    let c = store::campaign(&state.db, id).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::View, c.org_id).await?;
    let t = store::tally(&state.db, id).await?;
    Ok(Json(view(c, t)))
}

/// Send a campaign: one delivery per consenting member and channel (approvers only; a
/// second launch is a 409).
#[utoipa::path(post, path = "/api/v1/push-campaigns/{id}/launch", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignView), (status = 409, body = ErrorBody)))]
pub async fn launch(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignView>> {
    let id: CampaignId = id.parse().map(CampaignId).map_err(|_| AppError::NotFound)?;
    let c = store::campaign(&state.db, id).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::ApproveDisclosure, c.org_id).await?;
    store::launch(&state.db, &user.actor(), &c, &crate::catalog::portal::base_url(&state, &headers)).await?;
    let t = store::tally(&state.db, id).await?;
    Ok(Json(view(store::campaign(&state.db, id).await?, t)))
}
