//! Console pages of proactive disclosure: the catalog list with its Art. 26 flags, the
//! item form (attribute and legal reason chosen when drafting), review and approval,
//! validity changes, attachments, the column tree and index-number pattern, the periodic
//! assessment screen and bulk import with a dry run.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::Params;
use crate::http::forms::path_id;
use crate::http::forms::{CsrfForm, CsrfMultipart};
use crate::pages::{Nav, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::catalog::draft::date;
use gongkai_core::catalog::{
    Attribute, ColumnKind, IndexPattern, InterpretationForm, ItemKind, Status, Validity, WithholdReason,
};
use gongkai_core::field::required_text;
use gongkai_core::ids::{ColumnId, ItemId, OrgId};
use gongkai_core::orgs::access::Capability;
use gongkai_core::{FieldError, FieldErrors};
use gongkai_store::catalog::{self, CatalogError, Column, Draft, Entry, Item, ItemFilter, ItemLine};
use gongkai_store::orgs::{self, Org};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/catalog", get(list).post(create))
        .route("/console/orgs/{id}/catalog/new", get(new_form))
        .route("/console/orgs/{id}/catalog/assessment", get(assessment))
        .route(
            "/console/orgs/{id}/catalog/import",
            get(import_form).post(import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route("/console/orgs/{id}/columns", get(columns_page).post(save_column))
        .route("/console/orgs/{id}/catalog/settings", post(save_settings))
        .route("/console/columns/{id}/delete", post(delete_column))
        .route("/console/catalog/{id}", get(item_page).post(update))
        .route("/console/catalog/{id}/submit", post(submit))
        .route("/console/catalog/{id}/approve", post(approve))
        .route("/console/catalog/{id}/return", post(return_item))
        .route("/console/catalog/{id}/validity", post(validity))
        .route(
            "/console/catalog/{id}/attachments",
            post(attach).layer(DefaultBodyLimit::max(crate::http::rich::MAX_ATTACHMENT + 64 * 1024)),
        )
        .route("/console/files/{id}", get(download))
        .route("/console/files/{id}/delete", post(remove_file))
}

const IMPORT_LIMIT: usize = 100 * 1024 * 1024;

/// The item form as typed (also one row of a CSV/JSON import); parsed by core.
pub type ItemForm = gongkai_core::catalog::draft::ItemInput;

/// Parse the form: look up the document an interpretation explains, then let core parse.
pub async fn parse_form(
    state: &AppState,
    org: OrgId,
    cols: &[Column],
    f: &ItemForm,
) -> Result<Result<Draft, FieldErrors>, AppError> {
    use gongkai_core::catalog::draft::Interprets;
    let interprets = match f.interprets.trim() {
        "" => Interprets::NotGiven,
        raw => find_item(state, org, raw).await?.map_or(Interprets::NotFound, Interprets::Found),
    };
    let columns: Vec<(ColumnId, &str)> = cols.iter().map(|c| (c.id, c.slug.as_str())).collect();
    Ok(f.parse(&columns, interprets, crate::http::rich::sanitize))
}

/// The form of a stored item, for editing.
fn form_of(i: &Item, cols: &[Column], interprets_index: String) -> ItemForm {
    ItemForm {
        column: cols.iter().find(|c| c.id == i.column_id).map(|c| c.slug.clone()).unwrap_or_default(),
        kind: i.kind.code().into(),
        title: i.title.clone(),
        summary: i.summary.clone(),
        body: i.body_html.clone(),
        issuer: i.issuer.clone(),
        co_issuers: i.co_issuers.clone(),
        doc_number: i.doc_number.clone().unwrap_or_default(),
        genre: i.genre.clone(),
        subject: i.subject.clone(),
        keywords: i.keywords.clone(),
        attribute: i.attribute.code().into(),
        withhold_reason: i.withhold_reason.clone().unwrap_or_default(),
        formed_on: i.formed_on.clone(),
        effective_on: i.effective_on.clone().unwrap_or_default(),
        interprets: interprets_index,
        interp_form: i.interp_form.clone().unwrap_or_default(),
        media_url: i.media_url.clone().unwrap_or_default(),
        ..Default::default()
    }
}

/// An item of `org` by index number or id; a database error is an error, not "not found".
async fn find_item(state: &AppState, org: OrgId, raw: &str) -> Result<Option<ItemId>, AppError> {
    if let Ok(id) = raw.parse::<ItemId>() {
        return match catalog::get(&state.db, id).await {
            Ok(i) => Ok((i.org_id == org).then_some(i.id)),
            Err(gongkai_store::StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        };
    }
    Ok(catalog::find_by_index(&state.db, org, raw).await?)
}

#[derive(Template)]
#[template(path = "catalog/console/catalog.html")]
struct ListPage {
    title: String,
    nav: Nav,
    org: Org,
    items: Vec<ItemLine>,
    total: i64,
    late_total: i64,
    missing_interp: Vec<ItemLine>,
    status: String,
    late: bool,
    page: i64,
    pages: i64,
    can_edit: bool,
    /// Batch import is for approvers (it publishes).
    can_import: bool,
    statuses: Vec<(&'static str, &'static str)>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    status: String,
    late: String,
    page: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Params(q): Params<ListQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let tree = crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let status = Status::parse(&q.status);
    let late = q.late == "1";
    let filter = ItemFilter { org_id: Some(org), status, late_only: late, ..Default::default() };
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = catalog::list(&state.db, &filter, (page - 1) * 50, 50).await?;
    let (_, late_total) =
        catalog::list(&state.db, &ItemFilter { org_id: Some(org), late_only: true, ..Default::default() }, 0, 1)
            .await?;
    Ok(render(&ListPage {
        title: format!("{}：主动公开信息", o.name),
        nav: user.nav(&state),
        missing_interp: catalog::without_interpretation(&state.db, org).await?,
        org: o,
        items,
        total,
        late_total,
        status: q.status,
        late,
        page,
        pages: ((total + 49) / 50).max(1),
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        can_import: user.principal.can(Capability::ApproveDisclosure, org, &tree),
        statuses: Status::ALL.iter().map(|s| (s.code(), s.label())).collect(),
    }))
}

#[derive(Template)]
#[template(path = "catalog/console/catalog_item.html")]
struct ItemPage {
    title: String,
    nav: Nav,
    org: Org,
    /// `None` on the new-item form.
    item: Option<Item>,
    form: ItemForm,
    errors: Vec<String>,
    columns: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    attributes: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    forms: Vec<(&'static str, &'static str)>,
    validities: Vec<(&'static str, &'static str)>,
    attachments: Vec<catalog::Attachment>,
    interpretations: Vec<Item>,
    history: Vec<catalog::ValidityEntry>,
    can_edit: bool,
    can_approve: bool,
    editable: bool,
    today: String,
    warnings: Vec<String>,
}

impl ItemPage {
    fn status_label(&self) -> &'static str {
        self.item.as_ref().map_or("", |i| i.status.label())
    }
    /// When it was approved, in Beijing time.
    fn approved_at(&self) -> String {
        self.item.as_ref().and_then(|i| i.approved_at.as_deref()).map(crate::pages::beijing).unwrap_or_default()
    }
}

async fn item_page_for(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    item: Option<Item>,
    form: Option<ItemForm>,
    errors: Vec<String>,
) -> Result<ItemPage, AppError> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let cols = catalog::columns(&state.db, org).await?;
    let mut warnings = Vec::new();
    let (attachments, interpretations, history) = match &item {
        Some(i) => (
            catalog::attachments(&state.db, i.id).await?,
            catalog::interpretations_of(&state.db, i.id).await?,
            catalog::validity_entries(&state.db, i.id).await?,
        ),
        None => Default::default(),
    };
    let form = match (form, &item) {
        (Some(f), _) => f,
        (None, Some(i)) => {
            let idx = match i.interprets_id {
                Some(t) => match catalog::get(&state.db, t).await {
                    Ok(t) => t.index_no.or(Some(t.id.to_string())),
                    Err(gongkai_store::StoreError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
                None => None,
            };
            form_of(i, &cols, idx.unwrap_or_default())
        }
        (None, None) => ItemForm {
            attribute: Attribute::Proactive.code().into(),
            issuer: o.name.clone(),
            formed_on: state.today().to_string(),
            ..Default::default()
        },
    };
    if let Some(i) = &item {
        if i.kind().has_validity() && interpretations.is_empty() {
            warnings.push("本规范性文件尚无政策解读：按要求应与文件同步起草、同步审签、同步发布解读。".into());
        }
        if i.late {
            warnings.push(format!(
                "本信息于 {} 发布，超过第二十六条规定的公开时限（应在 {} 前公开）。",
                i.published_on.as_deref().unwrap_or(""),
                i.publish_by.as_deref().unwrap_or("")
            ));
        }
        if let Some(n) = &i.review_note
            && i.status() == Status::Draft
        {
            warnings.push(format!("审核退回意见：{n}"));
        }
    }
    let editable = item.as_ref().is_none_or(|i| i.status() == Status::Draft);
    Ok(ItemPage {
        title: match &item {
            Some(i) => format!("{}：{}", o.name, i.title),
            None => format!("{}：新建主动公开信息", o.name),
        },
        nav: user.nav(state),
        columns: tree_options(&cols),
        kinds: ItemKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        attributes: Attribute::ALL.iter().map(|a| (a.code(), a.label())).collect(),
        reasons: WithholdReason::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        forms: InterpretationForm::ALL.iter().map(|f| (f.code(), f.label())).collect(),
        validities: Validity::ALL.iter().map(|v| (v.code(), v.label())).collect(),
        can_edit: user.principal.can(Capability::EditDisclosure, org, &tree),
        can_approve: user.principal.can(Capability::ApproveDisclosure, org, &tree),
        editable,
        today: state.today().to_string(),
        org: o,
        item,
        form,
        errors,
        attachments,
        interpretations,
        history,
        warnings,
    })
}

/// Columns as (slug, indented name) for selects.
fn tree_options(cols: &[Column]) -> Vec<(String, String)> {
    crate::catalog::portal::tree_of(cols)
        .into_iter()
        .map(|l| (l.column.slug.clone(), format!("{}{}", "　".repeat(l.depth), l.column.name)))
        .collect()
}

async fn new_form(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    Ok(render(&item_page_for(&state, &user, org, None, None, vec![]).await?))
}

fn messages(e: &FieldErrors) -> Vec<String> {
    e.0.iter().map(|x| x.message.clone()).collect()
}

async fn create(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ItemForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::EditDisclosure, org).await?;
    let cols = catalog::columns(&state.db, org).await?;
    let draft = match parse_form(&state, org, &cols, &f).await? {
        Ok(d) => d,
        Err(e) => {
            let page = item_page_for(&state, &user, org, None, Some(f), messages(&e)).await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    let cal = gongkai_store::calendars::active(&state.db).await?;
    match catalog::create(&state.db, &cal, &user.actor(), org, &draft, Entry::Draft).await {
        Ok(id) => Ok(Redirect::to(&format!("/console/catalog/{id}")).into_response()),
        Err(CatalogError::Refused(m)) => {
            let page = item_page_for(&state, &user, org, None, Some(f), vec![m]).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(AppError::from(e)),
    }
}

/// The item and its organisation, after checking `cap`.
async fn load(state: &AppState, user: &ConsoleUser, id: &str, cap: Capability) -> Result<(Item, OrgId), AppError> {
    let item = catalog::get(&state.db, path_id(id)?).await?;
    let org = item.org_id;
    crate::orgs::access::require(state, &user.principal, cap, org).await?;
    Ok((item, org))
}

async fn item_page(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let (item, org) = load(&state, &user, &id, Capability::View).await?;
    Ok(render(&item_page_for(&state, &user, org, Some(item), None, vec![]).await?))
}

async fn update(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ItemForm>,
) -> PageResult<Response> {
    let (item, org) = load(&state, &user, &id, Capability::EditDisclosure).await?;
    let cols = catalog::columns(&state.db, org).await?;
    let result = match parse_form(&state, org, &cols, &f).await? {
        Ok(d) => catalog::update(&state.db, &user.actor(), org, item.id, &d).await.map_err(|e| match e {
            CatalogError::Refused(m) => Ok(vec![m]),
            e => Err(AppError::from(e)),
        }),
        Err(e) => Err(Ok(messages(&e))),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/console/catalog/{}", item.id)).into_response()),
        Err(Ok(errors)) => {
            let page = item_page_for(&state, &user, org, Some(item), Some(f), errors).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(Err(e)) => Err(e),
    }
}

async fn submit(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::http::forms::Empty>,
) -> PageResult<Response> {
    let (item, org) = load(&state, &user, &id, Capability::EditDisclosure).await?;
    catalog::submit(&state.db, &user.actor(), org, item.id).await.map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/console/catalog/{}", item.id)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ApproveForm {
    published_on: String,
}

async fn approve(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ApproveForm>,
) -> PageResult<Response> {
    let (item, org) = load(&state, &user, &id, Capability::ApproveDisclosure).await?;
    let today = state.today();
    let on = date("published_on", "发布日期", &f.published_on)?.unwrap_or(today);
    if on > today {
        return Err(AppError::Invalid(FieldErrors(vec![FieldError::new("published_on", "发布日期不能晚于今天")])));
    }
    let cal = gongkai_store::calendars::active(&state.db).await?;
    catalog::approve(&state.db, &cal, &user.actor(), org, item.id, on).await.map_err(AppError::from)?;
    // Read-your-writes: the item is searchable when the approver lands on the portal.
    if let Err(e) = crate::catalog::indexer::refresh(&state).await {
        tracing::error!(error = %e, "search index catch-up after publication failed");
    }
    Ok(Redirect::to(&format!("/console/catalog/{}", item.id)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReturnForm {
    note: String,
}

async fn return_item(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ReturnForm>,
) -> PageResult<Response> {
    let (item, org) = load(&state, &user, &id, Capability::ApproveDisclosure).await?;
    let note = gongkai_core::field::required_multiline("note", "退回意见", &f.note, 1000)?;
    catalog::return_for_changes(&state.db, &user.actor(), org, item.id, &note).await.map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/console/catalog/{}", item.id)).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ValidityForm {
    validity: String,
    on: String,
    note: String,
    /// Where to go back to (the assessment screen posts here too).
    back: String,
}

async fn validity(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ValidityForm>,
) -> PageResult<Response> {
    let (item, org) = load(&state, &user, &id, Capability::ApproveDisclosure).await?;
    let mut e = FieldErrors::new();
    let v = e.take(Validity::parse(&f.validity));
    let on = e.take(date("on", "变更日期", &f.on)).flatten();
    if on.is_none() && e.is_empty() {
        e.push(FieldError::new("on", "变更日期不能为空"));
    }
    let note =
        e.take(gongkai_core::field::optional_multiline("note", "说明", &f.note, 500)).flatten().unwrap_or_default();
    let (Some(v), Some(on)) = (v, on) else { return Err(e.into()) };
    e.into_result()?;
    catalog::set_validity(&state.db, &user.actor(), org, item.id, v, on, &note).await.map_err(AppError::from)?;
    let _ = crate::catalog::indexer::refresh(&state).await;
    let back = if f.back.starts_with("/console/") && !f.back.contains("//") {
        f.back
    } else {
        format!("/console/catalog/{}", item.id)
    };
    Ok(Redirect::to(&back).into_response())
}

async fn attach(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    mp: CsrfMultipart,
) -> PageResult<Response> {
    let (item, org) = load(&state, &user, &id, Capability::EditDisclosure).await?;
    let Some(file) = mp.files.into_iter().next() else {
        return Err(AppError::Invalid(FieldErrors(vec![FieldError::new("file", "请选择要上传的文件")])));
    };
    let a = attachment_from(&file.filename, file.data)
        .map_err(|m| AppError::Invalid(FieldErrors(vec![FieldError::new("file", m)])))?;
    catalog::add_attachment(&state.db, &user.actor(), org, item.id, &a).await?;
    let _ = crate::catalog::indexer::refresh(&state).await;
    Ok(Redirect::to(&format!("/console/catalog/{}", item.id)).into_response())
}

/// Check an uploaded file by content and extract its text.
pub fn attachment_from(filename: &str, data: Vec<u8>) -> Result<catalog::NewAttachment, String> {
    let kind = crate::http::rich::sniff(&data)?;
    let text = crate::http::rich::extract_text(kind, &data);
    Ok(catalog::NewAttachment {
        name: crate::http::rich::safe_name(filename, kind),
        mime: kind.mime().into(),
        sha256: crate::http::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(&data)),
        data,
        text,
    })
}

async fn remove_file(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::http::forms::Empty>,
) -> PageResult<Response> {
    let id = path_id(&id)?;
    let a = catalog::attachment(&state.db, id).await?;
    let (item, org) = load(&state, &user, &a.item_id.to_string(), Capability::EditDisclosure).await?;
    catalog::remove_attachment(&state.db, &user.actor(), org, id).await?;
    let _ = crate::catalog::indexer::refresh(&state).await;
    Ok(Redirect::to(&format!("/console/catalog/{}", item.id)).into_response())
}

async fn download(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let (a, data) = catalog::attachment_data(&state.db, path_id(&id)?).await?;
    load(&state, &user, &a.item_id.to_string(), Capability::View).await?;
    Ok(crate::catalog::portal::file_response(&a, data, crate::catalog::portal::Caching::Private))
}

#[derive(Template)]
#[template(path = "catalog/console/columns.html")]
struct ColumnsPage {
    title: String,
    nav: Nav,
    org: Org,
    columns: Vec<crate::catalog::portal::ColumnLine>,
    kinds: Vec<(&'static str, &'static str)>,
    pattern: String,
    errors: Vec<String>,
    can_manage: bool,
}

async fn columns_view(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    let cols = catalog::columns(&state.db, org).await?;
    let page = ColumnsPage {
        title: format!("{}：栏目和索引号", orgs::get(&state.db, org).await?.name),
        nav: user.nav(state),
        org: orgs::get(&state.db, org).await?,
        columns: crate::catalog::portal::tree_of(&cols),
        kinds: ColumnKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        pattern: catalog::index_pattern(&state.db, org).await?.as_str().to_string(),
        can_manage: user.principal.can(Capability::ManageOrg, org, &tree)
            || user.principal.can(Capability::ApproveDisclosure, org, &tree),
        errors,
    };
    let status =
        if page.errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, render(&page)).into_response())
}

async fn columns_page(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    columns_view(&state, &user, OrgId(path_id(&id)?), vec![]).await
}

/// Columns and the index pattern are set by the organisation admin or the approver.
async fn require_column_admin(state: &AppState, user: &ConsoleUser, org: OrgId) -> Result<(), AppError> {
    let tree = crate::orgs::access::require(state, &user.principal, Capability::View, org).await?;
    if user.principal.can(Capability::ManageOrg, org, &tree)
        || user.principal.can(Capability::ApproveDisclosure, org, &tree)
    {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ColumnForm {
    id: String,
    parent: String,
    slug: String,
    name: String,
    kind: String,
    description: String,
    position: String,
    limit_wd: String,
}

async fn save_column(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ColumnForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    require_column_admin(&state, &user, org).await?;
    let mut e = FieldErrors::new();
    let slug = e.take(gongkai_core::catalog::parse_slug(&f.slug));
    let name = e.take(required_text("name", "栏目名称", &f.name, 60));
    let kind = e.take(ColumnKind::parse(&f.kind));
    let limit = match f.limit_wd.trim() {
        "" => Some(None),
        raw => e.take(
            raw.parse::<u32>()
                .map_err(|_| FieldError::new("limit_wd", "公开时限应为整数个工作日"))
                .and_then(|n| gongkai_core::catalog::column_limit(Some(n)).map(Some)),
        ),
    };
    let parent = e.take(crate::http::forms::opt_id(&Some(f.parent.clone())));
    let column_id = e.take(crate::http::forms::opt_id(&Some(f.id.clone()))).flatten();
    let position = match f.position.trim() {
        "" => Some(1000),
        raw => e.take(raw.parse::<i64>().map_err(|_| FieldError::new("position", "排序应为整数"))),
    };
    let (true, Some(slug), Some(name), Some(kind), Some(position)) = (e.is_empty(), slug, name, kind, position) else {
        return columns_view(&state, &user, org, messages(&e)).await;
    };
    let facts = catalog::ColumnFacts {
        parent_id: parent.flatten(),
        slug,
        name,
        kind,
        description: f.description.trim().chars().take(300).collect(),
        position,
        limit_wd: limit.flatten(),
    };
    match catalog::save_column(&state.db, &user.actor(), org, column_id, &facts).await {
        Ok(_) => Ok(state.generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
            .map(|_| Redirect::to(&format!("/console/orgs/{}/columns", org.0)).into_response()),
        Err(CatalogError::Refused(m)) => columns_view(&state, &user, org, vec![m]).await,
        Err(e) => Err(AppError::from(e)),
    }
}

async fn delete_column(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::http::forms::Empty>,
) -> PageResult<Response> {
    let col = catalog::column(&state.db, path_id(&id)?).await?;
    let org = col.org_id;
    require_column_admin(&state, &user, org).await?;
    match catalog::delete_column(&state.db, &user.actor(), org, col.id).await {
        Ok(()) => Ok(state.generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
            .map(|_| Redirect::to(&format!("/console/orgs/{}/columns", org.0)).into_response()),
        Err(CatalogError::Refused(m)) => columns_view(&state, &user, org, vec![m]).await,
        Err(e) => Err(AppError::from(e)),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SettingsForm {
    index_pattern: String,
}

async fn save_settings(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<SettingsForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    require_column_admin(&state, &user, org).await?;
    match IndexPattern::parse(&f.index_pattern) {
        Ok(p) => {
            catalog::set_index_pattern(&state.db, &user.actor(), org, &p).await?;
            Ok(Redirect::to(&format!("/console/orgs/{}/columns", org.0)).into_response())
        }
        Err(e) => columns_view(&state, &user, org, vec![e.message]).await,
    }
}

#[derive(Template)]
#[template(path = "catalog/console/assessment.html")]
struct AssessmentPage {
    title: String,
    nav: Nav,
    org: Org,
    year: i32,
    items: Vec<ItemLine>,
    validities: Vec<(&'static str, &'static str)>,
    can_decide: bool,
    today: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
}

/// Periodic assessment (Art. 18 and the validity review of normative documents): every
/// document of a year with its attribute and validity, and a decision form per line.
async fn assessment(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    Params(q): Params<YearQuery>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let tree = crate::orgs::access::require(&state, &user.principal, Capability::View, org).await?;
    let year = q.year.unwrap_or(state.today().year() as i32 - 5);
    let mut items = Vec::new();
    for status in [Status::Published, Status::Registered] {
        let f = ItemFilter { org_id: Some(org), year: Some(year), status: Some(status), ..Default::default() };
        items.extend(catalog::list(&state.db, &f, 0, 2000).await?.0);
    }
    items.sort_by(|a, b| a.formed_on.cmp(&b.formed_on).then(a.id.cmp(&b.id)));
    Ok(render(&AssessmentPage {
        title: format!("{}：{year}年文件定期评估", orgs::get(&state.db, org).await?.name),
        nav: user.nav(&state),
        org: orgs::get(&state.db, org).await?,
        year,
        items,
        validities: Validity::ALL.iter().map(|v| (v.code(), v.label())).collect(),
        can_decide: user.principal.can(Capability::ApproveDisclosure, org, &tree),
        today: state.today().to_string(),
    }))
}

#[derive(Template)]
#[template(path = "catalog/console/catalog_import.html")]
struct ImportPage {
    title: String,
    nav: Nav,
    org: Org,
    report: Option<ImportReport>,
}

pub struct ImportReport {
    pub dry_run: bool,
    pub rows: usize,
    pub accepted: usize,
    pub refused: Vec<(usize, String)>,
    pub fatal: Option<String>,
}

async fn import_form(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    crate::orgs::access::require(&state, &user.principal, Capability::ApproveDisclosure, org).await?;
    Ok(render(&ImportPage {
        title: "批量导入主动公开信息".into(),
        nav: user.nav(&state),
        org: orgs::get(&state.db, org).await?,
        report: None,
    }))
}

async fn import(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    mp: CsrfMultipart,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    // Imported rows may enter as already published: an approver's act.
    crate::orgs::access::require(&state, &user.principal, Capability::ApproveDisclosure, org).await?;
    let dry_run = mp.field("dry_run") == "1";
    let report = match mp.files.into_iter().next() {
        None => {
            ImportReport {
                dry_run, rows: 0, accepted: 0, refused: vec![], fatal: Some("请选择要导入的文件".into())
            }
        }
        Some(file) => {
            crate::catalog::import::run(&state, &user.actor(), org, &file.filename, &file.data, dry_run).await?
        }
    };
    if !dry_run && report.accepted > 0 {
        let _ = crate::catalog::indexer::refresh(&state).await;
    }
    let status = if report.fatal.is_some() || !report.refused.is_empty() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((
        status,
        render(&ImportPage {
            title: "批量导入主动公开信息".into(),
            nav: user.nav(&state),
            org: orgs::get(&state.db, org).await?,
            report: Some(report),
        }),
    )
        .into_response())
}
