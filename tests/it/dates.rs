//! The same work at several fixed dates: the last day of the last noticed year, a year
//! without a loaded notice, and far ahead. Nothing here depends on the day the suite runs.
//!
//! At each date, on both databases: the full demo seeds; the stored deadlines of open
//! applications and their 暂定 mark agree with the calendar; staff confirm receipt and an
//! approver extends a deadline (the two actions that failed in December); the handling
//! screen, the tracking page, the letter and the API say 暂定 and why; loading the missing
//! notice re-derives the deadlines and removes the mark.

use crate::harness::{DATES, Kind, TestApp, date};
use gongkai_core::applications::ClockSettings;
use gongkai_core::ids::OrgId;
use gongkai_store::applications as store;

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let i = body.find(start).unwrap_or_else(|| panic!("{start} not in page")) + start.len();
    &body[i..i + body[i..].find(end).unwrap()]
}

async fn year_end_and_beyond(kind: Kind, today: &str) {
    let today = date(today);
    let Some(app) = TestApp::spawn_full_demo_on(kind, today).await else { return };
    let city = OrgId(app.org_id("gzmz").await);
    let s = ClockSettings::default();
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let open = store::list_open(&app.db, city).await.unwrap();
    assert!(open.len() >= 10, "{today}: the demo's open work is dated relative to today");
    let mut marks = vec![];
    for a in &open {
        let case = store::case(&app.db, a.id, &s, &cal).await.unwrap();
        let due = case.due(&s, &cal).unwrap();
        assert_eq!(a.due_on, due.map(|d| d.to_string()), "{}", a.serial);
        assert_eq!(a.due_provisional, case.due_provisional(&s, &cal).unwrap().is_some(), "{}", a.serial);
        if let Some(d) = due {
            // Provisional exactly when the count reaches a year without a notice.
            assert_eq!(a.due_provisional, !cal.covers(d.year()) || !cal.covers(today.year()), "{} {d}", a.serial);
            marks.push(a.due_provisional);
        }
    }
    if today.year() == 2026 {
        assert!(marks.contains(&true) && marks.contains(&false), "{today}: some reach 2027, the overdue one does not");
    } else {
        assert!(marks.iter().all(|m| *m), "{today}: every deadline is provisional");
    }

    // The online application submitted today: staff confirm receipt.
    let online =
        open.iter().find(|a| a.status.code() == "awaiting_receipt").expect("an unconfirmed online application");
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let path = format!("/console/applications/{}", online.id);
    staff.get(&path).await;
    let p = staff.post(&format!("{path}/events"), &[("type", "receipt_confirmed"), ("on", &today.to_string())]).await;
    assert_eq!(p.status, 303, "{today}: {}", p.body);
    let h = staff.get(&path).await;
    let due = between(&h.body, "答复期限：<strong>", "</strong>").to_string();
    let confirmed = store::get(&app.db, online.id).await.unwrap();
    assert!(confirmed.due_provisional, "{today}: 20 working days from today reach a year without a notice");
    assert_eq!(due, format!("{}（暂定）", confirmed.due_on.clone().unwrap()));
    assert!(h.body.contains("通知尚未载入") && h.body.contains("《全国年节及纪念日放假办法》"), "{}", h.body);

    // An approver extends the deadline of a running case.
    let running =
        open.iter().find(|a| a.status.code() == "in_progress" && a.due_on.as_deref() > Some(&today.to_string()[..]));
    let running = running.expect("a running case not yet due");
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    let path = format!("/console/applications/{}", running.id);
    approver.get(&path).await;
    let ext =
        [("type", "extension_approved"), ("on", &today.to_string()[..]), ("days", "20"), ("reason", "需调取档案")];
    let p = approver.post(&format!("{path}/events"), &ext).await;
    assert_eq!(p.status, 303, "{today}: {}", p.body);
    let extended = store::get(&app.db, running.id).await.unwrap();
    assert!(extended.due_provisional && extended.due_on > running.due_on);
    let letter = approver.get(&format!("{path}/letters/extension")).await;
    assert_eq!(letter.status, 200);
    assert!(letter.body.contains("（暂定，以国务院办公厅公布的节假日安排为准）"), "{}", letter.body);

    // The API says so too.
    let token = crate::api::token_for(&app, "gzmz.staff").await;
    let detail: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/applications/{}", app.base, running.id))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["due_provisional"], true, "{detail}");

    // The public tracking page of a new application.
    let mut public = app.browser();
    public.get("/apply/gzmz").await;
    let form = [
        ("applicant_kind", "natural_person"),
        ("applicant_name", "张三"),
        ("id_kind", "resident_id"),
        ("id_number", "11010519491231002X"),
        ("phone", "13812345678"),
        ("info_title", "本市养老机构名录"),
        ("delivery_form", "电子数据"),
        ("delivery_method", "电子邮件"),
        ("email", "zhang@example.com"),
    ];
    let p = public.post("/apply/gzmz", &form).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let code = between(&p.body, "<code class=\"secret\">", "</code>").to_string();
    let serial = between(&p.body, "受理编号：<strong>", "</strong>").to_string();
    assert!(serial.contains(&format!("-{}-", today.year())), "{serial}");
    let id = store::list_recent(&app.db, city, 1).await.unwrap()[0].id;
    staff.get(&format!("/console/applications/{id}")).await;
    let p = staff
        .post(
            &format!("/console/applications/{id}/events"),
            &[("type", "receipt_confirmed"), ("on", &today.to_string())],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    public.get("/track").await;
    let t = public.post("/track", &[("code", &code)]).await;
    assert!(t.body.contains("（暂定）") && t.body.contains("通知尚未载入"), "{}", t.body);

    // The notice for the first missing year is loaded: deadlines in it are re-derived and
    // lose the mark (an invented notice with 元旦 only, so the dates may move).
    let missing = (2027..=today.year() + 1).find(|y| !cal.covers(*y)).unwrap();
    let mut text = gongkai_core::calendar::BUILTIN_TOML.to_string();
    for y in 2027..=today.year() + 1 {
        text.push_str(&format!("\n[{y}]\nnotice = \"test notice {y}\"\noff = [\"{y}-01-01\"]\nworkday = []\n"));
    }
    let loaded =
        gongkai_store::calendars::load(&app.db, &gongkai_store::Actor::system("t"), &text).await.unwrap().unwrap();
    assert!(loaded.covers(missing));
    store::recompute_deadlines(&app.db, &gongkai_store::Actor::system("t"), &s, &loaded).await.unwrap();
    for a in store::list_open(&app.db, city).await.unwrap() {
        assert!(!a.due_provisional, "{today}: {} still provisional after the notice was loaded", a.serial);
        assert_eq!(a.calendar_version, loaded.version());
    }
    let h = staff.get(&format!("/console/applications/{}", online.id)).await;
    assert!(!h.body.contains("（暂定）") && !h.body.contains("通知尚未载入"), "{}", h.body);
}

macro_rules! at_dates {
    ($($name:ident => $i:expr),*) => {
        $(mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                year_end_and_beyond(Kind::Sqlite, DATES[$i]).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                year_end_and_beyond(Kind::Postgres, DATES[$i]).await;
            }
        })*
    };
}

at_dates!(year_end => 0, year_without_notice => 1, far_ahead => 2);
