//! Console pages for applications: inbox by urgency, registration, handling screen,
//! printable reply letter.

use crate::applications::ops;
use crate::applications::portal::input_of;
use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::path_id;
use crate::http::forms::{CsrfForm, Params};
use crate::pages::Nav;
use crate::pages::{
    AppLine, ApplicationForm, ApplicationNewPage, ApplicationPage, ApplicationsPage, FormChoices, LetterPage, render,
};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::applications::event_input::{EventInput, STAFF_EVENTS};
use gongkai_core::applications::identity::mask_id;
use gongkai_core::applications::letters::LetterKind;
use gongkai_core::applications::{Case, Channel, Outcome};
use gongkai_core::ids::{ApplicationId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_store::applications::{self as store, Application};
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/applications", get(inbox).post(register))
        .route("/console/orgs/{id}/applications/new", get(new_form))
        .route("/console/orgs/{id}/applications/register", get(register_page))
        .route("/console/orgs/{id}/applications/export/{format}", get(register_export))
        .route("/console/applications/{id}", get(show))
        .route("/console/applications/{id}/events", post(record))
        .route("/console/proposals/{id}/{decision}", post(decide_proposal))
        .route("/console/applications/{id}/letters/{kind}", get(letter))
        .route("/console/applications/{id}/letters/{kind}/{format}", get(letter_file))
}

/// The stored deadline as shown, `2027-01-18（暂定）` when provisional.
fn due_text(a: &Application) -> Option<String> {
    a.due_on.as_deref().and_then(|d| d.parse().ok()).map(|d| ops::due_label(d, a.due_provisional))
}

/// A list line; the applicant's name only (ID numbers and phones stay on the handling screen).
fn line(a: &Application, cal: &gongkai_core::calendar::Calendar, today: jiff::civil::Date) -> AppLine {
    let due = a.due_on.as_deref().and_then(|d| d.parse::<jiff::civil::Date>().ok());
    let (left, overdue) = match due {
        Some(d) if today <= d => {
            (cal.working_days_between(today, d).map(|n| format!("{n}个工作日")).unwrap_or_default(), false)
        }
        Some(d) => (cal.working_days_between(d, today).map(|n| format!("{n}个工作日")).unwrap_or_default(), true),
        None => ("计时暂停或未开始".into(), false),
    };
    AppLine {
        id: a.id,
        serial: a.serial.clone(),
        applicant: a.applicant_name.clone(),
        title: a.info_title.clone(),
        status: a.status.label(),
        due: due_text(a).unwrap_or_else(|| "—".into()),
        left,
        overdue,
        outcome: a.outcome.map(|o| o.label().to_string()).unwrap_or_default(),
    }
}

async fn inbox(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    // Application work is never hosted: the organisation's own staff (and its supervisors) only.
    crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let tree = orgs::tree(&state.db).await?;
    let p = &user.principal;
    if !p.can(Capability::HandleApplications, org, &tree) && !p.oversees(org, &tree) {
        return Err(AppError::Forbidden("依申请公开由本机关工作人员办理，托管机构不能办理".into()));
    }
    let o = orgs::get(&state.db, org).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let today = state.today();
    let open = store::list_open(&state.db, org).await?.iter().map(|a| line(a, &cal, today)).collect();
    let recent = store::list_recent(&state.db, org, 10).await?.iter().map(|a| line(a, &cal, today)).collect();
    let alerts =
        store::alerts(&state.db, org, 20).await?.into_iter().map(|a| (a.kind, a.message, a.application_id)).collect();
    Ok(render(&ApplicationsPage {
        title: format!("{}：依申请公开", o.name),
        nav: user.nav(&state),
        org_id: org.0,
        org_name: o.name,
        alerts,
        open,
        recent,
        can_handle: p.can(Capability::HandleApplications, org, &tree),
        can_letters: p.system_admin
            || p.can(Capability::ApproveApplications, org, &tree)
            || p.grants.iter().any(|g| g.org == org && g.role == gongkai_core::orgs::accounts::Role::OrgAdmin),
    }))
}

