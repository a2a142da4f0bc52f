//! The console as a daily desk: counts per role that lead to the cases they count, and
//! the applications register (search, filters, every year, paging, masked exports).

use crate::both;
use crate::harness::{Kind, TestApp};
use gongkai_core::ids::OrgId;
use gongkai_store::applications::{self as store, RegisterFilter};

/// The number in front of a desk label, e.g. `<strong>2</strong> 5个工作日内到期`.
fn desk_count(body: &str, label: &str) -> i64 {
    let end = body.find(&format!("</strong> {label}")).unwrap_or_else(|| panic!("{label} not on the desk:\n{body}"));
    let start = body[..end].rfind("<strong>").unwrap() + "<strong>".len();
    body[start..end].parse().unwrap()
}

/// The match count of a register page (`共 N 件`).
fn total(body: &str) -> i64 {
    let i = body.find("共 ").expect("a total") + "共 ".len();
    body[i..i + body[i..].find(' ').unwrap()].parse().unwrap()
}

both!(the_desk_counts_lead_to_the_cases_it_counts, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_full_demo(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let desk = staff.get("/console").await;
    assert!(desk.body.contains("待办事项") && desk.body.contains("广州市民政局（工作人员）"), "{}", desk.body);
    for (label, link) in [
        ("已逾期未答复", "due=overdue"),
        ("5个工作日内到期", "due=soon"),
        ("待确认收到的网上申请", "status=awaiting_receipt&amp;channel=online"),
        ("待申请人补正", "status=awaiting_correction"),
        ("征求意见中", "status=consulting"),
    ] {
        let n = desk_count(&desk.body, label);
        assert!(n >= 1, "the demo has something for {label}");
        let href = format!("/console/orgs/{city}/applications/register?{link}").replace("&amp;", "&");
        let unescaped = desk.body.replace("&#38;", "&").replace("&amp;", "&");
        assert!(unescaped.contains(&href), "{label} links to {href}");
        let list = staff.get(&href).await;
        assert_eq!(list.status, 200, "{href}: {}", list.body);
        assert_eq!(total(&list.body), n, "{label}: the register shows what the desk counts");
    }
    // The approver's desk: the drafted reply of the demo waits there and is named.
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    let desk = approver.get("/console").await;
    assert_eq!(desk_count(&desk.body, "待审核的答复和延期"), 1);
    assert!(desk.body.contains("作出答复") && desk.body.contains("gzmz.staff提交"), "{}", desk.body);
    assert!(desk_count(&desk.body, "待审核发布的公开信息") >= 0);
    // The supervisor's: the bodies with overdue cases, and the aggregate.
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    let desk = sup.get("/console").await;
    assert!(desk_count(&desk.body, "有逾期未答复申请的机构") >= 1, "{}", desk.body);
    assert!(desk.body.contains(&format!("/console/orgs/{city}/reports/aggregate")));
    // A staff member of another body has no desk of the city's work.
    let mut y = app.browser();
    y.login("yuexiu.staff").await;
    assert!(!y.get("/console").await.body.contains("广州市民政局（"), "no city desk for a district user");
});

