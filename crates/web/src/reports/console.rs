//! The annual report's statistical tables on the console (organisation staff and its
//! supervisors): computed from records, checked, downloadable as JSON.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::Params;
use crate::http::forms::path_id;
use crate::pages::{GridView, ReportPage, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::access::Capability;
use gongkai_core::reports::document::Document;
use gongkai_core::reports::{ReportFormat, Tables, check, grid};
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/reports", get(show))
        .route("/console/orgs/{id}/reports/{year}/json", get(json))
        .route("/console/orgs/{id}/reports/aggregate", get(aggregate))
        .route("/console/orgs/{id}/reports/aggregate/{year}/json", get(aggregate_json))
        .route("/console/orgs/{id}/reports/aggregate/{year}/export/{format}", get(aggregate_export))
        .route("/console/orgs/{id}/reports/{year}/export/{format}", get(export))
        .route("/console/orgs/{id}/reports/{year}/figures", axum::routing::post(set_figure))
}

/// The tables of `org` for `year`, computed from its records.
pub async fn tables(state: &AppState, org: OrgId, year: i16) -> Result<Tables, AppError> {
    Ok(gongkai_store::reports::tables(&state.db, org, year).await?)
}

fn report_years(today: jiff::civil::Date) -> Vec<i16> {
    let now = today.year();
    (2019..=now).rev().collect()
}

fn parse_year(today: jiff::civil::Date, raw: Option<&str>) -> Result<i16, AppError> {
    let last = today.year();
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
    Params(q): Params<YearQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let tree = crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let year = parse_year(state.today(), q.year.as_deref())?;
    let t = tables(&state, org, year).await?;
    let r = check(&t, None);
    let figures = gongkai_store::reports::figures(&state.db, org, year)
        .await?
        .into_iter()
        .map(|f| {
            let at =
                gongkai_store::ts::parse(&f.entered_at).map(gongkai_core::time::china_display).unwrap_or(f.entered_at);
            (f.cell, f.value.to_string(), f.source, f.entered_by, at)
        })
        .collect();
    Ok(render(&ReportPage {
        title: format!("{} {year}年度报告统计表", t.org),
        nav: user.nav(&state),
        org_id: org.0,
        org_name: t.org.clone(),
        year,
        years: report_years(state.today()),
        format: match t.format {
            ReportFormat::F2019 => "2019年试行格式（国办公开办函〔2019〕60号）",
            ReportFormat::F2021 => "2021年修订格式（国办公开办函〔2021〕30号）",
        },
        failures: r.failures.iter().map(|f| f.to_string()).collect(),
        warnings: r.warnings,
        grids: [grid::table2(&t), grid::table3(&t), grid::table4(&t)].iter().map(GridView::of).collect(),
        figures,
        t2_cells: t2_cells(t.format),
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        can_import: user.principal.can(Capability::ApproveDisclosure, org, &tree),
    }))
}

async fn json(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year)): Path<(String, String)>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let year = parse_year(state.today(), Some(&year))?;
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

/// Table-二 cells that are entered by hand (item (一) comes from the catalog).
fn t2_cells(f: ReportFormat) -> Vec<(String, String)> {
    let mut cells: Vec<(String, String)> =
        t2_all_cells(f).into_iter().filter(|(c, _)| !gongkai_store::reports::catalog_cell(c)).collect();
    cells.extend(
        gongkai_core::reports::narrative::HAND_FIGURES.iter().map(|(n, m)| (n.to_string(), format!("正文数字：{m}"))),
    );
    cells
}

fn t2_all_cells(f: ReportFormat) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for b in gongkai_core::reports::layout::t2_blocks(f) {
        for (r, rl) in b.rows {
            for (c, cl) in b.columns {
                out.push((format!("{}.{r}:{c}", b.code), format!("{}·{rl}·{cl}", b.label)));
            }
        }
    }
    out
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct FigureForm {
    cell: String,
    value: String,
    source: String,
}

