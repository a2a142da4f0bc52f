//! The console shell: login, logout and the desk (工作台); each concept's console pages
//! live in its own folder and are merged here. Pages are server-rendered, usable without
//! JavaScript; every page takes a [`ConsoleUser`] (login required) and every form a [`CsrfForm`].

use crate::error::{AppError, PageResult};
use crate::http::auth::{ConsoleUser, SESSION_COOKIE, random_hex, set_cookie, sha256_hex};
use crate::http::csrf;
use crate::http::forms::CsrfForm;
use crate::http::forms::Params;
use crate::orgs::access;
use crate::pages::{ConsoleHome, LoginPage, Nav, RoleLine, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::orgs::accounts::{Role, Username};
use gongkai_store::orgs::{self as org_store, sessions, users as user_store};
use jiff::{SignedDuration, Timestamp};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(home))
        .route("/console/login", get(login_page).post(login))
        .route("/console/logout", post(logout))
        .merge(crate::orgs::console::routes())
        .merge(crate::orgs::users::routes())
        .merge(crate::orgs::account::routes())
        .merge(crate::applications::console::routes())
        .merge(crate::applications::letter_templates::routes())
        .merge(crate::calendar::console::routes())
        .merge(crate::catalog::console::routes())
        .merge(crate::catalog::synonyms::routes())
        .merge(crate::reports::console::routes())
        .merge(crate::reports::import::routes())
        .merge(crate::reports::annual::console_routes())
        .merge(crate::appeals::console::routes())
        .merge(crate::proposals::console::routes())
        .merge(crate::press::console_routes())
        .merge(crate::channels::console_routes())
        .merge(crate::consultations::console::routes())
        .merge(crate::pushes::console::routes())
        .merge(crate::oversight::console_routes())
        .merge(crate::audit::console::routes())
        .merge(crate::jobs::console::routes())
}

impl ConsoleUser {
    /// Page frame for this user, with the session-bound CSRF token.
    pub fn nav(&self, state: &AppState) -> Nav {
        Nav {
            user: Some(self.principal.display_name.clone()),
            csrf: csrf::session_token(&state.secret, &self.session_hash),
            system_admin: self.principal.system_admin,
            can_audit: self.principal.system_admin
                || self.principal.grants.iter().any(|g| matches!(g.role, Role::OrgAdmin | Role::Supervisor)),
            ..Default::default()
        }
    }
}

fn role_meaning(r: Role) -> &'static str {
    match r {
        Role::Staff => "起草公开信息，登记和办理依申请公开",
        Role::Approver => "审核发布、批准延期与答复",
        Role::OrgAdmin => "管理本机构信息、用户和设置",
        Role::Supervisor => "监督本机构及下级机构：查看、布置督查任务、登记检查（不办理具体业务）",
    }
}

async fn home(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    let all = org_store::list(&state.db).await?;
    let name = |id: i64| all.iter().find(|o| o.id.0 == id).map(|o| o.name.clone()).unwrap_or_default();
    let roles = user
        .principal
        .grants
        .iter()
        .map(|g| RoleLine {
            org_id: g.org.0,
            org_name: name(g.org.0),
            role: g.role.label(),
            meaning: role_meaning(g.role),
        })
        .collect();
    let p = &user.principal;
    let reminder = if p.system_admin {
        let cal = gongkai_store::calendars::active(&state.db).await?;
        crate::calendar::console::reminder(&cal, state.today())
    } else {
        None
    };
    let report_reminders = report_reminders(&state, p, &all).await?;
    let desk = desk(&state, p, &all).await?;
    Ok(render(&ConsoleHome {
        reminder,
        report_reminders,
        desk,
        title: "工作台",
        nav: user.nav(&state),
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        system_admin: p.system_admin,
        roles,
    }))
}

/// Reminders ahead of the annual-report deadline (and after it, until published) for the
/// organisations whose disclosure work this user does.
async fn report_reminders(
    state: &AppState,
    p: &gongkai_core::orgs::access::Principal,
    all: &[gongkai_store::orgs::Org],
) -> Result<Vec<(String, String)>, AppError> {
    use gongkai_core::reports::narrative::{ReportStatus, deadline};
    let tree = gongkai_store::orgs::Tree::from_orgs(all);
    let today = state.today();
    let mut out = Vec::new();
    for year in [today.year() - 1, today.year()] {
        if year < 2019 {
            continue;
        }
        for o in all.iter().filter(|o| {
            p.grants.iter().any(|g| g.org == o.id)
                && p.can(gongkai_core::orgs::access::Capability::EditDisclosure, o.id, &tree)
        }) {
            let report = gongkai_store::reports::annual::get(&state.db, o.id, year).await?;
            let status = report.as_ref().map_or(ReportStatus::NotStarted, |r| r.status);
            // Published (also when a correction is being prepared): nothing is due.
            if status == ReportStatus::Published
                || !gongkai_store::reports::annual::versions(&state.db, o.id, year).await?.is_empty()
            {
                continue;
            }
            let local = report.as_ref().and_then(|r| r.local_deadline.as_deref()).and_then(|d| d.parse().ok());
            let due = deadline(o.kind, year, local);
            let days = (due - today).get_days();
            let when = if days < 0 { format!("已逾期{}天", -days) } else { format!("还剩{days}天") };
            if days <= 30 {
                out.push((
                    format!("{}{year}年度报告应于{due}前发布（{when}），当前状态：{}", o.name, status.label()),
                    format!("/console/orgs/{}/annual/{year}", o.id.0),
                ));
            }
        }
    }
    Ok(out)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: String,
}

