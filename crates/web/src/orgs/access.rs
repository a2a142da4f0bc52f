//! Operations shared by the console and the API: each checks access with core's rules,
//! then calls the store. Handlers only translate HTTP to and from these.

use crate::error::AppError;
use crate::state::AppState;
use gongkai_core::FieldErrors;
use gongkai_core::orgs::access::{Capability, Grant, Principal};
use gongkai_core::orgs::accounts::{NewPassword, Role, UserId, Username, parse_display_name};
use gongkai_core::orgs::{OrgFacts, OrgId, OrgInput};
use gongkai_store::Actor;
use gongkai_store::orgs::users;
use gongkai_store::orgs::{self, Org, Tree};

/// The tree, after checking that `p` may do `cap` to `org` (404 when the organisation
/// does not exist, 403 when it exists but is not the caller's).
pub async fn require(state: &AppState, p: &Principal, cap: Capability, org: OrgId) -> Result<Tree, AppError> {
    let tree = orgs::tree(&state.db).await?;
    if !tree.contains(org) {
        return Err(AppError::NotFound);
    }
    if !p.can(cap, org, &tree) {
        return Err(AppError::forbidden());
    }
    Ok(tree)
}

/// Organisations `p` may view, in tree order.
pub async fn visible_orgs(state: &AppState, p: &Principal) -> Result<(Vec<Org>, Tree), AppError> {
    let all = orgs::list(&state.db).await?;
    let tree = Tree::from_orgs(&all);
    let visible = all.into_iter().filter(|o| p.can(Capability::View, o.id, &tree)).collect();
    Ok((visible, tree))
}

pub async fn create_org(state: &AppState, p: &Principal, actor: &Actor, input: &OrgInput) -> Result<OrgId, AppError> {
    if !p.system_admin {
        return Err(AppError::Forbidden("只有系统管理员可以新建机构".into()));
    }
    let facts = input.parse()?;
    Ok(orgs::create(&state.db, actor, &facts).await?)
}

/// Update an organisation. Organisation admins change the facts their guide shows;
/// the structure (name, codes, kind, parent, host) is kept by system admins so that an
/// organisation cannot move itself out of its supervisor's subtree.
pub async fn update_org(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    id: OrgId,
    input: &OrgInput,
) -> Result<OrgFacts, AppError> {
    require(state, p, Capability::ManageOrg, id).await?;
    let input = if p.system_admin {
        input.clone()
    } else {
        let old = orgs::get(&state.db, id).await?;
        let current = OrgInput {
            name: old.name,
            short_code: old.short_code,
            kind: old.kind.code().into(),
            credit_code: old.credit_code,
            parent_id: old.parent_id.map(|o| o.0),
            hosted_by_id: old.hosted_by_id.map(|o| o.0),
            ..Default::default()
        };
        let changes = input.structure_changes(&current);
        if !changes.is_empty() {
            return Err(AppError::Forbidden(format!("机构管理员不能修改{}，请联系系统管理员", changes.join("、"))));
        }
        input.with_structure_of(&current)
    };
    let facts = input.parse()?;
    orgs::update(&state.db, actor, id, &facts).await?;
    Ok(facts)
}

/// Raw input for a new staff account in one organisation.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    /// `staff`, `approver`, `org_admin` or `supervisor`.
    pub role: String,
    pub password: String,
    /// Optional e-mail address for deadline alerts.
    pub email: String,
}

pub async fn create_user(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    org: OrgId,
    input: &NewUserInput,
) -> Result<UserId, AppError> {
    let tree = require(state, p, Capability::View, org).await?;
    let mut errs = FieldErrors::new();
    let username = errs.take(Username::parse(&input.username));
    let display_name = errs.take(parse_display_name(&input.display_name));
    let role = errs.take(Role::parse(&input.role));
    let password = errs.take(NewPassword::parse(&input.password, username.as_ref()));
    let email = if input.email.trim().is_empty() {
        None
    } else {
        errs.take(gongkai_core::orgs::parse_email("email", &input.email))
    };
    errs.into_result()?;
    let (Some(username), Some(display_name), Some(role), Some(password)) = (username, display_name, role, password)
    else {
        unreachable!("no errors means every field parsed")
    };
    if !p.can_grant(role, org, &tree) {
        return Err(AppError::Forbidden(format!("您不能在该机构授予“{}”角色", role.label())));
    }
    let password_hash = hash(password).await?;
    let new = users::NewUser {
        username,
        display_name,
        email,
        password_hash,
        system_admin: false,
        grants: vec![Grant { org, role }],
    };
    Ok(users::create(&state.db, actor, &new).await?)
}

/// Argon2 on the blocking pool: it is meant to be slow.
pub async fn hash(pw: NewPassword) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || crate::http::auth::hash_password(&pw))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
}

pub async fn verify(pw: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || crate::http::auth::verify_password(&pw, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))
}
