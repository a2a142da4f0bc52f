//! The annual report as a document: narrative bound to figures, the approval workflow,
//! immutable published versions with change notes, and the portal list.

use crate::both;
use crate::harness::{Kind, TestApp};

both!(narrative_workflow_and_versions, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let year = app.today.year() - 1;
    let base = format!("/console/orgs/{city}/annual/{year}");
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    // The console home reminds of last year's report until it is published.
    let home = staff.get("/console").await;
    assert!(home.body.contains(&format!("广州市民政局{year}年度报告应于{}-01-31前发布", year + 1)), "{}", home.body);
    let p = staff.get(&base).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains(&format!("{}-01-31", year + 1)), "departments publish by 31 January");
    let bad =
        staff.post(&base, &[("s1", "全年新收申请{{新收申请数}}件，{{不存在的数}}。"), ("s5", ""), ("s6", "")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("无法绑定的数字占位符：不存在的数"));
    let s1 = "全年新收申请{{新收申请数}}件，办理建议提案{{建议提案办理数}}件。";
    assert_eq!(staff.post(&base, &[("s1", s1), ("s5", "无"), ("s6", "")]).await.status, 303);
    assert_eq!(staff.post(&format!("{base}/submit"), &[]).await.status, 303);
    assert_eq!(staff.post(&format!("{base}/approve"), &[]).await.status, 403, "staff cannot approve");
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    approver.get(&base).await;
    let refused = approver.post(&format!("{base}/approve"), &[]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("未填报的数字"), "a missing figure blocks approval");
    // The hand figure, entered with its source on the tables page.
    approver.get(&format!("/console/orgs/{city}/reports?year={year}")).await;
    let p = approver
        .post(
            &format!("/console/orgs/{city}/reports/{year}/figures"),
            &[("cell", "建议提案办理数"), ("value", "37"), ("source", "办理台账")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    approver.get(&base).await;
    assert_eq!(approver.post(&format!("{base}/approve"), &[]).await.status, 303);
    assert_eq!(approver.post(&format!("{base}/publish"), &[]).await.status, 303);
    assert!(!staff.get("/console").await.body.contains(&format!("广州市民政局{year}年度报告应于")));
    let mut public = app.browser();
    let list = public.get("/o/gzmz/reports").await;
    assert!(list.body.contains(&format!("/o/gzmz/reports/{year}")));
    let r = public.get(&format!("/o/gzmz/reports/{year}")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("办理建议提案37件"), "figure rendered into the prose");
    assert!(r.body.contains("全年新收申请0件"));
    assert!(r.body.contains("未收取信息处理费"), "computed fee statement");
    // A correction: a new version that needs a public change note.
    assert_eq!(
        staff.post(&base, &[("s1", "全年新收申请{{新收申请数}}件（更正）。"), ("s5", "无"), ("s6", "")]).await.status,
        303
    );
    assert!(
        !staff.get("/console").await.body.contains(&format!("广州市民政局{year}年度报告应于")),
        "a correction in progress is not a report due"
    );
    staff.get(&base).await;
    staff.post(&format!("{base}/submit"), &[]).await;
    approver.get(&base).await;
    approver.post(&format!("{base}/approve"), &[]).await;
    let p = approver.post(&format!("{base}/publish"), &[("change_note", "")]).await;
    assert!(p.body.contains("须填写更正说明"));
    assert_eq!(approver.post(&format!("{base}/publish"), &[("change_note", "更正第一部分表述")]).await.status, 303);
    let r = public.get(&format!("/o/gzmz/reports/{year}")).await;
    assert!(r.body.contains("（更正）") && r.body.contains("更正第一部分表述"));
    let v1 = public.get(&format!("/o/gzmz/reports/{year}?v=1")).await;
    assert!(v1.body.contains("办理建议提案37件"), "the first version stays as published");
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_2020_report_states_the_real_figures() {
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.unwrap();
    let r = app.browser().get("/o/gzmz/reports/2020").await;
    assert_eq!(r.status, 200);
    for s in [
        "全年制发规范性文件21件",
        "发布政策解读51篇",
        "发布五公开信息75条、重点领域信息166条",
        "办结63件",
        "办理人大代表建议和政协提案119件，其中主办15件、会办101件、参阅3件",
        "行政复议8件，其中维持8件",
        "举办新闻发布会12场，发布新闻稿268篇",
    ] {
        assert!(r.body.contains(s), "{s}");
    }
}

both!(imported_report_is_corrected_and_saved_as_history, |kind: Kind| async move {
    use gongkai_core::applications::{ApplicantKind, Outcome};
    use gongkai_core::reports::{AppFact, ReportFormat, compute};
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    let facts: Vec<AppFact> = (0..5)
        .map(|i| AppFact {
            kind: if i % 2 == 0 { ApplicantKind::NaturalPerson } else { ApplicantKind::Commercial },
            received: Some(d("2022-03-01")),
            finished: Some((d("2022-04-01"), Outcome::Disclosed)),
        })
        .collect();
    let t = compute(ReportFormat::F2021, "广州市民政局", 2022, &facts, &[]);
    // The published page, in Traditional characters as an old mirror would have it.
    let doc = gongkai_core::reports::document::Document::tables_only(
        format!("{}{}年政府信息公开工作年度报告统计表", t.org, t.year),
        &t,
    );
    let page = gongkai_text::to_traditional(&gongkai_web::reports::export::html(&doc))
        .replace("年政府信息公开工作年度报告统计表", "年政府信息公开工作年度报告");
    let mut b = app.browser();
    b.login("gzmz.approver").await;
    b.get(&format!("/console/orgs/{city}/reports/import")).await;
    let read = b.post(&format!("/console/orgs/{city}/reports/import"), &[("page", &page), ("year", "")]).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert!(read.body.contains("格式：F2021，年度：2022"), "{}", read.body);
    assert!(read.body.contains("name=\"cell:t3.r1:c3\" value=\"5\""));
    // A text copy whose table-二 cells ran together: left blank and explained, never guessed.
    let mut text = String::from("广州市民政局2022年度政府信息公开工作年度报告\n");
    for g in [gongkai_core::reports::grid::table2(&t), gongkai_core::reports::grid::table3(&t)] {
        text.push_str(g.title);
        text.push('\n');
        for r in 0..g.rows {
            let (labels, values): (Vec<_>, Vec<_>) = g.row(r).into_iter().partition(|c| c.header);
            for c in labels {
                text.push_str(&c.text);
                text.push('\n');
            }
            let joiner = if g.title.starts_with("二") { "" } else { "\n" };
            text.push_str(&values.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(joiner));
            text.push('\n');
        }
    }
    text.push_str("四、政府信息公开行政复议、行政诉讼情况\n0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
    b.get(&format!("/console/orgs/{city}/reports/import")).await;
    let run = b.post(&format!("/console/orgs/{city}/reports/import"), &[("page", &text), ("year", "")]).await;
    assert_eq!(run.status, 200, "{}", run.body);
    assert!(run.body.contains("只有一种拆法（0 / 0 / 0）") && run.body.contains("表二"), "{}", run.body);
    assert!(run.body.contains("name=\"cell:t3.r1:c3\" value=\"5\""), "table 三 still read");
    // Every cell as shown, with one changed so that I3 breaks: refused, nothing saved.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = read.body.as_str();
    while let Some(i) = rest.find("name=\"cell:") {
        let r = &rest[i + 6..];
        let name = &r[..r.find('"').unwrap()];
        let v = &r[r.find("value=\"").unwrap() + 7..];
        fields.push((name.to_string(), v[..v.find('"').unwrap()].to_string()));
        rest = v;
    }
    assert!(fields.len() > 150, "every cell is editable");
    let mut broken = fields.clone();
    broken.iter_mut().find(|f| f.0 == "cell:t3.r1:c3").unwrap().1 = "6".into();
    let p = post(&mut b, city, broken).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("勾稽关系错误"), "{}", p.body);
    assert!(
        gongkai_store::reports::annual::versions(&app.db, gongkai_core::orgs::OrgId(city), 2022)
            .await
            .unwrap()
            .is_empty()
    );
    let p = post(&mut b, city, fields.clone()).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let r = app.browser().get("/o/gzmz/reports/2022").await;
    assert!(r.status == 200 && r.body.contains("本报告由原发布页面导入"));
    assert!(app.browser().get("/o/gzmz/reports").await.body.contains("2023-01-20 发布"));
    b.get(&format!("/console/orgs/{city}/reports/import")).await;
    let again = post(&mut b, city, fields).await;
    assert!(again.body.contains("已有发布的年度报告"), "a second import is refused");
});

async fn post(b: &mut crate::harness::Browser, city: i64, mut all: Vec<(String, String)>) -> crate::harness::Page {
    all.push(("year".into(), "2022".into()));
    all.push(("published_on".into(), "2023-01-20".into()));
    all.push(("_csrf".into(), b.csrf.clone().unwrap()));
    b.post_raw(&format!("/console/orgs/{city}/reports/import/save"), &all).await
}
