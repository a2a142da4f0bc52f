//! Page templates (askama, compiled and type-checked with the crate).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_core::ids::{AppealId, ApplicationId, ProposalId};
use gongkai_store::orgs::Org;

/// What the page frame needs: who is logged in and the CSRF token for its forms.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub user: Option<String>,
    pub csrf: String,
    /// Government-site page tags (网页标签, catalog-and-portal.md §B.1): (name, content).
    pub meta: Vec<(&'static str, String)>,
    /// `<link>`s: (rel, href, type, title), e.g. the column's Atom feed.
    pub links: Vec<(&'static str, String, &'static str, String)>,
    /// The audit log is for system admins, organisation admins and supervisors.
    pub can_audit: bool,
    /// System admins see the background jobs.
    pub system_admin: bool,
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
#[template(path = "pages/error.html")]
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
            410 => "公示期已满",
            413 => "内容过大",
            400 | 422 => "提交的内容有误",
            s if s >= 500 => "系统错误",
            _ => "出错了",
        };
        Self { title, nav: Nav::default(), message, fields }
    }
}

#[derive(Template)]
#[template(path = "pages/login.html")]
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
#[template(path = "catalog/portal/home.html")]
pub struct PortalHome {
    pub title: &'static str,
    pub nav: Nav,
    pub orgs: Vec<OrgLine>,
    /// The newest public items of every organisation.
    pub latest: Vec<gongkai_store::catalog::ItemLine>,
}

pub struct RoleLine {
    pub org_id: i64,
    pub org_name: String,
    pub role: &'static str,
    pub meaning: &'static str,
}

#[derive(Template)]
#[template(path = "pages/desk.html")]
pub struct ConsoleHome {
    pub title: &'static str,
    pub nav: Nav,
    pub username: String,
    pub display_name: String,
    pub system_admin: bool,
    pub roles: Vec<RoleLine>,
    /// The November reminder to load next year's holiday notice (system admins).
    pub reminder: Option<String>,
    /// Annual reports due within 30 days or overdue, in the user's organisations: (text, link).
    pub report_reminders: Vec<(String, String)>,
    /// The to-do lists, one per organisation and role.
    pub desk: Vec<DeskSection>,
}

/// One block of the desk (工作台): an organisation and what waits there for this user.
pub struct DeskSection {
    pub title: String,
    pub items: Vec<DeskItem>,
    /// Single cases worth naming: (text, link).
    pub lines: Vec<(String, String)>,
}

pub struct DeskItem {
    pub label: String,
    pub count: i64,
    pub href: String,
    /// Shown as urgent when non-zero (overdue, late).
    pub urgent: bool,
}

#[derive(Template)]
#[template(path = "orgs/console/orgs.html")]
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
#[template(path = "orgs/console/org_form.html")]
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
#[template(path = "orgs/console/org.html")]
pub struct OrgPage {
    pub title: String,
    pub nav: Nav,
    pub org: Org,
    pub parent_name: String,
    pub host_name: Option<String>,
    pub can_manage: bool,
    /// Application work is the organisation's own (never hosted) or its supervisors'.
    pub can_applications: bool,
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
    pub email: String,
    pub role: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "orgs/console/users.html")]
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
#[template(path = "orgs/console/account.html")]
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
#[template(path = "audit/console/audit.html")]
pub struct AuditPage {
    pub title: &'static str,
    pub nav: Nav,
    pub scope: String,
    pub entries: Vec<AuditLine>,
}

/// Order organisations depth-first from the roots; depth counts listed ancestors only,
/// so a user who sees one district bureau sees it unindented.
pub fn tree_lines(orgs: Vec<Org>, all_names: &std::collections::HashMap<i64, String>) -> Vec<OrgLine> {
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
            out.push(OrgLine { org: o, depth: depth.min(3), host_name });
            walk(Some(id), depth + 1, children, names, out);
        }
    }
    let mut out = Vec::new();
    walk(None, 0, &mut children, all_names, &mut out);
    out
}

/// The application form as typed (portal and console), re-shown with errors.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    pub applicant_kind: String,
    pub applicant_name: String,
    pub contact_person: String,
    pub id_kind: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub info_title: String,
    pub info_doc_number: String,
    pub info_description: String,
    pub delivery_form: String,
    pub delivery_method: String,
    // staff registration only
    pub channel: String,
    pub submitted_on: String,
}

/// Choice lists of the application form.
pub struct FormChoices {
    pub kinds: Vec<(&'static str, &'static str)>,
    pub id_kinds: Vec<(&'static str, &'static str)>,
    pub forms: Vec<&'static str>,
    pub methods: Vec<&'static str>,
}

impl Default for FormChoices {
    fn default() -> Self {
        Self::new()
    }
}

