//! Press work and responses to public concerns (回应关切): the console record book and the
//! portal column.

use crate::error::{AppError, ErrorBody, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::{CsrfForm, Params, YearQuery, path_id, year_param};
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::ids::{OrgId, PressId};
use gongkai_core::orgs::access::Capability;
use gongkai_core::press::{LEVELS, PressInput, PressKind, PressStats, stats};
use gongkai_store::orgs;
use gongkai_store::press::{self as store, PressRecord};

pub fn console_routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/press", get(list).post(create))
        .route("/console/orgs/{id}/press/{record}/delete", post(delete))
}

pub fn portal_routes() -> Router<AppState> {
    Router::new().route("/o/{org}/responses", get(portal))
}

#[derive(Template)]
#[template(path = "press/console/press.html")]
struct ListPage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    year: i16,
    years: Vec<i16>,
    records: Vec<PressRecord>,
    stats: PressStats,
    can_edit: bool,
    errors: Vec<String>,
    form: PressInput,
    kinds: Vec<(&'static str, &'static str)>,
    levels: [&'static str; 3],
}

async fn page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    year: i16,
    form: PressInput,
    errors: Vec<String>,
) -> PageResult<ListPage> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let records = store::list(&state.db, org, year).await?;
    let facts: Vec<_> = records.iter().map(|r| r.facts.clone()).collect();
    Ok(ListPage {
        title: format!("{}：回应关切和新闻发布", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        year,
        years: (2019..=state.today().year()).rev().collect(),
        stats: stats(&facts),
        records,
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        errors,
        form,
        kinds: PressKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        levels: LEVELS,
    })
}

async fn list(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Params(q): Params<YearQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let year = year_param(state.today(), &q.year, 0)?;
    let form = PressInput { on: state.today().to_string(), ..Default::default() };
    Ok(render(&page(&state, &user, org, year, form, vec![]).await?))
}

async fn create(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<PressInput>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    match f.parse(state.today()) {
        Ok(facts) => {
            store::create(&state.db, &user.actor(), org, &facts).await?;
            Ok(Redirect::to(&format!("/console/orgs/{org}/press?year={}", facts.on.year())).into_response())
        }
        Err(e) => {
            let msgs = e.0.into_iter().map(|x| x.message).collect();
            let year = state.today().year();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page(&state, &user, org, year, f, msgs).await?))
                .into_response())
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, record)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    store::delete(&state.db, &user.actor(), org, PressId(path_id(&record)?)).await?;
    Ok(Redirect::to(&format!("/console/orgs/{org}/press")).into_response())
}

#[derive(Template)]
#[template(path = "press/portal/responses.html")]
struct PortalPage {
    title: String,
    nav: Nav,
    org_name: String,
    year: i16,
    years: Vec<i16>,
    short_code: String,
    records: Vec<PressRecord>,
    stats: PressStats,
}

/// The public column: responses to concerns and the conferences held, by year (releases
/// and coverage counts are summed, not listed).
async fn portal(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Params(q): Params<YearQuery>,
) -> PageResult<Response> {
    let o = orgs::find(&state.db, &code).await?;
    if o.short_code != code {
        return Err(AppError::NotFound);
    }
    let year = year_param(state.today(), &q.year, 0)?;
    let all = store::list(&state.db, o.id, year).await?;
    let facts: Vec<_> = all.iter().map(|r| r.facts.clone()).collect();
    let records = all
        .into_iter()
        .filter(|r| {
            matches!(r.facts.kind, PressKind::Response | PressKind::ConferenceHeld | PressKind::ConferenceAttended)
        })
        .collect();
    Ok(render(&PortalPage {
        title: format!("{}回应关切", o.name),
        nav: Nav::default(),
        org_name: o.name,
        year,
        years: (2019..=state.today().year()).rev().collect(),
        short_code: o.short_code,
        records,
        stats: stats(&facts),
    }))
}

pub fn api_routes() -> Router<AppState> {
    Router::new().route("/api/v1/orgs/{id}/press", get(api_list).post(api_create))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PressView {
    pub id: i64,
    /// conference_held | conference_attended | release | coverage | response
    pub kind: String,
    pub on: String,
    pub title: String,
    pub level: String,
    pub who: String,
    pub summary: String,
    pub count: i64,
    pub national: i64,
}

impl From<PressRecord> for PressView {
    fn from(r: PressRecord) -> Self {
        Self {
            id: r.id.0,
            kind: r.facts.kind.code().into(),
            on: r.facts.on.to_string(),
            title: r.facts.title,
            level: r.facts.level,
            who: r.facts.who,
            summary: r.facts.summary,
            count: r.facts.count,
            national: r.facts.national,
        }
    }
}

/// A press or response record as the API takes it (the console form's fields).
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct PressBody {
    /// conference_held | conference_attended | release | coverage | response
    pub kind: String,
    /// YYYY-MM-DD
    pub on: String,
    pub title: String,
    /// 国家级 / 省级 / 市级, for a conference attended
    pub level: String,
    pub who: String,
    pub summary: String,
    /// Items this record stands for (a batch of coverage); 1 when omitted.
    pub count: Option<i64>,
    /// Of which in national media (coverage).
    pub national: Option<i64>,
}

/// The organisation's press and response records of a year (this year when omitted).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/press", params(("id" = i64, Path), ("year" = Option<i16>, Query)),
    responses((status = 200, body = [PressView]), (status = 400, body = ErrorBody, description = "年度无效")))]
pub async fn api_list(
    State(state): State<AppState>,
    user: crate::http::auth::ApiUser,
    Path(id): Path<String>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> crate::error::ApiResult<axum::Json<Vec<PressView>>> {
    let org = OrgId(id.parse().map_err(|_| AppError::NotFound)?);
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    // Read by hand so that a malformed query is a JSON 400 like every API error.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q.as_deref().unwrap_or(""))
        .map_err(|_| AppError::BadRequest("查询参数无法解析".into()))?;
    let raw = pairs.iter().find(|(k, _)| k == "year").map(|(_, v)| v.as_str()).unwrap_or("");
    let year = year_param(state.today(), raw, 0)?;
    Ok(axum::Json(store::list(&state.db, org, year).await?.into_iter().map(PressView::from).collect()))
}

/// Record press work or a response to public concerns.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/press", params(("id" = i64, Path)), request_body = PressBody,
    responses((status = 201, body = PressView)))]
pub async fn api_create(
    State(state): State<AppState>,
    user: crate::http::auth::ApiUser,
    Path(id): Path<String>,
    crate::http::forms::ApiJson(b): crate::http::forms::ApiJson<PressBody>,
) -> crate::error::ApiResult<(StatusCode, axum::Json<PressView>)> {
    let org = OrgId(id.parse().map_err(|_| AppError::NotFound)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let input = PressInput {
        kind: b.kind,
        on: b.on,
        title: b.title,
        level: b.level,
        who: b.who,
        summary: b.summary,
        count: b.count.map(|n| n.to_string()).unwrap_or_default(),
        national: b.national.map(|n| n.to_string()).unwrap_or_default(),
    };
    let facts = input.parse(state.today()).map_err(AppError::from)?;
    let id = store::create(&state.db, &user.actor(), org, &facts).await?;
    Ok((StatusCode::CREATED, axum::Json(PressView::from(PressRecord { id, org_id: org, facts }))))
}
