//! Public consultation through the real server: the notice, comments from the portal
//! (moderated, rate-limited, CSRF-protected, refused after closing), meetings, adoption and
//! the published adoption report.

use crate::both;
use crate::harness::{Kind, TestApp};

both!(a_consultation_from_notice_to_adoption_report, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let url = format!("/console/orgs/{city}/consultations");
    staff.get(&url).await;
    // A normative draft open for less than 30 days is refused.
    let mut f = vec![
        ("title", "广州市长者助餐服务管理办法（征求意见稿）"),
        ("draft", "第一条 为了规范长者助餐服务，制定本办法。\r\n第二条 本办法适用于本市。"),
        ("opens_on", "2026-11-01"),
        ("closes_on", "2026-11-20"),
        ("normative", "on"),
    ];
    let p = staff.post(&url, &f).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("征求意见期限不少于 30 日"), "{}", p.body);
    f[3] = ("closes_on", "2026-11-30");
    staff.get(&url).await;
    let p = staff.post(&url, &f).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let detail = p.location.unwrap();
    let id: i64 = detail.rsplit('/').next().unwrap().parse().unwrap();
    // The public comments on the portal: without a CSRF token refused; a robot's honeypot refused.
    let public = format!("/o/gzmz/consultations/{id}");
    let mut anon = app.browser();
    let page = anon.get(&public).await;
    assert!(
        page.status == 200 && page.body.contains("第一条 为了规范长者助餐服务") && page.body.contains("提出意见"),
        "{}",
        page.body
    );
    let sent = anon
        .post(&public, &[("name", "张三"), ("article", "第二条"), ("text", "建议覆盖农村地区。\r\n并公布名录。")])
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    anon.get(&public).await;
    let robot = anon.post(&public, &[("text", "广告"), ("website", "http://spam.example")]).await;
    assert_eq!(robot.status, 422);
    let mut forged = app.browser();
    let r = forged.post_raw(&public, &[("text".into(), "x".into())]).await;
    assert_eq!(r.status, 403, "no CSRF token");
    // Not shown before moderation; shown with the name masked after.
    assert!(!app.browser().get(&public).await.body.contains("建议覆盖农村地区"));
    let d = staff.get(&detail).await;
    assert!(d.body.contains("待审核") && d.body.contains("张三"), "staff see the name: {}", d.body);
    let comment: i64 = sqlx::query_scalar::<sqlx::Any, i64>("SELECT MAX(id) FROM consultation_comments")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        staff.post(&format!("/console/comments/{comment}/moderate"), &[("moderation", "shown")]).await.status,
        303
    );
    let shown = app.browser().get(&public).await.body;
    assert!(shown.contains("建议覆盖农村地区") && shown.contains("张某") && !shown.contains("张三"), "{shown}");
    // Adoption only after closing: refused today (2026-11-16).
    staff.get(&detail).await;
    let p = staff.post(&format!("/console/comments/{comment}/adopt"), &[("adoption", "adopted")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("截止后才能登记采纳情况"), "{}", p.body);
    // A meeting; another bureau may not moderate.
    staff.get(&detail).await;
    let m = staff
        .post(
            &format!("{detail}/meetings"),
            &[("kind", "座谈会"), ("on", "2026-11-10"), ("participants", "老年人代表")],
        )
        .await;
    assert_eq!(m.status, 303);
    let mut other = app.browser();
    other.login("yuexiu.staff").await;
    other.get(&format!("/console/orgs/{}/consultations", app.org_id("yuexiumz").await)).await;
    assert_eq!(
        other.post(&format!("/console/comments/{comment}/moderate"), &[("moderation", "hidden")]).await.status,
        403
    );
    assert_eq!(other.get(&detail).await.status, 403);
});

