//! Console pages of public consultations.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::{CsrfForm, path_id};
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::consultations::{
    Adoption, ConsultationInput, MEETING_KINDS, MeetingFacts, MeetingInput, Moderation, can_publish_report,
    decide_adoption,
};
use gongkai_core::ids::{CommentId, ConsultationId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_store::consultations::{self as store, Comment, Consultation};
use gongkai_store::orgs;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/consultations", get(list).post(create))
        .route("/console/consultations/{id}", get(detail))
        .route("/console/consultations/{id}/meetings", post(meeting))
        .route("/console/consultations/{id}/report", post(report))
        .route("/console/consultations/{id}/final", post(link_final))
        .route("/console/comments/{id}/moderate", post(moderate))
        .route("/console/comments/{id}/adopt", post(adopt))
}

pub struct Line {
    pub c: Consultation,
    pub state: &'static str,
    pub comments: usize,
    pub pending: usize,
}

#[derive(Template)]
#[template(path = "consultations/console/consultations.html")]
struct ListPage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    lines: Vec<Line>,
    can_edit: bool,
    errors: Vec<String>,
    form: ConsultationInput,
}

async fn list_page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    form: ConsultationInput,
    errors: Vec<String>,
) -> PageResult<ListPage> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let today = state.today();
    let mut lines = Vec::new();
    for c in store::list(&state.db, org).await? {
        let comments = store::comments(&state.db, c.id, false).await?;
        lines.push(Line {
            state: c.facts.phase(today, c.report_published_on.is_some()),
            comments: comments.len(),
            pending: comments.iter().filter(|x| x.moderation == Moderation::Pending).count(),
            c,
        });
    }
    Ok(ListPage {
        title: format!("{}：意见征集", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        lines,
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        errors,
        form,
    })
}

async fn list(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let form = ConsultationInput { opens_on: state.today().to_string(), ..Default::default() };
    Ok(render(&list_page(&state, &user, org, form, vec![]).await?))
}

async fn create(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ConsultationInput>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    match f.parse(&super::settings()) {
        Ok(facts) => {
            let id = store::create(&state.db, &user.actor(), org, &facts).await?;
            Ok(Redirect::to(&format!("/console/consultations/{id}")).into_response())
        }
        Err(e) => {
            let msgs = e.0.into_iter().map(|x| x.message).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&list_page(&state, &user, org, f, msgs).await?))
                .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "consultations/console/consultation.html")]
struct DetailPage {
    title: String,
    nav: Nav,
    c: Consultation,
    org_name: String,
    state: &'static str,
    meetings: Vec<MeetingFacts>,
    comments: Vec<Comment>,
    closed: bool,
    can_edit: bool,
    can_publish: bool,
    errors: Vec<String>,
    today: String,
    meeting_kinds: [&'static str; 4],
    adoptions: Vec<(&'static str, &'static str)>,
    /// The linked final document (id, title), and what may be linked.
    final_doc: Option<(i64, String)>,
    documents: Vec<gongkai_store::catalog::ItemLine>,
}

async fn detail_page(
    state: &AppState,
    user: &ConsoleUser,
    id: ConsultationId,
    errors: Vec<String>,
) -> PageResult<DetailPage> {
    let c = store::get(&state.db, id).await?;
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, c.org_id).await?;
    let o = orgs::get(&state.db, c.org_id).await?;
    let today = state.today();
    Ok(DetailPage {
        title: format!("{}：{}", o.name, c.facts.title),
        nav: user.nav(state),
        org_name: o.name,
        state: c.facts.phase(today, c.report_published_on.is_some()),
        meetings: store::meetings(&state.db, id).await?,
        comments: store::comments(&state.db, id, false).await?,
        closed: today > c.facts.closes_on,
        can_edit: user.principal.can(Capability::EditDisclosure, c.org_id, &tree),
        can_publish: user.principal.can(Capability::ApproveDisclosure, c.org_id, &tree),
        errors,
        today: today.to_string(),
        meeting_kinds: MEETING_KINDS,
        adoptions: Adoption::ALL.iter().map(|a| (a.code(), a.label())).collect(),
        final_doc: super::final_doc(state, &c).await?,
        documents: super::documents(state, c.org_id).await?,
        c,
    })
}

