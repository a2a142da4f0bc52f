//! Console pages of targeted push: groups, the gateway, campaigns and their deliveries,
//! the recipients (only for the holding body's own staff) and the printed lists.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::{CsrfForm, messages, path_id};
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::ids::{CampaignId, DeliveryId, ItemId, OrgId, PushGroupId, RecipientId};
use gongkai_core::orgs::access::Capability;
use gongkai_core::pushes::{
    CampaignInput, Channel, DeliveryStatus, GroupInput, RecipientInput, compose, may_see_recipients,
};
use gongkai_store::catalog::ItemLine;
use gongkai_store::orgs;
use gongkai_store::pushes::{self as store, Campaign, Delivery, Group, Recipient, Tally};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/pushes", get(overview))
        .route("/console/orgs/{id}/push-groups", post(add_group))
        .route("/console/push-groups/{id}", post(update_group))
        .route("/console/orgs/{id}/push-gateway", post(set_gateway))
        .route("/console/orgs/{id}/push-campaigns", post(create_campaign))
        .route("/console/orgs/{id}/push-recipients", get(recipients).post(register))
        .route("/console/push-recipients/{id}/withdraw", post(withdraw))
        .route("/console/push-campaigns/{id}", get(campaign))
        .route("/console/push-campaigns/{id}/launch", post(launch))
        .route("/console/push-campaigns/{id}/print", get(print))
        .route("/console/push-campaigns/{id}/printed", post(printed))
        .route("/console/push-deliveries/{id}/resend", post(resend))
}

/// The documents a campaign may carry: the body's published, public items, newest first.
async fn publishable(state: &AppState, org: OrgId) -> Result<Vec<ItemLine>, AppError> {
    Ok(gongkai_store::catalog::published(&state.db, org, 300).await?)
}

pub struct CampaignLine {
    pub c: Campaign,
    pub t: Tally,
}

#[derive(Template)]
#[template(path = "pushes/console/pushes.html")]
struct Overview {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    groups: Vec<Group>,
    campaigns: Vec<CampaignLine>,
    items: Vec<ItemLine>,
    gateway_url: String,
    can_edit: bool,
    can_manage: bool,
    may_see: bool,
    recipients: usize,
    errors: Vec<String>,
    form: CampaignInput,
    channels: Vec<(&'static str, &'static str)>,
}

impl Overview {
    fn item_checked(&self, id: &ItemId) -> bool {
        self.form.items.iter().any(|x| x.trim() == id.to_string())
    }
    fn group_checked(&self, id: &PushGroupId) -> bool {
        self.form.groups.iter().any(|x| x.trim() == id.to_string())
    }
    fn channel_checked(&self, code: &str) -> bool {
        self.form.channels.iter().any(|x| x.trim() == code)
    }
}

async fn overview_page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    form: CampaignInput,
    errors: Vec<String>,
) -> PageResult<Overview> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let campaigns = store::campaigns(&state.db, org).await?.into_iter().map(|(c, t)| CampaignLine { c, t }).collect();
    let may_see = may_see_recipients(&user.principal, org);
    Ok(Overview {
        title: format!("{}：定向推送", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        groups: store::groups(&state.db, org).await?,
        campaigns,
        items: publishable(state, org).await?,
        gateway_url: store::gateway(&state.db, org).await?.map(|g| g.url).unwrap_or_default(),
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        can_manage: user.principal.can(Capability::ManageOrg, org, &tree),
        recipients: store::recipients(&state.db, org).await?.iter().filter(|r| r.withdrawn_at.is_none()).count(),
        may_see,
        errors,
        form,
        channels: Channel::ALL.iter().map(|c| (c.code(), c.label())).collect(),
    })
}

async fn overview(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let form = CampaignInput {
        channels: vec!["email".into(), "site".into(), "webhook".into(), "print".into()],
        ..Default::default()
    };
    Ok(render(&overview_page(&state, &user, org, form, vec![]).await?))
}

async fn refused_overview(state: &AppState, user: &ConsoleUser, org: OrgId, why: Vec<String>) -> PageResult<Response> {
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(&overview_page(state, user, org, CampaignInput::default(), why).await?),
    )
        .into_response())
}

