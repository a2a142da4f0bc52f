use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::path_id;
use crate::http::forms::{CsrfForm, opt_id};
use crate::orgs::access;
use crate::pages::{OrgForm, OrgFormPage, OrgPage, OrgsPage, render, tree_lines};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use gongkai_core::orgs::access::Capability;
use gongkai_core::orgs::{OrgId, OrgInput, OrgKind};
use gongkai_store::orgs::{self, Org};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs", get(list).post(create))
        .route("/console/orgs/new", get(new_form))
        .route("/console/orgs/{id}", get(show).post(update))
        .route("/console/orgs/{id}/edit", get(edit_form))
}

async fn list(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    let (visible, _) = access::visible_orgs(&state, &user.principal).await?;
    let all = orgs::list(&state.db).await?;
    let names = all.iter().map(|o| (o.id.0, o.name.clone())).collect();
    Ok(render(&OrgsPage {
        title: "机构",
        nav: user.nav(&state),
        can_create: user.principal.system_admin,
        orgs: tree_lines(visible, &names),
    }))
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    OrgKind::ALL.iter().map(|k| (k.code(), k.label())).collect()
}

fn form_of(o: &Org) -> OrgForm {
    OrgForm {
        name: o.name.clone(),
        short_code: o.short_code.clone(),
        kind: o.kind.code().into(),
        credit_code: o.credit_code.clone(),
        parent_id: o.parent_id.map(|p| p.0.to_string()).unwrap_or_default(),
        hosted_by_id: o.hosted_by_id.map(|p| p.0.to_string()).unwrap_or_default(),
        address: o.address.clone().unwrap_or_default(),
        office_hours: o.office_hours.clone().unwrap_or_default(),
        phone: o.phone.clone().unwrap_or_default(),
        fax: o.fax.clone().unwrap_or_default(),
        email: o.email.clone().unwrap_or_default(),
        website: o.website.clone().unwrap_or_default(),
    }
}

fn input_of(f: &OrgForm) -> Result<OrgInput, AppError> {
    Ok(OrgInput {
        name: f.name.clone(),
        short_code: f.short_code.clone(),
        kind: f.kind.clone(),
        credit_code: f.credit_code.clone(),
        parent_id: opt_id(&Some(f.parent_id.clone())).map_err(|_| field("parent_id", "上级机构无效"))?,
        hosted_by_id: opt_id(&Some(f.hosted_by_id.clone())).map_err(|_| field("hosted_by_id", "托管机构无效"))?,
        address: f.address.clone(),
        office_hours: f.office_hours.clone(),
        phone: f.phone.clone(),
        fax: f.fax.clone(),
        email: f.email.clone(),
        website: f.website.clone(),
    })
}

fn field(name: &'static str, msg: &str) -> AppError {
    AppError::Invalid(gongkai_core::FieldError::new(name, msg).into())
}

async fn form_page(
    state: &AppState,
    user: &ConsoleUser,
    title: String,
    action: String,
    form: OrgForm,
    errors: Vec<String>,
) -> PageResult<OrgFormPage> {
    let all = orgs::list(&state.db).await?;
    Ok(OrgFormPage {
        title,
        nav: user.nav(state),
        action,
        form,
        errors,
        kinds: kinds(),
        choices: all.iter().map(|o| (o.id.0, o.name.clone())).collect(),
        locked: !user.principal.system_admin,
    })
}

async fn new_form(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    if !user.principal.system_admin {
        return Err(AppError::Forbidden("只有系统管理员可以新建机构".into()));
    }
    let page = form_page(&state, &user, "新建机构".into(), "/console/orgs".into(), OrgForm::default(), vec![]).await?;
    Ok(render(&page))
}

/// Re-show a form with the user's input and the field errors (422), or pass on
/// errors that are not about the input.
async fn reshow(
    state: &AppState,
    user: &ConsoleUser,
    title: String,
    action: String,
    form: OrgForm,
    err: AppError,
) -> PageResult<Response> {
    match err {
        AppError::Invalid(fields) => {
            let msgs = fields.0.into_iter().map(|f| f.message).collect();
            let page = form_page(state, user, title, action, form, msgs).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        other => Err(other),
    }
}

async fn create(
    State(state): State<AppState>,
    user: ConsoleUser,
    CsrfForm(form): CsrfForm<OrgForm>,
) -> PageResult<Response> {
    let result = async {
        let input = input_of(&form)?;
        access::create_org(&state, &user.principal, &user.actor(), &input).await
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/console/orgs/{id}")).into_response()),
        Err(e) => reshow(&state, &user, "新建机构".into(), "/console/orgs".into(), form, e).await,
    }
}

async fn show(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let id = OrgId(path_id(&id)?);
    let tree = access::require(&state, &user.principal, Capability::View, id).await?;
    let org = orgs::get(&state.db, id).await?;
    let db = &state.db;
    let name_of = |o: Option<OrgId>| async move {
        match o {
            Some(o) => orgs::get(db, o).await.map(|x| Some(x.name)),
            None => Ok(None),
        }
    };
    let parent_name = name_of(org.parent_id).await?.unwrap_or_else(|| "（无）".into());
    let host_name = name_of(org.hosted_by_id).await?;
    let updated = gongkai_store::ts::parse(&org.updated_at).map(gongkai_core::time::china_display).unwrap_or_default();
    Ok(render(&OrgPage {
        title: org.name.clone(),
        nav: user.nav(&state),
        can_manage: user.principal.can(Capability::ManageOrg, id, &tree),
        can_applications: user.principal.can(Capability::HandleApplications, id, &tree)
            || user.principal.oversees(id, &tree),
        org,
        parent_name,
        host_name,
        updated,
    }))
}

async fn edit_form(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let id = OrgId(path_id(&id)?);
    access::require(&state, &user.principal, Capability::ManageOrg, id).await?;
    let org = orgs::get(&state.db, id).await?;
    let page =
        form_page(&state, &user, format!("修改：{}", org.name), format!("/console/orgs/{id}"), form_of(&org), vec![])
            .await?;
    Ok(render(&page))
}

async fn update(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<OrgForm>,
) -> PageResult<Response> {
    let id = OrgId(path_id(&id)?);
    let result = async {
        let input = input_of(&form)?;
        access::update_org(&state, &user.principal, &user.actor(), id, &input).await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/console/orgs/{id}")).into_response()),
        Err(e) => reshow(&state, &user, "修改机构信息".into(), format!("/console/orgs/{id}"), form, e).await,
    }
}
