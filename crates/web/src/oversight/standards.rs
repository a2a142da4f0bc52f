//! Console pages of standard catalogs: a supervising body's templates, adoption by the
//! bodies below it, matters (with local ones), the links from published records to the
//! matters they fulfil, name lists, and each matter's compliance.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::{CsrfForm, messages, pair, path_id};
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::ids::{ItemId, OrgId};
use gongkai_core::orgs::OrgTree;
use gongkai_core::orgs::access::Capability;
use gongkai_core::oversight::standards::{
    Audience, Channel, Compliance, ItemCheck, Level, Mode, StandardItemInput, StartEvent, parse_catalog_name,
    roster_from_table,
};
use gongkai_store::catalog::ItemLine;
use gongkai_store::orgs;
use gongkai_store::oversight::{self as store, CatalogRow, ItemRow, Link};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/standards", get(list).post(create_template))
        .route("/console/orgs/{id}/standards/adopt", post(adopt))
        .route("/console/standard-domains", post(add_domain))
        .route("/console/standards/{id}", get(show))
        .route("/console/standards/{id}/items", post(add_item))
        .route("/console/standards/{id}/publish", post(publish))
        .route("/console/standard-items/{id}", get(edit_item).post(update_item))
        .route("/console/standard-items/{id}/link", post(link))
        .route("/console/standard-links/{record}/unlink", post(unlink))
        .route("/console/standard-links/{record}/roster", post(roster))
}

#[derive(Template)]
#[template(path = "oversight/console/standards.html")]
struct ListPage {
    title: String,
    nav: Nav,
    org_id: i64,
    org_name: String,
    catalogs: Vec<(CatalogRow, Compliance)>,
    adoptable: Vec<CatalogRow>,
    domains: Vec<store::Domain>,
    can_edit: bool,
    has_children: bool,
    system_admin: bool,
    errors: Vec<String>,
}

async fn list_page(state: &AppState, user: &ConsoleUser, org: OrgId, errors: Vec<String>) -> PageResult<ListPage> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let mut catalogs = vec![];
    for c in store::catalogs_of(&state.db, org).await? {
        let total =
            if c.is_template() { Compliance::default() } else { store::compliance(&state.db, c.id, &cal).await?.1 };
        catalogs.push((c, total));
    }
    let above: Vec<OrgId> = tree.ancestors_or_self(org).into_iter().skip(1).collect();
    let held: Vec<i64> = catalogs.iter().map(|(c, _)| c.domain_id).collect();
    let adoptable =
        store::templates_of(&state.db, &above).await?.into_iter().filter(|t| !held.contains(&t.domain_id)).collect();
    let has_children = orgs::list(&state.db).await?.iter().any(|x| x.parent_id == Some(org));
    Ok(ListPage {
        title: format!("{}：基层政务公开标准目录", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        catalogs,
        adoptable,
        domains: store::domains(&state.db).await?,
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        has_children,
        system_admin: user.principal.system_admin,
        errors,
    })
}

async fn list(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    Ok(render(&list_page(&state, &user, OrgId(path_id(&id)?), vec![]).await?))
}

async fn create_template(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let domain: i64 = pair(&pairs, "domain_id").parse().map_err(|_| AppError::BadRequest("请选择领域".into()))?;
    if !store::domains(&state.db).await?.iter().any(|d| d.id == domain) {
        return Err(AppError::BadRequest("请选择领域".into()));
    }
    match parse_catalog_name(pair(&pairs, "name")) {
        Ok(name) => match store::create_template(&state.db, &user.actor(), org, domain, &name).await {
            Ok(c) => Ok(Redirect::to(&format!("/console/standards/{c}")).into_response()),
            Err(gongkai_store::StoreError::Duplicate { .. }) => Ok((
                StatusCode::CONFLICT,
                render(&list_page(&state, &user, org, vec!["本机构已有该领域的标准目录".into()]).await?),
            )
                .into_response()),
            Err(e) => Err(e.into()),
        },
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&list_page(&state, &user, org, vec![e.message]).await?))
                .into_response())
        }
    }
}

async fn adopt(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let tree = crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let template: i64 = pair(&pairs, "template").parse().map_err(|_| AppError::BadRequest("请选择目录模板".into()))?;
    let t = store::catalog(&state.db, template).await?;
    // Only a template of a body above this one can be adopted.
    if !super::below(&tree, t.org_id, org) {
        return Err(AppError::NotFound);
    }
    let c = store::adopt(&state.db, &user.actor(), org, template, state.today()).await?;
    Ok(Redirect::to(&format!("/console/standards/{c}")).into_response())
}

