//! The portal side of targeted push: registering with consent, and the personal link
//! (no login) with the in-site messages and the withdrawal of consent.

use crate::error::{AppError, PageResult};
use crate::http::csrf;
use crate::http::forms::CsrfForm;
use crate::http::limits::Bucket;
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::pushes::{Channel, RecipientInput};
use gongkai_store::orgs;
use gongkai_store::pushes::{self as store, Group, InboxLine, Recipient};
use std::net::SocketAddr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/o/{org}/subscribe", get(form).post(subscribe))
        .route("/push/{token}", get(personal))
        .route("/push/{token}/withdraw", post(withdraw))
}

#[derive(Template)]
#[template(path = "pushes/portal/subscribe.html")]
struct SubscribePage {
    title: String,
    nav: Nav,
    org_name: String,
    short_code: String,
    groups: Vec<Group>,
    channels: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
    form: RecipientInput,
}

impl SubscribePage {
    fn group_checked(&self, id: &gongkai_core::ids::PushGroupId) -> bool {
        self.form.has_group(id)
    }
    fn channel_checked(&self, code: &str) -> bool {
        self.form.channels.iter().any(|c| c == code)
    }
}

async fn org_of(state: &AppState, code: &str) -> Result<orgs::Org, AppError> {
    let o = orgs::find(&state.db, code).await?;
    if o.short_code != code {
        return Err(AppError::NotFound);
    }
    Ok(o)
}

/// What the portal offers (`core::pushes::portal_channels`).
async fn offered(state: &AppState, org: gongkai_core::ids::OrgId) -> Result<Vec<Channel>, AppError> {
    Ok(gongkai_core::pushes::portal_channels(store::gateway(&state.db, org).await?.is_some()))
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    o: &orgs::Org,
    form: RecipientInput,
    errors: Vec<String>,
    status: StatusCode,
) -> PageResult<Response> {
    let (token, cookie) = csrf::page_token(&state.secret, headers, state.config.cookie_secure);
    let p = SubscribePage {
        title: format!("{}政策推送订阅", o.name),
        nav: Nav { csrf: token, ..Default::default() },
        org_name: o.name.clone(),
        short_code: o.short_code.clone(),
        groups: store::groups(&state.db, o.id).await?.into_iter().filter(|g| !g.retired).collect(),
        channels: offered(state, o.id).await?.into_iter().map(|c| (c.code(), c.label())).collect(),
        errors,
        form,
    };
    Ok(csrf::with_cookie((status, render(&p)).into_response(), cookie))
}

async fn form(State(state): State<AppState>, headers: HeaderMap, Path(code): Path<String>) -> PageResult<Response> {
    let o = org_of(&state, &code).await?;
    let form = RecipientInput { channels: vec!["site".into()], ..Default::default() };
    page(&state, &headers, &o, form, vec![], StatusCode::OK).await
}

async fn subscribe(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let o = org_of(&state, &code).await?;
    if !state.limiter.allow(Bucket::Subscribe, state.client_ip(addr, &headers), super::REGISTRATIONS_PER_MINUTE) {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            render(&crate::pages::ErrorPage::new(429, "提交过于频繁，请稍后再试".into(), vec![])),
        )
            .into_response());
    }
    let input = RecipientInput::from_pairs(&pairs);
    // A filled honeypot is a robot: refused without saying why.
    if pairs.iter().any(|(k, v)| k == "website" && !v.trim().is_empty()) {
        return page(
            &state,
            &headers,
            &o,
            input,
            vec!["提交未能处理，请稍后再试".into()],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let groups = store::live_group_ids(&state.db, o.id).await?;
    let facts = match input.parse(&groups, &offered(&state, o.id).await?) {
        Ok(f) => f,
        Err(e) => {
            let why = e.0.into_iter().map(|x| x.message).collect();
            return page(&state, &headers, &o, input, why, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let token = super::new_token();
    let actor = gongkai_store::audit::Actor::system(gongkai_store::pushes::PORTAL_ACTOR);
    match store::register(&state.db, &actor, o.id, &facts, store::Source::Portal, &token).await {
        Ok(_) => Ok(Redirect::to(&format!("/push/{token}?new=1")).into_response()),
        Err(gongkai_store::StoreError::Duplicate { .. }) => {
            let why = vec![
                "该电子邮箱或手机号码已经登记。请使用登记时获得的个人链接（每条推送消息末尾也有）管理订阅；如已遗失，请联系本机关。"
                    .into(),
            ];
            page(&state, &headers, &o, input, why, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct Message {
    pub line: InboxLine,
    pub docs: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "pushes/portal/personal.html")]
struct PersonalPage {
    title: String,
    nav: Nav,
    org_name: String,
    short_code: String,
    r: Recipient,
    group_names: String,
    channel_names: String,
    messages: Vec<Message>,
    notice: Option<String>,
    token: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Flags {
    new: String,
    withdrawn: String,
}

/// The personal link's pages are the person's own: never cached, indexed or leaked as a
/// referrer to the documents they link.
fn private(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
    resp
}

async fn personal(
    State(state): State<AppState>,
    Path(token): Path<String>,
    crate::http::forms::Params(q): crate::http::forms::Params<Flags>,
) -> PageResult<Response> {
    let r = store::by_token(&state.db, &token).await?.ok_or(AppError::NotFound)?;
    let o = orgs::get(&state.db, r.org_id).await?;
    let groups = store::groups(&state.db, r.org_id).await?;
    let mut messages = Vec::new();
    for line in store::inbox(&state.db, r.id).await? {
        let ids: Vec<i64> = line.campaign.facts.items.iter().map(|i| i.0).collect();
        let docs = gongkai_store::catalog::items_by_ids(&state.db, &ids)
            .await?
            .into_iter()
            .filter(|i| i.is_public())
            .map(|i| (i.id.0, i.title))
            .collect();
        messages.push(Message { line, docs });
    }
    let notice = if q.new == "1" {
        Some("登记成功。请收藏本页地址：这是您的个人链接，可在此查看推送消息或随时撤回同意。".to_string())
    } else if q.withdrawn == "1" {
        Some("您已撤回同意，今后不再收到推送。".to_string())
    } else {
        None
    };
    let p = PersonalPage {
        title: format!("{}政策推送", o.name),
        nav: Nav::default(),
        org_name: o.name,
        short_code: o.short_code,
        group_names: groups
            .iter()
            .filter(|g| r.groups.contains(&g.id))
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        channel_names: r.channels.iter().map(|c| c.label()).collect::<Vec<_>>().join("、"),
        messages,
        notice,
        token,
        r,
    };
    Ok(private(render(&p)))
}

/// Withdraw consent from the personal link. No login and no CSRF token: the link's secret
/// is what proves the person, and a mail client's one-click unsubscribe (RFC 8058) posts
/// here without a page.
async fn withdraw(State(state): State<AppState>, Path(token): Path<String>) -> PageResult<Response> {
    let r = store::by_token(&state.db, &token).await?.ok_or(AppError::NotFound)?;
    store::withdraw(&state.db, &gongkai_store::audit::Actor::system(gongkai_store::pushes::PORTAL_ACTOR), &r).await?;
    Ok(private(Redirect::to(&format!("/push/{token}?withdrawn=1")).into_response()))
}
