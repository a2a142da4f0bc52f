//! Proactive disclosure end to end through a real server, on both databases: drafting,
//! review and approval, index numbers, Art. 26 lateness, validity marks, attachments,
//! import with a dry run, search in both character sets, reading aids and access rules.

use crate::both;
use crate::harness::{Kind, TestApp, item_draft as draft};
use gongkai_core::catalog::{ItemKind, Validity};
use gongkai_core::ids::OrgId;
use gongkai_store::catalog::{self, Entry};
use gongkai_store::{Actor, audit};
use jiff::civil::date;

fn field<'a>(body: &'a str, after: &str) -> &'a str {
    let i = body.find(after).unwrap_or_else(|| panic!("{after} not in page"));
    &body[i + after.len()..]
}

fn item_id(location: &str) -> String {
    location.trim_start_matches("/console/catalog/").to_string()
}

both!(draft_review_publish_then_found_in_simplified_and_traditional, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let today = app.today.to_string();
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}/catalog/new")).await;
    // Withheld without a legal reason, a bad document number, a missing title: all named.
    let bad = staff
        .post(
            &format!("/console/orgs/{city}/catalog"),
            &[
                ("column", "normative"),
                ("kind", "normative"),
                ("title", ""),
                ("summary", "x"),
                ("issuer", "广州市民政局"),
                ("doc_number", "2020年3号"),
                ("attribute", "withheld"),
                ("formed_on", &today),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    for msg in ["标题不能为空", "文号格式应如", "必须写明第十四条至第十六条规定的理由"] {
        assert!(bad.body.contains(msg), "{msg}");
    }
    let body = "<p onclick=\"steal()\">为规范养老服务机构备案，制定本办法。</p><script>alert(1)</script>";
    let p = staff
        .post(
            &format!("/console/orgs/{city}/catalog"),
            &[
                ("column", "normative"),
                ("kind", "normative"),
                ("title", "广州市养老服务机构备案管理办法"),
                ("summary", "规范养老服务机构备案"),
                ("body", body),
                ("issuer", "广州市民政局"),
                ("doc_number", "穗民规字[2026]99号"),
                ("attribute", "proactive"),
                ("formed_on", &today),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let id = item_id(p.location.as_deref().unwrap());
    let stored = catalog::get(&app.db, id.parse().unwrap()).await.unwrap();
    assert_eq!(stored.doc_number.as_deref(), Some("穗民规字〔2026〕99号"));
    assert!(!stored.body_html.contains("script") && !stored.body_html.contains("onclick"), "{}", stored.body_html);
    // Not public while a draft.
    let mut public = app.browser();
    assert_eq!(public.get(&format!("/info/{id}")).await.status, 404);
    staff.get(&format!("/console/catalog/{id}")).await;
    assert_eq!(staff.post(&format!("/console/catalog/{id}/submit"), &[]).await.status, 303);
    // Staff cannot approve; the approver can.
    assert_eq!(staff.post(&format!("/console/catalog/{id}/approve"), &[]).await.status, 403);
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    let page = approver.get(&format!("/console/catalog/{id}")).await;
    assert!(page.body.contains("审核通过并发布"));
    let before = public.get("/o/gzmz/c/normative").await;
    assert!(!before.body.contains("广州市养老服务机构备案管理办法"));
    assert_eq!(approver.post(&format!("/console/catalog/{id}/approve"), &[("published_on", "")]).await.status, 303);
    // The column page was cached before the publication; the publication refreshes it.
    assert!(public.get("/o/gzmz/c/normative").await.body.contains("广州市养老服务机构备案管理办法"));
    let item = catalog::get(&app.db, id.parse().unwrap()).await.unwrap();
    let credit = gongkai_store::orgs::get(&app.db, OrgId(city)).await.unwrap().credit_code;
    let year = &today[..4];
    assert_eq!(item.index_no.as_deref(), Some(format!("{credit}/{year}-00001").as_str()));
    assert_eq!(item.approved_by.as_deref(), Some("gzmz.approver"));
    assert!(!item.late);
    // The public page: metadata table, page tags, QR code; the interpretation warning on the console.
    let doc = public.get(&format!("/info/{id}")).await;
    assert_eq!(doc.status, 200);
    assert!(doc.body.contains(&format!("{credit}/{year}-00001")));
    assert!(doc.body.contains("<meta name=\"ArticleTitle\" content=\"广州市养老服务机构备案管理办法\">"));
    assert!(doc.body.contains(&format!("<img src=\"/info/{id}/qr.svg\"")), "QR code");
    let qr = public.get(&format!("/info/{id}/qr.svg")).await;
    assert_eq!(qr.status, 200);
    assert!(qr.headers["content-type"].to_str().unwrap().starts_with("image/svg+xml") && qr.body.contains("<svg"));
    assert!(approver.get(&format!("/console/catalog/{id}")).await.body.contains("尚无政策解读"));
    // Search in Simplified and in Traditional.
    for q in ["养老服务机构备案", "養老服務機構備案"] {
        let r = public.get(&format!("/search?q={}", enc(q))).await;
        assert_eq!(r.status, 200);
        assert!(r.body.contains(&format!("/info/{id}")), "{q}: {}", r.body);
        assert!(r.body.contains("<mark>"), "{q}");
    }
    // Repealed: marked on the page, in the column list and in search results.
    let p = approver
        .post(
            &format!("/console/catalog/{id}/validity"),
            &[("validity", "repealed"), ("on", &today), ("note", "被新办法替代")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let doc = public.get(&format!("/info/{id}")).await;
    assert!(doc.body.contains("mark-invalid") && doc.body.contains("废止"));
    let list = public.get("/o/gzmz/c/normative").await;
    assert!(list.body.contains("<span class=\"mark-invalid\">废止</span><a href=\"/info/"));
    let r = public.get(&format!("/search?q={}", enc("养老服务机构备案"))).await;
    assert!(r.body.contains("mark-invalid"));
    // Published items cannot be edited as drafts.
    let p = staff.post(&format!("/console/catalog/{id}"), &[("title", "改")]).await;
    assert_ne!(p.status, 303);
});

fn enc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

both!(withheld_items_stay_in_the_register_and_off_the_portal, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let today = app.today.to_string();
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}/catalog/new")).await;
    let p = staff
        .post(
            &format!("/console/orgs/{city}/catalog"),
            &[
                ("column", "execution"),
                ("title", "局长办公会议纪要（秘密讨论稿）"),
                ("summary", "会议纪要"),
                ("issuer", "广州市民政局"),
                ("attribute", "withheld"),
                ("withhold_reason", "process_information"),
                ("formed_on", &today),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let id = item_id(p.location.as_deref().unwrap());
    staff.post(&format!("/console/catalog/{id}/submit"), &[]).await;
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    approver.get(&format!("/console/catalog/{id}")).await;
    assert_eq!(approver.post(&format!("/console/catalog/{id}/approve"), &[]).await.status, 303);
    let item = catalog::get(&app.db, id.parse().unwrap()).await.unwrap();
    assert_eq!((item.status.code(), item.index_no), ("registered", None));
    let mut public = app.browser();
    assert_eq!(public.get(&format!("/info/{id}")).await.status, 404);
    assert!(!public.get(&format!("/search?q={}", enc("会议纪要"))).await.body.contains(&format!("/info/{id}\"")));
    assert!(!public.get("/o/gzmz/catalog").await.body.contains("会议纪要"));
});

both!(index_numbers_are_unique_per_period_and_lateness_is_flagged, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let org = OrgId(app.org_id("gzmz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let actor = Actor::system("test");
    let cols = catalog::columns(&app.db, org).await.unwrap();
    let col = cols.iter().find(|c| c.slug == "normative").unwrap().id;
    let assistance = cols.iter().find(|c| c.slug == "assistance").unwrap();
    assert_eq!(assistance.limit_wd, Some(10), "a shorter per-column limit");
    let publish = |title: &str, col: gongkai_core::ids::ColumnId, formed, on| {
        let d = draft(col, title, ItemKind::Normative, formed);
        let (db, cal, actor) = (app.db.clone(), cal.clone(), actor.clone());
        async move {
            let id = catalog::create(&db, &cal, &actor, org, &d, Entry::Published { on, approved_by: "a".into() })
                .await
                .unwrap();
            catalog::get(&db, id).await.unwrap()
        }
    };
    let a = publish("一", col, date(2025, 3, 3), date(2025, 3, 10)).await;
    let b = publish("二", col, date(2025, 3, 3), date(2025, 12, 31)).await;
    let c = publish("三", col, date(2026, 1, 5), date(2026, 1, 6)).await;
    let code = gongkai_store::orgs::get(&app.db, org).await.unwrap().credit_code;
    assert_eq!(a.index_no.unwrap(), format!("{code}/2025-00001"));
    assert_eq!(b.index_no.unwrap(), format!("{code}/2025-00002"));
    assert_eq!(c.index_no.unwrap(), format!("{code}/2026-00001"));
    // 20 working days after 2025-03-03 is 2025-03-31: March 10 is on time, December 31 late.
    assert_eq!(a.publish_by.as_deref(), Some("2025-03-31"));
    assert!(!a.late && b.late);
    // The assistance column's 10 working days: published on the 12th working day is late.
    let d = publish("低保名单", assistance.id, date(2025, 3, 3), date(2025, 3, 19)).await;
    assert_eq!(d.publish_by.as_deref(), Some("2025-03-17"));
    assert!(d.late);
    // A changed pattern (with month) starts its own serials; old numbers stay.
    let p = gongkai_core::catalog::IndexPattern::parse("{code}/{yyyy}{mm}-{serial}").unwrap();
    catalog::set_index_pattern(&app.db, &actor, org, &p).await.unwrap();
    let e = publish("四", col, date(2026, 2, 2), date(2026, 2, 3)).await;
    assert_eq!(e.index_no.unwrap(), format!("{code}/202602-00001"));
    assert_eq!(catalog::get(&app.db, a.id).await.unwrap().index_no.unwrap(), format!("{code}/2025-00001"));
    // The console counts late publications.
    let mut b2 = app.browser();
    b2.login("gzmz.staff").await;
    let list = b2.get(&format!("/console/orgs/{}/catalog", org.0)).await;
    assert!(list.body.contains("2 条信息</a>超过条例第二十六条"), "{}", field(&list.body, "<main"));
});

both!(table_two_counts_follow_the_validity_history, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let org = OrgId(app.org_id("gzmz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let actor = Actor::system("test");
    let col = catalog::columns(&app.db, org).await.unwrap().iter().find(|c| c.slug == "normative").unwrap().id;
    let mut ids = Vec::new();
    for (formed, on) in [
        (date(2019, 5, 6), date(2019, 5, 8)),
        (date(2020, 3, 2), date(2020, 3, 4)),
        (date(2020, 6, 1), date(2020, 6, 3)),
        (date(2020, 12, 30), date(2021, 1, 5)),
    ] {
        let d = draft(col, "文件", ItemKind::Normative, formed);
        ids.push(
            catalog::create(&app.db, &cal, &actor, org, &d, Entry::Published { on, approved_by: "a".into() })
                .await
                .unwrap(),
        );
    }
    catalog::set_validity(&app.db, &actor, org, ids[0], Validity::Repealed, date(2020, 9, 1), "").await.unwrap();
    catalog::set_validity(&app.db, &actor, org, ids[1], Validity::Expired, date(2021, 2, 1), "").await.unwrap();
    let c = catalog::normative_counts(&app.db, org, 2020, ItemKind::Normative).await.unwrap();
    assert_eq!(
        c,
        catalog::NormativeCounts { made: 3, published: 2, repealed: 1, in_force: 3, published_total: 3 },
        "2019's document repealed in 2020; the one formed on 30 December counts as made in 2020 and in force"
    );
    let c = catalog::normative_counts(&app.db, org, 2021, ItemKind::Normative).await.unwrap();
    assert_eq!((c.made, c.published, c.repealed, c.in_force), (0, 1, 1, 2));
});

both!(attachments_are_checked_by_content_and_searchable, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let org = OrgId(app.org_id("gzmz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let col = catalog::columns(&app.db, org).await.unwrap().iter().find(|c| c.slug == "service").unwrap().id;
    let today = app.today;
    let d = draft(col, "婚姻登记办事指南", ItemKind::General, today);
    let id = catalog::create(&app.db, &cal, &Actor::system("t"), org, &d, Entry::Draft).await.unwrap();
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/catalog/{id}")).await;
    let exe = staff
        .post_multipart(
            &format!("/console/catalog/{id}/attachments"),
            &[],
            &[("file", "指南.pdf", b"MZ\x90\x00fake exe")],
        )
        .await;
    assert_eq!(exe.status, 422, "a renamed executable is refused");
    assert!(exe.body.contains("按文件内容识别"));
    let mut buf = std::io::Cursor::new(Vec::new());
    docx_rs::Docx::new()
        .add_paragraph(
            docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("涉外婚姻登记需提交护照和无配偶声明")),
        )
        .build()
        .pack(&mut buf)
        .unwrap();
    let p = staff
        .post_multipart(
            &format!("/console/catalog/{id}/attachments"),
            &[],
            &[("file", "../材料清单.docx", &buf.into_inner())],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let atts = catalog::attachments(&app.db, id).await.unwrap();
    assert_eq!(atts.len(), 1);
    assert_eq!(atts[0].name, "材料清单.docx");
    // Not downloadable before publication; afterwards found by its text.
    let mut public = app.browser();
    assert_eq!(public.get(&format!("/files/{}", atts[0].id)).await.status, 404);
    // Staff may download it, and no shared cache may keep the unpublished file.
    let own = staff.get(&format!("/console/files/{}", atts[0].id)).await;
    assert_eq!(own.status, 200);
    assert_eq!(own.headers["cache-control"], "private, no-store");
    staff.post(&format!("/console/catalog/{id}/submit"), &[]).await;
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    approver.get(&format!("/console/catalog/{id}")).await;
    assert_eq!(approver.post(&format!("/console/catalog/{id}/approve"), &[]).await.status, 303);
    let f = public.get(&format!("/files/{}", atts[0].id)).await;
    assert_eq!(f.status, 200);
    assert!(f.headers["content-type"].to_str().unwrap().contains("wordprocessingml"));
    assert!(f.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(f.headers["cache-control"], "public, max-age=3600");
    let r = public.get(&format!("/search?q={}", enc("无配偶声明"))).await;
    assert!(r.body.contains(&format!("/info/{id}")), "attachment text is searchable");
});

both!(import_dry_run_lists_every_refused_row_and_writes_nothing, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let csv = "栏目,信息类型,标题,内容概述,正文,发布机构,文号,公开属性,成文日期,发布日期,有效性,有效性日期,解读的文件\n\
        normative,normative,广州市临时救助办法,规范临时救助,第一条 为了规范临时救助。,广州市民政局,穗民规字〔2019〕5号,主动公开,2019-03-01,2019-03-05,废止,2022-06-30,\n\
        interpretation,interpretation,《广州市临时救助办法》解读,解读,解读正文,广州市民政局,,主动公开,2019-03-01,2019-03-05,,,穗民规字〔2019〕5号\n\
        nosuch,general,标题,概述,正文,广州市民政局,,主动公开,2019-13-01,,,,\n\
        service,general,,概述,正文,广州市民政局,,不予公开,2019-03-01,,,,\n";
    let mut b = app.browser();
    b.login("gzmz.approver").await;
    b.get(&format!("/console/orgs/{city}/catalog/import")).await;
    let audit_before = audit::list(&app.db, None, 10_000).await.unwrap().len();
    let dry = b
        .post_multipart(
            &format!("/console/orgs/{city}/catalog/import"),
            &[("dry_run", "1")],
            &[("file", "items.csv", csv.as_bytes())],
        )
        .await;
    assert_eq!(dry.status, 422);
    assert!(dry.body.contains("可导入 2 行") && dry.body.contains("将被拒绝 2 行"), "{}", field(&dry.body, "<main"));
    assert!(
        dry.body.contains("第 3 行：")
            && dry.body.contains("请选择本机构的栏目")
            && dry.body.contains("成文日期应为有效日期")
    );
    assert!(dry.body.contains("第 4 行：") && dry.body.contains("标题不能为空") && dry.body.contains("必须写明"));
    assert_eq!(audit::list(&app.db, None, 10_000).await.unwrap().len(), audit_before, "a dry run writes nothing");
    let real = b
        .post_multipart(&format!("/console/orgs/{city}/catalog/import"), &[], &[("file", "items.csv", csv.as_bytes())])
        .await;
    assert!(real.body.contains("已导入 2 行"), "{}", field(&real.body, "<main"));
    let org = OrgId(city);
    let doc = catalog::find_by_index(&app.db, org, "穗民规字〔2019〕5号").await.unwrap().unwrap();
    let item = catalog::get(&app.db, doc).await.unwrap();
    assert_eq!(
        (item.status.code(), item.validity.code(), item.published_on.as_deref()),
        ("published", "repealed", Some("2019-03-05"))
    );
    let interps = catalog::interpretations_of(&app.db, doc).await.unwrap();
    assert_eq!(interps.len(), 1, "the interpretation links to the document of an earlier row");
    // Staff may not import (imports can publish).
    let mut s = app.browser();
    s.login("gzmz.staff").await;
    assert_eq!(s.get(&format!("/console/orgs/{city}/catalog/import")).await.status, 403);
});

both!(catalog_routes_refuse_other_organisations, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let org = OrgId(app.org_id("gzmz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let col = catalog::columns(&app.db, org).await.unwrap()[0].id;
    let id = catalog::create(
        &app.db,
        &cal,
        &Actor::system("t"),
        org,
        &draft(col, "草稿", ItemKind::General, date(2026, 1, 5)),
        Entry::Draft,
    )
    .await
    .unwrap();
    let audit_before = audit::list(&app.db, None, 10_000).await.unwrap().len();
    let mut b = app.browser();
    b.login("yuexiu.staff").await;
    let after_login = audit::list(&app.db, None, 10_000).await.unwrap().len();
    let c = org.0;
    for path in [
        format!("/console/orgs/{c}/catalog"),
        format!("/console/orgs/{c}/catalog/new"),
        format!("/console/orgs/{c}/catalog/assessment"),
        format!("/console/orgs/{c}/catalog/import"),
        format!("/console/orgs/{c}/columns"),
        format!("/console/catalog/{id}"),
    ] {
        assert_eq!(b.get(&path).await.status, 403, "GET {path}");
    }
    b.get("/console").await;
    for path in [
        format!("/console/orgs/{c}/catalog"),
        format!("/console/orgs/{c}/columns"),
        format!("/console/orgs/{c}/catalog/settings"),
        format!("/console/catalog/{id}"),
        format!("/console/catalog/{id}/submit"),
        format!("/console/catalog/{id}/approve"),
        format!("/console/catalog/{id}/return"),
        format!("/console/catalog/{id}/validity"),
        format!("/console/columns/{col}/delete"),
    ] {
        let p = b
            .post(
                &path,
                &[
                    ("title", "x"),
                    ("name", "x"),
                    ("slug", "x"),
                    ("kind", "general"),
                    ("index_pattern", "{yyyy}{serial}"),
                    ("note", "x"),
                ],
            )
            .await;
        assert_eq!(p.status, 403, "POST {path}: {}", p.body);
    }
    let p =
        b.post_multipart(&format!("/console/catalog/{id}/attachments"), &[], &[("file", "a.pdf", b"%PDF-1.4")]).await;
    assert_eq!(p.status, 403);
    assert_eq!(audit::list(&app.db, None, 10_000).await.unwrap().len(), after_login, "nothing written");
    assert!(after_login > audit_before);
    assert_eq!(catalog::get(&app.db, id).await.unwrap().status.code(), "draft");
    // A supervisor reads but does not approve.
    let mut s = app.browser();
    s.login("gzmz.supervisor").await;
    assert_eq!(s.get(&format!("/console/catalog/{id}")).await.status, 200);
    assert_eq!(s.post(&format!("/console/catalog/{id}/submit"), &[]).await.status, 403);
});

both!(reading_aids_are_remembered_and_work_without_javascript, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut b = app.browser();
    let p = b.get("/o/gzmz?py=1&size=large").await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("<body class=\"aid-large aid-pinyin\">"));
    assert!(p.body.contains("<ruby>民<rp>(</rp><rt>mín</rt>"));
    assert!(p.body.contains("<title>广州市民政局政府信息公开"), "the title is not annotated");
    // Remembered by cookie on the next page; switch links keep the current query.
    let p = b.get("/search?q=%E6%95%91%E5%8A%A9").await;
    assert!(p.body.contains("aid-pinyin"));
    assert!(p.body.contains("href=\"?q=%E6%95%91%E5%8A%A9&amp;zh=hant\""), "switch keeps the search");
    let p = b.get("/o/gzmz?py=0&size=normal&contrast=high&zh=hant").await;
    assert!(p.body.contains("<body class=\"aid-contrast\">"));
    assert!(p.body.contains("廣州市民政局") && p.body.contains("lang=\"zh-Hant\""));
    assert!(!p.body.contains("<ruby>"));
});

both!(column_pages_list_their_subtree_in_date_order, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let org = OrgId(app.org_id("gzmz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let actor = Actor::system("test");
    let cols = catalog::columns(&app.db, org).await.unwrap();
    let id_of = |slug: &str| cols.iter().find(|c| c.slug == slug).unwrap().id;
    for (slug, title, on) in [
        ("assistance", "甲救助公示", date(2025, 3, 3)),
        ("elderly", "乙养老公示", date(2025, 6, 2)),
        ("funeral", "丙殡葬公示", date(2025, 4, 1)),
        ("decision", "丁决策公开", date(2025, 5, 6)),
    ] {
        let d = draft(id_of(slug), title, ItemKind::General, on);
        catalog::create(&app.db, &cal, &actor, org, &d, Entry::Published { on, approved_by: "a".into() })
            .await
            .unwrap();
    }
    let mut b = app.browser();
    let order = |body: &str, titles: &[&str]| {
        let pos: Vec<usize> = titles.iter().map(|t| body.find(t).unwrap_or_else(|| panic!("{t} missing"))).collect();
        pos.windows(2).all(|w| w[0] < w[1])
    };
    // The parent column lists its sub-columns' items, newest first; the same with a filter
    // that takes the other path.
    for q in ["", "?validity=valid", "?year=2025"] {
        let p = b.get(&format!("/o/gzmz/c/key-areas{q}")).await;
        assert!(order(&p.body, &["乙养老公示", "丙殡葬公示", "甲救助公示"]), "{q}");
        assert!(!p.body.contains("丁决策公开"), "{q}");
        assert!(p.body.contains("共 3 条"), "{q}");
    }
    // Moving a column under another parent (on the console) moves its items' listing with it.
    let funeral = cols.iter().find(|c| c.slug == "funeral").unwrap();
    let mut admin = app.browser();
    admin.login("gzmz.approver").await;
    admin.get(&format!("/console/orgs/{}/columns", org.0)).await;
    let p = admin
        .post(
            &format!("/console/orgs/{}/columns", org.0),
            &[
                ("id", &funeral.id.to_string()),
                ("parent", &id_of("five-open").to_string()),
                ("slug", "funeral"),
                ("name", &funeral.name),
                ("kind", "key_area"),
                ("position", &funeral.position.to_string()),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b.get("/o/gzmz/c/five-open").await;
    assert!(order(&p.body, &["丁决策公开", "丙殡葬公示"]));
    assert!(!b.get("/o/gzmz/c/key-areas?year=2025").await.body.contains("丙殡葬公示"));
});

both!(zip_import_brings_attachments, |kind: Kind| async move {
    use std::io::Write;
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let mut docx = std::io::Cursor::new(Vec::new());
    docx_rs::Docx::new()
        .add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("老年人助餐点名录附表")))
        .build()
        .pack(&mut docx)
        .unwrap();
    let csv = "column,kind,title,summary,body,issuer,attribute,formed_on,published_on,attachments\n\
        elderly,general,2024年长者饭堂名录,长者饭堂名录,名录见附件。,广州市民政局,proactive,2024-04-01,2024-04-03,名录.docx\n\
        elderly,general,缺附件的一行,概述,正文,广州市民政局,proactive,2024-04-01,2024-04-03,不存在.pdf\n";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("items.csv", opts).unwrap();
    zip.write_all(csv.as_bytes()).unwrap();
    zip.start_file("名录.docx", opts).unwrap();
    zip.write_all(&docx.into_inner()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let mut b = app.browser();
    b.login("gzmz.approver").await;
    b.get(&format!("/console/orgs/{city}/catalog/import")).await;
    let p =
        b.post_multipart(&format!("/console/orgs/{city}/catalog/import"), &[], &[("file", "batch.zip", &bytes)]).await;
    assert!(p.body.contains("已导入 1 行") && p.body.contains("附件“不存在.pdf”不在上传的 ZIP 中"), "{}", p.body);
    let r = app.browser().get("/search?q=%E9%99%84%E8%A1%A8").await;
    assert!(r.body.contains("2024年长者饭堂名录"), "attachment text from the ZIP is searchable");
});

/// The demo reads like a real bureau's site: no numbered fillers, no empty "具体内容如下"
/// pages, approvals dated when the item was published, a funeral-services blacklist with
/// entries every year, and as many 2020 consultation notices as the 2020 report states.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_catalog_reads_like_a_real_site() {
    use gongkai_store::catalog::ItemFilter;
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.unwrap();
    let org = OrgId(app.org_id("gzmz").await);
    let f = ItemFilter { org_id: Some(org), public_only: true, ..Default::default() };
    let (lines, total) = catalog::list(&app.db, &f, 0, 100_000).await.unwrap();
    assert!(total > 500, "{total} public items");
    let cols = catalog::columns(&app.db, org).await.unwrap();
    let slug =
        |id: gongkai_core::ids::ColumnId| cols.iter().find(|c| c.id == id).map(|c| c.slug.clone()).unwrap_or_default();
    let mut seen = std::collections::BTreeSet::new();
    let mut blacklist_years = std::collections::BTreeSet::new();
    let mut consultations_2020 = 0;
    for l in &lines {
        let t = &l.title;
        let filler = t.ends_with('）')
            && t.rsplit('（').next().is_some_and(|x| x.trim_end_matches('）').chars().all(|c| c.is_ascii_digit()));
        assert!(!filler, "a numbered filler title: {t}");
        let published = l.published_on.clone().unwrap();
        assert!(
            seen.insert((slug(l.column_id), published[..4].to_string(), t.clone())),
            "title repeated in its column and year: {t}"
        );
        let item = catalog::get(&app.db, l.id).await.unwrap();
        assert!(!item.body_html.contains("具体内容如下"), "{t}: an empty page");
        assert!(gongkai_web::http::rich::html_paragraphs(&item.body_html).len() >= 2, "{t}: a body of one line");
        let approved =
            item.approved_at.as_deref().and_then(gongkai_store::ts::parse).map(gongkai_core::time::china_date);
        assert_eq!(approved.map(|d| d.to_string()), Some(published.clone()), "{t}: approved when published");
        if slug(l.column_id) == "blacklist" {
            assert!(item.body_html.contains("<table>") && item.body_html.contains("统一社会信用代码"), "{t}");
            assert!(t.contains("殡葬服务领域严重失信主体名单"), "{t}");
            blacklist_years.insert(published[..4].to_string());
        }
        if slug(l.column_id) == "decision" && published.starts_with("2020") && t.contains("征求") && t.contains("意见")
        {
            consultations_2020 += 1;
        }
    }
    assert!(blacklist_years.len() >= 5, "a blacklist every year: {blacklist_years:?}");
    // The report's 意见征集公告数 is counted from the consultation records; the catalog's
    // notices of them agree.
    let (notices, _) = gongkai_store::consultations::year_counts(&app.db, org, 2020).await.unwrap();
    assert_eq!(notices, consultations_2020, "the 2020 consultations and the notices the catalog holds");
}

// Search finds any substring of a title, however a word segmenter would split it, and
// the synonym list (default and as edited by a system admin) widens a query both ways.
both!(search_finds_substrings_and_the_edited_synonyms, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_full_demo(kind).await else { return };
    let mut public = app.browser();
    let count = |body: &str| -> usize {
        let at = body.find("找到").expect("a count") + "找到".len();
        body[at..].trim_start_matches('约').trim().split(' ').next().unwrap().parse().unwrap()
    };
    // Every published title is found by a substring cut from its middle.
    let titles: Vec<(i64, String)> = sqlx::query_as::<sqlx::Any, (i64, String)>(
        "SELECT id, title FROM catalog_items WHERE status = 'published' ORDER BY id LIMIT 30",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert!(titles.len() >= 20);
    let mut probed = 0;
    for (id, title) in &titles {
        let chars: Vec<char> = title.chars().filter(|c| !c.is_ascii_punctuation() && !c.is_whitespace()).collect();
        if chars.len() < 8 {
            continue;
        }
        let mid = chars.len() / 2;
        let cut: String = chars[mid - 2..mid + 3].iter().collect();
        if !cut.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            continue;
        }
        probed += 1;
        // At least every published item with the cut in its title is counted (more may
        // have it in the body), and the first page shows matches marked.
        let with_title: i64 = sqlx::query_scalar::<sqlx::Any, i64>(
            "SELECT COUNT(*) FROM catalog_items WHERE status = 'published' AND title LIKE $1",
        )
        .bind(format!("%{cut}%"))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        let r = public.get(&format!("/search?q={}", enc(&cut))).await;
        let n = count(&r.body);
        assert!(n as i64 >= with_title && with_title >= 1, "“{cut}” (from item {id} “{title}”): {n} < {with_title}");
        assert!(r.body.contains("<mark>"), "{cut}");
    }
    assert!(probed >= 10, "{probed} titles probed");
    // The default list: 低保 and 最低生活保障 find the same items.
    let a = count(&public.get(&format!("/search?q={}", enc("低保"))).await.body);
    let b = count(&public.get(&format!("/search?q={}", enc("最低生活保障"))).await.body);
    assert!(a > 0 && a == b, "低保 {a}, 最低生活保障 {b}");
    // Staff may read the list; only a system admin edits it.
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let page = staff.get("/console/search/synonyms").await;
    assert!(page.body.contains("低保 最低生活保障") && !page.body.contains("<textarea"), "{}", page.body);
    assert_eq!(staff.post("/console/search/synonyms", &[("content", "甲 乙")]).await.status, 403);
    let mut admin = app.browser();
    admin.login("admin").await;
    admin.get("/console/search/synonyms").await;
    let bad = admin.post("/console/search/synonyms", &[("content", "低保 最低生活保障\n孤词\n")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("第2行：一组同义词至少要有两个不同的词"), "{}", bad.body);
    assert_eq!(gongkai_store::settings::get(&app.db, "search_synonyms").await.unwrap(), None, "nothing stored");
    let word = "核对办法";
    let ok = admin.post("/console/search/synonyms", &[("content", &format!("# 本局用语\n测试用语 {word}\n"))]).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.contains("已保存1组同义词"), "{}", ok.body);
    let direct = count(&public.get(&format!("/search?q={}", enc(word))).await.body);
    let via = count(&public.get(&format!("/search?q={}", enc("测试用语"))).await.body);
    assert!(direct > 0 && via == direct, "测试用语 {via}, {word} {direct}");
    // The default groups are gone with the edit, and the audit log says who changed it.
    let a2 = count(&public.get(&format!("/search?q={}", enc("低保"))).await.body);
    let b2 = count(&public.get(&format!("/search?q={}", enc("最低生活保障"))).await.body);
    assert!(a2 + b2 < a + b, "低保 {a2}, 最低生活保障 {b2} after; {a} and {b} before");
    let log = admin.get("/console/audit").await;
    assert!(log.body.contains("系统设置"), "{}", log.body);
});

both!(finished_pages_are_kept_until_the_catalog_changes, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let org = OrgId(app.org_id("gzmz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let cols = catalog::columns(&app.db, org).await.unwrap();
    let column = cols.iter().find(|c| c.slug == "assistance").unwrap().id;
    let title = "临时救助标准公示";
    let on = date(2025, 3, 3);
    let d = draft(column, title, ItemKind::General, on);
    let id = catalog::create(
        &app.db,
        &cal,
        &Actor::system("test"),
        org,
        &d,
        Entry::Published { on, approved_by: "a".into() },
    )
    .await
    .unwrap()
    .0;
    let path = format!("/info/{id}");
    let mut public = app.browser();
    // Once search finds it, the publication's change is applied (the generation moved).
    let mut found = false;
    for _ in 0..100 {
        found =
            public.get("/search?q=%E4%B8%B4%E6%97%B6%E6%95%91%E5%8A%A9%E6%A0%87%E5%87%86").await.body.contains(&path);
        if found {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(found, "indexed");
    let first = public.get(&path).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains(title));
    // Changed behind the platform's back (no change-log entry): the kept page is served,
    // with the same headers as a page made afresh.
    sqlx::query("UPDATE catalog_items SET title = title || '（修订）' WHERE id = $1")
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let kept = public.get(&path).await;
    assert_eq!(kept.status, 200);
    assert_eq!(kept.body, first.body, "the finished page is reused");
    for h in ["content-type", "x-content-type-options", "content-security-policy", "x-request-id"] {
        assert_eq!(kept.headers.get(h).is_some(), first.headers.get(h).is_some(), "{h}");
    }
    assert!(kept.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    // Another reading aid is another page; the switch's cookie is still set.
    let hant = public.get(&format!("{path}?zh=hant")).await;
    assert!(hant.body.contains("lang=\"zh-Hant\""));
    assert!(hant.headers.get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with("gk_zh=hant")));
    let remembered = public.get(&path).await;
    assert!(remembered.body.contains("lang=\"zh-Hant\""), "the cookie's aid is part of the page's key");
    // A catalog change (any instance's, through the change log) retires every kept page.
    sqlx::query("INSERT INTO search_changes (item_id, changed_at) VALUES ($1, '2026-01-01T00:00:00Z')")
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let mut fresh = app.browser();
    let mut seen = String::new();
    for _ in 0..100 {
        seen = fresh.get(&path).await.body;
        if seen.contains("（修订）") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(seen.contains(&format!("{title}（修订）")), "made again after the change");
});

both!(issuer_filter_lists_each_published_issuer_once, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let org = OrgId(app.org_id("gzmz").await);
    let other = OrgId(app.org_id("yuexiumz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let actor = Actor::system("test");
    let on = date(2025, 3, 3);
    let published = || Entry::Published { on, approved_by: "a".into() };
    for (o, issuer, entry, n) in [
        (org, "广州市民政局", published(), 3),
        (org, "广州市民政局办公室", published(), 2),
        (org, "广州市财政局", published(), 1),
        (org, "广州市草稿局", Entry::Draft, 1),
        (other, "越秀区民政局", published(), 1),
    ] {
        let col = catalog::columns(&app.db, o).await.unwrap().into_iter().find(|c| c.slug == "assistance").unwrap().id;
        for i in 0..n {
            let mut d = draft(col, &format!("{issuer}公告{i}"), ItemKind::General, on);
            d.issuer = issuer.into();
            catalog::create(&app.db, &cal, &actor, o, &d, entry.clone()).await.unwrap();
        }
    }
    let got = catalog::issuers(&app.db, org).await.unwrap();
    let mut want = vec!["广州市民政局", "广州市民政局办公室", "广州市财政局"];
    want.sort_unstable();
    assert_eq!(got, want, "distinct, in order, published only, this organisation's");
    let page = app.browser().get("/o/gzmz/c/assistance").await;
    assert!(page.body.contains("<option value=\"广州市财政局\">") && !page.body.contains("广州市草稿局</option>"));
});