fn back(org: OrgId) -> Response {
    Redirect::to(&format!("/console/orgs/{org}/pushes")).into_response()
}

async fn add_group(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<GroupInput>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    match f.parse() {
        Ok(g) => match store::add_group(&state.db, &user.actor(), org, &g).await {
            Ok(_) => Ok(back(org)),
            Err(gongkai_store::StoreError::Duplicate { .. }) => {
                refused_overview(&state, &user, org, vec![format!("已有名为“{}”的群体", g.name)]).await
            }
            Err(e) => Err(e.into()),
        },
        Err(e) => refused_overview(&state, &user, org, messages(e)).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct GroupUpdate {
    name: String,
    description: String,
    retired: String,
}

async fn update_group(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<GroupUpdate>,
) -> PageResult<Response> {
    let g = store::group(&state.db, PushGroupId(path_id(&id)?)).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, g.org_id).await?;
    let input = GroupInput { name: f.name, description: f.description };
    match input.parse() {
        Ok(facts) => match store::update_group(&state.db, &user.actor(), &g, &facts, f.retired == "on").await {
            Ok(()) => Ok(back(g.org_id)),
            Err(gongkai_store::StoreError::Duplicate { .. }) => {
                refused_overview(&state, &user, g.org_id, vec![format!("已有名为“{}”的群体", facts.name)]).await
            }
            Err(e) => Err(e.into()),
        },
        Err(e) => refused_overview(&state, &user, g.org_id, messages(e)).await,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct GatewayForm {
    url: String,
    secret: String,
}

async fn set_gateway(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<GatewayForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::ManageOrg, org).await?;
    if f.url.trim().is_empty() {
        store::set_gateway(&state.db, &user.actor(), org, None).await?;
        return Ok(back(org));
    }
    let url = match gongkai_core::orgs::parse_website("url", &f.url) {
        Ok(u) => u,
        Err(e) => return refused_overview(&state, &user, org, vec![format!("网关地址无效：{}", e.message)]).await,
    };
    // Keep the secret when only the address changes.
    let secret = match (f.secret.trim(), store::gateway(&state.db, org).await?) {
        ("", Some(old)) => old.secret,
        ("", None) => return refused_overview(&state, &user, org, vec!["请填写网关签名密钥".into()]).await,
        (s, _) if s.chars().count() < 16 => {
            return refused_overview(&state, &user, org, vec!["签名密钥至少 16 个字符".into()]).await;
        }
        (s, _) => s.to_string(),
    };
    store::set_gateway(&state.db, &user.actor(), org, Some(&store::Gateway { url, secret })).await?;
    Ok(back(org))
}

async fn create_campaign(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let input = CampaignInput::from_pairs(&pairs);
    let asked: Vec<i64> = input.items.iter().filter_map(|x| x.trim().parse().ok()).collect();
    let items = super::publishable_of(&state, org, &asked).await?;
    let groups = store::live_group_ids(&state.db, org).await?;
    match input.parse(&items, &groups) {
        Ok(f) => {
            let id = store::create_campaign(&state.db, &user.actor(), org, &f).await?;
            Ok(Redirect::to(&format!("/console/push-campaigns/{id}")).into_response())
        }
        Err(e) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&overview_page(&state, &user, org, input, messages(e)).await?),
        )
            .into_response()),
    }
}

/// The recipients' page and every write on them: only the holding body's own staff.
async fn require_holder(state: &AppState, user: &ConsoleUser, cap: Capability, org: OrgId) -> Result<(), AppError> {
    crate::orgs::access::require(state, &user.principal, cap, org).await?;
    if !may_see_recipients(&user.principal, org) {
        return Err(AppError::Forbidden("推送对象的个人信息仅本机关工作人员可以查看".into()));
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "pushes/console/recipients.html")]
struct RecipientsPage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    people: Vec<Recipient>,
    groups: Vec<Group>,
    can_edit: bool,
    errors: Vec<String>,
    form: RecipientInput,
    channels: Vec<(&'static str, &'static str)>,
}

