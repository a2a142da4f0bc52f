//! Import of a published report page on the console: read it (HTML or text, 简/繁, scraped
//! pinyin), show every cell for correction with the unreadable ones marked, check the
//! identities, and save it as the organisation's historical report (a published version
//! on the portal). Tables that break a hard identity cannot be saved.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::CsrfForm;
use crate::http::forms::path_id;
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::access::Capability;
use gongkai_core::reports::layout::{self, CellKind};
use gongkai_core::reports::tables::parse_value;
use gongkai_core::reports::{ReportFormat, Tables, Value, check, import};
use gongkai_store::orgs;
use gongkai_store::reports::annual;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/reports/import", get(form).post(read))
        .route("/console/orgs/{id}/reports/import/save", post(save))
}

/// Chinese labels of every value cell of `f`, in table order.
fn labelled_cells(f: ReportFormat) -> Vec<(String, String, CellKind)> {
    let kinds = layout::cells(f);
    let mut labels: Vec<(String, String)> = Vec::new();
    for b in layout::t2_blocks(f) {
        for (r, rl) in b.rows {
            for (c, cl) in b.columns {
                labels.push((format!("{}.{r}:{c}", b.code), format!("表二 {}·{rl}·{cl}", b.label)));
            }
        }
    }
    for row in layout::t3_rows(f) {
        for (c, cl) in layout::T3_COLUMNS {
            labels.push((format!("{}:{c}", row.code), format!("表三 {}·{cl}", row.label)));
        }
    }
    for (c, g, l) in layout::T4_COLUMNS {
        labels.push((format!("t4:{c}"), format!("表四 {g}·{l}")));
    }
    labels
        .into_iter()
        .filter_map(|(code, label)| kinds.iter().find(|(k, _)| *k == code).map(|(_, kind)| (code, label, *kind)))
        .collect()
}

pub struct CellLine {
    pub code: String,
    pub label: String,
    pub value: String,
    pub unreadable: bool,
}

#[derive(Template)]
#[template(path = "reports/console/report_import.html")]
struct ImportPage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    year: String,
    published_on: String,
    format: String,
    cells: Vec<CellLine>,
    unreadable: Vec<String>,
    failures: Vec<String>,
    warnings: Vec<String>,
    errors: Vec<String>,
}

async fn guard(state: &AppState, user: &ConsoleUser, id: &str) -> Result<(OrgId, String), AppError> {
    let org = OrgId(path_id(id)?);
    crate::orgs::access::require(state, &user.principal, Capability::ApproveDisclosure, org).await?;
    Ok((org, orgs::get(&state.db, org).await?.name))
}

fn empty(org: OrgId, name: String, nav: Nav) -> ImportPage {
    ImportPage {
        title: format!("{name}：导入已发布的年度报告"),
        nav,
        org_id: org.0,
        org_name: name,
        year: String::new(),
        published_on: String::new(),
        format: String::new(),
        cells: vec![],
        unreadable: vec![],
        failures: vec![],
        warnings: vec![],
        errors: vec![],
    }
}

async fn form(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let (org, name) = guard(&state, &user, &id).await?;
    Ok(render(&empty(org, name, user.nav(&state))))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReadForm {
    page: String,
    year: String,
}

/// One line for a row whose digits ran together: its cells and the readings that fit, so
/// the person importing can pick the one the original page means.
fn ambiguity_note(a: &import::Ambiguity, label: &dyn Fn(&str) -> String) -> String {
    let cells: Vec<String> = a.cells.iter().map(|c| label(c)).collect();
    let readings: Vec<String> =
        a.readings.iter().map(|r| r.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" / ")).collect();
    let more = if a.count > a.readings.len() { format!("等（共 {} 种）", a.count) } else { String::new() };
    if a.count == 1 {
        return format!(
            "以下各格的数字在页面上连在一起，只有一种拆法（{}），但没有勾稽关系可以核对（空白格也会造成同样的写法），已留空：{}。请对照原页面填写",
            readings.join("；"),
            cells.join("、")
        );
    }
    format!(
        "以下各格的数字在页面上连在一起，有 {} 种读法都符合勾稽关系，已留空：{}。可能的读法：{}{more}。请对照原页面填写",
        a.count,
        cells.join("、"),
        readings.join("；")
    )
}

