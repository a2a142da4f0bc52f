//! Supervision: tasks assigned to bodies below the supervisor and their reports, the
//! bodies' task inbox, inspection records, and village-affairs records per district.

use super::{Member, below, root_param, subtree};
use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::{CsrfForm, CsrfMultipart, Params, messages, pair, path_id, year_param};
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::access::Capability;
use gongkai_core::oversight::supervision::{
    InspectionInput, InspectionKind, ReportInput, TaskFlag, TaskInput, TaskProgress, VillageInput, parse_report,
    parse_review, task_flag, task_progress,
};
use gongkai_store::catalog::ItemLine;
use gongkai_store::orgs;
use gongkai_store::oversight::supervision::{self as store, Assignment, Inspection, Task, VillageRecord};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/oversight/tasks", get(tasks).post(create_task))
        .route("/console/oversight/tasks/{id}", get(task))
        .route("/console/oversight/tasks/{id}/review", post(review))
        .route("/console/orgs/{id}/tasks", get(inbox))
        .route(
            "/console/orgs/{id}/tasks/{task}/report",
            post(report).layer(axum::extract::DefaultBodyLimit::max(crate::http::rich::MAX_ATTACHMENT + 64 * 1024)),
        )
        .route("/console/oversight/tasks/{task}/evidence/{org}", get(evidence))
        .route("/console/oversight/inspections", get(inspections).post(add_inspection))
        .route("/console/oversight/inspections/{id}/rectified", post(rectified))
        .route("/console/oversight/village", get(village).post(save_village))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RootQuery {
    pub org: String,
    pub year: String,
}

/// The bodies below `root` (what tasks, inspections and village records may concern).
async fn below_root(state: &AppState, root: OrgId) -> Result<Vec<Member>, AppError> {
    Ok(subtree(state, root).await?.0.into_iter().filter(|m| m.depth > 0).collect())
}

pub struct TaskLine {
    pub task: Task,
    pub progress: TaskProgress,
}

#[derive(Template)]
#[template(path = "oversight/console/tasks.html")]
struct TasksPage {
    title: String,
    nav: Nav,
    root_id: i64,
    root_name: String,
    lines: Vec<TaskLine>,
    bodies: Vec<Member>,
    form: TaskInput,
    errors: Vec<String>,
}

async fn tasks_page(
    state: &AppState,
    user: &ConsoleUser,
    root: OrgId,
    form: TaskInput,
    errors: Vec<String>,
) -> PageResult<TasksPage> {
    let today = state.today();
    let mut lines = vec![];
    for t in store::tasks_of(&state.db, root).await? {
        let states: Vec<_> = store::assignments(&state.db, t.id)
            .await?
            .iter()
            .map(|a| (a.status, task_flag(a.status, t.facts.due_on, a.reported_on, today)))
            .collect();
        lines.push(TaskLine { progress: task_progress(&states), task: t });
    }
    Ok(TasksPage {
        title: "督查任务".into(),
        nav: user.nav(state),
        root_id: root.0,
        root_name: orgs::get(&state.db, root).await?.name,
        lines,
        bodies: below_root(state, root).await?,
        form,
        errors,
    })
}

async fn tasks(State(state): State<AppState>, user: ConsoleUser, Params(q): Params<RootQuery>) -> PageResult<Response> {
    let (root, _) = root_param(&state, &user, &q.org, Capability::Supervise).await?;
    let form = TaskInput { due_on: state.today().to_string(), ..Default::default() };
    Ok(render(&tasks_page(&state, &user, root, form, vec![]).await?))
}

async fn create_task(
    State(state): State<AppState>,
    user: ConsoleUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let (root, tree) = root_param(&state, &user, pair(&pairs, "org"), Capability::Supervise).await?;
    let input = TaskInput::from_pairs(&pairs);
    let bodies = below_root(&state, root).await?;
    let targets: Vec<OrgId> = if input.all {
        bodies.iter().map(|m| m.org.id).collect()
    } else {
        input.orgs.iter().map(|o| OrgId(*o)).collect()
    };
    if let Some(bad) = targets.iter().find(|t| !below(&tree, root, **t)) {
        return Err(AppError::Forbidden(format!("机构 {bad} 不在本机构监督范围内")));
    }
    match input.parse(state.today()) {
        Ok(f) => {
            let id = store::create_task(&state.db, &user.actor(), root, &f, &targets).await?;
            Ok(Redirect::to(&format!("/console/oversight/tasks/{id}")).into_response())
        }
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&tasks_page(&state, &user, root, input, messages(e)).await?))
                .into_response())
        }
    }
}

pub struct AssignmentLine {
    pub a: Assignment,
    pub flag: TaskFlag,
}

#[derive(Template)]
#[template(path = "oversight/console/task.html")]
struct TaskPage {
    title: String,
    nav: Nav,
    t: Task,
    lines: Vec<AssignmentLine>,
    progress: TaskProgress,
}

