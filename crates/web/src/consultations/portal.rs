//! The portal's consultation column: open drafts with the comment form, shown comments,
//! and the adoption reports.

use crate::error::{AppError, PageResult};
use crate::http::csrf;
use crate::http::forms::{CsrfForm, path_id};
use crate::http::limits::Bucket;
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use gongkai_core::consultations::{CommentInput, MeetingFacts, public_name};
use gongkai_core::ids::ConsultationId;
use gongkai_store::consultations::{self as store, Comment, Consultation};
use gongkai_store::orgs;
use std::net::SocketAddr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/o/{org}/consultations", get(list))
        .route("/o/{org}/consultations/{id}", get(one).post(comment))
}

#[derive(Template)]
#[template(path = "consultations/portal/consultations.html")]
struct ListPage {
    title: String,
    nav: Nav,
    org_name: String,
    short_code: String,
    open: Vec<Consultation>,
    closed: Vec<Consultation>,
}

pub struct Shown {
    pub who: String,
    pub article: String,
    pub text: String,
    pub adoption: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "consultations/portal/consultation.html")]
struct OnePage {
    title: String,
    nav: Nav,
    org_name: String,
    short_code: String,
    c: Consultation,
    open: bool,
    meetings: Vec<MeetingFacts>,
    comments: Vec<Shown>,
    errors: Vec<String>,
    notice: Option<String>,
    form: CommentInput,
    adopted: usize,
    total: usize,
    final_doc: Option<(i64, String)>,
}

async fn org_of(state: &AppState, code: &str) -> Result<orgs::Org, AppError> {
    let o = orgs::find(&state.db, code).await?;
    if o.short_code != code {
        return Err(AppError::NotFound);
    }
    Ok(o)
}

async fn list(State(state): State<AppState>, Path(code): Path<String>) -> PageResult<Response> {
    let o = org_of(&state, &code).await?;
    let today = state.today();
    let all: Vec<Consultation> =
        store::list(&state.db, o.id).await?.into_iter().filter(|c| c.facts.opens_on <= today).collect();
    let (open, closed) = all.into_iter().partition(|c| c.facts.is_open(today));
    Ok(render(&ListPage {
        title: format!("{}意见征集", o.name),
        nav: Nav::default(),
        org_name: o.name,
        short_code: o.short_code,
        open,
        closed,
    }))
}

fn shown(c: &Comment, report: bool) -> Shown {
    Shown {
        who: public_name(c.facts.name.as_deref()),
        article: c.facts.article.clone().unwrap_or_default(),
        text: c.facts.text.clone(),
        adoption: if report { c.adoption.map(|a| a.label().to_string()).unwrap_or_default() } else { String::new() },
        reason: if report { c.reason.clone().unwrap_or_default() } else { String::new() },
    }
}

/// What the commenter sees besides the consultation: the form as typed, and what to say.
#[derive(Default)]
struct Said {
    form: CommentInput,
    errors: Vec<String>,
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    o: &orgs::Org,
    c: Consultation,
    said: Said,
    status: StatusCode,
) -> PageResult<Response> {
    let Said { form, errors, notice } = said;
    let (token, cookie) = csrf::page_token(&state.secret, headers, state.config.cookie_secure);
    let report = c.report_published_on.is_some();
    let all = store::comments(&state.db, c.id, false).await?;
    // Shown comments only; with the report, how many comments in all and how many adopted.
    let comments = all
        .iter()
        .filter(|x| x.moderation == gongkai_core::consultations::Moderation::Shown)
        .map(|x| shown(x, report))
        .collect();
    let adopted = all
        .iter()
        .filter(|x| x.adoption.is_some_and(|a| a != gongkai_core::consultations::Adoption::NotAdopted))
        .count();
    let p = OnePage {
        title: c.facts.title.clone(),
        nav: Nav { csrf: token, ..Default::default() },
        org_name: o.name.clone(),
        short_code: o.short_code.clone(),
        open: c.facts.is_open(state.today()),
        meetings: store::meetings(&state.db, c.id).await?,
        comments,
        errors,
        notice,
        form,
        adopted,
        total: all.len(),
        final_doc: super::final_doc(state, &c).await?,
        c,
    };
    Ok(csrf::with_cookie((status, render(&p)).into_response(), cookie))
}

async fn consultation_of(state: &AppState, o: &orgs::Org, id: &str) -> Result<Consultation, AppError> {
    let c = store::get(&state.db, ConsultationId(path_id(id)?)).await?;
    if c.org_id != o.id || c.facts.opens_on > state.today() {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Sent {
    sent: String,
}

async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((code, id)): Path<(String, String)>,
    crate::http::forms::Params(q): crate::http::forms::Params<Sent>,
) -> PageResult<Response> {
    let o = org_of(&state, &code).await?;
    let c = consultation_of(&state, &o, &id).await?;
    let notice = (q.sent == "1").then(|| "您的意见已提交，审核后公开显示。感谢您的参与！".to_string());
    page(&state, &headers, &o, c, Said { notice, ..Default::default() }, StatusCode::OK).await
}

async fn comment(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((code, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<CommentInput>,
) -> PageResult<Response> {
    let o = org_of(&state, &code).await?;
    let c = consultation_of(&state, &o, &id).await?;
    if !state.limiter.allow(Bucket::Comment, state.client_ip(addr, &headers), super::COMMENTS_PER_MINUTE) {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            render(&crate::pages::ErrorPage::new(429, "提交过于频繁，请稍后再试".into(), vec![])),
        )
            .into_response());
    }
    match f.parse(&c.facts, state.today()) {
        Err(refused) => {
            let why = refused.to_string();
            page(
                &state,
                &headers,
                &o,
                c,
                Said { form: f, errors: vec![why], notice: None },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Ok(Err(e)) => {
            let msgs = e.0.into_iter().map(|x| x.message).collect();
            page(
                &state,
                &headers,
                &o,
                c,
                Said { form: f, errors: msgs, notice: None },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Ok(Ok(facts)) => {
            store::add_comment(&state.db, c.id, &facts).await?;
            Ok(Redirect::to(&format!("/o/{}/consultations/{}?sent=1", o.short_code, c.id)).into_response())
        }
    }
}
