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

fn export(url: &str, to: &str, dir: &std::path::Path) -> Vec<u8> {
    let out = dir.join(format!("r.{to}"));
    let o = std::process::Command::new(crate::harness::gongkai_bin())
        .args([
            "--database",
            url,
            "report",
            "export",
            "--org",
            "gzmz",
            "--year",
            "2020",
            "--to",
            to,
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{to}: {}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(out).unwrap()
}

/// The demo's 2020 tables in all five forms, each opened by a real reader.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_exports_in_five_forms() {
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // JSON: the cells.
    let v: serde_json::Value = serde_json::from_slice(&export(&app.url, "json", dir.path())).unwrap();
    assert_eq!(v["cells"]["t3.r3.s7:c3"], 63);
    // Table 二 item (一) from the demo catalog: 21 normative documents made and published in
    // 2020; with 8 a year in 2017-2019, 45 published in total by the end of 2020.
    assert_eq!(
        (&v["cells"]["t2.i1.r2:c1"], &v["cells"]["t2.i1.r2:c2"], &v["cells"]["t2.i1.r2:c3"]),
        (&serde_json::json!(21), &serde_json::json!(21), &serde_json::json!(45))
    );
    // HTML: a snapshot of the whole page (UPDATE_SNAPSHOTS=1 rewrites it after a reviewed change).
    let html = String::from_utf8(export(&app.url, "html", dir.path())).unwrap();
    let snap = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/gzmz-2020-report.html");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&snap, &html).unwrap();
    }
    assert_eq!(html, std::fs::read_to_string(&snap).expect("snapshot file"), "HTML export differs from the snapshot");
    // Every export is the whole report: sections 一 to 六 with the tables in place.
    let order: Vec<usize> = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    .iter()
    .map(|h| html.find(h).unwrap_or_else(|| panic!("{h} in the HTML export")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "sections in order: {order:?}");
    assert!(html.contains("坚持以公开为常态") && html.contains("未收取信息处理费"), "narrative and fee statement");
    // DOCX: parsed back; merged header cells present.
    let docx = docx_rs::read_docx(&export(&app.url, "docx", dir.path())).expect("well-formed DOCX");
    let json = docx.json();
    assert!(json.contains("三、本年度办理结果") && json.contains("\"63\""), "DOCX carries the figures");
    assert!(
        json.contains("一、总体情况") && json.contains("坚持以公开为常态") && json.contains("六、其他需要报告的事项"),
        "DOCX is the whole report"
    );
    assert!(json.contains("gridSpan") && json.contains("restart"), "merged cells");
    // XLSX: the report on the first sheet, then the three tables, numbers as numbers, merged ranges.
    let xlsx = export(&app.url, "xlsx", dir.path());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip container");
    let mut strings = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut strings).unwrap();
    assert!(
        strings.contains("一、总体情况")
            && strings.contains("坚持以公开为常态")
            && strings.contains("五、存在的主要问题及改进情况")
    );
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet3.xml").unwrap(), &mut sheet).unwrap();
    assert!(
        sheet.contains("<v>63</v>") && sheet.contains("<mergeCell ref=\"A1:C3\"/>"),
        "{}",
        &sheet[..500.min(sheet.len())]
    );
    assert!(zip.by_name("xl/worksheets/sheet4.xml").is_ok());
    // PDF: read back with pdftotext (fonts from fonts-noto-cjk).
    if gongkai_pdf::fonts_available() {
        let pdf = export(&app.url, "pdf", dir.path());
        if let Some(text) = crate::harness::pdftotext(&pdf) {
            assert!(text.contains("（七）总计") && text.contains("63") && text.contains("申请人情况"), "{text}");
            assert!(
                text.contains("总体情况") && text.contains("其他需要报告的事项"),
                "the PDF is the whole report: {text}"
            );
        }
    }
}

