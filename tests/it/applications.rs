//! Applications end to end through the real server, on both databases.

use crate::both;
use crate::harness::{Kind, TestApp, fresh_db};
use gongkai_core::applications::{ClockSettings, Event};
use gongkai_core::reports::{ReportFormat, compute, compute_groups};
use gongkai_store::{Actor, applications as store, audit};

const ID: &str = "11010519491231002X";
const PHONE: &str = "13812345678";

fn form<'a>(title: &'a str, id: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("applicant_kind", "natural_person"),
        ("applicant_name", "张三"),
        ("id_kind", "resident_id"),
        ("id_number", id),
        ("phone", PHONE),
        ("email", "zhang@example.com"),
        ("info_title", title),
        ("delivery_form", "电子数据"),
        ("delivery_method", "电子邮件"),
    ]
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let i = body.find(start).unwrap_or_else(|| panic!("{start} not in page")) + start.len();
    &body[i..i + body[i..].find(end).unwrap()]
}

/// An in-person application received on `on` by the city bureau, straight through the
/// store (for tests about deadlines, alerts and mail rather than intake).
async fn counter_application(
    db: &gongkai_store::Db,
    org: gongkai_core::orgs::OrgId,
    id_number: &str,
    on: &str,
) -> gongkai_core::ids::ApplicationId {
    let input = gongkai_core::applications::intake::ApplicationInput {
        applicant_kind: "natural_person".into(),
        applicant_name: "王五".into(),
        id_kind: "passport".into(),
        id_number: id_number.into(),
        email: "w@example.com".into(),
        info_title: "某信息".into(),
        delivery_form: "电子数据".into(),
        delivery_method: "电子邮件".into(),
        ..Default::default()
    };
    let cal = gongkai_store::calendars::active(db).await.unwrap();
    let channel = gongkai_core::applications::Channel::InPerson;
    let hash = format!("h-{id_number}");
    let c = store::create(
        db,
        &Actor::system("test"),
        org,
        &input.parse().unwrap(),
        channel,
        on.parse().unwrap(),
        &hash,
        &ClockSettings::default(),
        &cal,
    )
    .await
    .unwrap();
    c.id
}

