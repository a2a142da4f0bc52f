//! The annual report as a document: narrative sections with figures bound to statistics,
//! draft → review → approval → publication as an immutable snapshot (corrections are new
//! versions with a public change note), the deadline, and the portal's list of reports.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::CsrfForm;
use crate::http::forms::Params;
use crate::http::forms::path_id;
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::catalog::ItemKind;
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::access::Capability;
use gongkai_core::reports::document::{Document, Sections};
use gongkai_core::reports::narrative::{self, ReportStatus, Step};
use gongkai_core::reports::{Tables, check};
use gongkai_store::orgs;
use gongkai_store::reports::annual::{self, Narrative};
use std::collections::BTreeMap;

pub fn console_routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/annual/{year}", get(console_page).post(save))
        .route("/console/orgs/{id}/annual/{year}/{step}", post(advance))
}

/// Portal pages (behind the reading-aids middleware).
pub fn portal_routes() -> Router<AppState> {
    Router::new().route("/o/{code}/reports", get(portal_list)).route("/o/{code}/reports/{year}", get(portal_report))
}

fn year_of(today: jiff::civil::Date, raw: &str) -> Result<i16, AppError> {
    let last = today.year();
    raw.parse::<i16>().ok().filter(|y| (2019..=last).contains(y)).ok_or(AppError::NotFound)
}

/// Every value a placeholder can take for `org` and `year`: the table cells, the named
/// statistics from records, and the hand-entered narrative figures.
pub async fn values(
    db: &gongkai_store::Db,
    org: OrgId,
    year: i16,
    t: &Tables,
) -> Result<BTreeMap<String, String>, AppError> {
    let mut v: BTreeMap<String, String> = t.cells.iter().map(|(k, x)| (k.clone(), x.to_string())).collect();
    let y = i32::from(year);
    let normative = gongkai_store::catalog::normative_counts(db, org, y, ItemKind::Normative).await?;
    let (fee_notices, fee_collected_yuan) = annual::fees(db, org, year).await?;
    let records = narrative::RecordCounts {
        normative_published: normative.published,
        normative_in_force: normative.in_force,
        interpretations: gongkai_store::catalog::published_count(db, org, y, Some(ItemKind::Interpretation)).await?,
        published: gongkai_store::catalog::published_count(db, org, y, None).await?,
        by_column_kind: gongkai_store::catalog::published_by_column_kind(db, org, y).await?,
        fee_notices,
        fee_collected_yuan,
    };
    for (k, n) in narrative::named_figures(year, t, &records) {
        v.insert(k.to_string(), n.to_string());
    }
    for f in gongkai_store::reports::figures(db, org, year).await? {
        if narrative::HAND_FIGURES.iter().any(|(n, _)| *n == f.cell) {
            v.insert(f.cell, f.value.to_string());
        }
    }
    // Suggestions and proposals handled on the platform are counted from their records
    // (a body that keeps them elsewhere enters the figures by hand).
    let motions = gongkai_store::proposals::facts(db, org, year).await?;
    if !motions.is_empty() {
        for (k, n) in narrative::motion_figures(&gongkai_core::proposals::stats(&motions, &|_, _| false)) {
            v.insert(k.to_string(), n.to_string());
        }
    }
    // Consultations opened in the year and meetings held about them.
    let (notices, meetings) = gongkai_store::consultations::year_counts(db, org, year).await?;
    if notices + meetings > 0 {
        v.insert("意见征集公告数".into(), notices.to_string());
        v.insert("意见征集会议数".into(), meetings.to_string());
    }
    // Publications through every channel: the portal counted, the others entered.
    let entered = gongkai_store::channels::entered(db, org, year).await?;
    if !entered.is_empty() {
        let portal = gongkai_store::channels::portal_by_month(db, org, year).await?;
        let t = gongkai_core::channels::YearTable::new(portal, &entered);
        v.insert("政务新媒体发布数".into(), t.total().to_string());
    }
    let press: Vec<_> = gongkai_store::press::list(db, org, year).await?.into_iter().map(|r| r.facts).collect();
    if !press.is_empty() {
        for (k, n) in narrative::press_figures(&gongkai_core::press::stats(&press)) {
            v.insert(k.to_string(), n.to_string());
        }
    }
    Ok(v)
}

/// The whole report as one document: narrative sections with their figures filled in, the
/// tables in their places, and section 六's computed fee statement.
pub async fn document(
    db: &gongkai_store::Db,
    org: OrgId,
    year: i16,
    n: &Narrative,
) -> Result<(Document, Tables), AppError> {
    let t = gongkai_store::reports::tables(db, org, year).await?;
    let v = values(db, org, year, &t).await?;
    let (notices, collected) = annual::fees(db, org, year).await?;
    let o = orgs::get(db, org).await?;
    let paras = |s: &str| crate::http::rich::html_paragraphs(&narrative::render(s, &v));
    let sections = Sections {
        s1: paras(&n.s1),
        s5: paras(&n.s5),
        s6: paras(&n.s6),
        fee: narrative::fee_statement(year, notices, collected),
    };
    Ok((Document::report(&o.name, year, &t, &sections), t))
}