both!(hand_entered_figures_fill_table_2, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let shzz = app.org_id("gzshzz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let page = staff.get(&format!("/console/orgs/{city}/reports?year=2021")).await;
    assert!(page.body.contains("第二十条第（五）项·行政许可·本年处理决定数量"));
    let url = format!("/console/orgs/{city}/reports/2021/figures");
    let p = staff.post(&url, &[("cell", "t2.i5.r1:c1"), ("value", "-3"), ("source", "许可系统")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("应为非负整数"), "{}", p.body);
    let p = staff.post(&url, &[("cell", "t2.i5.r1:c1"), ("value", "1208"), ("source", "")]).await;
    assert_eq!(p.status, 422, "a source is required");
    staff.get(&format!("/console/orgs/{city}/reports?year=2021")).await;
    let p = staff
        .post(&url, &[("cell", "t2.i5.r1:c1"), ("value", "1208"), ("source", "行政许可办理系统2021年度统计")])
        .await;
    assert_eq!(p.status, 303);
    staff.get(&format!("/console/orgs/{city}/reports?year=2021")).await;
    assert_eq!(
        staff.post(&url, &[("cell", "t2.i8.r1:c1"), ("value", "12.35"), ("source", "财务科")]).await.status,
        303
    );
    let page = staff.get(&format!("/console/orgs/{city}/reports?year=2021")).await;
    assert!(
        page.body.contains("行政许可办理系统2021年度统计")
            && page.body.contains("gzmz.staff")
            && page.body.contains(">1208<")
    );
    let v: serde_json::Value =
        serde_json::from_str(&staff.get(&format!("/console/orgs/{city}/reports/2021/json")).await.body).unwrap();
    assert_eq!(v["cells"]["t2.i5.r1:c1"], 1208);
    assert_eq!(v["cells"]["t2.i8.r1:c1"], 12.35);
    // The XLSX export carries the figure; disclosure work may be hosted, applications not.
    assert_eq!(staff.get(&format!("/console/orgs/{city}/reports/2021/export/xlsx")).await.status, 200);
    staff.get(&format!("/console/orgs/{shzz}/reports?year=2021")).await;
    assert_eq!(
        staff
            .post(
                &format!("/console/orgs/{shzz}/reports/2021/figures"),
                &[("cell", "t2.i5.r1:c1"), ("value", "3"), ("source", "x")]
            )
            .await
            .status,
        303
    );
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    sup.get(&format!("/console/orgs/{city}/reports?year=2021")).await;
    assert_eq!(sup.post(&url, &[("cell", "t2.i5.r1:c1"), ("value", "1"), ("source", "x")]).await.status, 403);
    let audit = gongkai_store::audit::list(&app.db, Some(gongkai_core::orgs::OrgId(city)), 10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "set_figure" && e.changes.contains("1208")));
});