/// Only local console paths may be redirected to after login (no open redirect).
fn safe_next(next: &str) -> String {
    if next.starts_with("/console") && !next.starts_with("//") && !next.contains("://") {
        next.to_string()
    } else {
        "/console".into()
    }
}

async fn login_page(State(state): State<AppState>, headers: HeaderMap, Params(q): Params<NextQuery>) -> Response {
    login_form(&state, &headers, None, safe_next(&q.next), String::new(), axum::http::StatusCode::OK)
}

/// The login form, bound to an anonymous CSRF cookie (set here when missing).
fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    error: Option<String>,
    next: String,
    username: String,
    status: axum::http::StatusCode,
) -> Response {
    let (csrf, cookie) = csrf::page_token(&state.secret, headers, state.config.cookie_secure);
    let page = LoginPage { title: "登录", nav: Nav { csrf, ..Default::default() }, error, next, username };
    csrf::with_cookie((status, render(&page)).into_response(), cookie)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    next: String,
}

const BAD_LOGIN: &str = "用户名或密码错误";

/// Login attempts per minute from one address, whatever the names tried.
const LOGIN_PER_MINUTE: u32 = 30;

/// The moment a lock of `d` from now ends, as staff read it.
fn lock_end(d: std::time::Duration) -> String {
    let until = Timestamp::now() + SignedDuration::try_from(d).unwrap_or(SignedDuration::ZERO);
    gongkai_core::time::china_display(until)
}

/// Sign in. Every answer is the same for names that exist and names that do not (the
/// same work, the same lock after the same failures); failures lock a name per address,
/// so nobody can lock a colleague out from elsewhere; the account-wide back-off only
/// starts after many failures from everywhere.
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> PageResult<Response> {
    let next = safe_next(&f.next);
    let ip = state.client_ip(peer, &headers);
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
    let respond =
        |msg: String, status| login_form(&state, &headers, Some(msg), next.clone(), f.username.clone(), status);
    let fail = |msg: String| respond(msg, axum::http::StatusCode::UNAUTHORIZED);
    if !state.limiter.allow(crate::http::limits::Bucket::Login, ip, LOGIN_PER_MINUTE) {
        return Ok(respond("登录尝试过于频繁，请一分钟后再试".into(), axum::http::StatusCode::TOO_MANY_REQUESTS));
    }
    let locked = |d| format!("由于多次登录失败，该用户名在本机已被暂时锁定，请于 {} 之后再试", lock_end(d));
    if let Some(d) = state.logins.locked_for(&f.username, ip) {
        return Ok(fail(locked(d)));
    }
    let failed = |state: &AppState| {
        let (n, lock) = state.logins.fail(&f.username, ip);
        match lock {
            Some(d) => format!("{BAD_LOGIN}。由于连续{n}次登录失败，该用户名在本机已被锁定至 {}", lock_end(d)),
            None => BAD_LOGIN.into(),
        }
    };
    let creds = match Username::parse(&f.username) {
        Ok(u) => user_store::credentials(&state.db, u.as_str()).await?,
        Err(_) => None,
    };
    let Some((user, hash)) = creds else {
        // Same work as for a real account, so timing does not reveal which names exist.
        access::verify(f.password.clone(), crate::http::auth::dummy_hash().to_string()).await?;
        return Ok(fail(failed(&state)));
    };
    let now = Timestamp::now();
    let right = access::verify(f.password.clone(), hash).await?;
    // The account-wide back-off (many failures from everywhere) refuses even the right
    // password, with the same words as the per-address lock.
    if let Some(until) = user.locked_until.as_deref().and_then(gongkai_store::ts::parse).filter(|t| *t > now) {
        let d = std::time::Duration::try_from(until - now).unwrap_or_default();
        return Ok(fail(locked(d)));
    }
    if !right {
        user_store::record_failure(&state.db, user.id, request_id, now).await?;
        return Ok(fail(failed(&state)));
    }
    if !user.active {
        return Ok(fail("该账户已停用，请联系机构管理员".into()));
    }
    state.logins.clear(&f.username, ip);
    user_store::record_success(&state.db, user.id, request_id).await?;
    let token = random_hex(32);
    sessions::create(&state.db, &sha256_hex(&token), user.id, state.config.session_ttl).await?;
    let mut resp = Redirect::to(&next).into_response();
    let c = set_cookie(SESSION_COOKIE, &token, None, state.config.cookie_secure);
    resp.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&c).map_err(|e| AppError::Internal(e.into()))?);
    Ok(resp)
}