impl RecipientsPage {
    fn group_names(&self, r: &Recipient) -> String {
        let names: Vec<&str> =
            self.groups.iter().filter(|g| r.groups.contains(&g.id)).map(|g| g.name.as_str()).collect();
        names.join("、")
    }
    fn channel_names(&self, r: &Recipient) -> String {
        r.channels.iter().map(|c| c.label()).collect::<Vec<_>>().join("、")
    }
    fn group_checked(&self, id: &PushGroupId) -> bool {
        self.form.has_group(id)
    }
    fn channel_checked(&self, code: &str) -> bool {
        self.form.channels.iter().any(|c| c == code)
    }
}

async fn recipients_page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    form: RecipientInput,
    errors: Vec<String>,
) -> PageResult<RecipientsPage> {
    require_holder(state, user, Capability::View, org).await?;
    let tree = orgs::tree(&state.db).await?;
    let o = orgs::get(&state.db, org).await?;
    Ok(RecipientsPage {
        title: format!("{}：推送对象", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        people: store::recipients(&state.db, org).await?,
        groups: store::groups(&state.db, org).await?,
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        errors,
        form,
        channels: Channel::ALL.iter().map(|c| (c.code(), c.label())).collect(),
    })
}

async fn recipients(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    Ok(render(&recipients_page(&state, &user, org, RecipientInput::default(), vec![]).await?))
}

async fn register(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    require_holder(&state, &user, Capability::EditDisclosure, org).await?;
    let input = RecipientInput::from_pairs(&pairs);
    let groups = store::live_group_ids(&state.db, org).await?;
    let refused = |why: Vec<String>, input: RecipientInput| async {
        Ok::<_, AppError>(
            (StatusCode::UNPROCESSABLE_ENTITY, render(&recipients_page(&state, &user, org, input, why).await?))
                .into_response(),
        )
    };
    match input.parse(&groups, &Channel::ALL) {
        Ok(f) => {
            match store::register(&state.db, &user.actor(), org, &f, store::Source::Staff, &super::new_token()).await {
                Ok(_) => Ok(Redirect::to(&format!("/console/orgs/{org}/push-recipients")).into_response()),
                Err(gongkai_store::StoreError::Duplicate { .. }) => {
                    refused(vec!["该电子邮箱或手机号码已登记为推送对象".into()], input).await
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => refused(messages(e), input).await,
    }
}

async fn withdraw(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let r = store::recipient(&state.db, RecipientId(path_id(&id)?)).await?;
    require_holder(&state, &user, Capability::EditDisclosure, r.org_id).await?;
    store::withdraw(&state.db, &user.actor(), &r).await?;
    Ok(Redirect::to(&format!("/console/orgs/{}/push-recipients", r.org_id)).into_response())
}

#[derive(Template)]
#[template(path = "pushes/console/campaign.html")]
struct CampaignPage {
    title: String,
    nav: Nav,
    org_name: String,
    c: Campaign,
    t: Tally,
    docs: Vec<(ItemId, String)>,
    group_names: String,
    channel_names: String,
    deliveries: Vec<Delivery>,
    may_see: bool,
    can_launch: bool,
    can_edit: bool,
    prints: usize,
    errors: Vec<String>,
}

impl CampaignPage {
    fn status_label(&self, d: &Delivery) -> String {
        gongkai_core::pushes::delivery_label(d.status, d.channel, d.attempts)
    }
}

async fn campaign_page(
    state: &AppState,
    user: &ConsoleUser,
    id: CampaignId,
    errors: Vec<String>,
) -> PageResult<CampaignPage> {
    let c = store::campaign(&state.db, id).await?;
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, c.org_id).await?;
    let o = orgs::get(&state.db, c.org_id).await?;
    let groups = store::groups(&state.db, c.org_id).await?;
    let ids: Vec<i64> = c.facts.items.iter().map(|i| i.0).collect();
    let docs =
        gongkai_store::catalog::items_by_ids(&state.db, &ids).await?.into_iter().map(|i| (i.id, i.title)).collect();
    let deliveries = store::deliveries(&state.db, id).await?;
    Ok(CampaignPage {
        title: format!("{}：{}", o.name, c.facts.title),
        nav: user.nav(state),
        org_name: o.name,
        t: store::tally(&state.db, id).await?,
        docs,
        group_names: groups
            .iter()
            .filter(|g| c.facts.groups.contains(&g.id))
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        channel_names: c.facts.channels.iter().map(|x| x.label()).collect::<Vec<_>>().join("、"),
        prints: deliveries.iter().filter(|d| d.channel == Channel::Print && d.status == DeliveryStatus::Queued).count(),
        deliveries,
        may_see: may_see_recipients(&user.principal, c.org_id),
        can_launch: user.principal.can(Capability::ApproveDisclosure, c.org_id, &tree),
        can_edit: user.principal.can(Capability::EditDisclosure, c.org_id, &tree),
        errors,
        c,
    })
}

async fn campaign(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    Ok(render(&campaign_page(&state, &user, CampaignId(path_id(&id)?), vec![]).await?))
}

async fn refused_campaign(state: &AppState, user: &ConsoleUser, id: CampaignId, why: String) -> PageResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&campaign_page(state, user, id, vec![why]).await?)).into_response())
}