both!(supervisors_see_the_subtree_aggregate, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let yuexiu = app.org_id("yuexiumz").await;
    for (user, org) in [("gzmz.staff", city), ("yuexiu.staff", yuexiu), ("yuexiu.staff", yuexiu)] {
        let mut b = app.browser();
        b.login(user).await;
        b.get(&format!("/console/orgs/{org}/applications/new")).await;
        let f = [
            ("channel", "in_person"),
            ("submitted_on", "2023-05-08"),
            ("applicant_kind", "natural_person"),
            ("applicant_name", "李四"),
            ("id_kind", "passport"),
            ("id_number", "E7654321"),
            ("phone", "13812345678"),
            ("info_title", "某信息"),
            ("delivery_form", "纸质文本"),
            ("delivery_method", "自行领取"),
        ];
        assert_eq!(b.post(&format!("/console/orgs/{org}/applications"), &f).await.status, 200);
    }
    let mut sup = app.browser();
    sup.login("gzmz.supervisor").await;
    let p = sup.get(&format!("/console/orgs/{city}/reports/aggregate?year=2023")).await;
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("广州市增城区民政局") && p.body.contains("<svg") && p.body.contains("合计表校验通过"),
        "{}",
        p.body
    );
    let v: serde_json::Value =
        serde_json::from_str(&sup.get(&format!("/console/orgs/{city}/reports/aggregate/2023/json")).await.body)
            .unwrap();
    assert_eq!(v["cells"]["t3.r1:c3"], 3, "one city + two district applications");
    assert_eq!(v["cells"]["t3.r4:c3"], 3);
    assert!(p.body.contains("逾期答复率"), "overdue-rate chart");
    // The aggregate exports like a body's tables.
    let x = sup.get(&format!("/console/orgs/{city}/reports/aggregate/2023/export/json")).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&x.body).unwrap()["cells"]["t3.r1:c3"], 3);
    for f in ["xlsx", "docx"] {
        let x = sup.get(&format!("/console/orgs/{city}/reports/aggregate/2023/export/{f}")).await;
        assert_eq!(x.status, 200, "{f}");
        assert!(x.headers["content-disposition"].to_str().unwrap().contains(&format!("-2023-aggregate.{f}")));
    }
    // Report status per body: nothing drafted for 2023, and 31 January 2024 has passed.
    assert!(p.body.contains("<span class=\"mark-invalid\">逾期未开始</span>"), "{}", p.body);
    assert!(p.body.contains("截止 2024-01-31"));
    // The city bureau drafts its 2023 report: its line changes, the districts' stay late.
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}/annual/2023")).await;
    assert_eq!(staff.post(&format!("/console/orgs/{city}/annual/2023"), &[("s1", "总体情况。")]).await.status, 303);
    let p = sup.get(&format!("/console/orgs/{city}/reports/aggregate?year=2023")).await;
    assert!(
        p.body.contains(&format!("/console/orgs/{city}/annual/2023\"><span class=\"mark-invalid\">逾期未发布</span>")),
        "{}",
        p.body
    );
    // A district's staff see only their own bureau, never the city's aggregate.
    let mut y = app.browser();
    y.login("yuexiu.staff").await;
    assert_eq!(y.get(&format!("/console/orgs/{city}/reports/aggregate?year=2023")).await.status, 403);
    let own: serde_json::Value =
        serde_json::from_str(&y.get(&format!("/console/orgs/{yuexiu}/reports/aggregate/2023/json")).await.body)
            .unwrap();
    assert_eq!(own["cells"]["t3.r1:c3"], 2);
});

/// `gongkai import report` on `path`: its exit code, stdout JSON (if any) and stderr.
fn import_run(path: &std::path::Path) -> (i32, Option<serde_json::Value>, String) {
    let o = std::process::Command::new(crate::harness::gongkai_bin())
        .args(["import", "report", path.to_str().unwrap()])
        .output()
        .unwrap();
    (o.status.code().unwrap_or(-1), serde_json::from_slice(&o.stdout).ok(), String::from_utf8_lossy(&o.stderr).into())
}

/// A page read with every cell.
fn import(path: &std::path::Path) -> serde_json::Value {
    let (code, v, err) = import_run(path);
    assert_eq!(code, 0, "{err}");
    v.unwrap()
}