impl FormChoices {
    pub fn new() -> Self {
        use gongkai_core::applications::ApplicantKind;
        use gongkai_core::applications::identity::IdKind;
        use gongkai_core::applications::intake::{DELIVERY_FORMS, DELIVERY_METHODS};
        Self {
            kinds: ApplicantKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
            id_kinds: IdKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
            forms: DELIVERY_FORMS.to_vec(),
            methods: DELIVERY_METHODS.to_vec(),
        }
    }
}

#[derive(Template)]
#[template(path = "applications/portal/apply_orgs.html")]
pub struct ApplyOrgsPage {
    pub title: &'static str,
    pub nav: Nav,
    pub orgs: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "applications/portal/apply.html")]
pub struct ApplyPage {
    pub title: String,
    pub nav: Nav,
    pub org_code: String,
    pub org_name: String,
    pub form: ApplicationForm,
    pub errors: Vec<String>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub id_kinds: Vec<(&'static str, &'static str)>,
    pub forms: Vec<&'static str>,
    pub methods: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "applications/portal/receipt.html")]
pub struct ReceiptPage {
    pub title: &'static str,
    pub nav: Nav,
    pub serial: String,
    pub query_code: String,
    pub rule: &'static str,
    pub org_name: String,
    pub applicant: String,
    pub id_masked: String,
    pub title_text: String,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "applications/portal/track.html")]
pub struct TrackPage {
    pub title: &'static str,
    pub nav: Nav,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "applications/portal/tracked.html")]
pub struct TrackedPage {
    pub title: &'static str,
    pub nav: Nav,
    pub a: gongkai_store::applications::Application,
    pub org_name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub status: &'static str,
    pub due: Option<String>,
    pub clock_lines: Vec<String>,
    pub reply: Option<(&'static str, &'static str, String)>,
    /// The delivered reply letter, shown to the applicant.
    pub letter: Option<gongkai_core::applications::letters::Letter>,
    pub events: Vec<String>,
}

pub struct AppLine {
    pub id: ApplicationId,
    pub serial: String,
    pub applicant: String,
    pub title: String,
    pub status: &'static str,
    pub due: String,
    pub left: String,
    pub overdue: bool,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "applications/console/applications.html")]
pub struct ApplicationsPage {
    pub title: String,
    pub nav: Nav,
    pub org_id: i64,
    pub org_name: String,
    pub alerts: Vec<(String, String, Option<ApplicationId>)>,
    pub open: Vec<AppLine>,
    pub recent: Vec<AppLine>,
    /// Registration and letter templates are for the organisation's own staff (not supervisors).
    pub can_handle: bool,
    /// May edit the letter templates (approvers, the organisation's admins).
    pub can_letters: bool,
}

#[derive(Template)]
#[template(path = "applications/console/application_new.html")]
pub struct ApplicationNewPage {
    pub title: String,
    pub nav: Nav,
    pub org_id: i64,
    pub org_name: String,
    pub channels: Vec<(&'static str, &'static str)>,
    pub channel: String,
    pub submitted_on: String,
    pub form: ApplicationForm,
    pub errors: Vec<String>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub id_kinds: Vec<(&'static str, &'static str)>,
    pub forms: Vec<&'static str>,
    pub methods: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "applications/console/application.html")]
pub struct ApplicationPage {
    pub title: String,
    pub nav: Nav,
    pub a: gongkai_store::applications::Application,
    pub org_name: String,
    pub new_code: Option<String>,
    pub errors: Vec<String>,
    pub duplicate: Option<(ApplicationId, String)>,
    pub status: &'static str,
    pub due: Option<String>,
    pub left: Option<String>,
    pub clock_lines: Vec<String>,
    pub channel: &'static str,
    pub kind: &'static str,
    pub id_kind: &'static str,
    pub events: Vec<(String, String, String)>,
    /// (kind code, title) of the letters this application has.
    pub letters: Vec<(&'static str, &'static str)>,
    pub can_act: bool,
    pub actions: Vec<(&'static str, &'static str)>,
    pub outcomes: Vec<(&'static str, &'static str)>,
    pub today: String,
    /// The latest reply or extension drafted for approval, if any.
    pub proposal: Option<ProposalView>,
    /// May approve replies and extensions of this application.
    pub can_approve: bool,
    /// The organisation's own application staff (letters, actions); supervisors only read.
    pub can_handle: bool,
}

/// A drafted reply or extension as shown on the handling screen.
pub struct ProposalView {
    pub id: ProposalId,
    pub what: String,
    pub by: String,
    pub at: String,
    pub pending: bool,
    /// `已批准` or `已退回` once decided.
    pub decision: String,
    pub decided_by: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "applications/console/letter.html")]
pub struct LetterPage {
    pub l: gongkai_core::applications::letters::Letter,
    pub app_id: ApplicationId,
    /// URL of this letter, for the download links.
    pub base: String,
}

