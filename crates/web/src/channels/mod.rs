//! Items published per channel: the console table (the portal counted, new-media accounts
//! entered by month) and the API endpoint their platforms post to.

use crate::error::{ApiResult, AppError, PageResult};
use crate::http::auth::{ApiUser, ConsoleUser};
use crate::http::forms::{ApiJson, CsrfForm, Params, YearQuery, path_id, year_param};
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use gongkai_core::channels::{COMMON, ChannelCountInput, YearTable};
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::access::Capability;
use gongkai_store::{channels as store, orgs};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn console_routes() -> Router<AppState> {
    Router::new().route("/console/orgs/{id}/channels", get(page).post(set))
}

pub fn api_routes() -> Router<AppState> {
    Router::new().route("/api/v1/orgs/{id}/channel-counts", put(api_set))
}

#[derive(Template)]
#[template(path = "channels/console/channels.html")]
struct ChannelsPage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    year: i16,
    years: Vec<i16>,
    table: YearTable,
    totals: Vec<i64>,
    can_edit: bool,
    errors: Vec<String>,
    form: ChannelCountInput,
    common: [&'static str; 4],
}

async fn build(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    year: i16,
    form: ChannelCountInput,
    errors: Vec<String>,
) -> PageResult<ChannelsPage> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let table = YearTable::new(
        store::portal_by_month(&state.db, org, year).await?,
        &store::entered(&state.db, org, year).await?,
    );
    Ok(ChannelsPage {
        title: format!("{}：各渠道发布信息统计", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        year,
        years: (2019..=state.today().year()).rev().collect(),
        totals: (0..table.rows.len()).map(|i| table.row_total(i)).collect(),
        table,
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        errors,
        form,
        common: COMMON,
    })
}

async fn page(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Params(q): Params<YearQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let year = year_param(state.today(), &q.year, 0)?;
    let form = ChannelCountInput { year: year.to_string(), ..Default::default() };
    Ok(render(&build(&state, &user, org, year, form, vec![]).await?))
}

async fn set(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ChannelCountInput>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    match f.parse(state.today().year()) {
        Ok(c) => {
            store::set(&state.db, &user.actor(), org, &c).await?;
            Ok(Redirect::to(&format!("/console/orgs/{org}/channels?year={}", c.year)).into_response())
        }
        Err(e) => {
            let msgs = e.0.into_iter().map(|x| x.message).collect();
            let year = state.today().year();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&build(&state, &user, org, year, f, msgs).await?))
                .into_response())
        }
    }
}

/// One month's count of a new-media channel, as its platform posts it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ChannelCountBody {
    /// The channel's name, e.g. 政务微信 (not 门户网站, which is counted from the catalog).
    pub channel: String,
    pub year: i64,
    /// 1–12
    pub month: i64,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelYear {
    pub year: i64,
    /// Everything published in the year through every channel, the portal included.
    pub total: i64,
    /// Each channel's total of the year, the portal first.
    pub channels: Vec<ChannelTotal>,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelTotal {
    pub channel: String,
    pub total: i64,
}

/// Set one month's count of a new-media channel (idempotent: a repeated post replaces it).
#[utoipa::path(put, path = "/api/v1/orgs/{id}/channel-counts", params(("id" = i64, Path)), request_body = ChannelCountBody,
    responses((status = 200, body = ChannelYear)))]
pub async fn api_set(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ChannelCountBody>,
) -> ApiResult<Json<ChannelYear>> {
    let org = OrgId(id.parse().map_err(|_| AppError::NotFound)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let input = ChannelCountInput {
        channel: b.channel,
        year: b.year.to_string(),
        month: b.month.to_string(),
        count: b.count.to_string(),
    };
    let c = input.parse(state.today().year()).map_err(AppError::from)?;
    store::set(&state.db, &user.actor(), org, &c).await?;
    let table = YearTable::new(
        store::portal_by_month(&state.db, org, c.year).await?,
        &store::entered(&state.db, org, c.year).await?,
    );
    Ok(Json(ChannelYear {
        year: i64::from(c.year),
        total: table.total(),
        channels: (0..table.rows.len())
            .map(|i| ChannelTotal { channel: table.rows[i].0.clone(), total: table.row_total(i) })
            .collect(),
    }))
}
