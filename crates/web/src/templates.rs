//! Page templates (askama, compiled and type-checked with the crate).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_store::orgs::Org;

/// What the page frame needs: who is logged in and the CSRF token for its forms.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub user: Option<String>,
    pub csrf: String,
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "系统内部错误").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    /// Error pages show no user menu: they are rendered without a database round trip.
    pub nav: Nav,
    pub message: String,
    pub fields: Vec<String>,
}

impl ErrorPage {
    pub fn new(status: u16, message: String, fields: Vec<String>) -> Self {
        let title = match status {
            404 => "页面不存在",
            403 => "没有权限",
            413 => "内容过大",
            400 | 422 => "提交的内容有误",
            s if s >= 500 => "系统错误",
            _ => "出错了",
        };
        Self {
            title,
            nav: Nav::default(),
            message,
            fields,
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub title: &'static str,
    pub nav: Nav,
    pub error: Option<String>,
    pub next: String,
    pub username: String,
}

/// An organisation with its depth in the tree and the name of its host, for listings.
pub struct OrgLine {
    pub org: Org,
    pub depth: usize,
    pub host_name: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
pub struct PortalHome {
    pub title: &'static str,
    pub nav: Nav,
    pub orgs: Vec<OrgLine>,
}

pub struct RoleLine {
    pub org_id: i64,
    pub org_name: String,
    pub role: &'static str,
    pub meaning: &'static str,
}

#[derive(Template)]
#[template(path = "console/home.html")]
pub struct ConsoleHome {
    pub title: &'static str,
    pub nav: Nav,
    pub username: String,
    pub display_name: String,
    pub system_admin: bool,
    pub roles: Vec<RoleLine>,
}

#[derive(Template)]
#[template(path = "console/orgs.html")]
pub struct OrgsPage {
    pub title: &'static str,
    pub nav: Nav,
    pub can_create: bool,
    pub orgs: Vec<OrgLine>,
}

/// The organisation form as typed, re-shown with errors when it does not validate.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OrgForm {
    pub name: String,
    pub short_code: String,
    pub kind: String,
    pub credit_code: String,
    pub parent_id: String,
    pub hosted_by_id: String,
    pub address: String,
    pub office_hours: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub website: String,
}

#[derive(Template)]
#[template(path = "console/org_form.html")]
pub struct OrgFormPage {
    pub title: String,
    pub nav: Nav,
    pub action: String,
    pub form: OrgForm,
    pub errors: Vec<String>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub choices: Vec<(i64, String)>,
    /// Structural fields are shown but only system admins may change them.
    pub locked: bool,
}

#[derive(Template)]
#[template(path = "console/org.html")]
pub struct OrgPage {
    pub title: String,
    pub nav: Nav,
    pub org: Org,
    pub parent_name: String,
    pub host_name: Option<String>,
    pub can_manage: bool,
    pub updated: String,
}

pub struct UserLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<(&'static str, &'static str)>,
    pub active: bool,
    pub locked: bool,
    pub last_login: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "console/users.html")]
pub struct UsersPage {
    pub title: String,
    pub nav: Nav,
    pub org_id: i64,
    pub org_name: String,
    pub users: Vec<UserLine>,
    pub can_manage: bool,
    pub grantable: Vec<(&'static str, &'static str)>,
    pub form: NewUserForm,
    pub errors: Vec<String>,
    pub notice: Option<String>,
}

pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "console/account.html")]
pub struct AccountPage {
    pub title: &'static str,
    pub nav: Nav,
    pub tokens: Vec<TokenLine>,
    pub new_token: Option<String>,
    pub notice: Option<String>,
    pub errors: Vec<String>,
}

pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub changes: String,
    pub request_id: String,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
pub struct AuditPage {
    pub title: &'static str,
    pub nav: Nav,
    pub scope: String,
    pub entries: Vec<AuditLine>,
}

/// Order organisations depth-first from the roots; depth counts listed ancestors only,
/// so a user who sees one district bureau sees it unindented.
pub fn tree_lines(
    orgs: Vec<Org>,
    all_names: &std::collections::HashMap<i64, String>,
) -> Vec<OrgLine> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<i64> = orgs.iter().map(|o| o.id.0).collect();
    let mut children: HashMap<Option<i64>, Vec<Org>> = HashMap::new();
    // An organisation whose parent is not listed is shown as a root.
    for o in orgs {
        let key = o.parent_id.map(|p| p.0).filter(|p| ids.contains(p));
        children.entry(key).or_default().push(o);
    }
    fn walk(
        key: Option<i64>,
        depth: usize,
        children: &mut HashMap<Option<i64>, Vec<Org>>,
        names: &HashMap<i64, String>,
        out: &mut Vec<OrgLine>,
    ) {
        let Some(mut list) = children.remove(&key) else {
            return;
        };
        list.sort_by_key(|o| o.id);
        for o in list {
            let id = o.id.0;
            let host_name = o.hosted_by_id.and_then(|h| names.get(&h.0).cloned());
            out.push(OrgLine {
                org: o,
                depth: depth.min(3),
                host_name,
            });
            walk(Some(id), depth + 1, children, names, out);
        }
    }
    let mut out = Vec::new();
    walk(None, 0, &mut children, all_names, &mut out);
    out
}