fn page_with(p: &mut ImportPage, t: &Tables, unreadable: &[String]) {
    let r = check(t, None);
    p.year = t.year.to_string();
    p.format = match t.format {
        ReportFormat::F2019 => "F2019".into(),
        ReportFormat::F2021 => "F2021".into(),
    };
    p.cells = labelled_cells(t.format)
        .into_iter()
        .map(|(code, label, _)| CellLine {
            value: t.cells.get(&code).map(|v| v.to_string()).unwrap_or_default(),
            unreadable: unreadable.contains(&code),
            code,
            label,
        })
        .collect();
    p.unreadable = unreadable.to_vec();
    p.failures = r.failures.iter().map(|f| f.to_string()).collect();
    p.warnings = r.warnings;
}

async fn read(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ReadForm>,
) -> PageResult<Response> {
    let (org, name) = guard(&state, &user, &id).await?;
    let mut p = empty(org, name.clone(), user.nav(&state));
    let cleaned = gongkai_text::clean_legacy(&f.page);
    let toks = import::tokens(&cleaned);
    let (title_year, _) = import::title_facts(&toks);
    let Some(year) = f.year.trim().parse::<i16>().ok().or(title_year).filter(|y| (2008..=2100).contains(y)) else {
        p.errors.push("页面中没有找到报告年度，请填写年度".into());
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
    };
    if let Some(why) = import::refusal(&toks, year) {
        p.errors.push(why);
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
    }
    let imported = import::read(&toks, &name, year, import::detect_format(&toks));
    page_with(&mut p, &imported.tables, &imported.unreadable);
    let labels = labelled_cells(imported.tables.format);
    let label = |code: &str| labels.iter().find(|(c, _, _)| c == code).map_or(code.to_string(), |(_, l, _)| l.clone());
    let mut notes = imported.warnings.clone();
    notes.extend(imported.ambiguous.iter().map(|a| ambiguity_note(a, &label)));
    notes.append(&mut p.warnings);
    p.warnings = notes;
    Ok(render(&p))
}

async fn save(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let (org, name) = guard(&state, &user, &id).await?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.as_str());
    let mut p = empty(org, name.clone(), user.nav(&state));
    let Some(year) = get("year").trim().parse::<i16>().ok().filter(|y| (2008..=2100).contains(y)) else {
        return Err(AppError::BadRequest("报告年度无效".into()));
    };
    let format = ReportFormat::for_year(year);
    let mut t = Tables::empty(format, &name, year);
    let mut errors = Vec::new();
    for (code, label, kind) in labelled_cells(format) {
        let raw = get(&format!("cell:{code}")).trim().to_string();
        let v = match (parse_value(&raw), kind) {
            (Some(Value::Int(i)), CellKind::Count) if i >= 0 => Some(Value::Int(i)),
            (Some(Value::Int(i)), CellKind::Signed) => Some(Value::Int(i)),
            (Some(Value::Int(i)), CellKind::Money) if i >= 0 => Some(Value::Int(i)),
            (Some(Value::Dec(d)), CellKind::Money) if d >= 0.0 => Some(Value::Dec(d)),
            _ => None,
        };
        match v {
            Some(v) => {
                t.cells.insert(code, v);
            }
            None => errors.push(format!("{label}（{code}）的值“{raw}”无效")),
        }
    }
    let published_on = get("published_on").trim().parse::<jiff::civil::Date>().ok();
    if published_on.is_none() {
        errors.push("请填写该报告原来的发布日期".into());
    }
    page_with(&mut p, &t, &[]);
    p.published_on = get("published_on").to_string();
    let (true, Some(published_on)) = (errors.is_empty() && p.failures.is_empty(), published_on) else {
        if !p.failures.is_empty() {
            errors.push("统计表有勾稽关系错误，请更正后再保存".into());
        }
        p.errors = errors;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
    };
    let o = orgs::get(&state.db, org).await?;
    let html = format!(
        "<h1>{}{year}年政府信息公开工作年度报告</h1>\n<p class=\"hint\">本报告由原发布页面导入，以下为统计表。</p>\n{}",
        o.name.replace('<', "&lt;"),
        crate::reports::export::fragment(&gongkai_core::reports::document::Document::tables_only(String::new(), &t))
    );
    let json = serde_json::to_string(&t).map_err(|e| AppError::Internal(e.into()))?;
    let on = published_on.to_string();
    match annual::save_historical(&state.db, &user.actor(), org, year, &on, &html, &json).await {
        Ok(()) => Ok(Redirect::to(&format!("/o/{}/reports/{year}", o.short_code)).into_response()),
        Err(m) => {
            p.errors = vec![m];
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
    }
}