async fn logout(
    State(state): State<AppState>,
    user: ConsoleUser,
    CsrfForm(_): CsrfForm<crate::http::forms::Empty>,
) -> PageResult<Response> {
    sessions::delete(&state.db, &user.session_hash).await?;
    let mut resp = Redirect::to("/console/login").into_response();
    let c = set_cookie(SESSION_COOKIE, "", Some(0), state.config.cookie_secure);
    resp.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&c).map_err(|e| AppError::Internal(e.into()))?);
    Ok(resp)
}

/// The desk (工作台): for each organisation the user works in, the counts of what waits for
/// them by role, each linking to the list that shows those cases.
async fn desk(
    state: &AppState,
    p: &gongkai_core::orgs::access::Principal,
    all: &[gongkai_store::orgs::Org],
) -> Result<Vec<crate::pages::DeskSection>, AppError> {
    use crate::pages::{DeskItem, DeskSection};
    use gongkai_core::orgs::access::Capability;
    use gongkai_store::catalog::{self, ItemFilter};
    let tree = gongkai_store::orgs::Tree::from_orgs(all);
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let today = state.today();
    let soon_wd = crate::applications::ops::settings().due_soon_wd;
    let soon = cal.add_working_days(today, soon_wd).map_err(|e| AppError::BadRequest(e.message_zh()))?;
    let item = |label: String, count: i64, href: String, urgent: bool| DeskItem { label, count, href, urgent };
    let mut out = Vec::new();
    if p.system_admin {
        let (queued, _, dead) = gongkai_store::jobs::counts(&state.db).await?;
        let next = today.year() + 1;
        let missing = [today.year(), next].into_iter().filter(|y| !cal.covers(*y)).count() as i64;
        out.push(DeskSection {
            title: "系统".into(),
            items: vec![
                item("尚未载入的节假日安排（今明两年）".into(), missing, "/console/calendar".into(), true),
                item("停止重试的后台任务".into(), dead, "/console/jobs".into(), true),
                item("排队中的后台任务".into(), queued, "/console/jobs".into(), false),
            ],
            lines: vec![],
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for g in &p.grants {
        if !seen.insert(g.org) {
            continue;
        }
        let Some(o) = all.iter().find(|o| o.id == g.org) else { continue };
        let id = o.id.0;
        let reg = format!("/console/orgs/{id}/applications/register");
        let mut items = Vec::new();
        let mut lines = Vec::new();
        let handles = p.can(Capability::HandleApplications, o.id, &tree);
        let approves = p.can(Capability::ApproveApplications, o.id, &tree);
        if handles {
            let c = gongkai_store::applications::desk_counts(&state.db, o.id, today, soon).await?;
            items.push(item("已逾期未答复".into(), c.overdue, format!("{reg}?due=overdue"), true));
            items.push(item(format!("{soon_wd}个工作日内到期"), c.due_soon, format!("{reg}?due=soon"), false));
            items.push(item(
                "待确认收到的网上申请".into(),
                c.unconfirmed_online,
                format!("{reg}?status=awaiting_receipt&channel=online"),
                false,
            ));
            items.push(item(
                "待申请人补正".into(),
                c.awaiting_correction,
                format!("{reg}?status=awaiting_correction"),
                false,
            ));
            items.push(item("征求意见中".into(), c.consulting, format!("{reg}?status=consulting"), false));
            if c.awaiting_payment > 0 {
                items.push(item("待缴费".into(), c.awaiting_payment, format!("{reg}?status=awaiting_payment"), false));
            }
        }
        if approves {
            let pending = gongkai_store::applications::pending_proposals(&state.db, o.id).await?;
            items.push(item(
                "待审核的答复和延期".into(),
                pending.len() as i64,
                format!("/console/orgs/{id}/applications"),
                false,
            ));
            for (prop, serial) in pending.iter().take(10) {
                lines.push((
                    format!("{serial}：{}（{}提交）", prop.event.describe(), prop.proposed_by_label),
                    format!("/console/applications/{}", prop.application_id),
                ));
            }
        }
        if p.can(Capability::ApproveDisclosure, o.id, &tree) {
            let f = ItemFilter {
                org_id: Some(o.id),
                status: Some(gongkai_core::catalog::Status::Submitted),
                ..Default::default()
            };
            items.push(item(
                "待审核发布的公开信息".into(),
                catalog::count(&state.db, &f).await?,
                format!("/console/orgs/{id}/catalog?status=submitted"),
                false,
            ));
        } else if p.can(Capability::EditDisclosure, o.id, &tree) {
            let f = ItemFilter {
                org_id: Some(o.id),
                status: Some(gongkai_core::catalog::Status::Draft),
                ..Default::default()
            };
            items.push(item(
                "公开信息草稿（含退回修改）".into(),
                catalog::count(&state.db, &f).await?,
                format!("/console/orgs/{id}/catalog?status=draft"),
                false,
            ));
        }
        if p.can(Capability::EditDisclosure, o.id, &tree) || p.can(Capability::ApproveDisclosure, o.id, &tree) {
            // Suggestions and proposals: overdue and due within 30 days; replies to publish.
            let all = gongkai_store::proposals::list(&state.db, o.id, None).await?;
            let gongkai_core::proposals::ToDos { late, due_soon: due, to_publish } = gongkai_core::proposals::to_dos(
                all.iter().map(|m| (&m.facts, &m.handling)),
                &crate::proposals::settings(),
                today,
                30,
            );
            let motions = format!("/console/orgs/{id}/motions");
            if late + due > 0 {
                items.push(item("建议提案已逾期未办结".into(), late, motions.clone(), true));
                items.push(item("建议提案30天内到期".into(), due, motions.clone(), false));
            }
            if to_publish > 0 && p.can(Capability::ApproveDisclosure, o.id, &tree) {
                items.push(item("建议提案答复待决定公开方式".into(), to_publish, motions, false));
            }
        }
        if p.can(Capability::EditDisclosure, o.id, &tree) {
            // Oversight: tasks the supervising body set, and the standard catalog's gaps.
            let (owed, owed_late) = gongkai_store::oversight::supervision::owed(&state.db, o.id, today).await?;
            let tasks = format!("/console/orgs/{id}/tasks");
            if owed_late > 0 {
                items.push(item("逾期未报送的督查任务".into(), owed_late, tasks.clone(), true));
            }
            if owed > owed_late {
                items.push(item("待报送的督查任务".into(), owed - owed_late, tasks, false));
            }
            let cal = gongkai_store::calendars::active(&state.db).await?;
            let c = gongkai_store::oversight::body_compliance(&state.db, o.id, &cal).await?;
            if c.empty + c.late > 0 {
                items.push(item(
                    "标准目录未公开或逾期公开的事项".into(),
                    (c.empty + c.late) as i64,
                    format!("/console/orgs/{id}/standards"),
                    c.late > 0,
                ));
            }
        }
        if p.can(Capability::EditDisclosure, o.id, &tree) {
            // Targeted push: campaigns to approve, failures to look at, printed lists to hand out.
            let (drafts, failed, print) = gongkai_store::pushes::desk_counts(&state.db, o.id).await?;
            let pushes = format!("/console/orgs/{id}/pushes");
            if drafts > 0 && p.can(Capability::ApproveDisclosure, o.id, &tree) {
                items.push(item("待审核发出的定向推送".into(), drafts, pushes.clone(), false));
            }
            if failed > 0 {
                items.push(item("定向推送发送失败".into(), failed, pushes.clone(), true));
            }
            if print > 0 {
                items.push(item("待线下送达的推送清单".into(), print, pushes, false));
            }
        }
        if g.role == gongkai_core::orgs::accounts::Role::Supervisor {
            // Oversight: the bodies of the subtree with overdue applications.
            let mut late = 0;
            for b in all.iter().filter(|b| p.oversees(b.id, &tree)) {
                let c = gongkai_store::applications::desk_counts(&state.db, b.id, today, soon).await?;
                if c.overdue > 0 {
                    late += 1;
                    lines.push((
                        format!("{}：{}件申请已逾期未答复", b.name, c.overdue),
                        format!("/console/orgs/{}/applications/register?due=overdue", b.id.0),
                    ));
                }
            }
            items.push(item("有逾期未答复申请的机构".into(), late, format!("/console/oversight?org={id}"), true));
            let review = gongkai_store::oversight::supervision::to_review(&state.db, o.id).await?;
            items.push(item(
                "待审核的督查任务报送".into(),
                review,
                format!("/console/oversight/tasks?org={id}"),
                false,
            ));
            items.push(item(
                "所辖机构（报告与办理情况汇总）".into(),
                all.iter().filter(|b| p.oversees(b.id, &tree)).count() as i64,
                format!("/console/orgs/{id}/reports/aggregate"),
                false,
            ));
        }
        if !items.is_empty() {
            out.push(DeskSection { title: format!("{}（{}）", o.name, g.role.label()), items, lines });
        }
    }
    Ok(out)
}
