//! Suggestions and proposals (建议提案) through the real server: registering, the reply,
//! the rating and re-handling, publishing with contact details redacted, and who may do what.

use crate::both;
use crate::harness::{Kind, TestApp};

both!(suggestions_and_proposals_from_assignment_to_published_reply, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let today = app.today.to_string();
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let page = staff.get(&format!("/console/orgs/{city}/motions")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("登记交办的建议提案") && page.body.contains("承办 0 件"), "{}", page.body);
    let url = format!("/console/orgs/{city}/motions");
    let mut f = vec![
        ("kind", "npc"),
        ("session", "十五届人大五次会议"),
        ("number", "第20260042号"),
        ("title", "关于推进长者饭堂扩面提质的建议"),
        ("proposers", "王建国等5名代表"),
        ("content", "建议扩大长者饭堂覆盖面。"),
        ("assigned_by", "市人大常委会代表工作委员会"),
        ("assigned_on", "2030-01-01"),
        ("role", "co_handler"),
        ("other_units", ""),
    ];
    // Dates out of order and a co-handled one without its lead: refused, nothing stored.
    let p = staff.post(&url, &f).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("交办日期不能晚于今天") && p.body.contains("请填写主办单位"), "{}", p.body);
    assert!(p.body.contains("关于推进长者饭堂扩面提质的建议"), "what was typed is shown again");
    assert!(gongkai_store::proposals::list(&app.db, gongkai_core::ids::OrgId(city), None).await.unwrap().is_empty());
    f[7] = ("assigned_on", "2026-08-03");
    f[8] = ("role", "lead");
    let p = staff.post(&url, &f).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let detail = p.location.clone().unwrap();
    let id: i64 = detail.rsplit('/').next().unwrap().parse().unwrap();
    staff.get(&url).await;
    let p = staff.post(&url, &f).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("本机关已登记人大代表建议十五届人大五次会议第20260042号"), "{}", p.body);
    // Three months from assignment; the register marks it open.
    let d = staff.get(&detail).await;
    assert!(d.body.contains("待答复，期限 2026-11-03"), "{}", d.body);
    let list = staff.get(&format!("{url}?year=2026")).await;
    assert!(list.body.contains("（已逾期）"), "2026-11-16 is past the period: {}", list.body);
    // The lead's reply needs its class; it carries contact details that must not be published.
    let reply = format!("{detail}/reply");
    let p = staff.post(&reply, &[("on", "2026-10-20"), ("classification", ""), ("reply_text", "答复。")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("须标明答复类别"), "{}", p.body);
    staff.get(&detail).await;
    let text = "王建国代表：\r\n您的建议收悉，现答复如下：今年新增长者饭堂30个。\r\n联系人：李明，电话 020-83331234，邮箱 liming@mzj.example.cn";
    let p = staff.post(&reply, &[("on", "2026-10-20"), ("classification", "a"), ("reply_text", text)]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    staff.get(&detail).await;
    let p = staff.post(&reply, &[("on", "2026-10-21"), ("classification", "a"), ("reply_text", "再答复")]).await;
    assert_eq!(p.status, 422, "answered once until the rating asks again");
    // Unsatisfied: re-handling with a new due date, then a second reply and a rating.
    staff.get(&detail).await;
    let rate = format!("{detail}/rate");
    assert_eq!(staff.post(&rate, &[("on", "2026-10-25"), ("satisfaction", "unsatisfied")]).await.status, 303);
    let d = staff.get(&detail).await;
    assert!(d.body.contains("不满意，重新办理中，期限 2026-11-25"), "{}", d.body);
    let p = staff.post(&reply, &[("on", "2026-11-10"), ("classification", "a"), ("reply_text", text)]).await;
    assert_eq!(p.status, 303);
    staff.get(&detail).await;
    assert_eq!(staff.post(&rate, &[("on", "2026-11-12"), ("satisfaction", "satisfied")]).await.status, 303);
    // Staff do not publish; the approver does, a summary needs its reason.
    staff.get(&detail).await;
    let publish = format!("{detail}/publish");
    assert_eq!(staff.post(&publish, &[("on", &today), ("disclosure", "full")]).await.status, 403);
    let anon = app.browser().get(&format!("/o/gzmz/motions/{id}")).await;
    assert_eq!(anon.status, 404, "not on the portal before it is published");
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    approver.get(&detail).await;
    let p = approver
        .post(&publish, &[("on", &today), ("disclosure", "summary"), ("summary", "摘要"), ("reason", "")])
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("须说明理由"), "{}", p.body);
    approver.get(&detail).await;
    assert_eq!(approver.post(&publish, &[("on", &today), ("disclosure", "full")]).await.status, 303);
    let portal = app.browser().get("/o/gzmz/motions").await;
    assert!(portal.body.contains("关于推进长者饭堂扩面提质的建议"), "{}", portal.body);
    let one = app.browser().get(&format!("/o/gzmz/motions/{id}")).await;
    assert_eq!(one.status, 200);
    assert!(one.body.contains("今年新增长者饭堂30个") && one.body.contains("【联系方式已隐去】"), "{}", one.body);
    assert!(!one.body.contains("83331234") && !one.body.contains("liming@"), "contact details redacted");
    assert!(app.browser().get(&format!("/o/gzmz/motions/{id}?zh=hant")).await.body.contains("長者飯堂"));
    // The register counts it: one lead, answered on time, satisfied, published in full.
    let list = staff.get(&format!("{url}?year=2026")).await;
    assert!(
        list.body.contains("承办 1 件：主办 1 件")
            && list.body.contains("其中按期 1 件")
            && list.body.contains("全文公开 1 件"),
        "{}",
        list.body
    );
    // Another bureau's staff can neither see nor act on it; another body's portal has none.
    let mut other = app.browser();
    other.login("yuexiu.staff").await;
    assert_eq!(other.get(&detail).await.status, 403);
    other.get(&format!("/console/orgs/{}/motions", app.org_id("yuexiumz").await)).await;
    assert_eq!(other.post(&rate, &[("on", &today), ("satisfaction", "satisfied")]).await.status, 403);
    assert_eq!(app.browser().get(&format!("/o/yuexiumz/motions/{id}")).await.status, 404);
    let audit = gongkai_store::audit::list(&app.db, Some(gongkai_core::ids::OrgId(city)), 50).await.unwrap();
    assert!(audit.iter().filter(|e| e.entity == "motion").count() >= 6, "every step audited");
});

