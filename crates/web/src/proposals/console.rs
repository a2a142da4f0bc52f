//! Console pages: the register of motions assigned to a body, registering one, and the
//! handling steps (reply, the proposer's rating, publication of the reply).

use crate::error::PageResult;
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
use gongkai_core::ids::{MotionId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_core::proposals::{
    self as rules, Classification, Disclosure, HandlingRole, MotionInput, MotionKind, MotionStats, Satisfaction,
};
use gongkai_store::orgs;
use gongkai_store::proposals::{self as store, Motion, StepText};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/motions", get(list).post(create))
        .route("/console/motions/{id}", get(detail))
        .route("/console/motions/{id}/reply", post(reply))
        .route("/console/motions/{id}/rate", post(rate))
        .route("/console/motions/{id}/publish", post(publish))
}

/// One line of the register.
pub struct MotionLine {
    pub id: i64,
    pub kind: &'static str,
    pub number: String,
    pub title: String,
    pub role: &'static str,
    pub assigned_on: String,
    pub due: String,
    pub state: String,
    /// What is late about it ("" when nothing is), shown after the state.
    pub late: &'static str,
}

#[derive(Template)]
#[template(path = "proposals/console/motions.html")]
struct ListPage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    year: i16,
    years: Vec<i16>,
    lines: Vec<MotionLine>,
    stats: MotionStats,
    can_edit: bool,
    errors: Vec<String>,
    form: MotionInput,
    kinds: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
}

fn choices<T: Copy>(all: &[T], f: impl Fn(T) -> (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
    all.iter().copied().map(f).collect()
}

async fn list_page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    year: i16,
    form: MotionInput,
    errors: Vec<String>,
) -> PageResult<ListPage> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let s = super::settings();
    let today = state.today();
    let motions = store::list(&state.db, org, Some(year)).await?;
    let late = |m: &Motion| rules::publication_late(m.facts.role, &m.handling, &s, &cal, today);
    let facts: Vec<rules::MotionFact> = motions
        .iter()
        .map(|m| rules::MotionFact { role: m.facts.role, due_on: m.due_on, handling: m.handling.clone() })
        .collect();
    let stats = rules::stats(&facts, &|role, h| rules::publication_late(role, h, &s, &cal, today));
    let lines = motions
        .iter()
        .map(|m| {
            let (state_text, late) = rules::progress(&m.facts, &m.handling, &s, today, late(m));
            MotionLine {
                id: m.id.0,
                kind: m.facts.kind.label(),
                number: format!("{} {}", m.facts.session, m.facts.number),
                title: m.facts.title.clone(),
                role: m.facts.role.label(),
                assigned_on: m.facts.assigned_on.to_string(),
                due: rules::next_due(&m.facts, &m.handling, &s).map(|d| d.to_string()).unwrap_or_default(),
                state: state_text,
                late: late.note(),
            }
        })
        .collect();
    let this = today.year();
    Ok(ListPage {
        title: format!("{}：建议提案办理", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        year,
        years: (2019..=this).rev().collect(),
        lines,
        stats,
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        errors,
        form,
        kinds: choices(MotionKind::ALL, |k| (k.code(), k.label())),
        roles: choices(HandlingRole::ALL, |k| (k.code(), k.label())),
    })
}

async fn list(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Params(q): Params<YearQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let year = year_param(state.today(), &q.year, 1)?;
    let form = MotionInput { assigned_on: state.today().to_string(), ..Default::default() };
    Ok(render(&list_page(&state, &user, org, year, form, vec![]).await?))
}

async fn create(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<MotionInput>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let today = state.today();
    let msgs = match f.parse(today) {
        Ok(facts) => match store::create(&state.db, &user.actor(), org, &facts, &super::settings()).await {
            Ok(id) => return Ok(Redirect::to(&format!("/console/motions/{id}")).into_response()),
            Err(gongkai_store::StoreError::Duplicate { .. }) => {
                vec![format!("本机关已登记{}{}{}", facts.kind.label(), facts.session, facts.number)]
            }
            Err(e) => return Err(e.into()),
        },
        Err(e) => e.0.into_iter().map(|x| x.message).collect(),
    };
    let year = f.assigned_on.get(..4).and_then(|y| y.parse().ok()).unwrap_or(today.year());
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&list_page(&state, &user, org, year, f, msgs).await?)).into_response())
}

#[derive(Template)]
#[template(path = "proposals/console/motion.html")]
struct DetailPage {
    title: String,
    nav: Nav,
    m: Motion,
    org_name: String,
    state: String,
    due: String,
    publish_by: String,
    can_edit: bool,
    can_publish: bool,
    errors: Vec<String>,
    today: String,
    classes: Vec<(&'static str, &'static str)>,
    ratings: Vec<(&'static str, &'static str)>,
    disclosures: Vec<(&'static str, &'static str)>,
}