async fn new_page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    form: ApplicationForm,
    errors: Vec<String>,
) -> PageResult<ApplicationNewPage> {
    let o = orgs::get(&state.db, org).await?;
    let c = FormChoices::new();
    Ok(ApplicationNewPage {
        title: format!("{}：登记申请", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        channels: Channel::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        channel: if form.channel.is_empty() { "in_person".into() } else { form.channel.clone() },
        submitted_on: if form.submitted_on.is_empty() { state.today().to_string() } else { form.submitted_on.clone() },
        form,
        errors,
        kinds: c.kinds,
        id_kinds: c.id_kinds,
        forms: c.forms,
        methods: c.methods,
    })
}

async fn new_form(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    Ok(render(&new_page(&state, &user, org, ApplicationForm::default(), vec![]).await?))
}

async fn register(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ApplicationForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    let result = async {
        let channel = Channel::parse(&form.channel)?;
        let on: jiff::civil::Date = form
            .submitted_on
            .trim()
            .parse()
            .map_err(|_| gongkai_core::FieldError::new("submitted_on", "提交日期应为有效日期（年-月-日）"))?;
        ops::register(&state, &user.actor(), org, &input_of(&form), channel, on).await
    }
    .await;
    match result {
        Ok((created, code)) => Ok(render(&handling(&state, &user, created.id, Some(code), vec![]).await?)),
        Err(AppError::Invalid(errs)) => {
            let msgs = errs.0.into_iter().map(|e| e.message).collect();
            let p = new_page(&state, &user, org, form, msgs).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The handling screen: the only place where ID numbers and phones are shown in full.
async fn handling(
    state: &AppState,
    user: &ConsoleUser,
    id: ApplicationId,
    new_code: Option<String>,
    errors: Vec<String>,
) -> PageResult<ApplicationPage> {
    let p = &user.principal;
    let a = ops::visible(state, p, id, Capability::View).await?;
    let tree = orgs::tree(&state.db).await?;
    if !p.can(Capability::HandleApplications, a.org_id, &tree) && !p.oversees(a.org_id, &tree) {
        return Err(AppError::Forbidden("依申请公开由本机关工作人员办理，托管机构不能查看".into()));
    }
    let org = orgs::get(&state.db, a.org_id).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let s = ops::settings();
    let case = store::case(&state.db, id, &s, &cal).await?;
    let today = state.today();
    let clock = case.clock(&s, &cal, today).map_err(|e| AppError::Internal(e.into()))?;
    let left = clock
        .working_days_left
        .map(|l| if l < 0 { format!("已逾期{}个工作日", -l) } else { format!("剩余{l}个工作日") });
    let duplicate = match a.duplicate_of {
        Some(d) => crate::error::optional(store::get(&state.db, d).await)?.map(|x| (x.id, x.serial)),
        None => None,
    };
    let events = store::events(&state.db, id)
        .await?
        .into_iter()
        .map(|r| {
            let at = gongkai_store::ts::parse(&r.at).map(gongkai_core::time::china_display).unwrap_or(r.at);
            (r.event.describe(), r.actor, at)
        })
        .collect();
    let can_act = p.can(Capability::HandleApplications, a.org_id, &tree)
        && case.status != gongkai_core::applications::Status::Archived;
    let can_approve = p.can(Capability::ApproveApplications, a.org_id, &tree);
    let proposal = store::latest_proposal(&state.db, id).await?.map(|x| crate::pages::ProposalView {
        id: x.id,
        what: x.event.describe(),
        by: x.proposed_by_label,
        at: crate::pages::beijing(&x.proposed_at),
        pending: x.decision.is_none(),
        decision: match x.decision.as_deref() {
            Some("approved") => "已批准".into(),
            Some("superseded") => "审核人已直接办理".into(),
            Some(_) => "已退回".into(),
            None => String::new(),
        },
        decided_by: x.decided_by_label.unwrap_or_default(),
        note: x.note.unwrap_or_default(),
    });
    // Handlers who are not approvers see the reply and extension as "submit for approval".
    let actions: Vec<(&'static str, &'static str)> = STAFF_EVENTS
        .iter()
        .map(|&(code, label)| match code {
            "replied" if !can_approve => (code, "拟定答复（提交审核人审核）"),
            "extension_approved" if !can_approve => (code, "申请延长答复期限（提交审核人审核）"),
            _ => (code, label),
        })
        .collect();
    let kind = a.applicant_kind.label();
    let id_kind = a.id_kind.label();
    let channel = a.channel.label();
    // Supervisors read the case but see personal data masked (oversight, not handling).
    let mut a = a;
    if !p.can(Capability::HandleApplications, a.org_id, &tree) {
        a.id_number = mask_id(&a.id_number);
        a.phone = a.phone.as_deref().map(gongkai_core::applications::identity::mask_phone);
    }
    Ok(ApplicationPage {
        title: format!("申请 {}", a.serial),
        nav: user.nav(state),
        org_name: org.name,
        new_code,
        errors,
        duplicate,
        status: case.status.label(),
        due: clock.due.map(|d| crate::applications::ops::due_label(d, clock.provisional.is_some())),
        left,
        clock_lines: clock.lines,
        channel,
        kind,
        id_kind,
        events,
        letters: available_letters(&case),
        can_act,
        actions,
        proposal,
        can_approve,
        can_handle: p.can(Capability::HandleApplications, a.org_id, &tree),
        outcomes: Outcome::ALL.iter().filter(|o| o.is_reply()).map(|o| (o.code(), o.label())).collect(),
        today: today.to_string(),
        a,
    })
}

/// The letters an application has, by what happened to it.
fn available_letters(case: &Case) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![];
    let mut add = |k: LetterKind| out.push((k.code(), k.title()));
    if case.correction.is_some() {
        add(LetterKind::Correction);
    }
    if case.has_consulted() {
        add(LetterKind::Consultation);
    }
    if case.extension.is_some() {
        add(LetterKind::Extension);
    }
    if case.fee.is_some() {
        add(LetterKind::Fee);
    }
    if case.reply.is_some() {
        add(LetterKind::Reply);
    }
    out
}

async fn show(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    Ok(render(&handling(&state, &user, path_id(&id)?, None, vec![]).await?))
}

async fn record(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<EventInput>,
) -> PageResult<Response> {
    let id = path_id(&id)?;
    let result = ops::record_or_propose(&state, &user.principal, &user.actor(), id, &input).await.map(|_| id);
    after_action(&state, &user, id, result).await
}

/// Back to the handling screen; a refused action is said there, next to the form, not on
/// a page of its own.
async fn after_action(
    state: &AppState,
    user: &ConsoleUser,
    id: ApplicationId,
    result: Result<ApplicationId, AppError>,
) -> PageResult<Response> {
    let (status, msgs) = match result {
        Ok(id) => return Ok(Redirect::to(&format!("/console/applications/{id}")).into_response()),
        Err(AppError::Invalid(errs)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, errs.0.into_iter().map(|e| e.message).collect())
        }
        Err(AppError::Forbidden(m)) => (StatusCode::FORBIDDEN, vec![m]),
        Err(AppError::Conflict(m)) => (StatusCode::CONFLICT, vec![m]),
        Err(e) => return Err(e),
    };
    let p = handling(state, user, id, None, msgs).await?;
    Ok((status, render(&p)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReturnForm {
    note: String,
}

/// An approver decides a drafted reply or extension: `approve` or `return` (with a note).
async fn decide_proposal(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, decision)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ReturnForm>,
) -> PageResult<Response> {
    let pid = path_id(&id)?;
    let app = store::proposal(&state.db, pid).await?.application_id;
    let (p, actor) = (&user.principal, user.actor());
    let result = match decision.as_str() {
        "approve" => ops::approve_proposal(&state, p, &actor, pid).await,
        "return" => ops::return_proposal(&state, p, &actor, pid, &f.note).await,
        _ => return Err(AppError::NotFound),
    };
    after_action(&state, &user, app, result).await
}

/// A letter for the applicant: printable HTML, Word, or PDF.
async fn letter(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, kind)): Path<(String, String)>,
) -> PageResult<Response> {
    let id = path_id(&id)?;
    let a = ops::visible(&state, &user.principal, id, Capability::HandleApplications).await?;
    let kind = LetterKind::parse(&kind).map_err(|_| AppError::NotFound)?;
    let l = crate::applications::letters::letter_for(&state, &a, kind).await?;
    Ok(render(&LetterPage { l, app_id: id, base: format!("/console/applications/{id}/letters/{}", kind.code()) }))
}

async fn letter_file(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, kind, format)): Path<(String, String, String)>,
) -> PageResult<Response> {
    let id = path_id(&id)?;
    let a = ops::visible(&state, &user.principal, id, Capability::HandleApplications).await?;
    let kind = LetterKind::parse(&kind).map_err(|_| AppError::NotFound)?;
    let l = crate::applications::letters::letter_for(&state, &a, kind).await?;
    let (bytes, mime, ext) = match format.as_str() {
        "docx" => (
            crate::applications::letters::docx(&l)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        "pdf" => (crate::applications::letters::pdf(&l)?, "application/pdf", "pdf"),
        _ => return Err(AppError::NotFound),
    };
    let name = format!("{}-{}.{ext}", a.serial, kind.code());
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// The register's filter as typed in the address (every field optional, kept as text so
/// the form shows it back).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RegisterQuery {
    pub q: String,
    pub status: String,
    pub year: String,
    pub outcome: String,
    pub channel: String,
    /// `overdue` or `soon`.
    pub due: String,
    #[serde(skip_serializing)]
    pub page: Option<i64>,
}

const REGISTER_PAGE: i64 = 50;

/// The register may be read by the organisation's own application staff and its supervisors.
async fn register_access(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
) -> Result<gongkai_store::orgs::Org, AppError> {
    crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let tree = orgs::tree(&state.db).await?;
    let p = &user.principal;
    if !p.can(Capability::HandleApplications, org, &tree) && !p.oversees(org, &tree) {
        return Err(AppError::Forbidden("依申请公开由本机关工作人员办理，托管机构不能查看".into()));
    }
    Ok(orgs::get(&state.db, org).await?)
}

/// Parse the typed filter into the store's, refusing values that are not ours.
fn register_filter(
    q: &RegisterQuery,
    today: jiff::civil::Date,
    soon_until: jiff::civil::Date,
) -> Result<store::RegisterFilter, AppError> {
    let bad = |what: &str| AppError::BadRequest(format!("筛选条件“{what}”无效"));
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let status = match q.status.trim() {
        "" => None,
        "open" => Some("open".to_string()),
        c => Some(gongkai_core::applications::Status::parse(c).ok_or_else(|| bad("状态"))?.code().to_string()),
    };
    let year = match q.year.trim() {
        "" => None,
        y => Some(y.parse::<i16>().ok().filter(|y| (2008..=2100).contains(y)).ok_or_else(|| bad("年度"))?),
    };
    let outcome = match q.outcome.trim() {
        "" => None,
        o => Some(Outcome::parse(o).map_err(|_| bad("办理结果"))?.code().to_string()),
    };
    let channel = match q.channel.trim() {
        "" => None,
        c => Some(Channel::parse(c).map_err(|_| bad("申请方式"))?.code().to_string()),
    };
    let (overdue_on, due_between) = match q.due.trim() {
        "" => (None, None),
        "overdue" => (Some(today), None),
        "soon" => (None, Some((today, soon_until))),
        _ => return Err(bad("期限")),
    };
    Ok(store::RegisterFilter { q: text(&q.q), status, year, outcome, channel, overdue_on, due_between })
}

/// The last day that counts as due soon: today plus the due-soon working days.
fn soon_until(cal: &gongkai_core::calendar::Calendar, today: jiff::civil::Date) -> Result<jiff::civil::Date, AppError> {
    cal.add_working_days(today, ops::settings().due_soon_wd).map_err(|e| AppError::BadRequest(e.message_zh()))
}

fn register_line(a: &Application, today: jiff::civil::Date) -> RegisterLine {
    let open = a.status.is_open();
    RegisterLine {
        id: a.id,
        serial: a.serial.clone(),
        applicant: a.applicant_name.clone(),
        title: a.info_title.clone(),
        channel: a.channel.label(),
        received: a.received_on.clone().unwrap_or_else(|| format!("{}（提交）", a.submitted_on)),
        status: a.status.label(),
        due: due_text(a).unwrap_or_else(|| "—".into()),
        overdue: open && a.due_on.as_deref().is_some_and(|d| d < today.to_string().as_str()),
        outcome: a.outcome.map(|o| o.label().to_string()).unwrap_or_default(),
    }
}

async fn register_page(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Params(q): Params<RegisterQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let o = register_access(&state, &user, org).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let today = state.today();
    let f = register_filter(&q, today, soon_until(&cal, today)?)?;
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = store::register(&state.db, org, &f, REGISTER_PAGE, (page - 1) * REGISTER_PAGE).await?;
    let query = serde_urlencoded::to_string(&q).unwrap_or_default();
    Ok(render(&RegisterPage {
        title: format!("{}：申请登记簿", o.name),
        nav: user.nav(&state),
        org_id: org.0,
        org_name: o.name,
        query,
        statuses: gongkai_core::applications::Status::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        outcomes: Outcome::ALL.iter().map(|o| (o.code(), o.label())).collect(),
        channels: Channel::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        years: (2019..=today.year()).rev().collect(),
        soon_days: ops::settings().due_soon_wd,
        lines: rows.iter().map(|a| register_line(a, today)).collect(),
        total,
        page,
        pages: (total + REGISTER_PAGE - 1) / REGISTER_PAGE,
        q,
    }))
}

/// Export rows: personal data masked, as in every list (the handling screen alone shows it).
const EXPORT_HEADERS: [&str; 14] = [
    "受理编号",
    "申请方式",
    "申请人类型",
    "申请人",
    "证件类型",
    "证件号码",
    "联系电话",
    "所需信息",
    "提交日期",
    "收到日期",
    "状态",
    "答复期限",
    "办结日期",
    "办理结果",
];

fn export_row(a: &Application) -> [String; 14] {
    [
        a.serial.clone(),
        a.channel.label().to_string(),
        a.applicant_kind.label().to_string(),
        a.applicant_name.clone(),
        a.id_kind.label().to_string(),
        mask_id(&a.id_number),
        a.phone.as_deref().map(gongkai_core::applications::identity::mask_phone).unwrap_or_default(),
        a.info_title.clone(),
        a.submitted_on.clone(),
        a.received_on.clone().unwrap_or_default(),
        a.status.label().to_string(),
        due_text(a).unwrap_or_default(),
        a.finished_on.clone().unwrap_or_default(),
        a.outcome.map(|o| o.label().to_string()).unwrap_or_default(),
    ]
}

/// A CSV field: quoted when needed; a leading = + - @ is neutralised so a spreadsheet
/// never runs a typed value as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

async fn register_export(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, format)): Path<(String, String)>,
    Params(q): Params<RegisterQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let o = register_access(&state, &user, org).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let today = state.today();
    let f = register_filter(&q, today, soon_until(&cal, today)?)?;
    let (rows, _) = store::register(&state.db, org, &f, 100_000, 0).await?;
    let name = format!("{}-申请登记簿-{today}", o.short_code);
    let (bytes, mime, ext) = match format.as_str() {
        "csv" => {
            // UTF-8 with a BOM, so that Excel opens the Chinese text correctly.
            let mut out = String::from("\u{feff}");
            out.push_str(&EXPORT_HEADERS.join(","));
            out.push_str("\r\n");
            for a in &rows {
                out.push_str(&export_row(a).iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
            (out.into_bytes(), "text/csv; charset=utf-8", "csv")
        }
        "xlsx" => {
            use rust_xlsxwriter::{Format, Workbook};
            let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("申请登记簿").map_err(err)?;
            let bold = Format::new().set_bold();
            for (c, h) in EXPORT_HEADERS.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold).map_err(err)?;
            }
            for (r, a) in rows.iter().enumerate() {
                for (c, v) in export_row(a).iter().enumerate() {
                    ws.write_string(r as u32 + 1, c as u16, v).map_err(err)?;
                }
            }
            ws.set_freeze_panes(1, 0).map_err(err)?;
            ws.autofit();
            (
                wb.save_to_buffer().map_err(err)?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            )
        }
        _ => return Err(AppError::NotFound),
    };
    let encoded = crate::http::escape::url_encode(&format!("{name}.{ext}"));
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.{ext}\"; filename*=UTF-8''{encoded}", o.short_code),
            ),
            (axum::http::header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// One line of the applications register.
pub struct RegisterLine {
    pub id: ApplicationId,
    pub serial: String,
    pub applicant: String,
    pub title: String,
    pub channel: &'static str,
    pub received: String,
    pub status: &'static str,
    pub due: String,
    pub overdue: bool,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "applications/console/register.html")]
pub struct RegisterPage {
    pub title: String,
    pub nav: Nav,
    pub org_id: i64,
    pub org_name: String,
    pub q: RegisterQuery,
    /// The filter as a query string (for the pager and the exports), without `page`.
    pub query: String,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub outcomes: Vec<(&'static str, &'static str)>,
    pub channels: Vec<(&'static str, &'static str)>,
    pub years: Vec<i16>,
    pub soon_days: u32,
    pub lines: Vec<RegisterLine>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}