pub struct AppealLine {
    pub id: AppealId,
    pub kind: &'static str,
    pub body: String,
    pub case_number: String,
    pub filed_on: String,
    pub decided_on: String,
    pub result: Option<&'static str>,
    pub application: Option<(ApplicationId, String)>,
}

#[derive(Template)]
#[template(path = "appeals/console/appeals.html")]
pub struct AppealsPage {
    pub title: String,
    pub nav: Nav,
    pub org_id: i64,
    pub org_name: String,
    pub appeals: Vec<AppealLine>,
    pub can_act: bool,
    /// May open the linked application (its own staff and supervisors).
    pub can_open: bool,
    pub errors: Vec<String>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub results: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "calendar/console/calendar.html")]
pub struct CalendarPage {
    pub title: &'static str,
    pub nav: Nav,
    pub version: String,
    pub years: Vec<(i16, String)>,
    pub history: Vec<String>,
    pub can_load: bool,
    pub notice: Option<String>,
    pub errors: Vec<String>,
    pub reminder: Option<String>,
}

pub struct TemplateLine {
    pub code: &'static str,
    pub title: &'static str,
    pub body: String,
    pub custom: bool,
}

#[derive(Template)]
#[template(path = "applications/console/letter_templates.html")]
pub struct LettersPage {
    pub title: String,
    pub nav: Nav,
    pub org_id: i64,
    pub org_name: String,
    pub placeholders: Vec<(&'static str, &'static str)>,
    pub templates: Vec<TemplateLine>,
    pub notice: Option<String>,
    pub errors: Vec<String>,
}

pub struct GridView {
    pub title: &'static str,
    pub rows: Vec<Vec<gongkai_core::reports::grid::Cell>>,
}

impl GridView {
    pub fn of(g: &gongkai_core::reports::grid::Grid) -> Self {
        Self { title: g.title, rows: (0..g.rows).map(|r| g.row(r).into_iter().cloned().collect()).collect() }
    }
}

#[derive(Template)]
#[template(path = "reports/console/report.html")]
pub struct ReportPage {
    pub title: String,
    pub nav: Nav,
    pub org_id: i64,
    pub org_name: String,
    pub year: i16,
    pub years: Vec<i16>,
    pub format: &'static str,
    pub failures: Vec<String>,
    pub warnings: Vec<String>,
    pub grids: Vec<GridView>,
    /// (cell, value, source, by, at)
    pub figures: Vec<(String, String, String, String, String)>,
    /// (cell code, label) of table 二.
    pub t2_cells: Vec<(String, String)>,
    pub can_edit: bool,
    /// Importing published reports is for approvers.
    pub can_import: bool,
}

pub struct AggregateLine {
    pub id: i64,
    pub name: String,
    pub new: i64,
    pub handled: i64,
    pub carried: i64,
    pub handled_last: i64,
    pub late: i64,
    pub reconsiderations: i64,
    pub lawsuits: i64,
    pub ok: bool,
    /// Report status for the year (未开始, 草稿, … 已发布, 逾期…), and whether it is late.
    pub report_status: &'static str,
    pub report_late: bool,
    pub deadline: String,
}

#[derive(Template)]
#[template(path = "reports/console/aggregate.html")]
pub struct AggregatePage {
    pub title: String,
    pub nav: Nav,
    pub org_id: i64,
    pub org_name: String,
    pub year: i16,
    pub years: Vec<i16>,
    pub lines: Vec<AggregateLine>,
    pub outcome_chart: String,
    pub appeal_chart: String,
    /// Overdue replies as a share of replies, per body.
    pub late_chart: String,
    pub failures: Vec<String>,
    pub grids: Vec<GridView>,
}

/// A horizontal bar chart as inline SVG (server-rendered, no script), with a text
/// alternative for screen readers.
pub fn bar_chart(title: &str, items: &[(String, i64)]) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1);
    let row = 24;
    let height = items.len() * row + 10;
    let desc: Vec<String> = items.iter().map(|(l, v)| format!("{l}{v}")).collect();
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"720\" height=\"{height}\" viewBox=\"0 0 720 {height}\"><title>{}</title><desc>{}</desc>",
        esc(title),
        esc(&desc.join("，"))
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = 5 + i * row;
        let w = (*v as f64 / max as f64 * 380.0).round() as i64;
        s.push_str(&format!(
            "<text x=\"270\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text><rect x=\"280\" y=\"{}\" width=\"{w}\" height=\"16\" fill=\"#a4161a\"/><text x=\"{}\" y=\"{}\" font-size=\"13\">{v}</text>",
            y + 13,
            esc(label),
            y + 1,
            285 + w,
            y + 13
        ));
    }
    s.push_str("</svg>");
    s
}

/// A stored instant (RFC 3339, UTC) as Beijing time `2026-12-01 21:38`; anything else as is.
pub fn beijing(stored: &str) -> String {
    gongkai_store::ts::parse(stored).map(gongkai_core::time::china_display).unwrap_or_else(|| stored.to_string())
}
