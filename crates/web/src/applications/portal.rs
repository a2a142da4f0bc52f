//! Public pages for applications: choose the agency, apply, receipt, track by query code.

use crate::applications::ops::{self, query_code_hash};
use crate::error::{AppError, PageResult};
use crate::http::csrf;
use crate::http::forms::CsrfForm;
use crate::http::limits::Bucket;
use crate::pages::{
    ApplicationForm, ApplyOrgsPage, ApplyPage, FormChoices, Nav, ReceiptPage, TrackPage, TrackedPage, render,
};
use crate::state::AppState;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::applications::Channel;
use gongkai_core::applications::identity::{mask_id, mask_phone};
use gongkai_core::applications::intake::ApplicationInput;
use gongkai_store::{Actor, applications as store, orgs};
use std::net::SocketAddr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apply", get(choose))
        .route("/apply/{code}", get(form).post(submit))
        .route("/track", get(track_form).post(track))
}

/// Submissions and look-ups allowed per address and minute.
const APPLY_PER_MINUTE: u32 = 10;
const TRACK_PER_MINUTE: u32 = 20;

async fn choose(State(state): State<AppState>) -> PageResult<Response> {
    let list = orgs::list(&state.db).await?.into_iter().map(|o| (o.short_code, o.name)).collect();
    Ok(render(&ApplyOrgsPage { title: "依申请公开", nav: Nav::default(), orgs: list }))
}

pub(crate) fn input_of(f: &ApplicationForm) -> ApplicationInput {
    ApplicationInput {
        applicant_kind: f.applicant_kind.clone(),
        applicant_name: f.applicant_name.clone(),
        contact_person: f.contact_person.clone(),
        id_kind: f.id_kind.clone(),
        id_number: f.id_number.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        address: f.address.clone(),
        info_title: f.info_title.clone(),
        info_doc_number: f.info_doc_number.clone(),
        info_description: f.info_description.clone(),
        // The choice lists arrive in Traditional characters from the 繁體 view of the form.
        delivery_form: gongkai_text::to_simplified(&f.delivery_form),
        delivery_method: gongkai_text::to_simplified(&f.delivery_method),
    }
}

fn apply_page(
    state: &AppState,
    headers: &HeaderMap,
    org: &orgs::Org,
    form: ApplicationForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Response {
    let (token, cookie) = csrf::page_token(&state.secret, headers, state.config.cookie_secure);
    let c = FormChoices::new();
    let page = ApplyPage {
        title: format!("向{}申请政府信息公开", org.name),
        nav: Nav { csrf: token, ..Default::default() },
        org_code: org.short_code.clone(),
        org_name: org.name.clone(),
        form,
        errors,
        kinds: c.kinds,
        id_kinds: c.id_kinds,
        forms: c.forms,
        methods: c.methods,
    };
    csrf::with_cookie((status, render(&page)).into_response(), cookie)
}

async fn form(State(state): State<AppState>, headers: HeaderMap, Path(code): Path<String>) -> PageResult<Response> {
    let org = orgs::find(&state.db, &code).await?;
    Ok(apply_page(&state, &headers, &org, ApplicationForm::default(), vec![], StatusCode::OK))
}

async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<ApplicationForm>,
) -> PageResult<Response> {
    if !state.limiter.allow(Bucket::Apply, state.client_ip(addr, &headers), APPLY_PER_MINUTE) {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            render(&crate::pages::ErrorPage::new(429, "提交过于频繁，请稍后再试".into(), vec![])),
        )
            .into_response());
    }
    let org = orgs::find(&state.db, &code).await?;
    let input = input_of(&form);
    let actor = Actor::system("portal");
    match ops::register(&state, &actor, org.id, &input, Channel::Online, state.today()).await {
        Ok((created, query_code)) => {
            let (token, cookie) = csrf::page_token(&state.secret, &headers, state.config.cookie_secure);
            let page = ReceiptPage {
                title: "申请已提交",
                nav: Nav { csrf: token, ..Default::default() },
                serial: created.serial,
                query_code,
                rule: Channel::Online.receipt_rule(),
                org_name: org.name,
                applicant: form.applicant_name.trim().to_string(),
                id_masked: mask_id(form.id_number.trim()),
                title_text: form.info_title.trim().to_string(),
                submitted: state.today().to_string(),
            };
            Ok(csrf::with_cookie(render(&page), cookie))
        }
        Err(AppError::Invalid(errs)) => {
            let msgs = errs.0.into_iter().map(|e| e.message).collect();
            Ok(apply_page(&state, &headers, &org, form, msgs, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e),
    }
}

fn track_page(state: &AppState, headers: &HeaderMap, error: Option<String>, status: StatusCode) -> Response {
    let (token, cookie) = csrf::page_token(&state.secret, headers, state.config.cookie_secure);
    let page = TrackPage { title: "办理进度查询", nav: Nav { csrf: token, ..Default::default() }, error };
    csrf::with_cookie((status, render(&page)).into_response(), cookie)
}

async fn track_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    track_page(&state, &headers, None, StatusCode::OK)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TrackForm {
    code: String,
}

/// Look up by query code (POST, so the code never appears in URLs or access logs).
async fn track(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<TrackForm>,
) -> PageResult<Response> {
    if !state.limiter.allow(Bucket::Track, state.client_ip(addr, &headers), TRACK_PER_MINUTE) {
        return Ok(track_page(
            &state,
            &headers,
            Some("查询过于频繁，请稍后再试".into()),
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    let Some(a) = store::by_query_code(&state.db, &query_code_hash(&f.code)).await? else {
        return Ok(track_page(&state, &headers, Some("查询码不正确，请核对后重新输入".into()), StatusCode::NOT_FOUND));
    };
    let org = orgs::get(&state.db, a.org_id).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let s = ops::settings();
    let case = store::case(&state.db, a.id, &s, &cal).await?;
    let clock = case.clock(&s, &cal, state.today()).map_err(|e| AppError::Internal(e.into()))?;
    let events = store::events(&state.db, a.id).await?;
    let log: Vec<gongkai_core::applications::Event> = events.into_iter().map(|r| r.event).collect();
    let reply = gongkai_core::applications::public::reply(&case, &log);
    let letter = match reply {
        Some(_) => {
            // The receipt promises the reply here: a letter that cannot be rendered is an error, not a gap.
            Some(
                crate::applications::letters::letter_for(
                    &state,
                    &a,
                    gongkai_core::applications::letters::LetterKind::Reply,
                )
                .await?,
            )
        }
        None => None,
    };
    let page = TrackedPage {
        letter,
        title: "申请办理情况",
        nav: Nav::default(),
        id_masked: mask_id(&a.id_number),
        phone_masked: a.phone.as_deref().map(mask_phone).unwrap_or_default(),
        org_name: org.name,
        status: case.status.label(),
        due: clock.due.map(|d| crate::applications::ops::due_label(d, clock.provisional.is_some())),
        clock_lines: clock.lines,
        reply: reply.map(|r| (r.outcome, r.basis, r.summary)),
        events: gongkai_core::applications::public::steps(&log),
        a,
    };
    Ok(render(&page))
}
