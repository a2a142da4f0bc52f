//! The supervisor's dashboard for a subtree: per body the catalog's publications and late
//! ones (Art. 26), standard-catalog compliance, applications (received, on time, overdue,
//! average handling time without lawful pauses, outcomes), appeals and results, the annual
//! report's status and overdue supervision tasks; bar charts drawn as SVG on the server;
//! each table downloadable as CSV or XLSX.

use super::{Member, root_param, subtree};
use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::escape::esc;
use crate::http::forms::{Params, year_param};
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::orgs::access::Capability;
use gongkai_core::oversight::supervision::{BodyFigures, OUTCOME_GROUPS, totals};
use gongkai_core::reports::narrative::ReportStatus;
use gongkai_store::oversight::{self as std_store, dashboard as store, supervision as sup};

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/oversight", get(page)).route("/console/oversight/export", get(export))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DashQuery {
    pub org: String,
    pub year: String,
    pub table: String,
    pub format: String,
}

/// One table of the dashboard, as shown and as exported.
pub struct Table {
    pub key: &'static str,
    pub title: &'static str,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Rows (by index) that are a body below the root, indented by depth.
    pub depth: Vec<usize>,
}

/// Every figure of every body of the subtree of `root` that the user may view.
pub async fn figures(state: &AppState, members: &[Member], year: i16) -> Result<Vec<BodyFigures>, AppError> {
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let settings = crate::applications::ops::settings();
    let today = state.today();
    let statuses = gongkai_store::reports::annual::statuses(&state.db, year).await?;
    let mut out = vec![];
    for m in members {
        let org = m.org.id;
        let (published, published_late) = store::published(&state.db, org, year).await?;
        out.push(BodyFigures {
            org_id: org.0,
            name: m.org.name.clone(),
            depth: m.depth,
            published,
            published_late,
            compliance: std_store::body_compliance(&state.db, org, &cal).await?,
            applications: store::applications(&state.db, org, year, today, &settings, &cal).await?,
            appeals: store::appeals(&state.db, org, year).await?,
            report: statuses.iter().find(|(o, _)| *o == org.0).map_or(ReportStatus::NotStarted, |(_, s)| *s),
            tasks_overdue: sup::overdue_count(&state.db, org, today).await? as u32,
        });
    }
    Ok(out)
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "—".into(), |v| v.to_string())
}

/// The tables of the dashboard from the figures (the last row of each is the total).
pub fn tables(rows: &[BodyFigures]) -> Vec<Table> {
    let (published, late, c, a, p) = totals(rows);
    let depth: Vec<usize> = rows.iter().map(|r| r.depth).chain([0]).collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut bodies = Table {
        key: "bodies",
        title: "各机构政务公开工作概况",
        head: s(&[
            "机构",
            "主动公开信息",
            "其中逾期公开",
            "标准目录落实率",
            "标准目录未公开事项",
            "标准目录逾期事项",
            "逾期未完成督查任务",
            "年度报告",
        ]),
        rows: vec![],
        depth: depth.clone(),
    };
    for r in rows {
        bodies.rows.push(vec![
            r.name.clone(),
            r.published.to_string(),
            r.published_late.to_string(),
            r.compliance.percent_label(),
            r.compliance.empty.to_string(),
            r.compliance.late.to_string(),
            r.tasks_overdue.to_string(),
            r.report.label().to_string(),
        ]);
    }
    bodies.rows.push(vec![
        "合计".into(),
        published.to_string(),
        late.to_string(),
        c.percent_label(),
        c.empty.to_string(),
        c.late.to_string(),
        rows.iter().map(|r| r.tasks_overdue).sum::<u32>().to_string(),
        format!("已发布{}家", rows.iter().filter(|r| r.report == ReportStatus::Published).count()),
    ]);
    let mut apps = Table {
        key: "applications",
        title: "依申请公开办理情况",
        head: s(&[
            "机构",
            "本年收到申请",
            "本年办结",
            "按期办结",
            "逾期办结",
            "当前逾期未办结",
            "按期办结率",
            "平均办理工作日（不含法定中止期间）",
        ]),
        rows: vec![],
        depth: depth.clone(),
    };
    let app_row = |name: String, f: &gongkai_core::oversight::supervision::ApplicationFigures| {
        vec![
            name,
            f.received.to_string(),
            f.finished.to_string(),
            f.on_time.to_string(),
            f.finished_late.to_string(),
            f.open_overdue.to_string(),
            opt(f.on_time_percent().map(|p| format!("{p}%"))),
            opt(f.avg_wd),
        ]
    };
    for r in rows {
        apps.rows.push(app_row(r.name.clone(), &r.applications));
    }
    apps.rows.push(app_row("合计".into(), &a));
    let mut outcomes = Table {
        key: "outcomes",
        title: "本年办结申请的办理结果",
        head: std::iter::once("机构".to_string()).chain(OUTCOME_GROUPS.iter().map(|x| x.to_string())).collect(),
        rows: vec![],
        depth: depth.clone(),
    };
    for r in rows {
        outcomes
            .rows
            .push(std::iter::once(r.name.clone()).chain(r.applications.outcomes.iter().map(u32::to_string)).collect());
    }
    outcomes.rows.push(std::iter::once("合计".to_string()).chain(a.outcomes.iter().map(u32::to_string)).collect());
    let mut appeals = Table {
        key: "appeals",
        title: "行政复议和行政诉讼（本年提起）",
        head: s(&["机构", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结"]),
        rows: vec![],
        depth,
    };
    let appeal_row = |name: String, f: &gongkai_core::oversight::supervision::AppealFigures| {
        vec![
            name,
            f.filed.to_string(),
            f.upheld.to_string(),
            f.corrected.to_string(),
            f.other.to_string(),
            f.pending.to_string(),
        ]
    };
    for r in rows {
        appeals.rows.push(appeal_row(r.name.clone(), &r.appeals));
    }
    appeals.rows.push(appeal_row("合计".into(), &p));
    vec![bodies, apps, outcomes, appeals]
}

/// A horizontal bar chart of whole percentages (0–100), drawn on the server so it needs no
/// script; the same figures are in the table below it.
pub fn bar_chart(title: &str, bars: &[(String, Option<u32>)]) -> String {
    let (label_w, bar_w, row_h) = (190.0, 360.0, 22.0);
    let height = 30.0 + row_h * bars.len() as f64;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-{key}\" viewBox=\"0 0 {w} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-{key}\">{t}</title>",
        key = esc(&title.chars().filter(|c| c.is_alphanumeric()).collect::<String>()),
        w = label_w + bar_w + 60.0,
        t = esc(title)
    );
    for (i, (name, v)) in bars.iter().enumerate() {
        let y = 20.0 + row_h * i as f64;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>",
            label_w - 8.0,
            y + 14.0,
            esc(name)
        ));
        match v {
            Some(p) => {
                let w = bar_w * f64::from((*p).min(100)) / 100.0;
                let fill = if *p >= 90 {
                    "#2e7d32"
                } else if *p >= 60 {
                    "#f9a825"
                } else {
                    "#c62828"
                };
                svg.push_str(&format!(
                    "<rect x=\"{label_w}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" fill=\"{fill}\"/><text x=\"{}\" y=\"{}\" font-size=\"13\">{p}%</text>",
                    y + 2.0,
                    row_h - 6.0,
                    label_w + w + 6.0,
                    y + 14.0
                ));
            }
            None => svg.push_str(&format!(
                "<text x=\"{label_w}\" y=\"{}\" font-size=\"13\" fill=\"#666\">无数据</text>",
                y + 14.0
            )),
        }
    }
    svg.push_str(&format!(
        "<line x1=\"{label_w}\" y1=\"16\" x2=\"{label_w}\" y2=\"{}\" stroke=\"#333\"/></svg>",
        height - 6.0
    ));
    svg
}

