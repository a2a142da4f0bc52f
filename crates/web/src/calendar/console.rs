//! The working-day calendar: view, load next year's notice (system admins), reminder.

use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::http::forms::CsrfForm;
use crate::pages::{CalendarPage, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_core::calendar::Calendar;
use gongkai_store::calendars;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/calendar", get(show).post(load))
}

/// Remind while this year's notice is missing, and from November on until next year's is
/// loaded (notices come out in the autumn; until then deadlines reaching that year are
/// provisional).
pub fn reminder(cal: &Calendar, today: jiff::civil::Date) -> Option<String> {
    let (year, next) = (today.year(), today.year() + 1);
    if !cal.covers(year) {
        return Some(format!(
            "尚未加载{year}年的节假日安排：今年的答复期限均按《全国年节及纪念日放假办法》暂定推算并标注“暂定”。请系统管理员尽快加载国务院办公厅通知，期限将自动重新计算。"
        ));
    }
    (today.month() >= 11 && !cal.covers(next)).then(|| {
        format!(
            "尚未加载{next}年的节假日安排。跨年的答复期限暂按《全国年节及纪念日放假办法》推算并标注“暂定”；国务院办公厅发布通知后，请系统管理员及时加载，期限将自动重新计算。"
        )
    })
}

async fn page(
    state: &AppState,
    user: &ConsoleUser,
    notice: Option<String>,
    errors: Vec<String>,
) -> PageResult<CalendarPage> {
    let cal = calendars::active(&state.db).await?;
    let history = calendars::history(&state.db)
        .await?
        .into_iter()
        .map(|h| {
            let at =
                gongkai_store::ts::parse(&h.loaded_at).map(gongkai_core::time::china_display).unwrap_or(h.loaded_at);
            format!("{at} {} 加载 {}（{}年）", h.loaded_by, h.version, h.years)
        })
        .collect();
    Ok(CalendarPage {
        title: "节假日安排",
        nav: user.nav(state),
        version: cal.version().to_string(),
        years: cal.years().into_iter().map(|(y, n)| (y, n.to_string())).collect(),
        history,
        can_load: user.principal.system_admin,
        notice,
        errors,
        reminder: reminder(&cal, state.today()),
    })
}

async fn show(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    Ok(render(&page(&state, &user, None, vec![]).await?))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LoadForm {
    content: String,
}

async fn load(
    State(state): State<AppState>,
    user: ConsoleUser,
    CsrfForm(f): CsrfForm<LoadForm>,
) -> PageResult<Response> {
    if !user.principal.system_admin {
        return Err(AppError::Forbidden("只有系统管理员可以加载节假日安排".into()));
    }
    match calendars::load(&state.db, &user.actor(), &f.content).await? {
        Ok(cal) => {
            let moved = gongkai_store::applications::recompute_deadlines(
                &state.db,
                &user.actor(),
                &crate::applications::ops::settings(),
                &cal,
            )
            .await?;
            let notice = format!("已加载日历 {}；{moved}件办理中申请的答复期限随之调整。", cal.version());
            Ok(render(&page(&state, &user, Some(notice), vec![]).await?))
        }
        Err(e) => {
            let p = page(&state, &user, None, vec![format!("日历文件有误，未加载：{e}")]).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn november_reminder_until_next_year_is_loaded() {
        let cal = Calendar::builtin(); // covers 2019–2026
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert!(reminder(&cal, d("2026-11-02")).unwrap().contains("2027"));
        assert!(reminder(&cal, d("2026-12-31")).is_some());
        assert_eq!(reminder(&cal, d("2026-10-31")), None, "not before November");
        assert_eq!(reminder(&cal, d("2025-11-15")), None, "2026 is loaded");
        let now = reminder(&cal, d("2027-02-15")).unwrap();
        assert!(now.contains("2027年") && now.contains("暂定"), "{now}");
    }
}
