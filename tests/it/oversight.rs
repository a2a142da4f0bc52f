//! Oversight through a real server on both databases: standard catalogs adopted, linked
//! and checked; name lists that keep only listed fields and leave the portal when their
//! notice ends; supervision tasks, inspections and village records with their refusals;
//! the supervisor's dashboard against figures computed here from the records; host-portal
//! feeds paged without gaps or repeats; fragments; the catalog export/import round trip.

use crate::both;
use crate::harness::{Kind, TestApp, date, fresh_db, gongkai_bin, item_draft};
use gongkai_core::catalog::{ItemKind, Validity};
use gongkai_core::ids::{ItemId, OrgId};
use gongkai_store::Actor;
use gongkai_store::catalog::{self, Entry};
use gongkai_store::oversight as std_store;
use serde_json::Value;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

const ITEM_FORM: &[(&str, &str)] = &[
    ("level1", "最低生活保障"),
    ("level2", "审核信息"),
    ("elements", "初审对象名单"),
    ("basis", "《社会救助暂行办法》"),
    ("start", "decided"),
    ("working_days", "10"),
    ("notice_days", "7"),
    ("responsible", "县级人民政府民政部门"),
    ("channels", "website"),
    ("channels", "notice_board"),
    ("audience", "public"),
    ("mode", "proactive"),
    ("levels", "county"),
    ("levels", "township"),
    ("list_fields", "姓名、所在村（居）"),
];

