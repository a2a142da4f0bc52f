//! The annual report's statistical tables on the console (organisation staff and its
//! supervisors): computed from records, checked, downloadable as JSON.

use super::path_id;
use crate::auth::ConsoleUser;
use crate::error::{AppError, PageResult};
use crate::server::AppState;
use crate::templates::{GridView, ReportPage, render};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::access::Capability;
use gongkai_core::orgs::OrgId;
use gongkai_core::reports::{ReportFormat, Tables, check, compute, grid};
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/reports", get(show))
        .route("/console/orgs/{id}/reports/{year}/json", get(json))
}

/// The tables of `org` for `year`, computed from its records.
pub async fn tables(state: &AppState, org: OrgId, year: i16) -> Result<Tables, AppError> {
    let o = orgs::get(&state.db, org).await?;
    let apps = gongkai_store::reports::application_facts(&state.db, org, year).await?;
    let appeals = gongkai_store::reports::appeal_facts(&state.db, org, year).await?;
    Ok(compute(ReportFormat::for_year(year), &o.name, year, &apps, &appeals))
}

fn report_years() -> Vec<i16> {
    let now = crate::apps::today().year();
    (2019..=now).rev().collect()
}

fn parse_year(raw: Option<&str>) -> Result<i16, AppError> {
    let last = crate::apps::today().year();
    match raw {
        None => Ok(last - 1),
        Some(s) => s
            .parse::<i16>()
            .ok()
            .filter(|y| (2019..=last).contains(y))
            .ok_or_else(|| AppError::BadRequest(format!("报告年度应在2019年至{last}年之间"))),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::ops::require(&state, &user.principal, Capability::View, org).await?;
    let year = parse_year(q.year.as_deref())?;
    let t = tables(&state, org, year).await?;
    let r = check(&t, None);
    Ok(render(&ReportPage {
        title: format!("{} {year}年度报告统计表", t.org),
        nav: user.nav(&state),
        org_id: org.0,
        org_name: t.org.clone(),
        year,
        years: report_years(),
        format: match t.format {
            ReportFormat::F2019 => "2019年试行格式（国办公开办函〔2019〕60号）",
            ReportFormat::F2021 => "2021年修订格式（国办公开办函〔2021〕30号）",
        },
        failures: r.failures.iter().map(|f| f.to_string()).collect(),
        warnings: r.warnings,
        grids: [grid::table2(&t), grid::table3(&t), grid::table4(&t)].iter().map(GridView::of).collect(),
    }))
}

async fn json(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year)): Path<(String, String)>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::ops::require(&state, &user.principal, Capability::View, org).await?;
    let year = parse_year(Some(&year))?;
    let t = tables(&state, org, year).await?;
    let name = format!("{}-{year}-tables.json", orgs::get(&state.db, org).await?.short_code);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        serde_json::to_string_pretty(&t).map_err(|e| AppError::Internal(e.into()))?,
    )
        .into_response())
}
