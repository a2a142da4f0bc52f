//! Annual-report tables on the console, through the real server.

use crate::both;
use crate::harness::{Kind, TestApp};

both!(report_tables_on_the_console, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}/applications/new")).await;
    let f = [
        ("channel", "in_person"),
        ("submitted_on", "2021-12-27"),
        ("applicant_kind", "natural_person"),
        ("applicant_name", "张三"),
        ("id_kind", "passport"),
        ("id_number", "E1234567"),
        ("phone", "13812345678"),
        ("info_title", "某信息"),
        ("delivery_form", "纸质文本"),
        ("delivery_method", "自行领取"),
    ];
    assert_eq!(staff.post(&format!("/console/orgs/{city}/applications"), &f).await.status, 200);
    let p = staff.get(&format!("/console/orgs/{city}/reports?year=2021")).await;
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("校验通过") && p.body.contains("2021年修订格式") && p.body.contains("rowspan=\"22\""),
        "{}",
        p.body
    );
    // Received 2021-12-27 and not finished: new in 2021, carried into 2022.
    let j = staff.get(&format!("/console/orgs/{city}/reports/2021/json")).await;
    let v: serde_json::Value = serde_json::from_str(&j.body).unwrap();
    assert_eq!((v["cells"]["t3.r1:c1"].as_i64(), v["cells"]["t3.r4:c1"].as_i64()), (Some(1), Some(1)));
    let j22: serde_json::Value =
        serde_json::from_str(&staff.get(&format!("/console/orgs/{city}/reports/2022/json")).await.body).unwrap();
    assert_eq!(j22["cells"]["t3.r2:c3"].as_i64(), Some(1));
    assert_eq!(staff.get(&format!("/console/orgs/{city}/reports?year=1999")).await.status, 400);
    // Supervisors read it; another organisation's staff cannot.
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    assert_eq!(sup.get(&format!("/console/orgs/{city}/reports?year=2021")).await.status, 200);
    let mut other = app.browser();
    other.login("yuexiu.staff").await;
    assert_eq!(other.get(&format!("/console/orgs/{city}/reports?year=2021")).await.status, 403);
    assert_eq!(other.get(&format!("/console/orgs/{city}/reports/2021/json")).await.status, 403);
});