#[derive(Template)]
#[template(path = "oversight/console/dashboard.html")]
struct DashboardPage {
    title: String,
    nav: Nav,
    root_id: i64,
    root_name: String,
    year: i16,
    years: Vec<i16>,
    tables: Vec<Table>,
    charts: Vec<String>,
    can_supervise: bool,
}

async fn load(
    state: &AppState,
    user: &ConsoleUser,
    q: &DashQuery,
) -> Result<(i64, String, i16, Vec<BodyFigures>), AppError> {
    let (root, tree) = root_param(state, user, &q.org, Capability::View).await?;
    let year = year_param(state.today(), &q.year, 0)?;
    let (members, _) = subtree(state, root).await?;
    let visible: Vec<Member> =
        members.into_iter().filter(|m| user.principal.can(Capability::View, m.org.id, &tree)).collect();
    let root_name = visible.first().map(|m| m.org.name.clone()).unwrap_or_default();
    Ok((root.0, root_name, year, figures(state, &visible, year).await?))
}

async fn page(State(state): State<AppState>, user: ConsoleUser, Params(q): Params<DashQuery>) -> PageResult<Response> {
    let (root_id, root_name, year, rows) = load(&state, &user, &q).await?;
    let tree = gongkai_store::orgs::tree(&state.db).await?;
    let charts = vec![
        bar_chart(
            "标准目录落实率（按时公开的事项占应公开事项的比例）",
            &rows.iter().map(|r| (r.name.clone(), r.compliance.percent())).collect::<Vec<_>>(),
        ),
        bar_chart(
            "依申请公开按期办结率",
            &rows.iter().map(|r| (r.name.clone(), r.applications.on_time_percent())).collect::<Vec<_>>(),
        ),
    ];
    Ok(render(&DashboardPage {
        title: format!("{root_name}及下级机构：政务公开监督"),
        nav: user.nav(&state),
        can_supervise: user.principal.can(Capability::Supervise, gongkai_core::ids::OrgId(root_id), &tree),
        root_id,
        root_name,
        year,
        years: (2019..=state.today().year()).rev().collect(),
        tables: tables(&rows),
        charts,
    }))
}

/// A table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese).
pub fn csv(t: &Table) -> String {
    let cell = |s: &str| {
        if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
    };
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(&t.head).chain(&t.rows) {
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn xlsx(t: &Table) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(t.title.chars().take(31).collect::<String>()).map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in t.head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold).map_err(err)?;
        ws.set_column_width(c as u16, if c == 0 { 24 } else { 14 }).map_err(err)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(n) if c > 0 => ws.write_number(r, c, n).map_err(err)?,
                _ => ws.write_string(r, c, v).map_err(err)?,
            };
        }
    }
    wb.save_to_buffer().map_err(err)
}

async fn export(
    State(state): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<DashQuery>,
) -> PageResult<Response> {
    let (root_id, _, year, rows) = load(&state, &user, &q).await?;
    let all = tables(&rows);
    let t = all.iter().find(|t| t.key == q.table).ok_or(AppError::NotFound)?;
    let name = format!("oversight-{root_id}-{year}-{}", t.key);
    let (bytes, mime, ext) = match q.format.as_str() {
        "csv" | "" => (csv(t).into_bytes(), "text/csv; charset=utf-8", "csv"),
        "xlsx" => (xlsx(t)?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        _ => return Err(AppError::BadRequest("导出格式应为 csv 或 xlsx".into())),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.{ext}\"")),
        ],
        bytes,
    )
        .into_response())
}