both!(the_register_finds_filters_pages_and_exports_every_year, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_full_demo(kind).await else { return };
    let org = OrgId(app.org_id("gzmz").await);
    let city = org.0;
    let base = format!("/console/orgs/{city}/applications/register");
    let all = store::list_recent(&app.db, org, 100_000).await.unwrap();
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let p = staff.get(&base).await;
    assert_eq!(p.status, 200);
    assert_eq!(total(&p.body), all.len() as i64);
    assert!(p.body.contains("<option value=\"2019\">2019年</option>"), "every past year reachable");
    // Paging: 50 a page, the second page different from the first.
    let pages = (all.len() as i64 + 49) / 50;
    assert!(p.body.contains(&format!("第 1 / {pages} 页")), "{}", p.body);
    let second = staff.get(&format!("{base}?page=2")).await;
    let first_serial =
        &all.iter().max_by_key(|a| (a.received_on.clone().unwrap_or(a.submitted_on.clone()), a.id)).unwrap().serial;
    assert!(p.body.contains(first_serial.as_str()) && !second.body.contains(&format!(">{first_serial}<")));
    // Search: part of a serial in lower case, an applicant, words of the title.
    let some = &all[all.len() / 2];
    let part = some.serial[..10].to_lowercase();
    let found = staff.get(&format!("{base}?q={part}")).await;
    let expect = all
        .iter()
        .filter(|a| {
            a.serial.to_lowercase().contains(&part) || a.applicant_name.contains(&part) || a.info_title.contains(&part)
        })
        .count();
    assert_eq!(total(&found.body), expect as i64, "serial search");
    let by_name = staff.get(&format!("{base}?q={}", crate::harness::url_encode(&some.applicant_name))).await;
    assert!(by_name.body.contains(&some.serial), "applicant search");
    assert!(total(&by_name.body) < all.len() as i64);
    // A percent sign is a character, not a wildcard.
    assert_eq!(total(&staff.get(&format!("{base}?q=%25")).await.body), 0);
    // Filters: a year, an outcome, a channel, compared with the records.
    let in_2020 =
        all.iter().filter(|a| a.received_on.as_deref().unwrap_or(&a.submitted_on).starts_with("2020")).count();
    assert_eq!(total(&staff.get(&format!("{base}?year=2020")).await.body), in_2020 as i64);
    let disclosed = all.iter().filter(|a| a.outcome.map(|o| o.code()) == Some("disclosed")).count();
    assert_eq!(total(&staff.get(&format!("{base}?outcome=disclosed")).await.body), disclosed as i64);
    let online = all.iter().filter(|a| a.channel.code() == "online").count();
    assert_eq!(total(&staff.get(&format!("{base}?channel=online")).await.body), online as i64);
    let f = RegisterFilter { year: Some(2020), outcome: Some("disclosed".into()), ..Default::default() };
    let (_, both_filters) = store::register(&app.db, org, &f, 10, 0).await.unwrap();
    assert_eq!(total(&staff.get(&format!("{base}?year=2020&outcome=disclosed")).await.body), both_filters);
    // Bad filters: a Chinese 400 page.
    let bad = staff.get(&format!("{base}?status=nonsense")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("筛选条件“状态”无效"));
    // Exports of the same selection, personal data masked.
    let csv = staff.get(&format!("/console/orgs/{city}/applications/export/csv?year=2020")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(csv.headers["cache-control"], "private, no-store");
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("受理编号,申请方式,申请人类型,申请人,证件类型,证件号码"));
    assert_eq!(lines.len() - 1, in_2020, "one line per application");
    for a in all.iter().filter(|a| a.received_on.as_deref().unwrap_or(&a.submitted_on).starts_with("2020")) {
        assert!(!csv.body.contains(&a.id_number), "ID numbers masked in exports");
        if let Some(ph) = &a.phone {
            assert!(!csv.body.contains(ph.as_str()), "phones masked in exports");
        }
    }
    let xlsx = staff.get(&format!("/console/orgs/{city}/applications/export/xlsx?year=2020")).await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
    // Access: supervisors read it; a district's staff and the city's admin do not.
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    assert_eq!(sup.get(&base).await.status, 200);
    let mut y = app.browser();
    y.login("yuexiu.staff").await;
    assert_eq!(y.get(&base).await.status, 403);
    assert_eq!(y.get(&format!("/console/orgs/{city}/applications/export/csv")).await.status, 403);
});

both!(a_refused_action_is_said_on_the_handling_screen, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_full_demo(kind).await else { return };
    let org = OrgId(app.org_id("gzmz").await);
    let open = store::list_open(&app.db, org).await.unwrap();
    let case = open.iter().find(|a| a.status.code() == "in_progress").unwrap();
    // A supervisor reads the case but may not act: the refusal is shown inline, on the page.
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    let path = format!("/console/applications/{}", case.id);
    let page = sup.get(&path).await;
    assert!(!page.body.contains("办理操作") && !page.body.contains("/letters/"), "no actions or letters for readers");
    let p = sup.post(&format!("{path}/events"), &[("type", "receipt_confirmed"), ("on", &app.today.to_string())]).await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains(&format!("申请 {}", case.serial)) && p.body.contains("role=\"alert\""), "{}", p.body);
    // The approver returns the demo's drafted reply with a note; the handler sees it.
    let (prop, _) = store::pending_proposals(&app.db, org).await.unwrap().remove(0);
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    let path = format!("/console/applications/{}", prop.application_id);
    approver.get(&path).await;
    let empty = approver.post(&format!("/console/proposals/{}/return", prop.id), &[("note", " ")]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("退回时请写明需要修改的内容"));
    let p = approver.post(&format!("/console/proposals/{}/return", prop.id), &[("note", "请补充获取方式的网址")]).await;
    assert_eq!(p.status, 303);
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let h = staff.get(&path).await;
    assert!(h.body.contains("审核结果：已退回") && h.body.contains("请补充获取方式的网址"), "{}", h.body);
    // Decided once: a second decision is refused inline.
    let again = approver.post(&format!("/console/proposals/{}/approve", prop.id), &[]).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("已由其他审核人处理"));
});
