//! Press work and responses to public concerns through the real server.

use crate::both;
use crate::harness::{Kind, TestApp};

both!(press_records_feed_the_portal_and_refuse_bad_input, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let url = format!("/console/orgs/{city}/press");
    assert!(staff.get(&url).await.body.contains("举办新闻发布会 0 场"));
    // A national share larger than the batch, a future date, an attended conference without its level.
    let p = staff
        .post(
            &url,
            &[("kind", "coverage"), ("on", "2030-01-01"), ("title", "1月报道"), ("count", "10"), ("national", "11")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("中央媒体篇数不能多于报道总篇数") && p.body.contains("日期不能晚于今天"), "{}", p.body);
    staff.get(&url).await;
    let p =
        staff.post(&url, &[("kind", "conference_attended"), ("on", "2026-03-01"), ("title", "省民政厅发布会")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("请选择所参加发布会的级别"), "{}", p.body);
    for f in [
        vec![("kind", "coverage"), ("on", "2026-03-31"), ("title", "3月报道"), ("count", "120"), ("national", "20")],
        vec![("kind", "conference_attended"), ("on", "2026-03-01"), ("title", "省民政厅发布会"), ("level", "省级")],
        vec![
            ("kind", "response"),
            ("on", "2026-04-02"),
            ("title", "关于低保标准的关切回应"),
            ("summary", "说明调整依据。"),
        ],
    ] {
        staff.get(&url).await;
        assert_eq!(staff.post(&url, &f).await.status, 303);
    }
    let page = staff.get(&format!("{url}?year=2026")).await;
    assert!(
        page.body.contains("参加新闻发布会 1 场") && page.body.contains("媒体报道 120 篇（其中中央媒体 20 篇）"),
        "{}",
        page.body
    );
    let portal = app.browser().get("/o/gzmz/responses?year=2026").await;
    assert!(portal.body.contains("关于低保标准的关切回应") && portal.body.contains("说明调整依据"), "{}", portal.body);
    assert!(!portal.body.contains("3月报道"), "coverage batches are counted, not listed");
    // Another bureau cannot write here or delete.
    let mut other = app.browser();
    other.login("yuexiu.staff").await;
    other.get(&format!("/console/orgs/{}/press", app.org_id("yuexiumz").await)).await;
    assert_eq!(other.post(&url, &[("kind", "release"), ("on", "2026-04-01"), ("title", "x")]).await.status, 403);
    let id = sqlx::query_scalar::<sqlx::Any, i64>("SELECT MIN(id) FROM press_records")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(other.post(&format!("{url}/{id}/delete"), &[]).await.status, 403);
    staff.get(&url).await;
    assert_eq!(staff.post(&format!("{url}/{id}/delete"), &[]).await.status, 303);
    assert!(staff.get(&format!("{url}?year=2026")).await.body.contains("媒体报道 0 篇"));
});

/// The demo's 2020 press figures are counted from its records into the report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_2020_press_figures_come_from_the_records() {
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.unwrap();
    let city = gongkai_core::ids::OrgId(app.org_id("gzmz").await);
    let facts: Vec<_> =
        gongkai_store::press::list(&app.db, city, 2020).await.unwrap().into_iter().map(|r| r.facts).collect();
    let s = gongkai_core::press::stats(&facts);
    assert_eq!((s.attended, s.held, s.releases, s.coverage, s.national), (6, 12, 268, 2275, 440));
    let report = app.browser().get("/o/gzmz/reports/2020").await;
    assert!(
        report.body.contains("参加省、市新闻发布会6场，举办新闻发布会12场，发布新闻稿268篇")
            && report.body.contains("各类媒体报道2275篇，其中中央媒体440篇"),
        "{}",
        report.body
    );
    // Publications across channels: the portal's 2020 items plus the entered accounts.
    let portal = gongkai_store::channels::portal_by_month(&app.db, city, 2020).await.unwrap().iter().sum::<i64>();
    assert!(portal > 0);
    let total = portal + 4110;
    assert!(report.body.contains(&format!("通过网站和政务新媒体发布信息{total}条")), "{}", report.body);
}

both!(channel_counts_from_the_console_and_the_api, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let url = format!("/console/orgs/{city}/channels");
    let p = staff.get(&format!("{url}?year=2026")).await;
    assert!(p.body.contains("共发布信息 <strong>0</strong> 条") && p.body.contains("门户网站"), "{}", p.body);
    let p = staff.post(&url, &[("channel", "门户网站"), ("year", "2026"), ("month", "13"), ("count", "-5")]).await;
    assert_eq!(p.status, 422);
    assert!(
        p.body.contains("由平台自动统计") && p.body.contains("月份应为 1 至 12") && p.body.contains("非负整数"),
        "{}",
        p.body
    );
    staff.get(&url).await;
    assert_eq!(
        staff.post(&url, &[("channel", "政务微信"), ("year", "2026"), ("month", "3"), ("count", "120")]).await.status,
        303
    );
    // The platform posts through the API; a repeated post replaces, never adds.
    let token = crate::api::token_for(&app, "gzmz.staff").await;
    let c = reqwest::Client::new();
    let api = format!("{}/api/v1/orgs/{city}/channel-counts", app.base);
    for _ in 0..2 {
        let r = c
            .put(&api)
            .bearer_auth(&token)
            .json(&serde_json::json!({"channel": "政务微博", "year": 2026, "month": 3, "count": 80}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["total"], 200, "{v}");
    }
    let r = c
        .put(&api)
        .bearer_auth(&token)
        .json(&serde_json::json!({"channel": "政务微博", "year": 2026, "month": 0, "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let other = crate::api::token_for(&app, "yuexiu.staff").await;
    let r = c
        .put(&api)
        .bearer_auth(&other)
        .json(&serde_json::json!({"channel": "x", "year": 2026, "month": 1, "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let p = staff.get(&format!("{url}?year=2026")).await;
    assert!(p.body.contains("共发布信息 <strong>200</strong> 条"), "{}", p.body);
});

both!(press_records_through_the_api, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let token = crate::api::token_for(&app, "gzmz.staff").await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/orgs/{city}/press", app.base);
    let bad =
        serde_json::json!({"kind": "coverage", "on": "2026-03-31", "title": "3月报道", "count": 10, "national": 11});
    let r = http.post(&url).bearer_auth(&token).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("中央媒体篇数不能多于报道总篇数"));
    let good =
        serde_json::json!({"kind": "coverage", "on": "2026-03-31", "title": "3月报道", "count": 120, "national": 20});
    let r = http.post(&url).bearer_auth(&token).json(&good).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let list: serde_json::Value =
        http.get(format!("{url}?year=2026")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(list[0]["count"], 120);
    assert_eq!(list[0]["national"], 20);
    let other = crate::api::token_for(&app, "yuexiu.staff").await;
    assert_eq!(http.post(&url).bearer_auth(&other).json(&good).send().await.unwrap().status(), 403);
});
