use crate::error::{ApiError, ApiResult, AppError, ErrorBody};
use crate::http::auth::ApiUser;
use crate::http::forms::ApiJson;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use gongkai_core::FieldErrors;
use gongkai_core::appeals::{AppealKind, AppealResult, check_decision};
use gongkai_core::field::{optional_text, required_text};
use gongkai_core::ids::{ApplicationId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_store::applications::appeals::{self, Appeal, NewAppeal};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs/{id}/appeals", get(list).post(create))
        .route("/api/v1/appeals/{id}/decision", post(decide))
}

#[derive(Serialize, ToSchema)]
pub struct AppealView {
    pub id: i64,
    pub application_id: Option<i64>,
    /// reconsideration | litigation_direct | litigation_after_reconsideration
    pub kind: String,
    pub body: String,
    pub case_number: Option<String>,
    pub filed_on: String,
    pub decided_on: Option<String>,
    /// upheld | corrected | other; null while pending
    pub result: Option<String>,
}

impl From<Appeal> for AppealView {
    fn from(a: Appeal) -> Self {
        Self {
            id: a.id.0,
            application_id: a.application_id.map(i64::from),
            kind: a.kind.code().to_string(),
            body: a.body,
            case_number: a.case_number,
            filed_on: a.filed_on,
            decided_on: a.decided_on,
            result: a.result.map(|r| r.code().to_string()),
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct NewAppealBody {
    pub kind: String,
    pub body: String,
    pub case_number: String,
    /// YYYY-MM-DD
    pub filed_on: String,
    /// The application concerned, if any (must belong to the organisation).
    pub application_id: Option<i64>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DecisionBody {
    /// upheld | corrected | other
    pub result: String,
    /// YYYY-MM-DD
    pub decided_on: String,
}

fn id<T: std::str::FromStr>(raw: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError(AppError::NotFound))
}

fn date(field: &'static str, raw: &str) -> Result<jiff::civil::Date, gongkai_core::FieldError> {
    raw.trim().parse().map_err(|_| gongkai_core::FieldError::new(field, "日期应为有效日期（年-月-日）"))
}

/// Reconsideration and litigation records of an organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/appeals", params(("id" = i64, Path)),
    responses((status = 200, body = [AppealView]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<AppealView>>> {
    let org: OrgId = id(&org)?;
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    Ok(Json(appeals::list(&state.db, org).await?.into_iter().map(AppealView::from).collect()))
}

/// Record a reconsideration or lawsuit about disclosure.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/appeals", params(("id" = i64, Path)), request_body = NewAppealBody,
    responses((status = 201, body = AppealView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    Path(org): Path<String>,
    ApiJson(b): ApiJson<NewAppealBody>,
) -> ApiResult<(StatusCode, Json<AppealView>)> {
    let org: OrgId = id(&org)?;
    crate::orgs::access::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    let mut e = FieldErrors::new();
    let kind = e.take(AppealKind::parse(&b.kind));
    let body = e.take(required_text("body", "复议机关或法院", &b.body, 100));
    let case_number = e.take(optional_text("case_number", "案号", &b.case_number, 60));
    let filed = e.take(date("filed_on", &b.filed_on));
    // A field left `None` by `take` has its error recorded in `e`.
    let (Some(kind), Some(body), Some(filed_on)) = (kind, body, filed) else {
        return Err(e.into());
    };
    e.into_result()?;
    let new = NewAppeal {
        application_id: b.application_id.map(ApplicationId),
        kind,
        body,
        case_number: case_number.flatten(),
        filed_on,
        decided: None,
        note: None,
    };
    let id = appeals::create(&state.db, &user.actor(), org, &new).await.map_err(|e| match e {
        gongkai_store::StoreError::NotFound => {
            ApiError(gongkai_core::FieldError::new("application_id", "本机关没有该申请").into())
        }
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(appeals::get(&state.db, id).await?.into())))
}

/// Record the decision of a pending appeal.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/decision", params(("id" = i64, Path)), request_body = DecisionBody,
    responses((status = 200, body = AppealView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    user: ApiUser,
    Path(aid): Path<String>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> ApiResult<Json<AppealView>> {
    let a = appeals::get(&state.db, id(&aid)?).await?;
    let org = a.org_id;
    crate::orgs::access::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    let result = AppealResult::parse(&b.result)?;
    let on = date("decided_on", &b.decided_on)?;
    let filed: jiff::civil::Date =
        a.filed_on.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("bad stored date")))?;
    check_decision(filed, on)?;
    appeals::decide(&state.db, &user.actor(), org, a.id, on, result).await.map_err(|e| match e {
        gongkai_store::StoreError::NotFound => ApiError(AppError::Conflict("该案件已登记审理结果".into())),
        other => other.into(),
    })?;
    Ok(Json(appeals::get(&state.db, a.id).await?.into()))
}