async fn detail(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    Ok(render(&detail_page(&state, &user, ConsultationId(path_id(&id)?), vec![]).await?))
}

async fn refused(state: &AppState, user: &ConsoleUser, id: ConsultationId, why: Vec<String>) -> PageResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&detail_page(state, user, id, why).await?)).into_response())
}

async fn meeting(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<MeetingInput>,
) -> PageResult<Response> {
    let c = store::get(&state.db, ConsultationId(path_id(&id)?)).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, c.org_id).await?;
    match f.parse(state.today()) {
        Ok(m) => {
            store::add_meeting(&state.db, &user.actor(), &c, &m).await?;
            Ok(Redirect::to(&format!("/console/consultations/{}", c.id)).into_response())
        }
        Err(e) => refused(&state, &user, c.id, e.0.into_iter().map(|x| x.message).collect()).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ModerateForm {
    moderation: String,
}

async fn comment_and_org(
    state: &AppState,
    user: &ConsoleUser,
    id: &str,
) -> Result<(CommentId, Consultation), AppError> {
    let comment = CommentId(path_id(id)?);
    let (cid, org) = store::owner(&state.db, comment).await?;
    crate::orgs::access::require(state, &user.principal, Capability::EditDisclosure, org).await?;
    Ok((comment, store::get(&state.db, cid).await?))
}

async fn moderate(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ModerateForm>,
) -> PageResult<Response> {
    let (comment, c) = comment_and_org(&state, &user, &id).await?;
    let m = Moderation::parse(&f.moderation)
        .filter(|m| *m != Moderation::Pending)
        .ok_or_else(|| AppError::BadRequest("审核结果无效".into()))?;
    store::moderate(&state.db, &user.actor(), comment, m).await?;
    Ok(Redirect::to(&format!("/console/consultations/{}", c.id)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AdoptForm {
    adoption: String,
    reason: String,
}

async fn adopt(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<AdoptForm>,
) -> PageResult<Response> {
    let (comment, c) = comment_and_org(&state, &user, &id).await?;
    if c.report_published_on.is_some() {
        return refused(&state, &user, c.id, vec!["采纳情况已公布，不能再修改".into()]).await;
    }
    let decided = Adoption::parse(&f.adoption)
        .and_then(|a| decide_adoption(&c.facts, state.today(), a, &f.reason).map(|r| (a, r)));
    match decided {
        Ok((a, reason)) => {
            store::adopt(&state.db, &user.actor(), comment, a, &reason).await?;
            Ok(Redirect::to(&format!("/console/consultations/{}", c.id)).into_response())
        }
        Err(e) => refused(&state, &user, c.id, vec![e.message]).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReportForm {
    summary: String,
}

async fn report(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ReportForm>,
) -> PageResult<Response> {
    let c = store::get(&state.db, ConsultationId(path_id(&id)?)).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::ApproveDisclosure, c.org_id).await?;
    let comments = store::comments(&state.db, c.id, false).await?;
    let undecided = comments.iter().filter(|x| x.adoption.is_none()).count();
    if let Err(why) = can_publish_report(&c.facts, state.today(), undecided) {
        return refused(&state, &user, c.id, vec![why.into()]).await;
    }
    let summary = match gongkai_core::field::required_multiline("summary", "采纳情况说明", &f.summary, 20_000) {
        Ok(s) => s,
        Err(e) => return refused(&state, &user, c.id, vec![e.message]).await,
    };
    store::publish_report(&state.db, &user.actor(), &c, state.today(), &summary).await?;
    Ok(Redirect::to(&format!("/console/consultations/{}", c.id)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct FinalForm {
    item: String,
}

/// Link the document finally adopted (published later than the report, as a rule).
async fn link_final(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<FinalForm>,
) -> PageResult<Response> {
    let c = store::get(&state.db, ConsultationId(path_id(&id)?)).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, c.org_id).await?;
    let item = match f.item.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(n) if super::documents(&state, c.org_id).await?.iter().any(|d| d.id.0 == n) => {
                Some(gongkai_core::ids::ItemId(n))
            }
            _ => return refused(&state, &user, c.id, vec!["最终文件须为本机关已主动公开的文件".into()]).await,
        },
    };
    store::set_final(&state.db, &user.actor(), &c, item).await?;
    Ok(Redirect::to(&format!("/console/consultations/{}", c.id)).into_response())
}