both!(an_application_from_the_portal_form_to_a_delivered_reply, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    // The public applies without an account.
    let mut public = app.browser();
    assert_eq!(public.get("/apply").await.status, 200);
    let p = public.get("/apply/gzmz").await;
    assert!(p.body.contains("向广州市民政局申请政府信息公开") && p.body.contains("<label for=\"id_number\">"));
    // Invalid: wrong check digit, nothing stored.
    let p = public.post("/apply/gzmz", &form("2024年低保资金发放情况", "110105194912310021")).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("居民身份证号码校验位错误"), "{}", p.body);
    assert!(p.body.contains("value=\"2024年低保资金发放情况\""), "keeps what was typed");
    assert!(store::list_recent(&app.db, gongkai_core::orgs::OrgId(city), 10).await.unwrap().is_empty());
    // A title with a direction override is refused, nothing stored.
    let p = public.post("/apply/gzmz", &form("2024年低保\u{202E}资金发放情况", ID)).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("不可见的格式字符"), "{}", p.body);
    // Valid, with a multi-line description as browsers send it (CRLF): a receipt with a
    // serial and a query code.
    let mut valid = form("2024年低保资金发放情况", ID);
    valid.push(("info_description", "第一，各区发放金额；\r\n第二，发放时间。"));
    let p = public.post("/apply/gzmz", &valid).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let serial = between(&p.body, "受理编号：<strong>", "</strong>").to_string();
    let code = between(&p.body, "<code class=\"secret\">", "</code>").to_string();
    assert!(serial.starts_with("GZMZ-"), "{serial}");
    assert!(p.body.contains("1101**********002X") && !p.body.contains(ID), "ID masked on the receipt");
    // Tracking: waiting for confirmation, personal data masked.
    let mut tracker = app.browser();
    tracker.get("/track").await;
    let t = tracker.post("/track", &[("code", &code.to_lowercase())]).await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert!(
        t.body.contains("待确认收到")
            && t.body.contains("138****5678")
            && !t.body.contains(ID)
            && !t.body.contains(PHONE)
    );
    let wrong = tracker.post("/track", &[("code", "AAAA-BBBB-CCCC")]).await;
    assert_eq!(wrong.status, 404);
    assert!(wrong.body.contains("查询码不正确"));

    // Staff: the inbox lists it (name only), the handling screen shows the full data.
    let id = store::list_recent(&app.db, gongkai_core::orgs::OrgId(city), 1).await.unwrap()[0].id;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let inbox = staff.get(&format!("/console/orgs/{city}/applications")).await;
    assert!(inbox.body.contains(&serial) && !inbox.body.contains(ID));
    let h = staff.get(&format!("/console/applications/{id}")).await;
    assert!(h.body.contains(ID) && h.body.contains(PHONE) && h.body.contains("待确认收到"));
    let stored = store::get(&app.db, id).await.unwrap();
    assert_eq!(stored.info_description.as_deref(), Some("第一，各区发放金额；\n第二，发放时间。"));
    let today = app.today.to_string();
    let p = staff
        .post(&format!("/console/applications/{id}/events"), &[("type", "receipt_confirmed"), ("on", &today)])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let h = staff.get(&format!("/console/applications/{id}")).await;
    assert!(h.body.contains("办理中") && h.body.contains("答复期限："), "{}", h.body);
    // Replies need an approver: a handler's reply waits on the approver's desk.
    let reply =
        [("type", "replied"), ("on", today.as_str()), ("outcome", "disclosed"), ("summary", "已通过电子邮件提供。")];
    let p = staff.post(&format!("/console/applications/{id}/events"), &reply).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let prop = store::latest_proposal(&app.db, id).await.unwrap().expect("a proposal");
    assert!(prop.decision.is_none() && matches!(prop.event, Event::Replied { .. }));
    assert_eq!(store::events(&app.db, id).await.unwrap().len(), 2, "nothing replied yet");
    let h = staff.get(&format!("/console/applications/{id}")).await;
    assert!(h.body.contains("待审核") && h.body.contains("已提交审核人审核"), "{}", h.body);
    let again = staff.post(&format!("/console/applications/{id}/events"), &reply).await;
    assert_eq!(again.status, 422, "one proposal at a time");
    assert!(again.body.contains("已有待审核的答复或延期"), "{}", again.body);
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    let desk = approver.get("/console").await;
    assert!(desk.body.contains("待审核的答复和延期") && desk.body.contains(&serial), "{}", desk.body);
    approver.get(&format!("/console/applications/{id}")).await;
    let p = approver.post(&format!("/console/proposals/{}/approve", prop.id), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(store::latest_proposal(&app.db, id).await.unwrap().unwrap().decision.as_deref(), Some("approved"));
    let replied = store::events(&app.db, id).await.unwrap().pop().unwrap();
    assert!(matches!(replied.event, Event::Replied { .. }) && replied.actor == "gzmz.approver");
    // Before delivery the applicant does not see the reply yet.
    assert!(!tracker.post("/track", &[("code", &code)]).await.body.contains("已通过电子邮件提供"));
    approver.get(&format!("/console/applications/{id}")).await;
    let p = approver
        .post(
            &format!("/console/applications/{id}/events"),
            &[("type", "delivered"), ("on", &today), ("method", "电子邮件")],
        )
        .await;
    assert_eq!(p.status, 303);
    let letter = approver.get(&format!("/console/applications/{id}/letters/reply")).await;
    assert!(
        letter.body.contains("政府信息公开申请答复告知书") && letter.body.contains("第三十六条"),
        "{}",
        letter.body
    );
    assert!(letter.body.contains("已通过电子邮件提供。") && letter.body.contains("张三："));
    // The Word file opens in a DOCX reader and carries the same text.
    let docx = reqwest::Client::new()
        .get(format!("{}/console/applications/{id}/letters/reply/docx", app.base))
        .header("cookie", approver.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(docx.status(), 200);
    assert!(docx.headers()["content-disposition"].to_str().unwrap().contains(".docx"));
    let bytes = docx.bytes().await.unwrap();
    let parsed = docx_rs::read_docx(&bytes).expect("a well-formed DOCX");
    let json = parsed.json();
    assert!(json.contains("政府信息公开申请答复告知书") && json.contains("已通过电子邮件提供。"), "DOCX text");
    // The PDF opens in a real reader (pdftotext) and carries the text, fonts embedded.
    let pdf = reqwest::Client::new()
        .get(format!("{}/console/applications/{id}/letters/reply/pdf", app.base))
        .header("cookie", approver.cookie_header())
        .send()
        .await
        .unwrap();
    if gongkai_pdf::fonts_available() {
        assert_eq!(pdf.status(), 200);
        let bytes = pdf.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        // For a look at the layout: GONGKAI_KEEP_PDF=/tmp/letter.pdf cargo test … letter
        if let Ok(path) = std::env::var("GONGKAI_KEEP_PDF") {
            std::fs::write(path, &bytes).unwrap();
        }
        if let Some(text) = crate::harness::pdftotext(&bytes) {
            assert!(text.contains("政府信息公开申请答复告知书") && text.contains("张三"), "{text}");
        }
    } else {
        assert_eq!(pdf.status(), 409);
        assert!(pdf.text().await.unwrap().contains("没有找到可用的中文字体"));
    }
    // No correction was requested, so there is no correction notice.
    assert_eq!(approver.get(&format!("/console/applications/{id}/letters/correction")).await.status, 404);
    let t = tracker.post("/track", &[("code", &code)]).await;
    assert!(
        t.body.contains("已送达") && t.body.contains("予以公开") && t.body.contains("已通过电子邮件提供。"),
        "{}",
        t.body
    );
    // The event log records every actor; personal data never reaches the audit log.
    let events = store::events(&app.db, id).await.unwrap();
    let actors: Vec<&str> = events.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(actors, ["portal", "gzmz.staff", "gzmz.approver", "gzmz.approver"]);
    for e in audit::list(&app.db, None, 1000).await.unwrap() {
        assert!(!e.changes.contains(ID) && !e.changes.contains(PHONE), "{}", e.changes);
    }
});

