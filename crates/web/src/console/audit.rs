use crate::auth::ConsoleUser;
use crate::error::{AppError, PageResult};
use crate::ops;
use crate::server::AppState;
use crate::templates::{AuditLine, AuditPage, render};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongkai_core::access::Capability;
use gongkai_store::audit;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/audit", get(show))
}

/// System admins see every entry; organisation admins and supervisors see the entries of
/// the organisations they manage or supervise; other roles have no access.
async fn show(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    let p = &user.principal;
    let (entries, scope) = if p.system_admin {
        (audit::list(&state.db, None, 500).await?, "全部机构".to_string())
    } else {
        let (visible, tree) = ops::visible_orgs(&state, p).await?;
        let orgs: Vec<_> =
            visible.iter().filter(|o| p.can(Capability::ManageOrg, o.id, &tree) || p.oversees(o.id, &tree)).collect();
        if orgs.is_empty() {
            return Err(AppError::Forbidden("只有机构管理员、政务公开主管和系统管理员可以查看操作日志".into()));
        }
        let mut all = Vec::new();
        for o in &orgs {
            all.extend(audit::list(&state.db, Some(o.id), 200).await?);
        }
        all.sort_by_key(|e| std::cmp::Reverse(e.id));
        all.truncate(500);
        let names: Vec<_> = orgs.iter().map(|o| o.name.as_str()).collect();
        (all, names.join("、"))
    };
    let lines = entries
        .into_iter()
        .map(|e| AuditLine {
            at: gongkai_store::ts::parse(&e.at).map(gongkai_core::time::china_display).unwrap_or(e.at),
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            changes: e.changes,
            request_id: e.request_id.unwrap_or_default(),
        })
        .collect();
    Ok(render(&AuditPage { title: "操作日志", nav: user.nav(&state), scope, entries: lines }))
}