async fn add_domain(
    State(state): State<AppState>,
    user: ConsoleUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    if !user.principal.system_admin {
        return Err(AppError::Forbidden("只有系统管理员可以增加标准目录领域".into()));
    }
    let name = gongkai_core::field::required_text("name", "领域名称", pair(&pairs, "name"), 30)?;
    match store::add_domain(&state.db, &user.actor(), &name).await {
        Ok(_) | Err(gongkai_store::StoreError::Duplicate { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let back = pair(&pairs, "back");
    let back = if back.starts_with("/console/") { back.to_string() } else { "/console".into() };
    Ok(Redirect::to(&back).into_response())
}

/// One matter with where it stands and the records linked to it.
pub struct MatterLine {
    pub row: ItemRow,
    pub check: ItemCheck,
    pub links: Vec<Link>,
}

#[derive(Template)]
#[template(path = "oversight/console/standard.html")]
struct CatalogPage {
    title: String,
    nav: Nav,
    c: CatalogRow,
    matters: Vec<MatterLine>,
    total: Compliance,
    can_edit: bool,
    can_publish: bool,
    unlinked: Vec<ItemLine>,
    form: StandardItemInput,
    errors: Vec<String>,
    choices: Choices,
}

/// The option lists of the matter form.
pub struct Choices {
    pub channels: Vec<(&'static str, &'static str)>,
    pub levels: Vec<(&'static str, &'static str)>,
    pub starts: Vec<(&'static str, &'static str)>,
    pub audiences: Vec<(&'static str, &'static str)>,
    pub modes: Vec<(&'static str, &'static str)>,
}

impl Choices {
    fn new() -> Self {
        Self {
            channels: Channel::ALL.iter().map(|c| (c.code(), c.label())).collect(),
            levels: Level::ALL.iter().map(|c| (c.code(), c.label())).collect(),
            starts: StartEvent::ALL.iter().map(|c| (c.code(), c.label())).collect(),
            audiences: Audience::ALL.iter().map(|c| (c.code(), c.label())).collect(),
            modes: Mode::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        }
    }
}

async fn catalog_page(
    state: &AppState,
    user: &ConsoleUser,
    id: i64,
    form: StandardItemInput,
    errors: Vec<String>,
) -> PageResult<CatalogPage> {
    let c = store::catalog(&state.db, id).await?;
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, c.org_id).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let (checks, total) = store::compliance(&state.db, id, &cal).await?;
    let links = store::links(&state.db, id).await?;
    let linked: Vec<ItemId> = links.iter().map(|l| l.item_id).collect();
    let matters = checks
        .into_iter()
        .map(|(row, check)| {
            let links = links.iter().filter(|l| l.standard_item_id == row.id).cloned().collect();
            MatterLine { row, check, links }
        })
        .collect();
    let can_edit = user.principal.can(Capability::EditDisclosure, c.org_id, &tree);
    let unlinked = if can_edit && !c.is_template() {
        gongkai_store::catalog::published(&state.db, c.org_id, 300)
            .await?
            .into_iter()
            .filter(|i| !linked.contains(&i.id))
            .collect()
    } else {
        vec![]
    };
    Ok(CatalogPage {
        title: format!("{}：{}", c.org_name, c.name),
        nav: user.nav(state),
        can_publish: c.is_template()
            && c.published_on.is_none()
            && user.principal.can(Capability::ApproveDisclosure, c.org_id, &tree),
        c,
        matters,
        total,
        can_edit,
        unlinked,
        form,
        errors,
        choices: Choices::new(),
    })
}

fn default_form() -> StandardItemInput {
    StandardItemInput {
        start: StartEvent::Changed.code().into(),
        working_days: "20".into(),
        audience: Audience::Public.code().into(),
        mode: Mode::Proactive.code().into(),
        channels: vec![Channel::Website.code().into()],
        ..Default::default()
    }
}

async fn show(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    Ok(render(&catalog_page(&state, &user, path_id(&id)?, default_form(), vec![]).await?))
}

async fn add_item(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let id: i64 = path_id(&id)?;
    let c = store::catalog(&state.db, id).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, c.org_id).await?;
    let input = StandardItemInput::from_pairs(&pairs);
    match input.parse() {
        Ok(item) => {
            store::add_item(&state.db, &user.actor(), c.org_id, id, &item).await?;
            Ok(Redirect::to(&format!("/console/standards/{id}")).into_response())
        }
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&catalog_page(&state, &user, id, input, messages(e)).await?))
                .into_response())
        }
    }
}

