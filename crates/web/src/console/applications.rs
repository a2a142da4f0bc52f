//! Console pages for applications: inbox by urgency, registration, handling screen,
//! printable reply letter.

use super::path_id;
use crate::apps;
use crate::auth::ConsoleUser;
use crate::error::{AppError, PageResult};
use crate::forms::CsrfForm;
use crate::portal_apply::input_of;
use crate::server::AppState;
use crate::templates::{
    AppLine, ApplicationForm, ApplicationNewPage, ApplicationPage, ApplicationsPage, FormChoices, LetterPage, render,
};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::access::Capability;
use gongkai_core::applications::event_input::{EventInput, STAFF_EVENTS};
use gongkai_core::applications::identity::{IdKind, mask_id};
use gongkai_core::applications::letters::LetterKind;
use gongkai_core::applications::{ApplicantKind, Case, Channel, Outcome};
use gongkai_core::orgs::OrgId;
use gongkai_store::applications::{self as store, Application};
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/applications", get(inbox).post(register))
        .route("/console/orgs/{id}/applications/new", get(new_form))
        .route("/console/applications/{id}", get(show))
        .route("/console/applications/{id}/events", post(record))
        .route("/console/applications/{id}/letters/{kind}", get(letter))
        .route("/console/applications/{id}/letters/{kind}/{format}", get(letter_file))
}

fn status_label(code: &str) -> &'static str {
    gongkai_core::applications::Status::parse(code).map_or("未知", |s| s.label())
}

fn outcome_label(code: Option<&str>) -> String {
    code.and_then(|c| Outcome::parse(c).ok()).map(|o| o.label().to_string()).unwrap_or_default()
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
        status: status_label(&a.status),
        due: match (&a.due_on, a.due_provisional) {
            (Some(d), true) => format!("{d}（暂定）"),
            (Some(d), false) => d.clone(),
            (None, _) => "—".into(),
        },
        left,
        overdue,
        outcome: outcome_label(a.outcome.as_deref()),
    }
}

async fn inbox(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    // Application work is never hosted: the organisation's own staff (and its supervisors) only.
    crate::ops::require(&state, &user.principal, Capability::View, org).await?;
    let tree = orgs::tree(&state.db).await?;
    let p = &user.principal;
    if !p.can(Capability::HandleApplications, org, &tree) && !p.oversees(org, &tree) {
        return Err(AppError::Forbidden("依申请公开由本机关工作人员办理，托管机构不能办理".into()));
    }
    let o = orgs::get(&state.db, org).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let today = state.today();
    let open = store::list_open(&state.db, org).await?.iter().map(|a| line(a, &cal, today)).collect();
    let recent = store::list_recent(&state.db, org, 30).await?.iter().map(|a| line(a, &cal, today)).collect();
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
    crate::ops::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    Ok(render(&new_page(&state, &user, org, ApplicationForm::default(), vec![]).await?))
}

async fn register(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ApplicationForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::ops::require(&state, &user.principal, Capability::HandleApplications, org).await?;
    let result = async {
        let channel = Channel::parse(&form.channel)?;
        let on: jiff::civil::Date = form
            .submitted_on
            .trim()
            .parse()
            .map_err(|_| gongkai_core::FieldError::new("submitted_on", "提交日期应为有效日期（年-月-日）"))?;
        apps::register(&state, &user.actor(), org, &input_of(&form), channel, on).await
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
    id: i64,
    new_code: Option<String>,
    errors: Vec<String>,
) -> PageResult<ApplicationPage> {
    let p = &user.principal;
    let a = apps::visible(state, p, id, Capability::View).await?;
    let tree = orgs::tree(&state.db).await?;
    if !p.can(Capability::HandleApplications, a.org_id, &tree) && !p.oversees(a.org_id, &tree) {
        return Err(AppError::Forbidden("依申请公开由本机关工作人员办理，托管机构不能查看".into()));
    }
    let org = orgs::get(&state.db, a.org_id).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let s = apps::settings();
    let case = store::case(&state.db, id, &s, &cal).await?;
    let today = state.today();
    let clock = case.clock(&s, &cal, today).map_err(|e| AppError::Internal(e.into()))?;
    let left = clock
        .working_days_left
        .map(|l| if l < 0 { format!("已逾期{}个工作日", -l) } else { format!("剩余{l}个工作日") });
    let duplicate = match a.duplicate_of {
        Some(d) => store::get(&state.db, d).await.ok().map(|x| (x.id, x.serial)),
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
    let kind = ApplicantKind::parse(&a.applicant_kind).map_or("", |k| k.label());
    let id_kind = IdKind::parse(&a.id_kind).map_or("", |k| k.label());
    let channel = Channel::parse(&a.channel).map_or("", |c| c.label());
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
        due: clock.due.map(|d| crate::apps::due_label(d, clock.provisional)),
        left,
        clock_lines: clock.lines,
        channel,
        kind,
        id_kind,
        events,
        letters: available_letters(&case),
        can_act,
        actions: STAFF_EVENTS.to_vec(),
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
    match apps::record_event(&state, &user.principal, &user.actor(), id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/console/applications/{id}")).into_response()),
        Err(AppError::Invalid(errs)) => {
            let msgs = errs.0.into_iter().map(|e| e.message).collect();
            let p = handling(&state, &user, id, None, msgs).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A letter for the applicant: printable HTML, Word, or PDF.
async fn letter(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, kind)): Path<(String, String)>,
) -> PageResult<Response> {
    let id = path_id(&id)?;
    let a = apps::visible(&state, &user.principal, id, Capability::HandleApplications).await?;
    let kind = LetterKind::parse(&kind).map_err(|_| AppError::NotFound)?;
    let l = crate::letters::letter_for(&state, &a, kind).await?;
    Ok(render(&LetterPage { l, app_id: id, base: format!("/console/applications/{id}/letters/{}", kind.code()) }))
}

async fn letter_file(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, kind, format)): Path<(String, String, String)>,
) -> PageResult<Response> {
    let id = path_id(&id)?;
    let a = apps::visible(&state, &user.principal, id, Capability::HandleApplications).await?;
    let kind = LetterKind::parse(&kind).map_err(|_| AppError::NotFound)?;
    let l = crate::letters::letter_for(&state, &a, kind).await?;
    let (bytes, mime, ext) = match format.as_str() {
        "docx" => (
            crate::letters::docx(&l)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        "pdf" => (crate::letters::pdf(&l)?, "application/pdf", "pdf"),
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