async fn set_figure(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year)): Path<(String, String)>,
    crate::http::forms::CsrfForm(f): crate::http::forms::CsrfForm<FigureForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let year = parse_year(state.today(), Some(&year))?;
    if gongkai_store::reports::catalog_cell(f.cell.trim()) {
        return Err(gongkai_core::FieldError::new(
            "cell",
            "第二十条第（一）项的规章和规范性文件数量由主动公开目录自动统计，不能手工填报",
        )
        .into());
    }
    if f.value.trim().is_empty() {
        gongkai_store::reports::set_figure(&state.db, &user.actor(), org, year, f.cell.trim(), None).await?;
    } else {
        let format = ReportFormat::for_year(year);
        let narrative_figure = gongkai_core::reports::narrative::HAND_FIGURES.iter().any(|(n, _)| *n == f.cell.trim());
        if narrative_figure {
            // Figures of the narrative (press work, proposals…): whole numbers.
            f.value.trim().parse::<u64>().map_err(|_| gongkai_core::FieldError::new("value", "应为非负整数"))?;
        } else {
            gongkai_core::reports::check_figure(format, f.cell.trim(), &f.value)
                .map_err(|m| gongkai_core::FieldError::new("value", m))?;
        }
        let source = gongkai_core::field::required_text("source", "数据来源", &f.source, 200)?;
        gongkai_store::reports::set_figure(
            &state.db,
            &user.actor(),
            org,
            year,
            f.cell.trim(),
            Some((f.value.trim(), &source)),
        )
        .await?;
    }
    Ok(axum::response::Redirect::to(&format!("/console/orgs/{org}/reports?year={year}#figures")).into_response())
}

async fn export(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year, format)): Path<(String, String, String)>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let year = parse_year(state.today(), Some(&year))?;
    let (doc, t) = crate::reports::annual::current_document(&state.db, org, year).await?;
    let name = format!("{}-{year}-report.{format}", orgs::get(&state.db, org).await?.short_code);
    download(&doc, &t, &format, &name)
}