async fn publish(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let id: i64 = path_id(&id)?;
    let c = store::catalog(&state.db, id).await?;
    crate::orgs::access::require(&state, &user.principal, Capability::ApproveDisclosure, c.org_id).await?;
    store::publish_template(&state.db, &user.actor(), c.org_id, id, state.today()).await?;
    Ok(Redirect::to(&format!("/console/standards/{id}")).into_response())
}

/// A matter and its catalog, after checking that the user may edit the catalog's body.
async fn editable_matter(state: &AppState, user: &ConsoleUser, id: i64) -> Result<(ItemRow, CatalogRow), AppError> {
    let row = store::item(&state.db, id).await?;
    let c = store::catalog(&state.db, row.catalog_id).await?;
    crate::orgs::access::require(state, &user.principal, Capability::EditDisclosure, c.org_id).await?;
    Ok((row, c))
}

#[derive(Template)]
#[template(path = "oversight/console/standard_item.html")]
struct ItemPage {
    title: String,
    nav: Nav,
    c: CatalogRow,
    id: i64,
    form: StandardItemInput,
    errors: Vec<String>,
    choices: Choices,
}

async fn item_page(
    state: &AppState,
    user: &ConsoleUser,
    id: i64,
    form: Option<StandardItemInput>,
    errors: Vec<String>,
) -> PageResult<ItemPage> {
    let (row, c) = editable_matter(state, user, id).await?;
    Ok(ItemPage {
        title: format!("修改标准目录事项：{}", row.item.path()),
        nav: user.nav(state),
        c,
        id,
        form: form.unwrap_or_else(|| StandardItemInput::of(&row.item)),
        errors,
        choices: Choices::new(),
    })
}

async fn edit_item(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    Ok(render(&item_page(&state, &user, path_id(&id)?, None, vec![]).await?))
}

async fn update_item(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let id: i64 = path_id(&id)?;
    let (_, c) = editable_matter(&state, &user, id).await?;
    let input = StandardItemInput::from_pairs(&pairs);
    match input.parse() {
        Ok(item) => {
            store::update_item(&state.db, &user.actor(), c.org_id, id, &item).await?;
            Ok(Redirect::to(&format!("/console/standards/{}", c.id)).into_response())
        }
        Err(e) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&item_page(&state, &user, id, Some(input), messages(e)).await?),
        )
            .into_response()),
    }
}

async fn link(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let id: i64 = path_id(&id)?;
    let (_, c) = editable_matter(&state, &user, id).await?;
    let record = ItemId(pair(&pairs, "record").parse().map_err(|_| AppError::BadRequest("请选择已发布的信息".into()))?);
    let cal = gongkai_store::calendars::active(&state.db).await?;
    store::link(&state.db, &cal, &user.actor(), c.org_id, record, id).await?;
    Ok(Redirect::to(&format!("/console/standards/{}#m{id}", c.id)).into_response())
}

/// The catalog a linked record's matter belongs to, after checking the user may edit it.
async fn linked_catalog(
    state: &AppState,
    user: &ConsoleUser,
    record: ItemId,
) -> Result<(OrgId, i64, ItemRow), AppError> {
    let item = gongkai_store::catalog::get(&state.db, record).await?;
    crate::orgs::access::require(state, &user.principal, Capability::EditDisclosure, item.org_id).await?;
    let links = store::link_of(&state.db, record).await?.ok_or(AppError::NotFound)?;
    let row = store::item(&state.db, links).await?;
    Ok((item.org_id, row.catalog_id, row))
}

async fn unlink(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(record): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let record = ItemId(path_id(&record)?);
    let (org, catalog, _) = linked_catalog(&state, &user, record).await?;
    store::unlink(&state.db, &user.actor(), org, record).await?;
    Ok(Redirect::to(&format!("/console/standards/{catalog}")).into_response())
}

async fn roster(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(record): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let record = ItemId(path_id(&record)?);
    let (org, catalog, row) = linked_catalog(&state, &user, record).await?;
    let r = roster_from_table(pair(&pairs, "table"), &row.item.list_fields)?;
    store::set_roster(&state.db, &user.actor(), org, record, &r).await?;
    Ok(Redirect::to(&format!("/console/standards/{catalog}#m{}", row.id)).into_response())
}