/// The demo's 2020 figures come out of the records, and the report narrative states them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_2020_proposal_figures_come_from_the_records() {
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.unwrap();
    let city = gongkai_core::ids::OrgId(app.org_id("gzmz").await);
    let facts = gongkai_store::proposals::facts(&app.db, city, 2020).await.unwrap();
    let s = gongkai_core::proposals::stats(&facts, &|_, _| false);
    assert_eq!((s.total, s.lead, s.co_handler, s.reference), (119, 15, 101, 3));
    assert_eq!((s.on_time, s.satisfied, s.published_full), (119, 119, 9));
    let report = app.browser().get("/o/gzmz/reports/2020").await;
    assert!(
        report.body.contains("办理人大代表建议和政协提案119件，其中主办15件、会办101件、参阅3件，9件答复全文公开"),
        "{}",
        report.body
    );
    let figures = gongkai_store::reports::figures(&app.db, city, 2020).await.unwrap();
    assert!(!figures.iter().any(|f| f.cell == "建议提案办理数"), "no hand-typed proposal figure left");
    let portal = app.browser().get("/o/gzmz/motions").await;
    assert_eq!(portal.body.matches("/o/gzmz/motions/").count(), 9);
    // This year's open ones show on the register, one overdue.
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let list = staff.get(&format!("/console/orgs/{}/motions", city.0)).await;
    assert!(list.body.contains("（已逾期）") && list.body.contains("不满意，重新办理中"), "{}", list.body);
    // And on the desk, as to-dos that lead to the register.
    let desk = staff.get("/console").await;
    assert!(desk.body.contains("建议提案已逾期未办结"), "{}", desk.body);
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    assert!(approver.get("/console").await.body.contains("建议提案答复待决定公开方式"));
}

both!(suggestions_and_proposals_through_the_api, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let yuexiu = app.org_id("yuexiumz").await;
    let staff = crate::api::token_for(&app, "gzmz.staff").await;
    let other = crate::api::token_for(&app, "yuexiu.staff").await;
    let c = reqwest::Client::new();
    let url = format!("{}/api/v1/orgs/{city}/motions", app.base);
    let body = serde_json::json!({"kind": "cppcc", "session": "十三届政协五次会议", "number": "第20260311号",
        "title": "关于完善困境儿童保障的提案", "proposers": "李慧敏委员", "assigned_by": "市政协提案委员会",
        "assigned_on": "2026-06-01", "role": "co_handler", "other_units": "市妇儿工委办（主办）"});
    let r = c.post(&url).bearer_auth(&staff).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!((v["role"].as_str(), v["due_on"].as_str()), (Some("co_handler"), Some("2026-07-01")), "{v}");
    let r = c.post(&url).bearer_auth(&staff).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 409, "the same number twice");
    let mut bad = body.clone();
    bad["assigned_on"] = "2026-13-01".into();
    bad["role"] = "boss".into();
    let r = c.post(&url).bearer_auth(&staff).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let e: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> = e["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"assigned_on") && fields.contains(&"role"), "{e}");
    let list: serde_json::Value = c.get(&url).bearer_auth(&staff).send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let one = format!("{}/api/v1/motions/{}", app.base, v["id"]);
    assert_eq!(c.get(&one).bearer_auth(&staff).send().await.unwrap().status(), 200);
    // Another bureau sees neither the list nor the record, and cannot register for the city.
    assert_eq!(c.get(&url).bearer_auth(&other).send().await.unwrap().status(), 403);
    assert_eq!(c.get(&one).bearer_auth(&other).send().await.unwrap().status(), 403);
    assert_eq!(c.post(&url).bearer_auth(&other).json(&body).send().await.unwrap().status(), 403);
    let own = format!("{}/api/v1/orgs/{yuexiu}/motions", app.base);
    let list: serde_json::Value = c.get(&own).bearer_auth(&other).send().await.unwrap().json().await.unwrap();
    assert!(list.as_array().unwrap().is_empty());
});