both!(workflow_rules_are_enforced_over_http, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}/applications/new")).await;
    let mut f = form("殡葬服务收费标准", ID);
    f.extend([("channel", "in_person"), ("submitted_on", "2024-09-27")]);
    let p = staff.post(&format!("/console/orgs/{city}/applications"), &f).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("答复期限：<strong>2024-10-30</strong>"), "regulation.md §9 example 1: {}", p.body);
    assert!(p.body.contains("请将查询码告知申请人"));
    let id = store::list_recent(&app.db, gongkai_core::orgs::OrgId(city), 1).await.unwrap()[0].id;
    let before = store::events(&app.db, id).await.unwrap().len();
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let path = format!("/console/applications/{id}/events");
        async move { (path, fields) }
    };
    // A correction notice after the 7-working-day window is refused with the rule.
    let (path, fields) = post(vec![
        ("type", "correction_requested"),
        ("on", "2024-10-14"),
        ("period_wd", "10"),
        ("items", "请写明年份"),
    ])
    .await;
    let p = staff.post(&path, &fields).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("最迟2024-10-12"), "{}", p.body);
    // A consultation pauses the clock; a reply while it is open is refused.
    let (path, fields) =
        post(vec![("type", "consultation_opened"), ("on", "2024-10-09"), ("party", "third_party"), ("with", "某公司")])
            .await;
    assert_eq!(staff.post(&path, &fields).await.status, 303);
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    approver.get(&format!("/console/applications/{id}")).await;
    let p = approver.post(&path, &[("type", "replied"), ("on", "2024-10-10"), ("outcome", "disclosed")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("征求意见中"));
    staff.get(&format!("/console/applications/{id}")).await;
    assert_eq!(staff.post(&path, &[("type", "consultation_closed"), ("on", "2024-10-17")]).await.status, 303);
    // 2024-10-10..10-17 are 7 working days (10-12 was a declared workday): due 10-30 + 7 wd.
    let h = staff.get(&format!("/console/applications/{id}")).await;
    assert!(h.body.contains("答复期限：<strong>2024-11-08</strong>"), "{}", h.body);
    // A fee notice whose amount does not match the band is refused.
    let p = staff
        .post(
            &path,
            &[
                ("type", "fee_noticed"),
                ("on", "2024-10-18"),
                ("fee_method", "per_volume"),
                ("pages", "120"),
                ("amount_yuan", "1000"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("应为1100元"));
    // Extensions: approvers only, once.
    let ext = [("type", "extension_approved"), ("on", "2024-10-21"), ("days", "20"), ("reason", "需调取档案")];
    assert_eq!(staff.post(&path, &ext).await.status, 303, "a handler's extension goes to the approver");
    assert!(store::latest_proposal(&app.db, id).await.unwrap().unwrap().decision.is_none());
    approver.get(&format!("/console/applications/{id}")).await;
    assert_eq!(approver.post(&path, &ext).await.status, 303);
    let closed = store::latest_proposal(&app.db, id).await.unwrap().unwrap();
    assert_eq!(closed.decision.as_deref(), Some("superseded"), "recorded directly, the proposal is closed");
    let p = approver
        .post(&path, &[("type", "extension_approved"), ("on", "2024-10-22"), ("days", "5"), ("reason", "再延")])
        .await;
    assert!(p.body.contains("只能延长一次"));
    // Dates in the future and unknown actions are refused too.
    let p = approver.post(&path, &[("type", "replied"), ("on", "2999-01-01"), ("outcome", "disclosed")]).await;
    assert_eq!(p.status, 422);
    let p = approver.post(&path, &[("type", "submitted"), ("on", "2024-10-22")]).await;
    assert!(p.body.contains("不支持的操作类型"));
    let after = store::events(&app.db, id).await.unwrap();
    assert_eq!(after.len(), before + 3, "only the three allowed steps were recorded");
    assert_eq!(after.last().unwrap().actor, "gzmz.approver");
});

both!(application_work_is_never_hosted_and_personal_data_stays_masked, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let shzz = app.org_id("gzshzz").await;
    let city = app.org_id("gzmz").await;
    // The administration's own staff register an application.
    let mut own = app.browser();
    own.login("shzz.staff").await;
    own.get(&format!("/console/orgs/{shzz}/applications/new")).await;
    let mut f = form("社会团体年检结果", ID);
    f.extend([("channel", "in_person"), ("submitted_on", "2024-11-04")]);
    assert_eq!(own.post(&format!("/console/orgs/{shzz}/applications"), &f).await.status, 200);
    let id = store::list_recent(&app.db, gongkai_core::orgs::OrgId(shzz), 1).await.unwrap()[0].id;
    // The hosting bureau's staff and approver (who do its other disclosure work) cannot.
    for user in ["gzmz.staff", "gzmz.approver", "gzmz.admin", "yuexiu.staff"] {
        let mut b = app.browser();
        b.login(user).await;
        assert_eq!(b.get(&format!("/console/orgs/{shzz}/applications")).await.status, 403, "{user} inbox");
        assert_eq!(b.get(&format!("/console/applications/{id}")).await.status, 403, "{user} handling screen");
        assert_eq!(b.get(&format!("/console/orgs/{shzz}/applications/new")).await.status, 403, "{user} new form");
        let p =
            b.post(&format!("/console/applications/{id}/events"), &[("type", "withdrawn"), ("on", "2024-11-05")]).await;
        assert_eq!(p.status, 403, "{user} event");
        assert_eq!(b.get(&format!("/console/applications/{id}/letters/reply")).await.status, 403, "{user} letter");
    }
    assert_eq!(store::events(&app.db, id).await.unwrap().len(), 1);
    // The supervisor reads it, with the personal data masked.
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    let h = sup.get(&format!("/console/applications/{id}")).await;
    assert_eq!(h.status, 200);
    assert!(h.body.contains("1101**********002X") && !h.body.contains(ID) && !h.body.contains("办理操作"));
    assert_eq!(
        sup.post(&format!("/console/applications/{id}/events"), &[("type", "withdrawn"), ("on", "2024-11-05")])
            .await
            .status,
        403
    );
    // The city's inbox does not list the administration's application.
    let mut cs = app.browser();
    cs.login("gzmz.staff").await;
    assert!(!cs.get(&format!("/console/orgs/{city}/applications")).await.body.contains("GZSHZZ-"));
});