async fn task(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let t = store::task(&state.db, path_id(&id)?).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::Supervise, t.org_id).await?;
    let today = state.today();
    let lines: Vec<AssignmentLine> = store::assignments(&state.db, t.id)
        .await?
        .into_iter()
        .map(|a| AssignmentLine { flag: task_flag(a.status, t.facts.due_on, a.reported_on, today), a })
        .collect();
    let progress = task_progress(&lines.iter().map(|l| (l.a.status, l.flag)).collect::<Vec<_>>());
    Ok(render(&TaskPage { title: t.facts.title.clone(), nav: user.nav(&state), t, lines, progress }))
}

async fn review(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let t = store::task(&state.db, path_id(&id)?).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::Supervise, t.org_id).await?;
    let org = OrgId(pair(&pairs, "org_id").parse().map_err(|_| AppError::BadRequest("机构参数无效".into()))?);
    let accept = pair(&pairs, "decision") == "accept";
    let note = parse_review(accept, pair(&pairs, "note"))?;
    store::review(&state.db, &user.actor(), t.id, org, accept, note.as_deref()).await?;
    Ok(Redirect::to(&format!("/console/oversight/tasks/{}", t.id)).into_response())
}

pub struct InboxLine {
    pub t: Task,
    pub a: Assignment,
    pub flag: TaskFlag,
}

#[derive(Template)]
#[template(path = "oversight/console/inbox.html")]
struct InboxPage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    lines: Vec<InboxLine>,
    evidence: Vec<ItemLine>,
    can_report: bool,
    errors: Vec<String>,
}

async fn inbox_page(state: &AppState, user: &ConsoleUser, org: OrgId, errors: Vec<String>) -> PageResult<InboxPage> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let today = state.today();
    let lines = store::inbox(&state.db, org)
        .await?
        .into_iter()
        .map(|(t, a)| InboxLine { flag: task_flag(a.status, t.facts.due_on, a.reported_on, today), t, a })
        .collect();
    let can_report = user.principal.can(Capability::EditDisclosure, org, &tree);
    Ok(InboxPage {
        title: "督查任务".into(),
        nav: user.nav(state),
        org_id: org.0,
        org_name: orgs::get(&state.db, org).await?.name,
        lines,
        evidence: if can_report { gongkai_store::catalog::published(&state.db, org, 200).await? } else { vec![] },
        can_report,
        errors,
    })
}

async fn inbox(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    Ok(render(&inbox_page(&state, &user, OrgId(path_id(&id)?), vec![]).await?))
}

/// A body's report: the summary, optionally one of its published records, optionally a file
/// (checked by content like catalog attachments: PDF, Word, Excel, images).
async fn report(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, task)): Path<(String, String)>,
    mp: CsrfMultipart,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let task: i64 = path_id(&task)?;
    let f = ReportInput { summary: mp.field("summary").to_string(), item_id: mp.field("item_id").to_string() };
    let file = match mp.files.into_iter().next() {
        Some(u) => {
            let a = crate::catalog::console::attachment_from(&u.filename, u.data).map_err(|m| {
                AppError::Invalid(gongkai_core::FieldErrors(vec![gongkai_core::FieldError::new("file", m)]))
            })?;
            Some(store::EvidenceFile { name: a.name, mime: a.mime, sha256: a.sha256, data: a.data })
        }
        None => None,
    };
    match parse_report(&f) {
        Ok((summary, item)) => {
            store::report(&state.db, &user.actor(), org, task, state.today(), &summary, item, file.as_ref()).await?;
            Ok(Redirect::to(&format!("/console/orgs/{org}/tasks")).into_response())
        }
        Err(e) => Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&inbox_page(&state, &user, org, messages(e)).await?))
            .into_response()),
    }
}

pub struct InspectionLine {
    pub i: Inspection,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "oversight/console/inspections.html")]
struct InspectionsPage {
    title: String,
    nav: Nav,
    root_id: i64,
    root_name: String,
    lines: Vec<InspectionLine>,
    bodies: Vec<Member>,
    kinds: Vec<(&'static str, &'static str)>,
    form: InspectionInput,
    errors: Vec<String>,
    today: String,
}

async fn inspections_page(
    state: &AppState,
    user: &ConsoleUser,
    root: OrgId,
    form: InspectionInput,
    errors: Vec<String>,
) -> PageResult<InspectionsPage> {
    let today = state.today();
    Ok(InspectionsPage {
        title: "检查记录".into(),
        nav: user.nav(state),
        root_id: root.0,
        root_name: orgs::get(&state.db, root).await?.name,
        lines: store::inspections(&state.db, root)
            .await?
            .into_iter()
            .map(|i| InspectionLine { state: i.facts.state(today), i })
            .collect(),
        bodies: below_root(state, root).await?,
        kinds: InspectionKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        form,
        errors,
        today: today.to_string(),
    })
}

