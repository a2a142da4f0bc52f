use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::CsrfForm;
use crate::http::forms::path_id;
use crate::orgs::access::{self, NewUserInput};
use crate::pages::{NewUserForm, UserLine, UsersPage, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::access::{Capability, Grant};
use gongkai_core::orgs::accounts::{Role, UserId, Username};
use gongkai_store::orgs::{self, users};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orgs/{id}/users", get(list).post(create))
        .route("/console/orgs/{id}/grants", post(grant))
        .route("/console/orgs/{id}/users/{uid}/revoke", post(revoke))
        .route("/console/orgs/{id}/users/{uid}/active", post(set_active))
}

async fn page(
    state: &AppState,
    user: &ConsoleUser,
    org: OrgId,
    form: NewUserForm,
    errors: Vec<String>,
    notice: Option<String>,
) -> PageResult<UsersPage> {
    let tree = access::require(state, &user.principal, Capability::View, org).await?;
    let o = orgs::get(&state.db, org).await?;
    let now = jiff::Timestamp::now();
    let lines = users::list_for_org(&state.db, org)
        .await?
        .into_iter()
        .map(|(u, roles)| UserLine {
            id: u.id.0,
            username: u.username,
            display_name: u.display_name,
            roles: roles.into_iter().map(|r| (r.code(), r.label())).collect(),
            active: u.active,
            locked: u.locked_until.as_deref().and_then(gongkai_store::ts::parse).is_some_and(|t| t > now),
            last_login: u
                .last_login_at
                .as_deref()
                .and_then(gongkai_store::ts::parse)
                .map(gongkai_core::time::china_display)
                .unwrap_or_else(|| "从未登录".into()),
        })
        .collect();
    let grantable = Role::ALL
        .into_iter()
        .filter(|r| user.principal.can_grant(*r, org, &tree))
        .map(|r| (r.code(), r.label()))
        .collect::<Vec<_>>();
    Ok(UsersPage {
        title: format!("{}：用户与角色", o.name),
        nav: user.nav(state),
        org_id: org.0,
        org_name: o.name,
        users: lines,
        can_manage: user.principal.can(Capability::ManageOrg, org, &tree),
        grantable,
        form,
        errors,
        notice,
    })
}

async fn list(State(state): State<AppState>, user: ConsoleUser, Path(id): Path<String>) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    Ok(render(&page(&state, &user, org, NewUserForm::default(), vec![], None).await?))
}

async fn create(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let input = NewUserInput {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        password: form.password.clone(),
        email: form.email.clone(),
    };
    match access::create_user(&state, &user.principal, &user.actor(), org, &input).await {
        Ok(_) => {
            let notice = format!("已创建用户 {}", form.username.trim());
            Ok(render(&page(&state, &user, org, NewUserForm::default(), vec![], Some(notice)).await?))
        }
        Err(AppError::Invalid(errs)) => {
            let msgs = errs.0.into_iter().map(|e| e.message).collect();
            let form = NewUserForm { password: String::new(), ..form };
            let p = page(&state, &user, org, form, msgs, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct GrantForm {
    username: String,
    role: String,
}

async fn grant(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let tree = access::require(&state, &user.principal, Capability::View, org).await?;
    let role = Role::parse(&form.role)?;
    if !user.principal.can_grant(role, org, &tree) {
        return Err(AppError::forbidden());
    }
    let name = Username::parse(&form.username)?;
    let (target, _) = users::credentials(&state.db, name.as_str())
        .await?
        .ok_or_else(|| gongkai_core::FieldError::new("username", format!("用户“{name}”不存在")))?;
    users::grant(&state.db, &user.actor(), target.id, Grant { org, role }).await?;
    Ok(Redirect::to(&format!("/console/orgs/{org}/users")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct RoleForm {
    role: String,
}

async fn revoke(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, uid)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let target = UserId(path_id(&uid)?);
    let tree = access::require(&state, &user.principal, Capability::View, org).await?;
    let role = Role::parse(&form.role)?;
    if !user.principal.can_grant(role, org, &tree) {
        return Err(AppError::forbidden());
    }
    if target == user.principal.user_id && role == Role::OrgAdmin && !user.principal.system_admin {
        return Err(AppError::Conflict("不能撤销自己的机构管理员角色，请由其他管理员操作".into()));
    }
    users::revoke(&state.db, &user.actor(), target, Grant { org, role }).await?;
    Ok(Redirect::to(&format!("/console/orgs/{org}/users")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ActiveForm {
    active: String,
}

async fn set_active(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path((id, uid)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> PageResult<Response> {
    let org = OrgId(path_id(&id)?);
    let target = UserId(path_id(&uid)?);
    let tree = access::require(&state, &user.principal, Capability::ManageOrg, org).await?;
    let t = users::get(&state.db, target).await?;
    let grants = users::grants(&state.db, target).await?;
    if !grants.iter().any(|g| g.org == org) || !user.principal.can_manage_user(&grants, t.system_admin, &tree) {
        return Err(AppError::Forbidden("该用户还在您无权管理的机构任职，请由系统管理员操作".into()));
    }
    if target == user.principal.user_id {
        return Err(AppError::Conflict("不能停用自己的账户".into()));
    }
    let active = match form.active.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest("状态值无效".into())),
    };
    users::set_active(&state.db, &user.actor(), target, active).await?;
    Ok(Redirect::to(&format!("/console/orgs/{org}/users")).into_response())
}