async fn detail_page(
    state: &AppState,
    user: &ConsoleUser,
    id: MotionId,
    errors: Vec<String>,
) -> PageResult<DetailPage> {
    let m = store::get(&state.db, id).await?;
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, m.org_id).await?;
    let o = orgs::get(&state.db, m.org_id).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let s = super::settings();
    let by = rules::publish_by(&m.handling, &s, &cal).ok().flatten();
    let today = state.today();
    let (state_text, _) = rules::progress(&m.facts, &m.handling, &s, today, false);
    Ok(DetailPage {
        title: format!("{}：{}", o.name, m.facts.title),
        nav: user.nav(state),
        org_name: o.name,
        state: state_text,
        due: rules::next_due(&m.facts, &m.handling, &s).map(|d| d.to_string()).unwrap_or_default(),
        publish_by: by.map(|d| d.to_string()).unwrap_or_default(),
        can_edit: user.principal.can(Capability::EditDisclosure, m.org_id, &tree),
        can_publish: user.principal.can(Capability::ApproveDisclosure, m.org_id, &tree),
        errors,
        today: today.to_string(),
        classes: choices(Classification::ALL, |k| (k.code(), k.label())),
        ratings: choices(Satisfaction::ALL, |k| (k.code(), k.label())),
        disclosures: choices(Disclosure::ALL, |k| (k.code(), k.label())),
        m,
    })
}

async fn detail(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    Ok(render(&detail_page(&state, &user, MotionId(path_id(&id)?), vec![]).await?))
}

fn date(raw: &str, label: &str) -> Result<jiff::civil::Date, String> {
    raw.trim().parse().map_err(|_| format!("{label}应为有效日期（年-月-日）"))
}

/// Run a step: load the motion, check the capability, let core decide, store the result,
/// or show the page again with the reason.
async fn step(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
    cap: Capability,
    name: &str,
    decide: impl FnOnce(&Motion) -> Result<(rules::Handling, StepText), String>,
) -> PageResult<Response> {
    let id = MotionId(path_id(id)?);
    let m = store::get(&state.db, id).await?;
    crate::orgs::access::require(state, &user.principal, cap, m.org_id).await?;
    match decide(&m) {
        Ok((next, text)) => {
            store::save_handling(&state.db, &user.actor(), &m, &next, &text, name).await?;
            Ok(Redirect::to(&format!("/console/motions/{id}")).into_response())
        }
        Err(why) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&detail_page(state, user, id, vec![why]).await?))
                .into_response())
        }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReplyForm {
    on: String,
    classification: String,
    reply_text: String,
}

async fn reply(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ReplyForm>,
) -> PageResult<Response> {
    let today = state.today();
    step(&state, &user, &id, Capability::EditDisclosure, "reply", |m| {
        let on = date(&f.on, "答复日期")?;
        let class = if f.classification.trim().is_empty() {
            None
        } else {
            Some(Classification::parse(&f.classification).map_err(|e| e.message)?)
        };
        let text = gongkai_core::field::required_multiline("reply_text", "答复内容", &f.reply_text, 50_000)
            .map_err(|e| e.message)?;
        let next = rules::reply(&m.facts, &m.handling, on, class, today).map_err(|e| e.to_string())?;
        Ok((next, StepText { reply_text: Some(text), ..Default::default() }))
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct RateForm {
    on: String,
    satisfaction: String,
}

async fn rate(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RateForm>,
) -> PageResult<Response> {
    let today = state.today();
    step(&state, &user, &id, Capability::EditDisclosure, "rate", |m| {
        let on = date(&f.on, "评价日期")?;
        if on > today {
            return Err("评价日期不能晚于今天".into());
        }
        let rating = Satisfaction::parse(&f.satisfaction).map_err(|e| e.message)?;
        let next = rules::rate(&m.handling, rating, on, &super::settings()).map_err(|e| e.to_string())?;
        Ok((next, StepText::default()))
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PublishForm {
    on: String,
    disclosure: String,
    reason: String,
    summary: String,
}

async fn publish(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<PublishForm>,
) -> PageResult<Response> {
    let today = state.today();
    step(&state, &user, &id, Capability::ApproveDisclosure, "publish", |m| {
        let on = date(&f.on, "公开日期")?;
        if on > today {
            return Err("公开日期不能晚于今天".into());
        }
        let how = Disclosure::parse(&f.disclosure).map_err(|e| e.message)?;
        let reason = gongkai_core::field::optional_multiline("reason", "理由", &f.reason, 500)
            .map_err(|e| e.message)?
            .unwrap_or_default();
        let next = rules::decide_publication(&m.facts, &m.handling, how, &reason, on).map_err(|e| e.to_string())?;
        // What the portal shows: the reply in full, or the summary typed here; contact
        // details are always taken out.
        let shown = match how {
            Disclosure::Full => Some(m.reply_text.clone().unwrap_or_default()),
            Disclosure::Summary => Some(
                gongkai_core::field::required_multiline("summary", "答复摘要", &f.summary, 5_000)
                    .map_err(|e| e.message)?,
            ),
            Disclosure::NotPublished => None,
        }
        .map(|t| rules::redact_contacts(&t));
        Ok((
            next,
            StepText {
                disclosure_reason: (!reason.is_empty()).then_some(reason),
                published_text: shown,
                ..Default::default()
            },
        ))
    })
    .await
}