async fn inspections(
    State(state): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<RootQuery>,
) -> PageResult<Response> {
    let (root, _) = root_param(&state, &user, &q.org, Capability::Supervise).await?;
    let form = InspectionInput { on: state.today().to_string(), ..Default::default() };
    Ok(render(&inspections_page(&state, &user, root, form, vec![]).await?))
}

async fn add_inspection(
    State(state): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<RootQuery>,
    CsrfForm(f): CsrfForm<InspectionInput>,
) -> PageResult<Response> {
    let (root, tree) = root_param(&state, &user, &q.org, Capability::Supervise).await?;
    match f.parse() {
        Ok(facts) => {
            if !below(&tree, root, OrgId(facts.org_id)) {
                return Err(AppError::Forbidden("被检查机构不在本机构监督范围内".into()));
            }
            store::add_inspection(&state.db, &user.actor(), root, &facts).await?;
            Ok(Redirect::to(&format!("/console/oversight/inspections?org={root}")).into_response())
        }
        Err(e) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&inspections_page(&state, &user, root, f, messages(e)).await?),
        )
            .into_response()),
    }
}

async fn rectified(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Params(q): Params<RootQuery>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let (root, _) = root_param(&state, &user, &q.org, Capability::Supervise).await?;
    let on = pair(&pairs, "on").trim().parse().map_err(|_| AppError::BadRequest("请填写整改完成日期".into()))?;
    store::set_rectified(&state.db, &user.actor(), root, path_id(&id)?, on).await?;
    Ok(Redirect::to(&format!("/console/oversight/inspections?org={root}")).into_response())
}

#[derive(Template)]
#[template(path = "oversight/console/village.html")]
struct VillagePage {
    title: String,
    nav: Nav,
    root_id: i64,
    root_name: String,
    year: i16,
    years: Vec<i16>,
    records: Vec<VillageRecord>,
    bodies: Vec<Member>,
    form: VillageInput,
    errors: Vec<String>,
}

async fn village_page(
    state: &AppState,
    user: &ConsoleUser,
    root: OrgId,
    year: i16,
    form: VillageInput,
    errors: Vec<String>,
) -> PageResult<VillagePage> {
    Ok(VillagePage {
        title: "村（居）务公开".into(),
        nav: user.nav(state),
        root_id: root.0,
        root_name: orgs::get(&state.db, root).await?.name,
        year,
        years: (2019..=state.today().year()).rev().collect(),
        records: store::village(&state.db, root, year).await?,
        bodies: below_root(state, root).await?,
        form,
        errors,
    })
}

async fn village(
    State(state): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<RootQuery>,
) -> PageResult<Response> {
    let (root, _) = root_param(&state, &user, &q.org, Capability::Supervise).await?;
    let year = year_param(state.today(), &q.year, 0)?;
    let form = VillageInput { year: year.to_string(), ..Default::default() };
    Ok(render(&village_page(&state, &user, root, year, form, vec![]).await?))
}

async fn save_village(
    State(state): State<AppState>,
    user: ConsoleUser,
    Params(q): Params<RootQuery>,
    CsrfForm(f): CsrfForm<VillageInput>,
) -> PageResult<Response> {
    let (root, tree) = root_param(&state, &user, &q.org, Capability::Supervise).await?;
    match f.parse() {
        Ok(facts) => {
            if !below(&tree, root, OrgId(facts.org_id)) {
                return Err(AppError::Forbidden("该区不在本机构监督范围内".into()));
            }
            store::save_village(&state.db, &user.actor(), root, &facts).await?;
            Ok(Redirect::to(&format!("/console/oversight/village?org={root}&year={}", facts.year)).into_response())
        }
        Err(e) => {
            let year = state.today().year();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&village_page(&state, &user, root, year, f, messages(e)).await?),
            )
                .into_response())
        }
    }
}

/// The file a body reported with: for the supervisor who set the task and for the body.
async fn evidence(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((task, org)): Path<(String, String)>,
) -> PageResult<Response> {
    let t = store::task(&state.db, path_id(&task)?).await?;
    let org = OrgId(path_id(&org)?);
    let tree = gongkai_store::orgs::tree(&state.db).await?;
    let p = &user.principal;
    if !(p.can(Capability::Supervise, t.org_id, &tree)
        || p.can(Capability::View, org, &tree) && below(&tree, t.org_id, org))
    {
        return Err(AppError::forbidden());
    }
    let (name, mime, data) = store::evidence(&state.db, t.id, org).await?;
    let encoded = crate::http::escape::url_encode(&name);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"file\"; filename*=UTF-8''{encoded}"),
            ),
            (axum::http::header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        data,
    )
        .into_response())
}
