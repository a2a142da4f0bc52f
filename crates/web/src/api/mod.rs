//! JSON API under `/api/v1`, authenticated with bearer tokens created on the console's
//! account page. The OpenAPI document is served at `/api/openapi.json`.

mod contract;

use crate::appeals::api as appeals;
use crate::applications::api as applications;
use crate::error::ErrorBody;
use crate::http::auth::ApiUser;
use crate::orgs::api as orgs;
use crate::proposals::api as motions;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::routing::get;
use contract::Contract;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/me", get(me))
        .merge(orgs::routes())
        .merge(applications::routes())
        .merge(appeals::routes())
        .merge(motions::routes())
        .merge(crate::channels::api_routes())
        .merge(crate::pushes::api::routes())
        .merge(crate::consultations::api::routes())
        .merge(crate::press::api_routes())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "gongkai API", description = "政府信息公开平台 JSON API。所有错误以 JSON 返回，message 为简体中文。"),
    paths(me, orgs::list, orgs::get_one, orgs::create, orgs::update, orgs::users, orgs::create_user,
        applications::list, applications::create, applications::detail, applications::record,
        appeals::list, appeals::create, appeals::decide, motions::list, motions::create, motions::detail, crate::channels::api_set,
        crate::pushes::api::list, crate::pushes::api::create, crate::pushes::api::detail, crate::pushes::api::launch,
        crate::consultations::api::list, crate::consultations::api::comments, crate::consultations::api::add_comment,
        crate::press::api_list, crate::press::api_create),
    components(schemas(crate::press::PressView, crate::press::PressBody, crate::consultations::api::ConsultationView, crate::consultations::api::CommentView, crate::consultations::api::NewCommentBody, crate::pushes::api::CampaignView, crate::pushes::api::NewCampaignBody, crate::channels::ChannelCountBody, crate::channels::ChannelYear, crate::channels::ChannelTotal, motions::MotionView, motions::NewMotionBody, appeals::AppealView, appeals::NewAppealBody, appeals::DecisionBody, applications::ApplicationSummary, applications::ApplicationDetail, applications::NewApplicationBody, applications::EventBody, applications::Registered, MeView, GrantView, orgs::OrgView, orgs::OrgBody, orgs::UserView, crate::orgs::access::NewUserInput, ErrorBody, crate::error::FieldMessage)),
    modifiers(&BearerAuth, &Contract),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[derive(Serialize, ToSchema)]
pub struct GrantView {
    pub org_id: i64,
    /// `staff`, `approver`, `org_admin` or `supervisor`.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub system_admin: bool,
    pub grants: Vec<GrantView>,
}

/// The caller's account and roles.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
async fn me(user: ApiUser) -> Json<MeView> {
    let p = user.principal;
    Json(MeView {
        id: p.user_id.0,
        username: p.username,
        display_name: p.display_name,
        system_admin: p.system_admin,
        grants: p.grants.iter().map(|g| GrantView { org_id: g.org.0, role: g.role.code().into() }).collect(),
    })
}
