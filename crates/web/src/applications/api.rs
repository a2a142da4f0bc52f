use crate::applications::ops;
use crate::error::{ApiError, ApiResult, AppError, ErrorBody};
use crate::http::auth::ApiUser;
use crate::http::forms::ApiJson;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use gongkai_core::applications::Channel;
use gongkai_core::applications::event_input::EventInput;
use gongkai_core::applications::identity::mask_id;
use gongkai_core::applications::intake::ApplicationInput;
use gongkai_core::ids::{ApplicationId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_store::applications::{self as store, Application};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs/{id}/applications", get(list).post(create))
        .route("/api/v1/applications/{id}", get(detail))
        .route("/api/v1/applications/{id}/events", post(record))
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationSummary {
    pub id: i64,
    pub serial: String,
    pub status: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    /// Masked (e.g. `1101**********002X`).
    pub id_number: String,
    pub info_title: String,
    pub submitted_on: String,
    pub received_on: Option<String>,
    pub due_on: Option<String>,
    /// The deadline was counted through a year whose State Council holiday notice is not
    /// loaded yet (暂定); it is re-derived when the notice is loaded.
    pub due_provisional: bool,
    pub finished_on: Option<String>,
    pub outcome: Option<String>,
}

fn summary(a: &Application, masked: bool) -> ApplicationSummary {
    ApplicationSummary {
        id: a.id.0,
        serial: a.serial.clone(),
        status: a.status.code().to_string(),
        applicant_kind: a.applicant_kind.code().to_string(),
        applicant_name: a.applicant_name.clone(),
        id_number: if masked { mask_id(&a.id_number) } else { a.id_number.clone() },
        info_title: a.info_title.clone(),
        submitted_on: a.submitted_on.clone(),
        received_on: a.received_on.clone(),
        due_on: a.due_on.clone(),
        due_provisional: a.due_provisional,
        finished_on: a.finished_on.clone(),
        outcome: a.outcome.map(|o| o.code().to_string()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub summary: ApplicationSummary,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub channel: String,
    pub calendar_version: String,
    pub duplicate_of: Option<i64>,
    /// How the deadline was counted, in Chinese.
    pub clock: Vec<String>,
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    /// The event log (each a tagged object, `type` = event kind).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

fn org_id(raw: &str) -> Result<OrgId, ApiError> {
    raw.parse().map(OrgId).map_err(|_| ApiError(AppError::NotFound))
}

fn app_id(raw: &str) -> Result<ApplicationId, ApiError> {
    raw.parse().map_err(|_| ApiError(AppError::NotFound))
}

/// Applications of an organisation, newest first (personal data masked).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/applications", params(("id" = i64, Path)),
    responses((status = 200, body = [ApplicationSummary]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ApplicationSummary>>> {
    let org = org_id(&id)?;
    crate::orgs::access::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    let list = store::list_recent(&state.db, org, 500).await?;
    Ok(Json(list.iter().map(|a| summary(a, true)).collect()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewApplicationBody {
    /// online | in_person | post | letter | fax | email
    pub channel: String,
    /// YYYY-MM-DD (submission, or signing for signed-for post)
    pub submitted_on: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub contact_person: String,
    pub id_kind: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub info_title: String,
    pub info_doc_number: String,
    pub info_description: String,
    pub delivery_form: String,
    pub delivery_method: String,
}

#[derive(Serialize, ToSchema)]
pub struct Registered {
    pub id: i64,
    pub serial: String,
    /// The applicant's tracking code; returned only here, store it or give it to the applicant.
    pub query_code: String,
    pub duplicate_of: Option<i64>,
}

/// Register an application received by the organisation.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/applications", params(("id" = i64, Path)), request_body = NewApplicationBody,
    responses((status = 201, body = Registered), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewApplicationBody>,
) -> ApiResult<(StatusCode, Json<Registered>)> {
    let org = org_id(&id)?;
    crate::orgs::access::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    let channel = Channel::parse(&b.channel)?;
    let on: jiff::civil::Date = b
        .submitted_on
        .trim()
        .parse()
        .map_err(|_| gongkai_core::FieldError::new("submitted_on", "提交日期应为有效日期（年-月-日）"))?;
    let input = ApplicationInput {
        applicant_kind: b.applicant_kind,
        applicant_name: b.applicant_name,
        contact_person: b.contact_person,
        id_kind: b.id_kind,
        id_number: b.id_number,
        phone: b.phone,
        email: b.email,
        address: b.address,
        info_title: b.info_title,
        info_doc_number: b.info_doc_number,
        info_description: b.info_description,
        delivery_form: b.delivery_form,
        delivery_method: b.delivery_method,
    };
    let (c, code) = ops::register(&state, &user.actor(), org, &input, channel, on).await?;
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            id: c.id.0,
            serial: c.serial,
            query_code: code,
            duplicate_of: c.duplicate_of.map(i64::from),
        }),
    ))
}

async fn detail_of(state: &AppState, user: &ApiUser, id: ApplicationId) -> Result<ApplicationDetail, ApiError> {
    let a = ops::visible(state, &user.principal, id, Capability::HandleApplications).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let s = ops::settings();
    let case = store::case(&state.db, id, &s, &cal).await.map_err(AppError::from)?;
    let clock = case.clock(&s, &cal, state.today()).map_err(|e| AppError::Internal(e.into()))?;
    let events = store::events(&state.db, id)
        .await?
        .into_iter()
        .map(|r| serde_json::json!({"seq": r.seq, "actor": r.actor, "at": r.at, "event": r.event, "text": r.event.describe()}))
        .collect();
    Ok(ApplicationDetail {
        summary: summary(&a, false),
        phone: a.phone.clone(),
        email: a.email.clone(),
        address: a.address.clone(),
        channel: a.channel.code().to_string(),
        calendar_version: a.calendar_version.clone(),
        duplicate_of: a.duplicate_of.map(i64::from),
        clock: clock.lines,
        working_days_left: clock.working_days_left,
        overdue: clock.overdue,
        events,
    })
}

/// One application with its deadline explanation and event log (the handling view).
#[utoipa::path(get, path = "/api/v1/applications/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationDetail>> {
    Ok(Json(detail_of(&state, &user, app_id(&id)?).await?))
}

/// A handling step as the API takes it (the document's shape of core's `EventInput`):
/// which fields a step needs depends on its `type`, and a missing one is a 422 naming it.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the body for the OpenAPI document; core's EventInput reads it.
pub struct EventBody {
    /// The step (staff steps; the others are recorded by the system).
    #[schema(rename = "type")]
    pub kind: String,
    /// Date of the step, YYYY-MM-DD.
    pub on: String,
    /// Correction period or extension, in working days.
    pub period_wd: String,
    /// What is to be corrected (correction notices).
    pub items: String,
    /// The consulted third party or body.
    pub party: String,
    pub with: String,
    pub summary: String,
    pub days: String,
    pub reason: String,
    pub fee_method: String,
    pub nth: String,
    pub pages: String,
    pub amount_yuan: String,
    pub due: String,
    /// The reply type (replied), one of the outcomes the annual report counts.
    pub outcome: String,
    pub method: String,
}

/// Record a handling step (`type`: receipt_confirmed, correction_requested, corrected, correction_lapsed,
/// consultation_opened, consultation_closed, extension_approved, fee_noticed, fee_paid, fee_lapsed,
/// delay_fixed, replied, delivered, withdrawn, archived). Refused steps return 422 with the rule.
#[utoipa::path(post, path = "/api/v1/applications/{id}/events", params(("id" = i64, Path)), request_body = EventBody,
    responses((status = 200, body = ApplicationDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EventInput>,
) -> ApiResult<Json<ApplicationDetail>> {
    let id = app_id(&id)?;
    ops::record_event(&state, &user.principal, &user.actor(), id, &input).await?;
    Ok(Json(detail_of(&state, &user, id).await?))
}