/// Known tables in both formats, with every kind of value: counts in many cells, hand-entered
/// figures, a money amount, a signed change.
fn sample_tables() -> (gongkai_core::reports::Tables, gongkai_core::reports::Tables) {
    use gongkai_core::applications::{ApplicantKind, Outcome};
    use gongkai_core::reports::{AppFact, ReportFormat, Value, compute, with_figures};
    let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    let mut apps = Vec::new();
    let outcomes = [
        Outcome::Disclosed,
        Outcome::PartlyDisclosed,
        Outcome::NotHeld,
        Outcome::ThirdPartyRights,
        Outcome::CorrectionLapsed,
        Outcome::FeeUnpaid,
        Outcome::OtherHandling,
        Outcome::Repeat,
    ];
    for (i, o) in outcomes.iter().enumerate() {
        for k in 0..=i {
            let kind = [ApplicantKind::NaturalPerson, ApplicantKind::Commercial, ApplicantKind::LegalService][k % 3];
            apps.push(AppFact { kind, received: Some(d("2022-03-01")), finished: Some((d("2022-04-01"), *o)) });
        }
    }
    apps.push(AppFact {
        kind: ApplicantKind::Research,
        received: Some(d("2021-12-20")),
        finished: Some((d("2022-01-10"), Outcome::Disclosed)),
    });
    apps.push(AppFact { kind: ApplicantKind::NaturalPerson, received: Some(d("2022-12-29")), finished: None });
    let f21 = with_figures(
        compute(ReportFormat::F2021, "某市民政局", 2022, &apps, &[]),
        &[
            ("t2.i1.r2:c1".into(), Value::Int(21)),
            ("t2.i5.r1:c1".into(), Value::Int(1208)),
            ("t2.i8.r1:c1".into(), Value::Dec(12.35)),
        ],
    );
    let mut f19 = compute(ReportFormat::F2019, "某区民政局", 2020, &apps[..10], &[]);
    f19.cells.insert("t2.i5.r1:c2".into(), Value::Int(-8));
    (f21, f19)
}

/// Pages in every supported shape, written here from known tables, read back to the same cells.
#[test]
fn imported_report_pages_round_trip_in_every_shape() {
    use gongkai_core::reports::grid;
    let (f21, f19) = sample_tables();
    let dir = tempfile::tempdir().unwrap();
    for (name, t) in [("f2021", &f21), ("f2019", &f19)] {
        let doc = gongkai_core::reports::document::Document::tables_only(
            format!("{}{}年政府信息公开工作年度报告统计表", t.org, t.year),
            t,
        );
        let html = gongkai_web::reports::export::html(&doc);
        // Flattened text: every cell on its own line, in reading order.
        let mut flat = format!("{}{}年政府信息公开工作年度报告\n", t.org, t.year);
        for g in [grid::table2(t), grid::table3(t), grid::table4(t)] {
            flat.push_str(g.title);
            flat.push('\n');
            for r in 0..g.rows {
                for c in g.row(r) {
                    flat.push_str(&c.text);
                    flat.push('\n');
                }
            }
        }
        // Scraped pinyin annotations after a few characters, in the Traditional page.
        let annotated = gongkai_text::to_traditional(&flat)
            .replace("規範", "規(guī)範")
            .replace("結轉", "結(jié)轉(zhuǎn)")
            .replace("處理", "處(chǔ)理");
        assert!(annotated.contains("(guī)"));
        let shapes = [
            ("html", html.clone()),
            ("traditional.html", gongkai_text::to_traditional(&html)),
            ("flat.txt", flat.clone()),
            ("annotated-traditional.txt", format!("掃碼進入\n{annotated}")),
        ];
        for (shape, content) in shapes {
            let path = dir.path().join(format!("{name}.{shape}"));
            std::fs::write(&path, content).unwrap();
            let v = import(&path);
            assert_eq!(v["format"], serde_json::to_value(t.format).unwrap(), "{name} {shape}");
            assert_eq!(v["year"], t.year, "{name} {shape}");
            assert_eq!(v["unreadable"].as_array().unwrap().len(), 0, "{name} {shape}: {}", v["unreadable"]);
            assert!(v["check"]["failures"].as_array().unwrap().is_empty(), "{name} {shape}: {}", v["check"]);
            for (code, want) in &t.cells {
                assert_eq!(v["cells"][code], serde_json::to_value(want).unwrap(), "{name} {shape} {code}");
            }
        }
        // A smudged number is reported as unreadable, not guessed.
        let smudged = flat.replacen("\n1208\n", "\n？\n", 1);
        if smudged != flat {
            let path = dir.path().join(format!("{name}.smudged.txt"));
            std::fs::write(&path, smudged).unwrap();
            // Its own exit code; the cell is absent (never 0) and the check undecided.
            let (code, v, _) = import_run(&path);
            let v = v.unwrap();
            assert_eq!(code, 3);
            assert_eq!(v["unreadable"], serde_json::json!(["t2.i5.r1:c1"]));
            assert!(v["cells"].get("t2.i5.r1:c1").is_none(), "not written as 0");
            assert_eq!(v["verdict"], "inconclusive");
        }
        // Most real titles read `2022年度…`; a script with Chinese text must not stop the reader.
        let titled = flat.replacen(&format!("{}年政府", t.year), &format!("{}年度政府", t.year), 1);
        let path = dir.path().join(format!("{name}.nian-du.html"));
        std::fs::write(
            &path,
            format!(
                "<script>var 标题 = \"统计\";</script><style>p{{}} /* 样式 */</style>{}",
                html.replacen(&format!("{}年政府", t.year), &format!("{}年度政府", t.year), 1)
            ),
        )
        .unwrap();
        assert_eq!(import(&path)["year"], t.year, "{name} html 年度");
        let path = dir.path().join(format!("{name}.nian-du.txt"));
        std::fs::write(&path, &titled).unwrap();
        assert_eq!(import(&path)["year"], t.year, "{name} text 年度");
    }
}

