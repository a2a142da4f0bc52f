//! Consultations in the JSON API: the notices, their comments, and registering a comment
//! received by e-mail or letter (it waits for moderation like one from the portal).

use crate::error::{ApiResult, AppError, ErrorBody};
use crate::http::auth::ApiUser;
use crate::http::forms::ApiJson;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use gongkai_core::consultations::CommentInput;
use gongkai_core::ids::{ConsultationId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_store::consultations::{self as store, Comment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs/{id}/consultations", get(list))
        .route("/api/v1/consultations/{id}/comments", get(comments).post(add_comment))
}

#[derive(Serialize, ToSchema)]
pub struct ConsultationView {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub opens_on: String,
    pub closes_on: String,
    pub normative: bool,
    /// 未开始 / 正在征集 / 已截止 / 已公布采纳情况
    pub phase: String,
    pub comments: i64,
    pub report_published_on: Option<String>,
    /// The catalog item finally adopted, once linked.
    pub final_item_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub consultation_id: i64,
    pub name: Option<String>,
    pub article: Option<String>,
    pub text: String,
    /// pending | shown | hidden
    pub moderation: String,
    /// adopted | partly_adopted | not_adopted, once decided
    pub adoption: Option<String>,
    pub reason: Option<String>,
    pub submitted_at: String,
}

impl From<Comment> for CommentView {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id.0,
            consultation_id: c.consultation_id.0,
            name: c.facts.name,
            article: c.facts.article,
            text: c.facts.text,
            moderation: c.moderation.code().into(),
            adoption: c.adoption.map(|a| a.code().into()),
            reason: c.reason,
            submitted_at: c.submitted_at,
        }
    }
}

/// A comment received by e-mail or letter.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewCommentBody {
    /// The commenter as given (the portal shows only its first character).
    pub name: String,
    /// The article commented on (第三条), if any.
    pub article: String,
    pub text: String,
}

/// The organisation's consultations, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/consultations", params(("id" = i64, Path)),
    responses((status = 200, body = [ConsultationView])))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ConsultationView>>> {
    let org: OrgId = id.parse().map(OrgId).map_err(|_| AppError::NotFound)?;
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let today = state.today();
    let mut out = Vec::new();
    for c in store::list(&state.db, org).await? {
        let n = store::comments(&state.db, c.id, false).await?.len() as i64;
        out.push(ConsultationView {
            id: c.id.0,
            org_id: c.org_id.0,
            phase: c.facts.phase(today, c.report_published_on.is_some()).into(),
            title: c.facts.title,
            opens_on: c.facts.opens_on.to_string(),
            closes_on: c.facts.closes_on.to_string(),
            normative: c.facts.normative,
            comments: n,
            report_published_on: c.report_published_on.map(|d| d.to_string()),
            final_item_id: c.final_item_id.map(|i| i.0),
        });
    }
    Ok(Json(out))
}

async fn consultation(
    state: &AppState,
    user: &ApiUser,
    id: &str,
    cap: Capability,
) -> Result<store::Consultation, AppError> {
    let id: ConsultationId = id.parse().map(ConsultationId).map_err(|_| AppError::NotFound)?;
    let c = store::get(&state.db, id).await?;
    crate::orgs::access::require(state, &user.principal, cap, c.org_id).await?;
    Ok(c)
}

/// Every comment of a consultation, moderated or not, with its adoption.
#[utoipa::path(get, path = "/api/v1/consultations/{id}/comments", params(("id" = i64, Path)),
    responses((status = 200, body = [CommentView]), (status = 403, body = ErrorBody)))]
pub async fn comments(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CommentView>>> {
    let c = consultation(&state, &user, &id, Capability::View).await?;
    Ok(Json(store::comments(&state.db, c.id, false).await?.into_iter().map(CommentView::from).collect()))
}

/// Register a comment received by e-mail or letter while the consultation is open (409
/// before it opens or after it closed).
#[utoipa::path(post, path = "/api/v1/consultations/{id}/comments", params(("id" = i64, Path)), request_body = NewCommentBody,
    responses((status = 201, body = CommentView)))]
pub async fn add_comment(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewCommentBody>,
) -> ApiResult<(StatusCode, Json<CommentView>)> {
    let c = consultation(&state, &user, &id, Capability::EditDisclosure).await?;
    let input = CommentInput { name: b.name, article: b.article, text: b.text, website: String::new() };
    let facts = input
        .parse(&c.facts, state.today())
        .map_err(|refused| AppError::Conflict(refused.to_string()))?
        .map_err(AppError::from)?;
    let cid = store::add_comment(&state.db, c.id, &facts).await?;
    let added =
        store::comments(&state.db, c.id, false).await?.into_iter().find(|x| x.id == cid).ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(added.into())))
}