/// The document of the year as stored (the narrative being drafted, or none yet).
pub async fn current_document(db: &gongkai_store::Db, org: OrgId, year: i16) -> Result<(Document, Tables), AppError> {
    let n = annual::get(db, org, year).await?.map(|r| r.narrative).unwrap_or_default();
    document(db, org, year, &n).await
}

/// The whole report as HTML for the portal and the console preview.
pub async fn render_report(
    db: &gongkai_store::Db,
    org: OrgId,
    year: i16,
    n: &Narrative,
) -> Result<(String, Tables), AppError> {
    let (d, t) = document(db, org, year, n).await?;
    let html = format!("<h1>{}</h1>\n{}", crate::http::escape::esc(&d.title), crate::reports::export::fragment(&d));
    Ok((html, t))
}

#[derive(Template)]
#[template(path = "reports/console/annual.html")]
struct ConsolePage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    short_code: String,
    year: i16,
    status: ReportStatus,
    /// (field, heading, plain text, rows) of each narrative section.
    sections: [(&'static str, &'static str, String, usize); 3],
    preview: String,
    failures: Vec<String>,
    errors: Vec<String>,
    deadline: String,
    days_left: i64,
    local_deadline: String,
    named: Vec<(&'static str, &'static str, String)>,
    hand: Vec<(&'static str, &'static str, String)>,
    versions: Vec<annual::Version>,
    can_edit: bool,
    can_approve: bool,
}

async fn page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    year: i16,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let report = annual::get(&state.db, org, year).await?;
    let mut n = report.as_ref().map(|r| r.narrative.clone()).unwrap_or_default();
    if report.is_none()
        && let Some(prev) = annual::get(&state.db, org, year - 1).await?
    {
        // A starter from last year's narrative: its figures are placeholders.
        n = Narrative {
            s1: narrative::starter(&prev.narrative.s1, year - 1, year),
            s5: narrative::starter(&prev.narrative.s5, year - 1, year),
            s6: narrative::starter(&prev.narrative.s6, year - 1, year),
        };
    }
    let (preview, t) = render_report(&state.db, org, year, &n).await?;
    let v = values(&state.db, org, year, &t).await?;
    let local = report.as_ref().and_then(|r| r.local_deadline.clone());
    let deadline = narrative::deadline(o.kind, year, local.as_deref().and_then(|d| d.parse().ok()));
    let today = state.today();
    let days_left = (deadline - today).get_days() as i64;
    let r = check(&t, None);
    let status = report.as_ref().map_or(ReportStatus::NotStarted, |r| r.status);
    let body = ConsolePage {
        title: format!("{} {year}年度报告", o.name),
        nav: user.nav(state),
        org_id: org.0,
        short_code: o.short_code.clone(),
        org_name: o.name,
        year,
        status,
        sections: [
            ("s1", "一、总体情况", as_text(&n.s1), 12),
            ("s5", "五、存在的主要问题及改进情况", as_text(&n.s5), 6),
            ("s6", "六、其他需要报告的事项（收费情况由系统自动生成，写在最前）", as_text(&n.s6), 5),
        ],
        preview,
        failures: r.failures.iter().map(|f| f.to_string()).collect(),
        errors,
        deadline: deadline.to_string(),
        days_left,
        local_deadline: local.unwrap_or_default(),
        named: narrative::NAMED.iter().map(|(k, m)| (*k, *m, v.get(*k).cloned().unwrap_or_default())).collect(),
        hand: narrative::HAND_FIGURES
            .iter()
            .map(|(k, m)| (*k, *m, v.get(*k).cloned().unwrap_or_else(|| "未填报".into())))
            .collect(),
        versions: annual::versions(&state.db, org, year).await?,
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        can_approve: user.principal.can(Capability::ApproveDisclosure, org, &tree),
    };
    let code =
        if body.errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((code, render(&body)).into_response())
}

async fn console_page(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year)): Path<(String, String)>,
) -> PageResult<Response> {
    page(&state, &user, OrgId(path_id(&id)?), year_of(state.today(), &year)?, vec![]).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NarrativeForm {
    s1: String,
    s5: String,
    s6: String,
    local_deadline: String,
}

async fn save(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<NarrativeForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let year = year_of(state.today(), &year)?;
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let t = gongkai_store::reports::tables(&state.db, org, year).await?;
    let known = |p: &str| narrative::is_known(p, &|c: &str| t.cells.contains_key(c));
    let mut errors = Vec::new();
    let n = Narrative {
        s1: crate::http::rich::sanitize(&as_html(&f.s1)).0,
        s5: crate::http::rich::sanitize(&as_html(&f.s5)).0,
        s6: crate::http::rich::sanitize(&as_html(&f.s6)).0,
    };
    for (label, text) in [("一", &n.s1), ("五", &n.s5), ("六", &n.s6)] {
        let bad = narrative::unknown(text, &known);
        if !bad.is_empty() {
            errors.push(format!("第{label}部分有无法绑定的数字占位符：{}", bad.join("、")));
        }
    }
    let local = match f.local_deadline.trim() {
        "" => None,
        s => match s.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d.to_string()),
            Err(_) => {
                errors.push("本地截止日期应为有效日期".into());
                None
            }
        },
    };
    if !errors.is_empty() {
        return page(&state, &user, org, year, errors).await;
    }
    match annual::save(&state.db, &user.actor(), org, year, &n, local.as_deref()).await {
        Ok(()) => Ok(Redirect::to(&format!("/console/orgs/{}/annual/{year}", org.0)).into_response()),
        Err(m) => page(&state, &user, org, year, vec![m]).await,
    }
}