both!(public_forms_are_rate_limited, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let mut b = app.browser();
    b.get("/track").await;
    let mut statuses = vec![];
    for _ in 0..21 {
        statuses.push(b.post("/track", &[("code", "AAAA-BBBB-CCCC")]).await.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 404).count(), 20);
    assert_eq!(*statuses.last().unwrap(), 429);
});

both!(appeals_are_recorded_and_decided, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut b = app.browser();
    b.login("gzmz.staff").await;
    b.get(&format!("/console/orgs/{city}/appeals")).await;
    let p = b
        .post(
            &format!("/console/orgs/{city}/appeals"),
            &[
                ("kind", "reconsideration"),
                ("body", "广州市人民政府"),
                ("filed_on", "2024-03-01"),
                ("application_serial", "NOPE-1"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("没有该受理编号"));
    let p = b
        .post(
            &format!("/console/orgs/{city}/appeals"),
            &[
                ("kind", "reconsideration"),
                ("body", "广州市人民政府"),
                ("filed_on", "2024-03-01"),
                ("case_number", "穗府行复〔2024〕1号"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    let list = gongkai_store::applications::appeals::list(&app.db, gongkai_core::orgs::OrgId(city)).await.unwrap();
    let aid = list[0].id;
    b.get(&format!("/console/orgs/{city}/appeals")).await;
    let p =
        b.post(&format!("/console/appeals/{aid}/decide"), &[("result", "upheld"), ("decided_on", "2024-02-01")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("早于"));
    assert_eq!(
        b.post(&format!("/console/appeals/{aid}/decide"), &[("result", "upheld"), ("decided_on", "2024-05-01")])
            .await
            .status,
        303
    );
    assert_eq!(
        gongkai_store::applications::appeals::get(&app.db, aid).await.unwrap().result,
        Some(gongkai_core::appeals::AppealResult::Upheld)
    );
    // Another organisation's staff cannot record or decide.
    let mut y = app.browser();
    y.login("yuexiu.staff").await;
    assert_eq!(y.get(&format!("/console/orgs/{city}/appeals")).await.status, 403);
    y.get("/console").await;
    assert_eq!(
        y.post(&format!("/console/appeals/{aid}/decide"), &[("result", "corrected"), ("decided_on", "2024-05-01")])
            .await
            .status,
        403
    );
});

both!(alerts_sweep_is_idempotent, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else { return };
    let orgs = gongkai::demo::seed_base(&db).await.unwrap();
    let cal = gongkai_core::calendar::Calendar::builtin();
    let s = ClockSettings::default();
    counter_application(&db, orgs.city, "E12345678", "2024-11-04").await;
    // Due 2024-12-02: on 11-26 that is 4 working days ahead (due soon); on 12-03 overdue.
    assert_eq!(store::sweep_alerts(&db, "2024-11-20".parse().unwrap(), &s, &cal).await.unwrap(), 0);
    assert_eq!(store::sweep_alerts(&db, "2024-11-26".parse().unwrap(), &s, &cal).await.unwrap(), 1);
    assert_eq!(store::sweep_alerts(&db, "2024-11-27".parse().unwrap(), &s, &cal).await.unwrap(), 0, "never twice");
    assert_eq!(store::sweep_alerts(&db, "2024-12-03".parse().unwrap(), &s, &cal).await.unwrap(), 1);
    assert_eq!(store::sweep_alerts(&db, "2024-12-04".parse().unwrap(), &s, &cal).await.unwrap(), 0);
    let alerts = store::alerts(&db, orgs.city, 10).await.unwrap();
    let kinds: Vec<&str> = alerts.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["overdue", "due_soon"]);
});

both!(a_corrected_calendar_moves_running_deadlines, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else { return };
    let orgs = gongkai::demo::seed_base(&db).await.unwrap();
    let s = ClockSettings::default();
    let actor = Actor::system("test");
    let id = counter_application(&db, orgs.city, "E7654321", "2024-11-04").await;
    assert_eq!(store::get(&db, id).await.unwrap().due_on.as_deref(), Some("2024-12-02"));
    // A corrected notice declares 2024-11-15 (a Friday) a day off.
    let text = gongkai_core::calendar::BUILTIN_TOML
        .replace("[2024]\n", "[2024]\n# correction\n")
        .replace("\"2024-10-07\",", "\"2024-10-07\", \"2024-11-15\",");
    assert!(text.contains("2024-11-15"));
    let new = gongkai_store::calendars::load(&db, &actor, &text).await.unwrap().unwrap();
    assert_eq!(store::recompute_deadlines(&db, &actor, &s, &new).await.unwrap(), 1);
    let a = store::get(&db, id).await.unwrap();
    assert_eq!((a.due_on.as_deref(), a.calendar_version.as_str()), (Some("2024-12-03"), new.version()));
    let last = store::events(&db, id).await.unwrap().pop().unwrap();
    assert!(matches!(last.event, Event::DeadlineMoved { .. }), "{:?}", last.event);
    assert_eq!(store::recompute_deadlines(&db, &actor, &s, &new).await.unwrap(), 0, "nothing moves twice");
});

both!(the_full_demo_has_the_2020_figures_and_a_live_inbox, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_full_demo(kind).await else { return };
    let city = gongkai_core::orgs::OrgId(app.org_id("gzmz").await);
    let all = store::list_recent(&app.db, city, 100_000).await.unwrap();
    let handled_2020 = all.iter().filter(|a| a.finished_on.as_deref().is_some_and(|d| d.starts_with("2020"))).count();
    assert_eq!(handled_2020, 63);
    let carried = all
        .iter()
        .filter(|a| {
            a.received_on.as_deref().is_some_and(|d| d.starts_with("2020"))
                && a.finished_on.as_deref().is_some_and(|d| d.starts_with("2021"))
        })
        .count();
    assert_eq!(carried, 2);
    let appeals = gongkai_store::applications::appeals::list(&app.db, city).await.unwrap();
    let upheld_2020 = appeals
        .iter()
        .filter(|a| a.filed_on.starts_with("2020") && a.result == Some(gongkai_core::appeals::AppealResult::Upheld))
        .count();
    assert_eq!(upheld_2020, 8);
    assert!(appeals.iter().all(|a| a.kind == gongkai_core::appeals::AppealKind::Reconsideration), "no litigation");
    let alerts = store::alerts(&app.db, city, 50).await.unwrap();
    assert!(alerts.iter().any(|a| a.kind == "overdue") && alerts.iter().any(|a| a.kind == "due_soon"));
    // The grouped query and the per-application computation agree, year by year.
    for year in 2019..=2026 {
        let f = ReportFormat::for_year(year);
        let facts = gongkai_store::reports::application_facts(&app.db, city, year).await.unwrap();
        let groups = gongkai_store::reports::application_groups(&app.db, city, year).await.unwrap();
        assert_eq!(compute(f, "x", year, &facts, &[]), compute_groups(f, "x", year, &groups, &[]), "{year}");
    }
    // The report tables computed from these records, through the CLI contract.
    let out = std::process::Command::new(crate::harness::gongkai_bin())
        .args(["--database", &app.url, "report", "tables", "--org", "gzmz", "--year", "2020", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["format"], "F2019");
    assert_eq!(t["year"], 2020);
    assert_eq!(t["org"], "广州市民政局");
    let cell = |c: &str| t["cells"][c].as_i64().unwrap_or_else(|| panic!("{c} missing"));
    assert_eq!(cell("t3.r3.s7:c3"), 63, "63 applications handled in 2020");
    assert_eq!(cell("t3.r1:c3") + cell("t3.r2:c3"), cell("t3.r3.s7:c3") + cell("t3.r4:c3"));
    assert_eq!(
        (cell("t4:c1"), cell("t4:c5"), cell("t4:c10"), cell("t4:c15")),
        (8, 8, 0, 0),
        "8 reconsiderations upheld, no litigation"
    );
    let t21 = std::process::Command::new(crate::harness::gongkai_bin())
        .args(["--database", &app.url, "report", "tables", "--org", "广州市民政局", "--year", "2021", "--json"])
        .output()
        .unwrap();
    let t21: serde_json::Value = serde_json::from_slice(&t21.stdout).unwrap();
    assert_eq!(t21["format"], "F2021");
    assert_eq!(t21["cells"]["t3.r2:c3"], t["cells"]["t3.r4:c3"], "carry-over links the years");
    let mut b = app.browser();
    b.login("gzmz.staff").await;
    let inbox = b.get(&format!("/console/orgs/{city}/applications")).await;
    assert!(
        inbox.body.contains("已逾期") && inbox.body.contains("待补正") && inbox.body.contains("征求意见中"),
        "{}",
        inbox.body
    );
});

both!(letter_templates_are_editable_and_checked, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let shzz = app.org_id("gzshzz").await;
    let mut a = app.browser();
    a.login("gzmz.approver").await;
    let p = a.get(&format!("/console/orgs/{city}/letters")).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("{{申请人}}") && p.body.contains("（默认文本）"));
    let p = a
        .post(
            &format!("/console/orgs/{city}/letters/reply"),
            &[("body", "{{申请人}}：\n\n{{不存在的项}}"), ("action", "save")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("占位符“{{不存在的项}}”不存在"), "{}", p.body);
    let custom = "{{申请人}}：\n\n关于“{{所需信息}}”，{{答复说明}}\n\n联系电话：020-81000001。";
    let p = a.post(&format!("/console/orgs/{city}/letters/reply"), &[("body", custom), ("action", "save")]).await;
    assert!(p.body.contains("已保存") && p.body.contains("（本机关自定义）"));
    // A reply letter now uses the bureau's wording.
    let mut s = app.browser();
    s.login("gzmz.staff").await;
    s.get(&format!("/console/orgs/{city}/applications/new")).await;
    let mut f = form("高龄津贴申领条件", ID);
    f.extend([("channel", "in_person"), ("submitted_on", "2024-11-04")]);
    s.post(&format!("/console/orgs/{city}/applications"), &f).await;
    let id = store::list_recent(&app.db, gongkai_core::orgs::OrgId(city), 1).await.unwrap()[0].id;
    a.get(&format!("/console/applications/{id}")).await;
    a.post(
        &format!("/console/applications/{id}/events"),
        &[("type", "replied"), ("on", "2024-11-20"), ("outcome", "not_held")],
    )
    .await;
    let l = a.get(&format!("/console/applications/{id}/letters/reply")).await;
    assert!(
        l.body.contains("关于“高龄津贴申领条件”，经检索，本机关没有制作或者获取")
            && l.body.contains("联系电话：020-81000001。"),
        "{}",
        l.body
    );
    // Staff cannot edit; the host's admin cannot edit the hosted administration's letters.
    assert_eq!(s.get(&format!("/console/orgs/{city}/letters")).await.status, 403);
    let mut admin = app.browser();
    admin.login("gzmz.admin").await;
    assert_eq!(admin.get(&format!("/console/orgs/{city}/letters")).await.status, 200);
    assert_eq!(admin.get(&format!("/console/orgs/{shzz}/letters")).await.status, 403);
    // Reset restores the default.
    a.get(&format!("/console/orgs/{city}/letters")).await;
    let p = a.post(&format!("/console/orgs/{city}/letters/reply"), &[("body", ""), ("action", "reset")]).await;
    assert!(p.body.contains("已恢复默认文本"));
    assert!(a.get(&format!("/console/applications/{id}/letters/reply")).await.body.contains("如对本答复不服"));
});

both!(deadline_alerts_are_emailed_once, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else { return };
    let orgs = gongkai::demo::seed_base(&db).await.unwrap();
    let cal = gongkai_core::calendar::Calendar::builtin();
    let s = ClockSettings::default();
    let actor = Actor::system("test");
    let id = counter_application(&db, orgs.city, "E1234567", "2024-11-04").await;
    let staff = gongkai_store::orgs::users::credentials(&db, "gzmz.staff").await.unwrap().unwrap().0;
    store::append(
        &db,
        &actor,
        id,
        &Event::Assigned { handler_id: staff.id.0, handler: staff.display_name.clone() },
        &s,
        &cal,
    )
    .await
    .unwrap();
    let (port, got) = crate::harness::smtp_sink().await;
    let mailer = gongkai_web::applications::mail::Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "平台 <gongkai@example.gov.cn>",
    )
    .unwrap();
    // Through the job table: the sweep job creates the alert and enqueues its e-mail.
    let clock = gongkai_web::http::clock::WallClock::today_is("2024-11-27".parse().unwrap());
    let worker = gongkai_web::jobs::worker::Worker::new(db.clone(), Some(mailer), clock);
    worker.schedule().await.unwrap();
    assert_eq!(worker.drain().await.unwrap(), 4, "alert, session and notice sweeps, one e-mail");
    assert_eq!(store::alerts(&db, orgs.city, 10).await.unwrap().len(), 1);
    assert_eq!(got.lock().unwrap().len(), 2, "handler and approver");
    // The next period's sweep finds the alert again but never mails it twice.
    worker.schedule().await.unwrap();
    worker.drain().await.unwrap();
    assert_eq!(got.lock().unwrap().len(), 2, "never twice");
    assert_eq!(gongkai_store::jobs::counts(&db).await.unwrap(), (0, 0, 0), "nothing left queued");
    let mails = got.lock().unwrap().clone();
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.0.clone()).collect();
    to.sort();
    assert_eq!(to, ["gzmz.approver@example.gov.cn", "gzmz.staff@example.gov.cn"]);
    assert!(mails[0].1.contains("Subject:"), "{}", mails[0].1);
});