/// A page as Word saves it and agency sites publish it: the report inside a layout table,
/// conditional comments, every cell's text split over spans, merged header cells, blank
/// cells written `&nbsp;` (one of them spanning columns), navigation around it.
fn word_page(t: &gongkai_core::reports::Tables, blank: &str) -> String {
    use gongkai_core::reports::grid;
    let span = |text: &str| {
        // Word splits runs wherever the formatting changes: here in the middle.
        let chars: Vec<char> = text.chars().collect();
        let (a, b) = chars.split_at(chars.len() / 2);
        format!(
            "<p class=MsoNormal align=center><span lang=EN-US style='font-size:10.5pt'>{}</span><span style='font-family:仿宋_GB2312'>{}<o:p></o:p></span></p>",
            a.iter().collect::<String>(),
            b.iter().collect::<String>()
        )
    };
    let mut html = format!(
        "<html><head><!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]--><style>td {{ font-family: 仿宋; }}</style></head><body>\
         <div class=nav>首页 &gt; 政务公开 &gt; 政府信息公开年报</div>\
         <table width=100% class=layout><tr><td>\
         <h2><span>{}</span><span>{}年度政府信息公开</span>工作年度报告</h2><p>发布时间：{}-01-20&nbsp;&nbsp;来源：本局</p>\
         <p class=MsoNormal>本报告根据《中华人民共和国政府信息公开条例》编制。</p>",
        t.org,
        t.year,
        t.year + 1
    );
    for g in [grid::table2(t), grid::table3(t), grid::table4(t)] {
        html.push_str(&format!("<p class=MsoNormal><b><span>{}</span></b></p>", g.title));
        html.push_str(
            "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>",
        );
        for r in 0..g.rows {
            html.push_str("<tr style='height:20.0pt'>");
            for c in g.row(r) {
                let text = if c.text == blank { "&nbsp;".to_string() } else { span(&c.text) };
                html.push_str(&format!(
                    "<td width=66 rowspan={} colspan={} valign=top style='border:solid windowtext 1.0pt'>{text}</td>",
                    c.rowspan, c.colspan
                ));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table>");
    }
    html.push_str(
        "</td></tr></table><div class=footer>扫一扫在手机打开当前页 | 网站标识码 4401000000</div></body></html>",
    );
    html
}

/// Word-style pages read every cell, a blank cell stays blank (unreadable, never 0, never
/// the next number); text copies whose cells ran together are split where the tables'
/// identities allow exactly one reading, the rest listed with their candidates: none wrong.
#[test]
fn real_shaped_pages_read_every_cell_and_none_wrong() {
    use gongkai_core::applications::{ApplicantKind, Outcome};
    use gongkai_core::reports::{AppFact, ReportFormat, Value, compute, grid};
    let dir = tempfile::tempdir().unwrap();
    let (f21, f19) = sample_tables();
    // Blank cells: a spanning table-二 cell, a table-三 cell, a table-四 cell, each given a
    // value no other cell has so that its grid cell can be found and written blank.
    for (name, t) in [("f2021", &f21), ("f2019", &f19)] {
        for code in ["t2.i5.r1:c1", "t3.r3.s1:c2.s3", "t4:c3"] {
            assert!(t.cells.contains_key(code), "{code}");
            let mut marked = t.clone();
            marked.cells.insert(code.into(), Value::Int(987_654));
            let path = dir.path().join(format!("{name}-word.html"));
            std::fs::write(&path, word_page(&marked, "987654")).unwrap();
            let (exit, v, err) = import_run(&path);
            let v = v.unwrap_or_else(|| panic!("{name} {code}: {err}"));
            assert_eq!(exit, 3, "{name} {code}: a blank cell is unreadable: {err}");
            assert_eq!(v["unreadable"], serde_json::json!([code]), "{name}");
            assert_eq!(v["year"], t.year);
            assert_eq!(v["org"], t.org.as_str(), "the body from the heading");
            assert_eq!(v["verdict"], "inconclusive");
            for (c, want) in &t.cells {
                if c != code {
                    assert_eq!(v["cells"][c], serde_json::to_value(want).unwrap(), "{name} {code}: {c}");
                }
            }
        }
        // With no blank the Word page reads in full.
        let path = dir.path().join(format!("{name}-word-full.html"));
        std::fs::write(&path, word_page(t, "\u{0}")).unwrap();
        let v = import(&path);
        assert_eq!(v["verdict"], "holds", "{name}: {}", v["check"]);
    }
    // Two-digit counts in every applicant column, so that run-together rows have many splits.
    let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    let kinds = [
        ApplicantKind::NaturalPerson,
        ApplicantKind::Commercial,
        ApplicantKind::Research,
        ApplicantKind::PublicInterest,
        ApplicantKind::LegalService,
        ApplicantKind::OtherOrganisation,
    ];
    let outcomes = [Outcome::Disclosed, Outcome::PartlyDisclosed, Outcome::NotHeld, Outcome::OtherHandling];
    let mut apps = Vec::new();
    for (i, o) in outcomes.iter().enumerate() {
        for (k, kind) in kinds.iter().enumerate() {
            for _ in 0..(3 + 11 * i + 5 * k) {
                apps.push(AppFact {
                    kind: *kind,
                    received: Some(d("2023-03-01")),
                    finished: Some((d("2023-03-20"), *o)),
                });
            }
        }
    }
    for _ in 0..12 {
        apps.push(AppFact { kind: ApplicantKind::NaturalPerson, received: Some(d("2023-12-28")), finished: None });
    }
    let t = compute(ReportFormat::F2021, "某区民政局", 2023, &apps, &[]);
    // The text copy a crawler keeps: labels on their own lines, each row's numbers run together.
    let mut text = String::from("某区民政局2023年度政府信息公开工作年度报告\n");
    for g in [grid::table2(&t), grid::table3(&t), grid::table4(&t)] {
        text.push_str(g.title);
        text.push('\n');
        for r in 0..g.rows {
            let cells = g.row(r);
            let (labels, numbers): (Vec<&&grid::Cell>, Vec<&&grid::Cell>) = cells.iter().partition(|c| c.header);
            for c in labels {
                text.push_str(&c.text);
                text.push('\n');
            }
            let run: String = numbers.iter().map(|c| c.text.as_str()).collect();
            if !run.is_empty() {
                text.push_str(&run);
                text.push('\n');
            }
        }
    }
    let path = dir.path().join("run-together.txt");
    std::fs::write(&path, &text).unwrap();
    let (exit, v, err) = import_run(&path);
    let v = v.unwrap_or_else(|| panic!("{err}"));
    let unreadable: Vec<String> =
        v["unreadable"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    // Not one cell read wrong; every cell either read or listed as unreadable.
    let mut read = 0;
    for (code, want) in &t.cells {
        match v["cells"].get(code) {
            Some(got) => {
                assert_eq!(got, &serde_json::to_value(want).unwrap(), "{code} read wrong");
                read += 1;
            }
            None => assert!(unreadable.contains(code), "{code} neither read nor unreadable"),
        }
    }
    // Every ambiguous row lists the true reading among its candidates (when within those shown).
    for a in v["ambiguous"].as_array().unwrap() {
        let cells: Vec<&str> = a["cells"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        let truth: Vec<serde_json::Value> = cells.iter().map(|c| serde_json::to_value(t.get(c)).unwrap()).collect();
        let readings = a["readings"].as_array().unwrap();
        // One reading is listed too when no identity can confirm it (table 二).
        assert!(!readings.is_empty() && a["count"].as_u64().unwrap() >= readings.len() as u64, "{a}");
        assert!(a["count"].as_u64().unwrap() >= 2 || cells[0].starts_with("t2."), "{a}");
        if a["count"].as_u64().unwrap() as usize == readings.len() {
            assert!(readings.iter().any(|r| r.as_array().unwrap() == &truth), "{a} misses {truth:?}");
        }
    }
    // Table 三's rows are settled by its identities: every cell of its values is read.
    let t3_unread: Vec<&String> = unreadable.iter().filter(|c| c.starts_with("t3.")).collect();
    assert!(t3_unread.is_empty(), "table 三 should settle by its identities: {t3_unread:?}\n{}", v["ambiguous"]);
    assert!(read > t.cells.len() / 2, "{read} of {} read", t.cells.len());
    assert_eq!(exit == 0, unreadable.is_empty(), "{err}");
}

/// Pages that are not 2019-regulation annual reports are refused, even with `--year`;
/// inputs that are not what they should be give a clear error instead of a panic.
#[test]
fn what_is_not_an_annual_report_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = std::process::Command::new(crate::harness::gongkai_bin()).args(args).output().unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr),
        )
    };
    let budget = dir.path().join("budget.html");
    std::fs::write(
        &budget,
        "<h1>广州市民政局2023年部门预算</h1><table><tr><td>一般公共预算</td><td>1200</td></tr><tr><td>总计</td><td>1200</td></tr></table>",
    )
    .unwrap();
    let (code, out) = run(&["import", "report", budget.to_str().unwrap(), "--year", "2023"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("不是政府信息公开工作年度报告"), "{out}");
    let old = dir.path().join("old.txt");
    std::fs::write(
        &old,
        "广州市民政局2017年政府信息公开工作年度报告\n主动公开政府信息情况\n收到和处理政府信息公开申请情况\n",
    )
    .unwrap();
    let (code, out) = run(&["import", "report", old.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("早于 2019 年"), "{out}");
    // `report check` on JSON that is not an object, and on tables with missing cells.
    let arr = dir.path().join("array.json");
    std::fs::write(&arr, "[1, 2, 3]").unwrap();
    let (code, out) = run(&["report", "check", arr.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not a tables file"), "{out}");
    let partial = dir.path().join("partial.json");
    std::fs::write(&partial, r#"{"year": 2022, "cells": {"t3.r1:c1": 5, "t3.r1:c3": 5}}"#).unwrap();
    let (code, out) = run(&["report", "check", partial.to_str().unwrap()]);
    assert_eq!(code, 3, "missing cells are inconclusive, never ok: {out}");
    assert!(out.contains("inconclusive") && !out.contains("all identities hold"), "{out}");
}