/// Plain text typed by staff becomes paragraphs; pasted HTML is kept (and sanitised).
/// Staff write the sections as plain text, one paragraph per line (no HTML to type or to
/// break); stored as paragraphs.
fn as_html(s: &str) -> String {
    crate::http::rich::paragraphs(s)
}

/// A stored section as the plain text of the editor: paragraphs separated by a blank line.
fn as_text(html: &str) -> String {
    crate::http::rich::html_paragraphs(html).join("\n\n")
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct StepForm {
    change_note: String,
}

async fn advance(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year, step)): Path<(String, String, String)>,
    CsrfForm(f): CsrfForm<StepForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let year = year_of(state.today(), &year)?;
    let (s, cap) = match step.as_str() {
        "submit" => (Step::Submit, Capability::EditDisclosure),
        "approve" => (Step::Approve, Capability::ApproveDisclosure),
        "return" => (Step::Return, Capability::ApproveDisclosure),
        "publish" => (Step::Publish, Capability::ApproveDisclosure),
        _ => return Err(AppError::NotFound),
    };
    crate::orgs::access::require(&state, &user.principal, cap, org).await?;
    let report = annual::get(&state.db, org, year).await?;
    let n = report.map(|r| r.narrative).unwrap_or_default();
    let (html, t) = render_report(&state.db, org, year, &n).await?;
    if matches!(s, Step::Approve | Step::Publish) {
        let r = check(&t, None);
        if !r.failures.is_empty() {
            let mut errors = vec!["统计表有勾稽关系错误，不能批准或发布：".to_string()];
            errors.extend(r.failures.iter().map(|f| f.to_string()));
            return page(&state, &user, org, year, errors).await;
        }
        if html.contains("【未填报：") {
            return page(&state, &user, org, year, vec!["正文中还有未填报的数字，请先填报或删除相应占位符".into()])
                .await;
        }
    }
    let result = if s == Step::Publish {
        let json = serde_json::to_string(&t).map_err(|e| AppError::Internal(e.into()))?;
        let today = state.today().to_string();
        annual::publish(
            &state.db,
            &user.actor(),
            org,
            year,
            &annual::Snapshot { on: &today, html: &html, tables_json: &json, change_note: &f.change_note },
        )
        .await
        .map(|_| ())
    } else {
        annual::advance(&state.db, &user.actor(), org, year, s).await.map(|_| ())
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/console/orgs/{}/annual/{year}", org.0)).into_response()),
        Err(m) => page(&state, &user, org, year, vec![m]).await,
    }
}

#[derive(Template)]
#[template(path = "reports/portal/reports.html")]
struct PortalList {
    title: String,
    nav: Nav,
    org_name: String,
    short_code: String,
    years: Vec<(i64, i64, String)>,
}

async fn portal_list(State(state): State<AppState>, Path(code): Path<String>) -> PageResult<Response> {
    let o = orgs::find(&state.db, &code).await?;
    if o.short_code != code {
        return Err(AppError::NotFound);
    }
    Ok(render(&PortalList {
        title: format!("{}政府信息公开工作年度报告", o.name),
        nav: Nav::default(),
        years: annual::published_years(&state.db, o.id).await?,
        org_name: o.name,
        short_code: o.short_code,
    }))
}

#[derive(Template)]
#[template(path = "reports/portal/report.html")]
struct PortalReport {
    title: String,
    nav: Nav,
    short_code: String,
    shown: annual::Version,
    versions: Vec<annual::Version>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct VersionQuery {
    v: Option<i64>,
}

async fn portal_report(
    State(state): State<AppState>,
    Path((code, year)): Path<(String, String)>,
    Params(q): Params<VersionQuery>,
) -> PageResult<Response> {
    let o = orgs::find(&state.db, &code).await?;
    if o.short_code != code {
        return Err(AppError::NotFound);
    }
    let year = year_of(state.today(), &year)?;
    let versions = annual::versions(&state.db, o.id, year).await?;
    let shown = match q.v {
        Some(v) => versions.iter().find(|x| x.version == v),
        None => versions.last(),
    }
    .cloned()
    .ok_or(AppError::NotFound)?;
    Ok(render(&PortalReport {
        title: format!("{}{year}年政府信息公开工作年度报告", o.name),
        nav: Nav::default(),
        short_code: o.short_code,
        shown,
        versions,
    }))
}