fn location_id(p: &crate::harness::Page) -> i64 {
    let loc = p.location.clone().unwrap_or_else(|| panic!("no redirect: {} {}", p.status, p.body));
    loc.rsplit('/')
        .next()
        .and_then(|s| s.split(['?', '#']).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{loc}"))
}

/// A published public record of `org` formed and published on the given days.
async fn publish(app: &TestApp, org: OrgId, title: &str, formed: &str, published: &str) -> ItemId {
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let col = catalog::columns(&app.db, org).await.unwrap().into_iter().find(|c| c.slug == "assistance").unwrap().id;
    let d = item_draft(col, title, ItemKind::General, date(formed));
    catalog::create(
        &app.db,
        &cal,
        &Actor::system("t"),
        org,
        &d,
        Entry::Published { on: date(published), approved_by: "t".into() },
    )
    .await
    .unwrap()
}

both!(standard_catalogs_are_adopted_linked_and_checked, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = OrgId(app.org_id("gzmz").await);
    let yuexiu = OrgId(app.org_id("yuexiumz").await);
    let haizhu = OrgId(app.org_id("haizhumz").await);
    let domains = std_store::domains(&app.db).await.unwrap();
    assert_eq!(domains.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["社会救助", "养老服务"]);
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}/standards")).await;
    let p = staff
        .post(
            &format!("/console/orgs/{city}/standards"),
            &[("domain_id", &domains[0].id.to_string()), ("name", "社会救助领域基层政务公开标准目录")],
        )
        .await;
    let cat = location_id(&p);
    // A bad matter names every problem, in Chinese, and stores nothing.
    staff.get(&format!("/console/standards/{cat}")).await;
    let mut bad: Vec<(&str, &str)> = ITEM_FORM.iter().filter(|(k, _)| *k != "channels").copied().collect();
    bad.retain(|(k, _)| *k != "working_days" && *k != "list_fields");
    bad.push(("working_days", "30"));
    bad.push(("list_fields", "姓名、身份证号码"));
    let p = staff.post(&format!("/console/standards/{cat}/items"), &bad).await;
    assert_eq!(p.status, 422);
    for msg in ["20个工作日只能缩短", "至少勾选一个公开渠道", "名单不得公开“身份证号码”"]
    {
        assert!(p.body.contains(msg), "{msg}");
    }
    assert!(std_store::items(&app.db, cat).await.unwrap().is_empty());
    let p = staff.post(&format!("/console/standards/{cat}/items"), ITEM_FORM).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let mut second = ITEM_FORM.to_vec();
    second.retain(|(k, _)| !matches!(*k, "level2" | "notice_days" | "list_fields" | "start"));
    second.extend([("level2", "办事指南"), ("start", "changed")]);
    assert_eq!(staff.post(&format!("/console/standards/{cat}/items"), &second).await.status, 303);
    // Staff cannot publish the template; the approver can; nobody below can adopt before.
    let p = staff.post(&format!("/console/standards/{cat}/publish"), &[]).await;
    assert_eq!(p.status, 403);
    let mut district = app.browser();
    district.login("yuexiu.staff").await;
    let page = district.get(&format!("/console/orgs/{yuexiu}/standards")).await;
    assert!(!page.body.contains("社会救助领域基层政务公开标准目录"), "not published yet");
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    approver.get(&format!("/console/standards/{cat}")).await;
    assert_eq!(approver.post(&format!("/console/standards/{cat}/publish"), &[]).await.status, 303);
    // A district adopts; it cannot adopt for another district nor change the city's template.
    let page = district.get(&format!("/console/orgs/{yuexiu}/standards")).await;
    assert!(page.body.contains("采用 广州市民政局《社会救助领域基层政务公开标准目录》（2项）"), "{}", page.body);
    let p = district.post(&format!("/console/orgs/{haizhu}/standards/adopt"), &[("template", &cat.to_string())]).await;
    assert_eq!(p.status, 403);
    let p = district.post(&format!("/console/standards/{cat}/items"), ITEM_FORM).await;
    assert_eq!(p.status, 403);
    let p = district.post(&format!("/console/orgs/{yuexiu}/standards/adopt"), &[("template", &cat.to_string())]).await;
    let mine = location_id(&p);
    let p = district.post(&format!("/console/orgs/{yuexiu}/standards/adopt"), &[("template", &cat.to_string())]).await;
    assert_eq!(p.status, 409, "one catalog per domain");
    let rows = std_store::items(&app.db, mine).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.template_item_id.is_some()));
    // Nothing published yet: both matters are empty, 0%.
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let (_, c) = std_store::compliance(&app.db, mine, &cal).await.unwrap();
    assert_eq!((c.required, c.empty, c.percent()), (2, 2, Some(0)));
    // 2020-09-25 + 10 working days = 2020-10-15 (National Day): on time that day, late the next.
    let list = publish(&app, yuexiu, "越秀区低保初审对象名单公示", "2020-09-25", "2020-10-15").await;
    let guide = publish(&app, yuexiu, "越秀区低保办事指南", "2020-09-25", "2020-11-30").await;
    let other = publish(&app, haizhu, "海珠区低保办事指南", "2020-09-25", "2020-10-09").await;
    district.get(&format!("/console/standards/{mine}")).await;
    let p = district
        .post(&format!("/console/standard-items/{}/link", rows[1].id), &[("record", &other.0.to_string())])
        .await;
    assert_eq!(p.status, 404, "another body's record cannot be linked");
    for (row, rec) in [(&rows[0], list), (&rows[1], guide)] {
        let p =
            district.post(&format!("/console/standard-items/{}/link", row.id), &[("record", &rec.0.to_string())]).await;
        assert_eq!(p.status, 303, "{}", p.body);
    }
    let (checks, c) = std_store::compliance(&app.db, mine, &cal).await.unwrap();
    assert_eq!(checks.iter().map(|(_, k)| k.state.label()).collect::<Vec<_>>(), ["按时公开", "逾期公开"]);
    assert_eq!((c.on_time, c.late, c.empty, c.percent()), (1, 1, 0, Some(50)));
    let page = district.get(&format!("/console/standards/{mine}")).await;
    assert!(
        page.body.contains("落实率 <strong>50%</strong>") && page.body.contains("公示至2020-10-26"),
        "{}",
        page.body
    );
    // The name list keeps only the listed fields: the ID and phone columns are never stored.
    let table = "姓名\t身份证号码\t所在村（居）\t电话\n陈某华\t440104195001011234\t北京街社区\t13800138000\n李某明\t440104195002021234\t人民街社区\t13800138001";
    let p = district.post(&format!("/console/standard-links/{list}/roster"), &[("table", table)]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let stored: String = sqlx::query_scalar::<sqlx::Any, String>("SELECT data FROM catalog_rosters WHERE item_id = $1")
        .bind(list.0)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(!stored.contains("440104") && !stored.contains("13800") && stored.contains("北京街社区"), "{stored}");
    let bad = district.post(&format!("/console/standard-links/{list}/roster"), &[("table", "姓名,地址\n陈某,x")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("表头缺少标准目录列明的字段“所在村（居）”"));
    let mut public = app.browser();
    let doc = public.get(&format!("/info/{list}")).await;
    assert_eq!(doc.status, 200);
    assert!(
        doc.body.contains("陈某华")
            && doc.body.contains("北京街社区")
            && !doc.body.contains("195001011234")
            && !doc.body.contains("13800138000"),
        "{}",
        doc.body
    );
    // A matter narrowed after the upload narrows what the portal shows.
    let mut narrowed = rows[0].item.clone();
    narrowed.list_fields = vec!["姓名".into()];
    std_store::update_item(&app.db, &Actor::system("t"), yuexiu, rows[0].id, &narrowed).await.unwrap();
    let doc = public.get(&format!("/info/{list}")).await;
    assert!(doc.body.contains("陈某华") && !doc.body.contains("北京街社区"), "{}", doc.body);
    // The notice ended on 2020-10-26: the sweep takes it down (portal, search, feed), and it
    // stays published in 2020's counts and in the matter's compliance.
    assert_eq!(std_store::expire_notices(&app.db, date("2020-10-26")).await.unwrap(), 0, "last day still shown");
    let column = public.get("/o/yuexiumz/c/assistance").await;
    assert!(column.body.contains("越秀区低保初审对象名单公示"), "listed while on notice");
    assert_eq!(std_store::expire_notices(&app.db, date("2020-10-27")).await.unwrap(), 1);
    let gone = public.get(&format!("/info/{list}")).await;
    assert_eq!(gone.status, 410);
    assert!(
        gone.body.contains("公示期已于2020-10-26届满，已按规定撤下") && !gone.body.contains("陈某华"),
        "{}",
        gone.body
    );
    // Off the column page once this server's change-log round (2 s) lets its cached pages go.
    let mut listed = true;
    for _ in 0..60 {
        listed = public.get("/o/yuexiumz/c/assistance").await.body.contains("越秀区低保初审对象名单公示");
        if !listed {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!listed, "off the column page");
    assert_eq!(public.get(&format!("/embed/info/{list}")).await.status, 404);
    assert_eq!(catalog::get(&app.db, list).await.unwrap().status.label(), "公示期满（已撤下）");
    let (_, c) = std_store::compliance(&app.db, mine, &cal).await.unwrap();
    assert_eq!(c.on_time, 1, "a notice that ran its course was published on time");
    let feed: Value = serde_json::from_str(&public.get("/o/yuexiumz/feed.json").await.body).unwrap();
    let entry = feed["entries"].as_array().unwrap().iter().find(|e| e["id"] == list.0).unwrap().clone();
    assert_eq!(entry["deleted"], true);
    assert!(entry.get("item").is_none(), "a tombstone carries only the id: {entry}");
    // The desk shows the gap of the district's catalog.
    let desk = district.get("/console").await;
    assert!(desk.body.contains("标准目录未公开或逾期公开的事项"), "{}", desk.body);
});

both!(supervision_tasks_inspections_and_village_records, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_on(kind, date("2020-07-03")).await else { return };
    let city = app.org_id("gzmz").await;
    let yuexiu = app.org_id("yuexiumz").await;
    let haizhu = app.org_id("haizhumz").await;
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    let page = sup.get("/console/oversight/tasks").await;
    assert_eq!(page.status, 200);
    // Staff and approvers do disclosure work; only supervisors set tasks.
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}")).await;
    let p = staff
        .post(
            "/console/oversight/tasks",
            &[("org", &city.to_string()), ("title", "x"), ("description", "y"), ("due_on", "2020-06-30"), ("all", "1")],
        )
        .await;
    assert_eq!(p.status, 403);
    let p = sup
        .post(
            "/console/oversight/tasks",
            &[("org", &city.to_string()), ("title", ""), ("description", "y"), ("due_on", "2020-06-30")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("任务名称不能为空") && p.body.contains("请选择承办的下级机构"));
    let p = sup
        .post(
            "/console/oversight/tasks",
            &[
                ("org", &city.to_string()),
                ("title", "对2017年印发文件的公开属性和有效性进行评估"),
                ("description", "逐件评估并报送清单"),
                ("due_on", "2020-06-30"),
                ("orgs", &yuexiu.to_string()),
                ("orgs", &haizhu.to_string()),
            ],
        )
        .await;
    let task = location_id(&p);
    // The city itself is not below the city: a task for it is refused.
    let p = sup
        .post(
            "/console/oversight/tasks",
            &[
                ("org", &city.to_string()),
                ("title", "t"),
                ("description", "d"),
                ("due_on", "2020-06-30"),
                ("orgs", &city.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    // Today (3 July) both are overdue.
    let page = sup.get(&format!("/console/oversight/tasks/{task}")).await;
    assert_eq!(page.body.matches("已逾期").count(), 2, "{}", page.body);
    let mut district = app.browser();
    district.login("yuexiu.staff").await;
    let inbox = district.get(&format!("/console/orgs/{yuexiu}/tasks")).await;
    assert!(inbox.body.contains("对2017年印发文件的公开属性和有效性进行评估") && inbox.body.contains("已逾期"));
    let desk = district.get("/console").await;
    assert!(desk.body.contains("逾期未报送的督查任务"), "{}", desk.body);
    // A body reports only for itself.
    let p = district
        .post_multipart(&format!("/console/orgs/{haizhu}/tasks/{task}/report"), &[("summary", "已完成")], &[])
        .await;
    assert_eq!(p.status, 403);
    let report = format!("/console/orgs/{yuexiu}/tasks/{task}/report");
    let p = district.post_multipart(&report, &[("summary", " ")], &[]).await;
    assert_eq!(p.status, 422);
    let p = district.post_multipart(&report, &[("summary", "已评估")], &[("file", "清单.exe", b"MZ\x90\x00")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("只接受 PDF"), "files are typed by content");
    let pdf: &[u8] = b"%PDF-1.4\n% evaluation list\n";
    let p = district
        .post_multipart(&report, &[("summary", "已评估2017年文件21件")], &[("file", "评估清单.pdf", pdf)])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let again = district.post_multipart(&report, &[("summary", "再报")], &[]).await;
    assert_eq!(again.status, 409, "a reported task waits for review");
    // Review: a return needs a reason and reopens the task (still overdue); then accepted.
    sup.get(&format!("/console/oversight/tasks/{task}")).await;
    let p = sup
        .post(
            &format!("/console/oversight/tasks/{task}/review"),
            &[("org_id", &yuexiu.to_string()), ("decision", "return"), ("note", "")],
        )
        .await;
    assert_eq!(p.status, 422);
    let p = sup
        .post(
            &format!("/console/oversight/tasks/{task}/review"),
            &[("org_id", &yuexiu.to_string()), ("decision", "return"), ("note", "缺少调整理由")],
        )
        .await;
    assert_eq!(p.status, 303);
    district.get(&format!("/console/orgs/{yuexiu}/tasks")).await;
    assert_eq!(district.post_multipart(&report, &[("summary", "已补充理由")], &[]).await.status, 303);
    // The file of the first report stays with the second; the supervisor and the body read it,
    // another body does not.
    let evidence = format!("/console/oversight/tasks/{task}/evidence/{yuexiu}");
    let f = sup.get(&evidence).await;
    assert_eq!((f.status, f.body.as_bytes()), (200, pdf));
    assert_eq!(district.get(&evidence).await.status, 200);
    let mut other = app.browser();
    other.login("shzz.staff").await;
    assert_eq!(other.get(&evidence).await.status, 403);
    sup.get(&format!("/console/oversight/tasks/{task}")).await;
    assert_eq!(
        sup.post(
            &format!("/console/oversight/tasks/{task}/review"),
            &[("org_id", &yuexiu.to_string()), ("decision", "accept")]
        )
        .await
        .status,
        303
    );
    let rows = gongkai_store::oversight::supervision::assignments(&app.db, task).await.unwrap();
    let y = rows.iter().find(|a| a.org_id.0 == yuexiu).unwrap();
    assert_eq!(
        (y.status.label(), y.reported_on),
        ("已完成", Some(date("2020-07-03"))),
        "the first report's day is kept"
    );
    let page = sup.get(&format!("/console/oversight/tasks/{task}")).await;
    assert!(
        page.body.contains("逾期报送") && page.body.contains("已完成 1 家") && page.body.contains("逾期未完成 1 家"),
        "{}",
        page.body
    );
    // A district staff member cannot open the supervisor's pages.
    assert_eq!(district.get(&format!("/console/oversight/tasks?org={city}")).await.status, 403);
    assert_eq!(district.get(&format!("/console/oversight/tasks/{task}")).await.status, 403);
    // Inspections: findings need rectification measures; the body must be below the supervisor.
    sup.get(&format!("/console/oversight/inspections?org={city}")).await;
    let path = format!("/console/oversight/inspections?org={city}");
    let p = sup
        .post(
            &path,
            &[
                ("org_id", &haizhu.to_string()),
                ("kind", "standard_catalog"),
                ("on", "2020-07-01"),
                ("findings", "审核信息未公示"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("请填写整改要求和措施"));
    let p = sup.post(&path, &[("org_id", &city.to_string()), ("kind", "disclosure"), ("on", "2020-07-01")]).await;
    assert_eq!(p.status, 403);
    let p = sup
        .post(
            &path,
            &[
                ("org_id", &haizhu.to_string()),
                ("kind", "standard_catalog"),
                ("on", "2020-07-01"),
                ("findings", "审核信息未公示"),
                ("rectification", "7日内公示"),
                ("rectify_by", "2020-07-02"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    let page = sup.get(&path).await;
    assert!(page.body.contains("整改逾期"), "{}", page.body);
    // Village records: the numbers must add up.
    let vpath = format!("/console/oversight/village?org={city}");
    sup.get(&vpath).await;
    let p = sup
        .post(
            &vpath,
            &[
                ("org_id", &yuexiu.to_string()),
                ("year", "2020"),
                ("work_points", "公开栏每季度更新"),
                ("committees", "222"),
                ("on_schedule", "230"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("按期公开的村（居）数不能多于村（居）委会数"));
    let p = sup
        .post(
            &vpath,
            &[
                ("org_id", &yuexiu.to_string()),
                ("year", "2020"),
                ("work_points", "公开栏每季度更新"),
                ("committees", "222"),
                ("on_schedule", "220"),
                ("inspected", "80"),
                ("problems", "3"),
                ("rectified", "3"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    let page = sup.get(&format!("{vpath}&year=2020")).await;
    assert!(page.body.contains("公开栏每季度更新") && page.body.contains("<td>222</td>"));
});

/// Working days an application took as this test reads its events: from receipt (or the
/// corrected application) to the reply, less the consultation periods.
fn handling_days(cal: &gongkai_core::calendar::Calendar, received: jiff::civil::Date, events: &[Value]) -> Option<u32> {
    let (mut start, mut end, mut paused, mut open) = (Some(received), None, 0, None);
    for e in events {
        let on = e.get("on").and_then(Value::as_str).map(date);
        match e["type"].as_str().unwrap() {
            "corrected" => start = on,
            "consultation_opened" => open = on,
            "consultation_closed" => {
                paused += cal.working_days_between(open.take().unwrap(), on.unwrap()).unwrap();
            }
            "replied" | "correction_lapsed" | "withdrawn" => end = on,
            "fee_noticed" | "fee_paid" => panic!("the demo's district cases have no fees; count them here if they do"),
            _ => {}
        }
    }
    Some(cal.working_days_between(start?, end?).unwrap() - paused)
}

/// Cells of one exported CSV table, by body name.
fn csv_rows(csv: &str) -> BTreeMap<String, Vec<String>> {
    csv.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(str::to_string).collect();
            (cells[0].clone(), cells)
        })
        .collect()
}

both!(the_dashboard_counts_every_district_from_the_records_and_feeds_leak_nothing, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_full_demo(kind).await else { return };
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    let page = sup.get("/console/oversight?year=2020").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<svg class=\"chart\" role=\"img\""), "server-drawn charts");
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let cookie = sup.cookie_header();
    let fetch = |table: &'static str| {
        let mut b = app.browser().with_header("cookie", &cookie);
        async move {
            let p = b.get(&format!("/console/oversight/export?year=2020&table={table}&format=csv")).await;
            assert_eq!(p.status, 200, "{table}");
            csv_rows(&p.body)
        }
    };
    let bodies = fetch("bodies").await;
    let apps = fetch("applications").await;
    let appeals = fetch("appeals").await;
    let xlsx = sup.get("/console/oversight/export?year=2020&table=bodies&format=xlsx").await;
    assert!(xlsx.body.len() > 1000 && xlsx.headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let districts: Vec<(i64, String)> =
        sqlx::query::<sqlx::Any>("SELECT id, name FROM organisations WHERE kind = 'district_bureau' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("id"), r.get("name")))
            .collect();
    assert_eq!(districts.len(), 11);
    let (mut complete, mut with_gaps) = (0, 0);
    for (id, name) in &districts {
        let row = bodies.get(name).unwrap_or_else(|| panic!("{name} missing from the dashboard"));
        // Published in 2020 (proactive; name lists taken down since count too) and late.
        let r = sqlx::query::<sqlx::Any>(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(late), 0) AS BIGINT) AS late FROM catalog_items WHERE org_id = $1 AND attribute = 'proactive'
             AND status IN ('published', 'expired') AND published_on LIKE '2020-%'",
        )
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(row[1], r.get::<i64, _>("n").to_string(), "{name} published");
        assert_eq!(row[2], r.get::<i64, _>("late").to_string(), "{name} late");
        // Standard-catalog compliance: every matter of the adopted catalogs, by its own rule.
        let matters = sqlx::query::<sqlx::Any>(
            "SELECT s.id, s.data FROM standard_items s JOIN standard_catalogs c ON c.id = s.catalog_id WHERE c.org_id = $1 AND c.template_id IS NOT NULL",
        )
        .bind(id)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        let (mut owed, mut on_time, mut late, mut empty) = (0, 0, 0, 0);
        for m in &matters {
            let data: Value = serde_json::from_str(&m.get::<String, _>("data")).unwrap();
            let wd = data["limit"]["working_days"].as_u64().unwrap() as u32;
            let recs = sqlx::query::<sqlx::Any>(
                "SELECT i.formed_on, i.published_on FROM standard_links l JOIN catalog_items i ON i.id = l.catalog_item_id WHERE l.standard_item_id = $1",
            )
            .bind(m.get::<i64, _>("id"))
            .fetch_all(app.db.pool())
            .await
            .unwrap();
            if recs.is_empty() {
                if data["mode"] == "proactive" {
                    owed += 1;
                    empty += 1;
                }
                continue;
            }
            owed += 1;
            let any_late = recs.iter().any(|r| {
                date(&r.get::<String, _>("published_on"))
                    > cal.add_working_days(date(&r.get::<String, _>("formed_on")), wd).unwrap()
            });
            if any_late { late += 1 } else { on_time += 1 }
        }
        assert!(owed > 0, "{name} adopted the catalogs");
        let pct = (on_time * 200 + owed) / (owed * 2);
        assert_eq!(row[3], format!("{pct}%"), "{name} compliance");
        assert_eq!((row[4].clone(), row[5].clone()), (empty.to_string(), late.to_string()), "{name} empty/late");
        if empty + late == 0 {
            complete += 1
        } else {
            with_gaps += 1
        }
        // Applications of 2020, from the rows and their event logs.
        let rows =
            sqlx::query::<sqlx::Any>("SELECT id, received_on, finished_on, due_on FROM applications WHERE org_id = $1")
                .bind(id)
                .fetch_all(app.db.pool())
                .await
                .unwrap();
        let (mut received, mut finished, mut ok, mut late_apps, mut days) = (0, 0, 0, 0, vec![]);
        for r in &rows {
            let rec: Option<String> = r.get("received_on");
            let rec = rec.as_deref().map(str::to_string);
            let fin: Option<String> = r.get("finished_on");
            let due: Option<String> = r.get("due_on");
            if rec.as_deref().is_some_and(|d| d.starts_with("2020-")) {
                received += 1;
            }
            if let Some(f) = fin.filter(|d| d.starts_with("2020-")) {
                finished += 1;
                if due.is_some_and(|d| f > d) {
                    late_apps += 1
                } else {
                    ok += 1
                }
                let events: Vec<Value> = sqlx::query_scalar::<sqlx::Any, String>(
                    "SELECT data FROM application_events WHERE application_id = $1 ORDER BY seq",
                )
                .bind(r.get::<i64, _>("id"))
                .fetch_all(app.db.pool())
                .await
                .unwrap()
                .iter()
                .map(|s| serde_json::from_str(s).unwrap())
                .collect();
                days.push(handling_days(&cal, date(rec.as_deref().unwrap()), &events).unwrap());
            }
        }
        let a = apps.get(name).unwrap();
        assert_eq!(
            a[1..6],
            [received.to_string(), finished.to_string(), ok.to_string(), late_apps.to_string(), "0".to_string()],
            "{name} applications"
        );
        let avg = (days.iter().sum::<u32>() as f64 * 10.0 / days.len() as f64).round() / 10.0;
        assert_eq!(a[7], avg.to_string(), "{name} average working days");
        let n: i64 = sqlx::query_scalar::<sqlx::Any, i64>(
            "SELECT COUNT(*) FROM appeals WHERE org_id = $1 AND filed_on LIKE '2020-%'",
        )
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(appeals.get(name).unwrap()[1], n.to_string(), "{name} appeals");
    }
    assert_eq!((complete, with_gaps), (5, 6), "the demo's varied compliance");
    assert!(apps.values().any(|a| a[4] != "0"), "some district answered late");

    // Feeds and fragments: page through every body's feed; nothing non-public, no
    // unmasked identity or mobile number anywhere.
    let never: BTreeSet<i64> = sqlx::query_scalar::<sqlx::Any, i64>(
        "SELECT id FROM catalog_items WHERE attribute <> 'proactive' OR status IN ('draft', 'submitted', 'registered')",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert!(!never.is_empty());
    let leaks = |s: &str| {
        let digits: Vec<char> = s.chars().collect();
        let mut run = 0;
        for c in digits {
            run = if c.is_ascii_digit() { run + 1 } else { 0 };
            assert!(run < 17, "an identity number in a feed or fragment");
        }
        assert!(!s.contains("1380013"), "a phone number in a feed or fragment");
    };
    let codes: Vec<String> = sqlx::query_scalar::<sqlx::Any, String>("SELECT short_code FROM organisations")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    let mut public = app.browser();
    let mut seen = 0;
    for code in &codes {
        let mut after = 0;
        loop {
            let p = public.get(&format!("/o/{code}/feed.json?after={after}&limit=500")).await;
            assert_eq!(p.status, 200);
            leaks(&p.body);
            let v: Value = serde_json::from_str(&p.body).unwrap();
            for e in v["entries"].as_array().unwrap() {
                let id = e["id"].as_i64().unwrap();
                assert!(!never.contains(&id) || e["deleted"] == true, "item {id} is not public");
                if e["deleted"] == false && seen % 25 == 0 {
                    let f = public.get(&format!("/embed/info/{id}")).await;
                    assert_eq!(f.status, 200);
                    assert!(
                        f.headers.get("x-frame-options").is_none() && f.headers["access-control-allow-origin"] == "*"
                    );
                    leaks(&f.body);
                }
                seen += 1;
            }
            after = v["next"].as_i64().unwrap();
            if v["more"] == false {
                break;
            }
        }
    }
    assert!(seen > 500, "{seen}");
    for id in never.iter().take(20) {
        assert_eq!(public.get(&format!("/embed/info/{id}")).await.status, 404);
    }
    let col = public.get("/embed/o/yuexiumz/c/assistance").await;
    assert!(col.body.starts_with("<section class=\"gk-column\"") && col.body.contains("gk-item"));
    leaks(&col.body);
    let s = public.get(&format!("/embed/o/yuexiumz/search?q={}", crate::harness::url_encode("最低生活保障"))).await;
    assert!(s.body.contains("gk-results") && s.body.contains("<mark>"), "{}", s.body);
    leaks(&s.body);
});

both!(feeds_page_through_changes_in_order_without_gaps_or_repeats, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let org = OrgId(app.org_id("haizhumz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let actor = Actor::system("t");
    let cols = catalog::columns(&app.db, org).await.unwrap();
    let col = |slug: &str| cols.iter().find(|c| c.slug == slug).unwrap().id;
    let mut ids = vec![];
    for n in 0..240 {
        let slug = if n % 3 == 0 { "elderly" } else { "assistance" };
        let d = item_draft(col(slug), &format!("第{n}号公告"), ItemKind::General, date("2020-03-02"));
        ids.push(
            catalog::create(
                &app.db,
                &cal,
                &actor,
                org,
                &d,
                Entry::Published { on: date("2020-03-03"), approved_by: "t".into() },
            )
            .await
            .unwrap(),
        );
    }
    // Drafts never enter a feed.
    let d = item_draft(col("assistance"), "草稿", ItemKind::General, date("2020-03-02"));
    let draft = catalog::create(&app.db, &cal, &actor, org, &d, Entry::Draft).await.unwrap();
    let mut public = app.browser();
    let base = app.base.clone();
    let page = |after: i64, limit: i64| {
        let url = format!("/o/haizhumz/feed.json?after={after}&limit={limit}");
        let base = base.clone();
        async move {
            let mut b = crate::harness::Browser::new(&base);
            let p = b.get(&url).await;
            assert_eq!(p.status, 200, "{}", p.body);
            serde_json::from_str::<Value>(&p.body).unwrap()
        }
    };
    // A host copies the first 100, then changes happen (a repeal moves an item to the end).
    let first = page(0, 100).await;
    let mut mirror: BTreeMap<i64, bool> = BTreeMap::new();
    let mut last = 0;
    for e in first["entries"].as_array().unwrap() {
        mirror.insert(e["id"].as_i64().unwrap(), e["deleted"].as_bool().unwrap());
        last = e["seq"].as_i64().unwrap();
    }
    for id in [ids[3], ids[150], ids[239]] {
        catalog::set_validity(&app.db, &actor, org, id, Validity::Repealed, date("2020-05-01"), "已废止")
            .await
            .unwrap();
    }
    let mut after = first["next"].as_i64().unwrap();
    assert_eq!(after, last);
    let mut positions = vec![];
    loop {
        let v = page(after, 37).await;
        for e in v["entries"].as_array().unwrap() {
            let seq = e["seq"].as_i64().unwrap();
            assert!(seq > after && positions.last().is_none_or(|p| seq > *p), "positions only grow");
            positions.push(seq);
            mirror.insert(e["id"].as_i64().unwrap(), e["deleted"].as_bool().unwrap());
        }
        let next = v["next"].as_i64().unwrap();
        if v["more"] == false {
            after = next;
            break;
        }
        assert!(next > after);
        after = next;
    }
    assert_eq!(mirror.len(), 240, "every public item, none twice as a distinct id, no draft");
    assert!(!mirror.contains_key(&draft.0));
    // The copied items that changed come again at their new position (ids[3]); the others
    // appear once, at their latest one.
    assert_eq!(positions.len(), 240 - 100 + 1);
    // The repealed item reads as repealed in the mirror's latest copy.
    let tail = page(after - 3, 10).await;
    let tail: Vec<(i64, Value)> = tail["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_i64().unwrap(), e["item"]["validity"].clone()))
        .collect();
    assert_eq!(tail, [ids[3], ids[150], ids[239]].map(|i| (i.0, Value::from("废止"))), "the last three positions");
    assert_eq!(page(after, 10).await["entries"].as_array().unwrap().len(), 0, "nothing new");
    // Atom: the same changes, following rel="next" links.
    let mut url = "/o/haizhumz/changes.xml?after=0".to_string();
    let mut entries = 0;
    for _ in 0..10 {
        let p = public.get(&url).await;
        assert!(p.headers["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
        entries += p.body.matches("<entry>").count() + p.body.matches("<at:deleted-entry").count();
        match p.body.split("<link rel=\"next\" href=\"").nth(1) {
            Some(rest) => url = rest.split('"').next().unwrap().trim_start_matches(&app.base).replace("&amp;", "&"),
            None => break,
        }
    }
    assert_eq!(entries, 240);
    let col = public.get("/o/haizhumz/c/elderly/feed.json?limit=1000").await;
    let v: Value = serde_json::from_str(&col.body).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 80, "one column's items only");
    // A malformed cursor is a clear 400.
    let bad = public.get("/o/haizhumz/feed.json?after=-1").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("after 应为非负整数"));
    assert_eq!(public.get("/o/haizhumz/feed.json?limit=5000").await.status, 400);
});

fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(gongkai_bin())
        .args(args)
        .env_remove("GONGKAI_DATABASE")
        .env("GONGKAI_FILES", "db")
        .output()
        .unwrap()
}

fn archive(path: &std::path::Path) -> (Value, BTreeMap<String, Vec<u8>>) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let (mut json, mut files) = (Value::Null, BTreeMap::new());
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = vec![];
        f.read_to_end(&mut data).unwrap();
        if f.name() == "catalog.json" {
            json = serde_json::from_slice(&data).unwrap();
        } else {
            files.insert(f.name().to_string(), data);
        }
    }
    (json, files)
}

/// A template of the city with one name-list matter, adopted by 越秀; the matter's id.
async fn adopted_matter(db: &gongkai_store::Db) -> i64 {
    let city = gongkai_store::orgs::find(db, "gzmz").await.unwrap().id;
    let yuexiu = gongkai_store::orgs::find(db, "yuexiumz").await.unwrap().id;
    let actor = Actor::system("t");
    let domain = std_store::domains(db).await.unwrap()[0].id;
    let t = std_store::create_template(db, &actor, city, domain, "社会救助领域基层政务公开标准目录").await.unwrap();
    let pairs: Vec<(String, String)> = ITEM_FORM.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let item = gongkai_core::oversight::standards::StandardItemInput::from_pairs(&pairs).parse().unwrap();
    std_store::add_item(db, &actor, city, t, &item).await.unwrap();
    std_store::publish_template(db, &actor, city, t, date("2020-03-02")).await.unwrap();
    let c = std_store::adopt(db, &actor, yuexiu, t, date("2020-03-09")).await.unwrap();
    std_store::items(db, c).await.unwrap()[0].id
}

both!(a_catalog_moves_between_platforms_without_loss, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let yuexiu = OrgId(app.org_id("yuexiumz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let actor = Actor::system("t");
    let matter = adopted_matter(&app.db).await;
    let doc = publish(&app, yuexiu, "越秀区低保实施细则", "2020-04-01", "2020-04-03").await;
    let cols = catalog::columns(&app.db, yuexiu).await.unwrap();
    let interp_col = cols.iter().find(|c| c.slug == "interpretation").unwrap().id;
    let mut d = item_draft(interp_col, "《越秀区低保实施细则》解读", ItemKind::Interpretation, date("2020-04-02"));
    d.interprets_id = Some(doc);
    d.interp_form = Some(gongkai_core::catalog::InterpretationForm::Qa);
    catalog::create(
        &app.db,
        &cal,
        &actor,
        yuexiu,
        &d,
        Entry::Published { on: date("2020-04-03"), approved_by: "t".into() },
    )
    .await
    .unwrap();
    catalog::set_validity(&app.db, &actor, yuexiu, doc, Validity::Amended, date("2021-01-01"), "已修订").await.unwrap();
    let pdf = b"%PDF-1.4 demo attachment bytes \x00\x01\x02".to_vec();
    let sha: String = <sha2::Sha256 as sha2::Digest>::digest(&pdf).iter().map(|b| format!("{b:02x}")).collect();
    catalog::add_attachment(
        &app.db,
        &actor,
        yuexiu,
        doc,
        &catalog::NewAttachment {
            name: "细则.pdf".into(),
            mime: "application/pdf".into(),
            data: pdf.clone(),
            sha256: sha.clone(),
            text: "细则".into(),
        },
    )
    .await
    .unwrap();
    let list = publish(&app, yuexiu, "低保初审对象名单", "2020-04-01", "2020-04-02").await;
    std_store::link(&app.db, &cal, &actor, yuexiu, list, matter).await.unwrap();
    let roster = gongkai_core::oversight::standards::roster_from_table(
        "姓名\t所在村（居）\n陈某\t北京街",
        &["姓名".into(), "所在村（居）".into()],
    )
    .unwrap();
    std_store::set_roster(&app.db, &actor, yuexiu, list, &roster).await.unwrap();
    let draft = item_draft(cols[0].id, "未完成的草稿", ItemKind::General, date("2020-05-01"));
    catalog::create(&app.db, &cal, &actor, yuexiu, &draft, Entry::Draft).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.zip");
    let out = run(&["--database", &app.url, "catalog", "export", "--org", "yuexiumz", "-o", first.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["--database", &app.url, "catalog", "export", "--org", "yuexiumz", "-o", first.to_str().unwrap()]);
    assert!(!out.status.success(), "an existing archive is never overwritten");
    // Another platform with the same supervisor's catalog.
    let (other, url, _keep) = fresh_db(kind).await.unwrap();
    gongkai::demo::seed_base(&other).await.unwrap();
    adopted_matter(&other).await;
    let out = run(&["--database", &url, "catalog", "import", first.to_str().unwrap(), "--org", "yuexiumz"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 items"), "{}", String::from_utf8_lossy(&out.stdout));
    let second = dir.path().join("second.zip");
    let out = run(&["--database", &url, "catalog", "export", "--org", "yuexiumz", "-o", second.to_str().unwrap()]);
    assert!(out.status.success());
    let (a, fa) = archive(&first);
    let (b, fb) = archive(&second);
    assert_eq!(a, b, "the second platform's export is the first one, field for field");
    assert_eq!(fa, fb);
    assert_eq!(fa[&format!("attachments/{sha}")], pdf);
    let items = a["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert!(items.iter().any(|i| i["interprets"].as_u64().is_some()));
    assert!(items.iter().any(|i| i["validity_history"].as_array().unwrap().len() == 1));
    assert!(items.iter().any(|i| i["roster"]["rows"][0][0] == "陈某" && i["fulfils"][1] == "最低生活保障 / 审核信息"));
    // Importing again: the index numbers are taken, so nothing at all is written.
    let before: i64 = sqlx::query_scalar::<sqlx::Any, i64>("SELECT COUNT(*) FROM catalog_items")
        .fetch_one(other.pool())
        .await
        .unwrap();
    let out = run(&["--database", &url, "catalog", "import", first.to_str().unwrap(), "--org", "yuexiumz"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already used"), "{}", String::from_utf8_lossy(&out.stderr));
    let after: i64 = sqlx::query_scalar::<sqlx::Any, i64>("SELECT COUNT(*) FROM catalog_items")
        .fetch_one(other.pool())
        .await
        .unwrap();
    assert_eq!(before, after);
    // The imported public items are in the new platform's feed.
    let n = gongkai_store::catalog::feed::after(
        &other,
        OrgId(gongkai_store::orgs::find(&other, "yuexiumz").await.unwrap().id.0),
        None,
        0,
        100,
    )
    .await
    .unwrap();
    assert_eq!(n.iter().filter(|e| !e.is_tombstone()).count(), 3);
    other.close().await;
});