both!(per_item_fees_count_the_applicants_month_from_records, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    for day in 1..=11 {
        staff.get(&format!("/console/orgs/{city}/applications/new")).await;
        let on = format!("2024-04-{:02}", [1, 2, 3, 7, 8, 9, 10, 11, 12, 15, 16][day - 1]);
        let title = format!("信息{day}");
        let f = [
            ("channel", "in_person"),
            ("submitted_on", on.as_str()),
            ("applicant_kind", "natural_person"),
            ("applicant_name", "钱七"),
            ("id_kind", "passport"),
            ("id_number", "E5550001"),
            ("phone", "13812345678"),
            ("info_title", title.as_str()),
            ("delivery_form", "纸质文本"),
            ("delivery_method", "自行领取"),
        ];
        assert_eq!(staff.post(&format!("/console/orgs/{city}/applications"), &f).await.status, 200);
    }
    let ids: Vec<gongkai_core::ids::ApplicationId> =
        store::list_recent(&app.db, gongkai_core::orgs::OrgId(city), 20).await.unwrap().iter().map(|a| a.id).collect();
    let (eleventh, third) = (ids[0], ids[8]);
    assert_eq!(store::monthly_position(&app.db, eleventh).await.unwrap(), 11);
    assert_eq!(store::monthly_position(&app.db, third).await.unwrap(), 3);
    staff.get(&format!("/console/applications/{third}")).await;
    let p = staff
        .post(
            &format!("/console/applications/{third}/events"),
            &[
                ("type", "fee_noticed"),
                ("on", "2024-04-17"),
                ("fee_method", "per_item"),
                ("nth", "11"),
                ("amount_yuan", "100"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("本申请为第3件"), "{}", p.body);
    staff.get(&format!("/console/applications/{eleventh}")).await;
    let p = staff
        .post(
            &format!("/console/applications/{eleventh}/events"),
            &[
                ("type", "fee_noticed"),
                ("on", "2024-04-17"),
                ("fee_method", "per_item"),
                ("nth", "11"),
                ("amount_yuan", "100"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(
        staff
            .get(&format!("/console/applications/{eleventh}/letters/fee"))
            .await
            .body
            .contains("按件计收：本自然月内第11件申请，金额100元")
    );
});