// After the close: comments refused, adoption decided, the report published (on a server
// running at a later date over the same records).
both!(after_the_close_comments_are_refused_and_the_report_is_published, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_on(kind, crate::harness::date("2027-01-10")).await else { return };
    let city = gongkai_core::ids::OrgId(app.org_id("gzmz").await);
    let facts = gongkai_core::consultations::ConsultationInput {
        title: "某办法（征求意见稿）".into(),
        draft: "第一条 ……".into(),
        opens_on: "2026-11-01".into(),
        closes_on: "2026-12-01".into(),
        normative: "on".into(),
        ..Default::default()
    }
    .parse(&Default::default())
    .unwrap();
    let actor = gongkai_store::Actor::system("test");
    let id = gongkai_store::consultations::create(&app.db, &actor, city, &facts).await.unwrap();
    let early = gongkai_core::consultations::CommentFacts { name: None, article: None, text: "早先的意见".into() };
    let cid = gongkai_store::consultations::add_comment(&app.db, id, &early).await.unwrap();
    let open = gongkai_core::consultations::ConsultationInput {
        title: "另一办法（征求意见稿）".into(),
        draft: "第一条 ……".into(),
        opens_on: "2027-01-01".into(),
        closes_on: "2027-01-31".into(),
        ..Default::default()
    }
    .parse(&Default::default())
    .unwrap();
    let open_id = gongkai_store::consultations::create(&app.db, &actor, city, &open).await.unwrap();
    let public = format!("/o/gzmz/consultations/{id}");
    let mut anon = app.browser();
    let page = anon.get(&public).await;
    assert!(!page.body.contains("提出意见"), "no form after the close");
    // A form kept open in another tab (its token from the open consultation's page).
    anon.get(&format!("/o/gzmz/consultations/{open_id}")).await;
    let late = anon.post(&public, &[("text", "迟到的意见")]).await;
    assert_eq!(late.status, 422);
    assert!(late.body.contains("已于 2026-12-01 截止"), "{}", late.body);
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let detail = format!("/console/consultations/{id}");
    staff.get(&detail).await;
    let p = staff.post(&format!("/console/comments/{cid}/adopt"), &[("adoption", "not_adopted"), ("reason", "")]).await;
    assert_eq!(p.status, 422, "a reason is needed");
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    approver.get(&detail).await;
    let p = approver.post(&format!("{detail}/report"), &[("summary", "说明")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("还有意见未登记采纳情况"), "{}", p.body);
    staff.get(&detail).await;
    assert_eq!(
        staff
            .post(
                &format!("/console/comments/{cid}/adopt"),
                &[("adoption", "not_adopted"), ("reason", "上位法已有规定")]
            )
            .await
            .status,
        303
    );
    approver.get(&detail).await;
    assert_eq!(
        approver.post(&format!("{detail}/report"), &[("summary", "共收到意见1条，均已研究。")]).await.status,
        303
    );
    let page = app.browser().get(&public).await;
    assert!(
        page.body.contains("共收到意见 1 条，采纳或部分采纳 0 条") && page.body.contains("均已研究"),
        "{}",
        page.body
    );
    // The final document, published later, is linked from the report; a draft cannot be.
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let col = gongkai_store::catalog::columns(&app.db, city)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.slug == "normative")
        .unwrap()
        .id;
    let mut d = crate::harness::item_draft(
        col,
        "广州市民政局关于印发《某办法》的通知",
        gongkai_core::catalog::ItemKind::Normative,
        crate::harness::date("2027-01-05"),
    );
    let on = crate::harness::date("2027-01-08");
    let fin = gongkai_store::catalog::create(
        &app.db,
        &cal,
        &actor,
        city,
        &d,
        gongkai_store::catalog::Entry::Published { on, approved_by: "a".into() },
    )
    .await
    .unwrap();
    d.title = "草稿".into();
    let unpublished =
        gongkai_store::catalog::create(&app.db, &cal, &actor, city, &d, gongkai_store::catalog::Entry::Draft)
            .await
            .unwrap();
    staff.get(&detail).await;
    let p = staff.post(&format!("{detail}/final"), &[("item", unpublished.to_string().as_str())]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("最终文件须为本机关已主动公开的文件"));
    assert_eq!(staff.post(&format!("{detail}/final"), &[("item", fin.to_string().as_str())]).await.status, 303);
    let page = app.browser().get(&public).await;
    assert!(
        page.body
            .contains(&format!("最终公布的文件：<a href=\"/info/{fin}\">广州市民政局关于印发《某办法》的通知</a>")),
        "{}",
        page.body
    );

    // Comments received by letter are registered through the API while open, refused after.
    let token = crate::api::token_for(&app, "gzmz.staff").await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/api/v1/consultations/{open_id}/comments", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "王五（来信）", "text": "建议延长征求意见期。"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let c: serde_json::Value = r.json().await.unwrap();
    assert_eq!((c["moderation"].as_str(), c["text"].as_str()), (Some("pending"), Some("建议延长征求意见期。")));
    let r = http
        .post(format!("{}/api/v1/consultations/{id}/comments", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"text": "迟到"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("已于 2026-12-01 截止"));
    let list: serde_json::Value = http
        .get(format!("{}/api/v1/orgs/{city}/consultations", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let closed = list.as_array().unwrap().iter().find(|x| x["id"] == id.0).unwrap();
    assert_eq!((closed["phase"].as_str(), closed["final_item_id"].as_i64()), (Some("已公布采纳情况"), Some(fin.0)));
    let all: serde_json::Value = http
        .get(format!("{}/api/v1/consultations/{open_id}/comments", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1);
});

/// The demo's 2020 consultation figures come from its records.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_2020_consultation_figures_come_from_the_records() {
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.unwrap();
    let city = gongkai_core::ids::OrgId(app.org_id("gzmz").await);
    assert_eq!(gongkai_store::consultations::year_counts(&app.db, city, 2020).await.unwrap(), (20, 9));
    let report = app.browser().get("/o/gzmz/reports/2020").await;
    assert!(report.body.contains("召开意见征集会议9次，发布意见征集公告20次"), "{}", report.body);
    let list = app.browser().get("/o/gzmz/consultations").await;
    assert!(
        list.body.contains("广州市居家社区养老服务促进办法") && list.body.contains("已公布意见采纳情况"),
        "{}",
        list.body
    );
    assert!(
        gongkai_store::reports::figures(&app.db, city, 2020).await.unwrap().is_empty(),
        "no hand-typed figure left"
    );
}
