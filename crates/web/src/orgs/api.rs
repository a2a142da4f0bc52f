use crate::error::{ApiError, ApiResult, AppError, ErrorBody};
use crate::http::auth::ApiUser;
use crate::http::forms::ApiJson;
use crate::orgs::access::{self, NewUserInput};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use gongkai_core::orgs::access::Capability;
use gongkai_core::orgs::{OrgId, OrgInput};
use gongkai_store::orgs::users;
use gongkai_store::orgs::{self, Org};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs", get(list).post(create))
        .route("/api/v1/orgs/{id}", get(get_one).put(update))
        .route("/api/v1/orgs/{id}/users", get(users).post(create_user))
}

#[derive(Serialize, ToSchema)]
pub struct OrgView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub hosted_by_id: Option<i64>,
    /// `peoples_government`, `government_department`, `district_bureau`, `affiliated_body`.
    pub kind: String,
    pub name: String,
    pub short_code: String,
    pub credit_code: String,
    pub address: Option<String>,
    pub office_hours: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub updated_at: String,
}

impl From<Org> for OrgView {
    fn from(o: Org) -> Self {
        Self {
            id: o.id.0,
            parent_id: o.parent_id.map(|p| p.0),
            hosted_by_id: o.hosted_by_id.map(|p| p.0),
            kind: o.kind.code().into(),
            name: o.name,
            short_code: o.short_code,
            credit_code: o.credit_code,
            address: o.address,
            office_hours: o.office_hours,
            phone: o.phone,
            fax: o.fax,
            email: o.email,
            website: o.website,
            updated_at: o.updated_at,
        }
    }
}

/// An organisation as sent to the API (all fields are validated; missing optional
/// fields are empty).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct OrgBody {
    pub name: String,
    pub short_code: String,
    pub kind: String,
    pub credit_code: String,
    pub parent_id: Option<i64>,
    pub hosted_by_id: Option<i64>,
    pub address: String,
    pub office_hours: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub website: String,
}

impl From<OrgBody> for OrgInput {
    fn from(b: OrgBody) -> Self {
        OrgInput {
            name: b.name,
            short_code: b.short_code,
            kind: b.kind,
            credit_code: b.credit_code,
            parent_id: b.parent_id,
            hosted_by_id: b.hosted_by_id,
            address: b.address,
            office_hours: b.office_hours,
            phone: b.phone,
            fax: b.fax,
            email: b.email,
            website: b.website,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub roles: Vec<String>,
}

fn org_id(raw: &str) -> Result<OrgId, ApiError> {
    raw.parse().map(OrgId).map_err(|_| ApiError(AppError::NotFound))
}

/// Organisations the caller may view.
#[utoipa::path(get, path = "/api/v1/orgs", responses((status = 200, body = [OrgView]), (status = 401, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Vec<OrgView>>> {
    let (visible, _) = access::visible_orgs(&state, &user.principal).await?;
    Ok(Json(visible.into_iter().map(OrgView::from).collect()))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(State(state): State<AppState>, user: ApiUser, Path(id): Path<String>) -> ApiResult<Json<OrgView>> {
    let id = org_id(&id)?;
    access::require(&state, &user.principal, Capability::View, id).await?;
    Ok(Json(orgs::get(&state.db, id).await?.into()))
}

/// Create an organisation (system admins).
#[utoipa::path(post, path = "/api/v1/orgs", request_body = OrgBody,
    responses((status = 201, body = OrgView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<OrgBody>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    let id = access::create_org(&state, &user.principal, &user.actor(), &body.into()).await?;
    Ok((StatusCode::CREATED, Json(orgs::get(&state.db, id).await?.into())))
}

/// Replace an organisation's facts; omitted structural fields keep their values.
/// Organisation admins may change contact facts only: a changed name, code, kind or parent
/// is a 403 naming the fields.
#[utoipa::path(put, path = "/api/v1/orgs/{id}", params(("id" = i64, Path)), request_body = OrgBody,
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OrgBody>,
) -> ApiResult<Json<OrgView>> {
    let id = org_id(&id)?;
    access::update_org(&state, &user.principal, &user.actor(), id, &body.into()).await?;
    Ok(Json(orgs::get(&state.db, id).await?.into()))
}

/// Users holding a role in the organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/users", params(("id" = i64, Path)),
    responses((status = 200, body = [UserView]), (status = 403, body = ErrorBody)))]
pub async fn users(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<UserView>>> {
    let id = org_id(&id)?;
    access::require(&state, &user.principal, Capability::View, id).await?;
    let list = users::list_for_org(&state.db, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|(u, roles)| UserView {
                id: u.id.0,
                username: u.username,
                display_name: u.display_name,
                active: u.active,
                roles: roles.iter().map(|r| r.code().to_string()).collect(),
            })
            .collect(),
    ))
}

/// Create a staff account with one role in the organisation.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/users", params(("id" = i64, Path)), request_body = NewUserInput,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewUserInput>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let id = org_id(&id)?;
    let uid = access::create_user(&state, &user.principal, &user.actor(), id, &body).await?;
    let u = users::get(&state.db, uid).await?;
    let roles = users::grants(&state.db, uid)
        .await?
        .iter()
        .filter(|g| g.org == id)
        .map(|g| g.role.code().to_string())
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(UserView { id: u.id.0, username: u.username, display_name: u.display_name, active: u.active, roles }),
    ))
}