/// The report (or, for sums across bodies, the tables) as a download in one of the
/// export formats; `json` is the tables.
fn download(d: &Document, t: &Tables, format: &str, name: &str) -> Result<Response, AppError> {
    use crate::reports::export as x;
    let (bytes, mime) = match format {
        "html" => (x::html(d).into_bytes(), "text/html; charset=utf-8"),
        "docx" => (x::docx(d)?, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "xlsx" => (x::xlsx(d)?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "pdf" => (x::pdf(d)?, "application/pdf"),
        "json" => (
            serde_json::to_string_pretty(t).map_err(|e| AppError::Internal(e.into()))?.into_bytes(),
            "application/json; charset=utf-8",
        ),
        _ => return Err(AppError::NotFound),
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// The organisation and every organisation below it that the user may view.
async fn subtree(state: &AppState, user: &ConsoleUser, org: OrgId) -> Result<Vec<gongkai_store::orgs::Org>, AppError> {
    use gongkai_core::orgs::OrgTree;
    let (visible, tree) = crate::orgs::access::visible_orgs(state, &user.principal).await?;
    Ok(visible.into_iter().filter(|o| tree.ancestors_or_self(o.id).contains(&org)).collect())
}

/// A supervisor's view of a year across the subtree: one line per body, the summed
/// tables with the same checks, charts.
async fn aggregate(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Params(q): Params<YearQuery>,
) -> PageResult<Response> {
    use crate::pages::{AggregateLine, AggregatePage, bar_chart};
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let year = parse_year(state.today(), q.year.as_deref())?;
    let format = ReportFormat::for_year(year);
    let mut lines = Vec::new();
    let mut parts = Vec::new();
    let statuses = gongkai_store::reports::annual::statuses(&state.db, year).await?;
    let firsts = gongkai_store::reports::annual::first_published(&state.db, year).await?;
    let locals = gongkai_store::reports::annual::local_deadlines(&state.db, year).await?;
    let today = state.today();
    for o in subtree(&state, &user, org).await? {
        use gongkai_core::reports::narrative::{ReportStatus, deadline, standing};
        let find = |v: &[(i64, String)]| v.iter().find(|x| x.0 == o.id.0).and_then(|x| x.1.parse().ok());
        let status = statuses.iter().find(|x| x.0 == o.id.0).map_or(ReportStatus::NotStarted, |x| x.1);
        let due = deadline(o.kind, year, find(&locals));
        let (report_status, report_late) = standing(status, find(&firsts), due, today);
        let t = tables(&state, o.id, year).await?;
        let last = if year > 2019 { Some(tables(&state, o.id, year - 1).await?) } else { None };
        let late = gongkai_store::reports::late_replies(&state.db, o.id, year).await?;
        lines.push(AggregateLine {
            id: o.id.0,
            name: o.name.clone(),
            new: t.get("t3.r1:c3"),
            handled: t.get("t3.r3.s7:c3"),
            carried: t.get("t3.r4:c3"),
            handled_last: last.as_ref().map_or(0, |l| l.get("t3.r3.s7:c3")),
            late,
            reconsiderations: t.get("t4:c5"),
            lawsuits: t.get("t4:c10") + t.get("t4:c15"),
            ok: check(&t, None).failures.is_empty(),
            report_status,
            report_late,
            deadline: due.to_string(),
        });
        parts.push(t);
    }
    let o = orgs::get(&state.db, org).await?;
    let total = gongkai_core::reports::sum(format, &format!("{}及下级机构合计", o.name), year, &parts);
    let outcome_items: Vec<(String, i64)> = gongkai_core::reports::layout::t3_result_rows(format)
        .into_iter()
        .filter_map(|code| {
            let label = gongkai_core::reports::layout::t3_rows(format).into_iter().find(|r| r.code == code)?.label;
            Some((label.chars().take(16).collect(), total.get(&format!("{code}:c3"))))
        })
        .filter(|(_, v)| *v > 0)
        .collect();
    let appeal_items: Vec<(String, i64)> = ["结果维持", "结果纠正", "其他结果", "尚未审结"]
        .iter()
        .enumerate()
        .map(|(i, l)| (l.to_string(), total.get(&format!("t4:c{}", i + 1))))
        .collect();
    let late_items: Vec<(String, i64)> = lines
        .iter()
        .filter(|l| l.handled > 0)
        .map(|l| (l.name.chars().take(16).collect(), (l.late * 100 + l.handled / 2) / l.handled))
        .collect();
    let r = check(&total, None);
    Ok(render(&AggregatePage {
        late_chart: bar_chart("逾期答复率（%）", &late_items),
        title: format!("{}及下级机构 {year}年度汇总", o.name),
        nav: user.nav(&state),
        org_id: org.0,
        org_name: o.name,
        year,
        years: report_years(state.today()),
        lines,
        outcome_chart: bar_chart("本年度申请办理结果", &outcome_items),
        appeal_chart: bar_chart("行政复议结果", &appeal_items),
        failures: r.failures.iter().map(|f| f.to_string()).collect(),
        grids: [grid::table2(&total), grid::table3(&total), grid::table4(&total)].iter().map(GridView::of).collect(),
    }))
}

async fn aggregate_json(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year)): Path<(String, String)>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let year = parse_year(state.today(), Some(&year))?;
    let total = aggregate_total(&state, &user, org, year).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8")],
        serde_json::to_string_pretty(&total).map_err(|e| AppError::Internal(e.into()))?,
    )
        .into_response())
}

async fn aggregate_total(state: &AppState, user: &ConsoleUser, org: OrgId, year: i16) -> Result<Tables, AppError> {
    let mut parts = Vec::new();
    for o in subtree(state, user, org).await? {
        parts.push(tables(state, o.id, year).await?);
    }
    let o = orgs::get(&state.db, org).await?;
    Ok(gongkai_core::reports::sum(ReportFormat::for_year(year), &format!("{}及下级机构合计", o.name), year, &parts))
}

/// The aggregate's summed tables in any export format.
async fn aggregate_export(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, year, format)): Path<(String, String, String)>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let year = parse_year(state.today(), Some(&year))?;
    let total = aggregate_total(&state, &user, org, year).await?;
    let name = format!("{}-{year}-aggregate.{format}", orgs::get(&state.db, org).await?.short_code);
    let doc = Document::tables_only(format!("{}{year}年政府信息公开工作年度报告统计表（汇总）", total.org), &total);
    download(&doc, &total, &format, &name)
}