async fn launch(
    State(state): State<AppState>,
    user: ConsoleUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let c = store::campaign(&state.db, CampaignId(path_id(&id)?)).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::ApproveDisclosure, c.org_id).await?;
    let base = crate::catalog::portal::base_url(&state, &headers);
    match store::launch(&state.db, &user.actor(), &c, &base).await {
        Ok(_) => Ok(Redirect::to(&format!("/console/push-campaigns/{}", c.id)).into_response()),
        Err(gongkai_store::StoreError::Conflict(m)) => refused_campaign(&state, &user, c.id, m).await,
        Err(e) => Err(e.into()),
    }
}

pub struct PrintLine {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "pushes/console/print.html")]
struct PrintPage {
    title: String,
    nav: Nav,
    c: Campaign,
    org_name: String,
    lines: Vec<PrintLine>,
}

async fn print(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let c = store::campaign(&state.db, CampaignId(path_id(&id)?)).await?;
    require_holder(&state, &user, Capability::View, c.org_id).await?;
    let o = orgs::get(&state.db, c.org_id).await?;
    let base = c.base_url.clone().unwrap_or_default();
    let docs = super::linked_docs(&state.db, &c).await?;
    let mut lines = Vec::new();
    for d in store::deliveries(&state.db, c.id).await? {
        if d.channel != Channel::Print || d.status != DeliveryStatus::Queued {
            continue;
        }
        let r = store::recipient(&state.db, d.recipient_id).await?;
        let manage = format!("{base}/push/{}", r.token);
        lines.push(PrintLine {
            text: compose(&o.name, &c.facts.title, &c.facts.message, &r.name, &docs, &manage).text,
            name: r.name,
            address: r.contact.address.unwrap_or_default(),
            phone: r.contact.phone.unwrap_or_default(),
        });
    }
    Ok(render(&PrintPage {
        title: format!("{}：线下送达清单", c.facts.title),
        nav: user.nav(&state),
        c,
        org_name: o.name,
        lines,
    }))
}

async fn printed(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let c = store::campaign(&state.db, CampaignId(path_id(&id)?)).await?;
    require_holder(&state, &user, Capability::EditDisclosure, c.org_id).await?;
    store::mark_printed(&state.db, &user.actor(), &c).await?;
    Ok(Redirect::to(&format!("/console/push-campaigns/{}", c.id)).into_response())
}

async fn resend(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let d = store::delivery(&state.db, DeliveryId(path_id(&id)?)).await?;
    let c = store::campaign(&state.db, d.campaign_id).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, c.org_id).await?;
    match store::resend(&state.db, &user.actor(), &d, c.org_id).await {
        Ok(()) => Ok(Redirect::to(&format!("/console/push-campaigns/{}", c.id)).into_response()),
        Err(gongkai_store::StoreError::Conflict(m)) => refused_campaign(&state, &user, c.id, m).await,
        Err(e) => Err(e.into()),
    }
}
