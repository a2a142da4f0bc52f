//! Oversight of subordinate bodies: standard catalogs (templates, adoption, links, name
//! lists), the supervisor's dashboard with its charts and exports, supervision tasks,
//! inspections and village-affairs records.

pub mod dashboard;
pub mod standards;
pub mod supervision;

use crate::error::AppError;
use crate::http::auth::ConsoleUser;
use crate::state::AppState;
use axum::Router;
use gongkai_core::ids::OrgId;
use gongkai_core::orgs::OrgTree;
use gongkai_core::orgs::access::Capability;
use gongkai_core::orgs::accounts::Role;
use gongkai_store::orgs::{self, Org, Tree};

pub fn console_routes() -> Router<AppState> {
    Router::new().merge(dashboard::routes()).merge(standards::routes()).merge(supervision::routes())
}

/// A body of a subtree with its depth below the subtree's root.
#[derive(Debug, Clone)]
pub struct Member {
    pub org: Org,
    pub depth: usize,
}

/// `root` and every body below it, in tree order (depth first, by id).
pub async fn subtree(state: &AppState, root: OrgId) -> Result<(Vec<Member>, Tree), AppError> {
    let all = orgs::list(&state.db).await?;
    let tree = Tree::from_orgs(&all);
    let mut out = vec![];
    fn walk(all: &[Org], at: OrgId, depth: usize, out: &mut Vec<Member>) {
        if let Some(o) = all.iter().find(|o| o.id == at) {
            out.push(Member { org: o.clone(), depth });
        }
        for c in all.iter().filter(|o| o.parent_id == Some(at)) {
            walk(all, c.id, depth + 1, out);
        }
    }
    walk(&all, root, 0, &mut out);
    Ok((out, tree))
}

/// Is `org` strictly below `root`?
pub fn below(tree: &Tree, root: OrgId, org: OrgId) -> bool {
    org != root && tree.ancestors_or_self(org).contains(&root)
}

/// The body whose subtree a user oversees by default: the first supervisor grant, then
/// any grant, then (system admins) the first top-level body.
pub async fn default_root(state: &AppState, user: &ConsoleUser) -> Result<OrgId, AppError> {
    let p = &user.principal;
    if let Some(g) = p.grants.iter().find(|g| g.role == Role::Supervisor).or(p.grants.first()) {
        return Ok(g.org);
    }
    orgs::list(&state.db).await?.into_iter().find(|o| o.parent_id.is_none()).map(|o| o.id).ok_or(AppError::NotFound)
}

/// The root asked for in `?org=`, or the default; the user must be allowed `cap` on it.
pub async fn root_param(
    state: &AppState,
    user: &ConsoleUser,
    raw: &str,
    cap: Capability,
) -> Result<(OrgId, Tree), AppError> {
    let root = match raw.trim() {
        "" => default_root(state, user).await?,
        s => OrgId(s.parse().map_err(|_| AppError::BadRequest("机构参数无效".into()))?),
    };
    let tree = crate::orgs::access::require(state, &user.principal, cap, root).await?;
    Ok((root, tree))
}
