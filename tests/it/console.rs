//! Console tests through a real listening server, on both databases.

use crate::both;
use crate::harness::{Browser, Kind, TestApp};
use gongkai_store::{audit, orgs};

both!(health_metrics_and_chinese_404, |kind: Kind| async move {
    let Some(mut app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut b = app.browser();
    let p = b.get("/healthz").await;
    assert_eq!((p.status, p.body.as_str()), (200, "ok\n"));
    assert!(p.headers.get("x-request-id").is_some(), "every response carries its request id");
    let p = b.get("/no/such/page").await;
    assert_eq!(p.status, 404);
    assert!(p.body.contains("页面不存在") && p.body.contains("lang=\"zh-CN\""));
    let p = b.get("/api/v1/nothing").await;
    assert_eq!(p.status, 404);
    assert!(p.body.contains("\"error\":\"not_found\""));
    b.get("/").await;
    let m = b.get("/metrics").await;
    assert_eq!(m.status, 200);
    assert!(m.body.contains("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"), "{}", m.body);
    assert!(m.body.contains("http_request_duration_seconds_bucket"));
    // The indexer's lag is exported once its first round has run.
    let mut lag_seen = false;
    for _ in 0..50 {
        if b.get("/metrics").await.body.contains("search_index_lag") {
            lag_seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(lag_seen, "search_index_lag exported");
    app.stop().await.unwrap();
});

both!(portal_home_lists_every_demo_organisation, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let p = app.browser().get("/").await;
    assert_eq!(p.status, 200);
    for name in ["广州市民政局", "广州市社会组织管理局", "广州市越秀区民政局", "广州市增城区民政局"]
    {
        assert!(p.body.contains(name), "{name}");
    }
    assert!(p.body.contains("政府信息公开工作由广州市民政局承担（依申请公开除外）"));
});

// What each demo user sees on the organisation list.
both!(each_demo_user_sees_only_what_the_role_allows, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let expectations: [(&str, usize, bool); 7] = [
        ("admin", 13, true),
        ("gzmz.supervisor", 13, false),
        ("gzmz.admin", 2, false), // the bureau and the administration it hosts
        ("gzmz.staff", 2, false),
        ("gzmz.approver", 2, false),
        ("yuexiu.staff", 1, false),
        ("shzz.staff", 1, false),
    ];
    for (user, visible, can_create) in expectations {
        let mut b = app.browser();
        b.login(user).await;
        let home = b.get("/console").await;
        assert_eq!(home.status, 200, "{user}");
        let list = b.get("/console/orgs").await;
        let rows = list.body.matches("<a href=\"/console/orgs/").count() - usize::from(can_create);
        assert_eq!(rows, visible, "{user} sees {rows} organisations:\n{}", list.body);
        assert_eq!(list.body.contains("新建机构"), can_create, "{user}");
        assert_eq!(b.get("/console/orgs/new").await.status, if can_create { 200 } else { 403 }, "{user}");
    }
});

// Every console route, tried by a user of another organisation: refused, nothing changes.
both!(console_routes_refuse_other_organisations, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let before = orgs::get(&app.db, gongkai_core::orgs::OrgId(city)).await.unwrap();
    let audit_before = audit::list(&app.db, None, 1000).await.unwrap().len();
    let mut b = app.browser();
    b.login("yuexiu.staff").await;
    let audit_after_login = audit::list(&app.db, None, 1000).await.unwrap().len();
    let staff_id = gongkai_store::orgs::users::credentials(&app.db, "gzmz.staff").await.unwrap().unwrap().0.id.0;
    for path in
        [format!("/console/orgs/{city}"), format!("/console/orgs/{city}/edit"), format!("/console/orgs/{city}/users")]
    {
        let p = b.get(&path).await;
        assert_eq!(p.status, 403, "GET {path}");
        assert!(p.body.contains("没有权限"), "GET {path}");
        assert!(!p.body.contains("王公开"), "no data of the other organisation leaks on {path}");
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/console/orgs/{city}"), vec![("name", "x"), ("phone", "020-1111111")]),
        (
            format!("/console/orgs/{city}/users"),
            vec![("username", "intruder"), ("display_name", "入侵"), ("role", "staff"), ("password", "Intruder-2026")],
        ),
        (format!("/console/orgs/{city}/grants"), vec![("username", "yuexiu.staff"), ("role", "org_admin")]),
        (format!("/console/orgs/{city}/users/{staff_id}/revoke"), vec![("role", "staff")]),
        (format!("/console/orgs/{city}/users/{staff_id}/active"), vec![("active", "0")]),
        (
            "/console/orgs".to_string(),
            vec![("name", "新机构"), ("short_code", "new1"), ("kind", "district_bureau"), ("credit_code", "x")],
        ),
    ];
    for (path, fields) in posts {
        let p = b.post(&path, &fields).await;
        assert_eq!(p.status, 403, "POST {path}: {}", p.body);
    }
    assert_eq!(orgs::get(&app.db, gongkai_core::orgs::OrgId(city)).await.unwrap(), before);
    assert!(gongkai_store::orgs::users::credentials(&app.db, "intruder").await.unwrap().is_none());
    assert_eq!(audit::list(&app.db, None, 1000).await.unwrap().len(), audit_after_login, "no write was made");
    assert!(audit_after_login > audit_before, "the login itself is audited");
    // A supervisor reads the subtree but cannot change it.
    let mut s = app.browser();
    s.login("gzmz.supervisor").await;
    let yuexiu = app.org_id("yuexiumz").await;
    assert_eq!(s.get(&format!("/console/orgs/{yuexiu}")).await.status, 200);
    assert_eq!(s.get(&format!("/console/orgs/{yuexiu}/users")).await.status, 200);
    assert_eq!(s.get(&format!("/console/orgs/{yuexiu}/edit")).await.status, 403);
    assert_eq!(s.post(&format!("/console/orgs/{yuexiu}"), &[("phone", "020-1")]).await.status, 403);
    // Unknown ids are 404, not 403 or 500.
    assert_eq!(b.get("/console/orgs/99999").await.status, 404);
    assert_eq!(b.get("/console/orgs/abc").await.status, 404);
});

both!(login_requires_csrf_and_locks_out, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    // Not logged in: console pages redirect to the login page.
    let mut b = app.browser();
    let p = b.get("/console/orgs").await;
    assert_eq!(p.status, 303);
    assert_eq!(p.location.as_deref(), Some("/console/login?next=/console/orgs"));
    // The login form without its token is refused.
    b.get("/console/login").await;
    let p = b
        .post_raw(
            "/console/login",
            &[("username".into(), "admin".into()), ("password".into(), gongkai::demo::DEMO_PASSWORD.into())],
        )
        .await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("表单安全校验未通过"));
    // A token from another browser's cookie is refused too.
    let mut other = app.browser();
    other.get("/console/login").await;
    let foreign = other.csrf.clone().unwrap();
    let p = b
        .post_raw(
            "/console/login",
            &[
                ("username".into(), "admin".into()),
                ("password".into(), gongkai::demo::DEMO_PASSWORD.into()),
                ("_csrf".into(), foreign),
            ],
        )
        .await;
    assert_eq!(p.status, 403);

    // Wrong passwords: the same message for unknown and known users, then a lock.
    let p = b.try_login("nobody", "whatever-123").await;
    assert_eq!(p.status, 401);
    assert!(p.body.contains("用户名或密码错误"));
    for i in 1..=4 {
        let p = b.try_login("gzmz.staff", "wrong-password-1").await;
        assert_eq!(p.status, 401, "attempt {i}");
        assert!(!p.body.contains("锁定至"), "not yet locked at {i}");
    }
    let p = b.try_login("gzmz.staff", "wrong-password-1").await;
    assert!(p.body.contains("连续5次登录失败，该用户名在本机已被锁定至"), "{}", p.body);
    // Even the right password is refused while locked.
    let p = b.try_login("gzmz.staff", gongkai::demo::DEMO_PASSWORD).await;
    assert_eq!(p.status, 401);
    assert!(p.body.contains("该用户名在本机已被暂时锁定"));
    // A name that does not exist locks the same way, so the lock tells nothing.
    for _ in 1..=4 {
        b.try_login("nobody.here", "whatever-123").await;
    }
    let p = b.try_login("nobody.here", "whatever-123").await;
    assert!(p.body.contains("连续5次登录失败，该用户名在本机已被锁定至"), "{}", p.body);
    // Other accounts are unaffected.
    let p = b.try_login("gzmz.approver", gongkai::demo::DEMO_PASSWORD).await;
    assert_eq!(p.status, 303);
    let cookie = p.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    let session = cookie.iter().find(|c| c.starts_with("gk_session=")).unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
});

both!(secure_cookie_flag_by_default, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_with(kind, gongkai_web::WebConfig::default()).await else {
        return;
    };
    let mut b = app.browser();
    let p = b.get("/console/login").await;
    let c = p.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(c.contains("; Secure") && c.contains("HttpOnly"), "{c}");
});

both!(logout_ends_the_session, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut b = app.browser();
    b.login("gzmz.staff").await;
    b.get("/console").await;
    let p = b.post("/console/logout", &[]).await;
    assert_eq!(p.status, 303);
    assert_eq!(b.get("/console").await.status, 303, "back to the login page");
});

both!(bad_input_is_refused_with_chinese_field_messages, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut b = app.browser();
    b.login("admin").await;
    b.get("/console/orgs/new").await;
    let count = orgs::list(&app.db).await.unwrap().len();
    let p = b
        .post(
            "/console/orgs",
            &[
                ("name", "广州市测试局"),
                ("short_code", "t"),
                ("kind", "district_bureau"),
                ("credit_code", "11440100MB0000001X"),
                ("email", "not-an-email"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("机构简码应为2至32位"), "{}", p.body);
    assert!(p.body.contains("统一社会信用代码校验位错误"));
    assert!(p.body.contains("电子邮箱“not-an-email”格式不正确"));
    assert!(p.body.contains("value=\"广州市测试局\""), "the form keeps what was typed");
    assert_eq!(orgs::list(&app.db).await.unwrap().len(), count, "nothing written");
    // A valid organisation is created and audited with the admin as actor.
    let code = gongkai::demo::credit_code("440100", 77);
    let city = app.org_id("gzmz").await.to_string();
    let p = b
        .post(
            "/console/orgs",
            &[
                ("name", "广州市测试局"),
                ("short_code", "gztest"),
                ("kind", "affiliated_body"),
                ("credit_code", &code),
                ("parent_id", &city),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let created = orgs::find(&app.db, "gztest").await.unwrap();
    let log = audit::list(&app.db, Some(created.id), 5).await.unwrap();
    assert_eq!((log[0].actor.as_str(), log[0].action.as_str()), ("admin", "create"));
    assert!(log[0].request_id.is_some());
    // Oversized bodies are refused in Chinese.
    let big = "x".repeat(3 * 1024 * 1024);
    let p = b.post("/console/orgs", &[("name", &big)]).await;
    assert_eq!(p.status, 413);
    assert!(p.body.contains("提交的内容过大"));
});

both!(org_admin_edits_contact_facts_but_not_structure, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let mut b = app.browser();
    b.login("gzmz.admin").await;
    let form = b.get(&format!("/console/orgs/{city}/edit")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("由系统管理员维护"));
    // A tampered form that changes the structure is refused with the reason, nothing saved.
    let p = b
        .post(
            &format!("/console/orgs/{city}"),
            &[
                ("name", "改名局"),
                ("short_code", "hijack"),
                ("kind", "district_bureau"),
                ("credit_code", "x"),
                ("address", "广州市越秀区新址路8号"),
                ("office_hours", "工作日 9:00—17:00"),
                ("phone", "020-81009999"),
                ("email", "new@mzj.example.gov.cn"),
            ],
        )
        .await;
    assert_eq!(p.status, 403, "{}", p.body);
    assert!(p.body.contains("机构管理员不能修改机构名称、机构代码、机构类型、统一社会信用代码"), "{}", p.body);
    assert_ne!(
        orgs::get(&app.db, gongkai_core::orgs::OrgId(city)).await.unwrap().address.as_deref(),
        Some("广州市越秀区新址路8号")
    );
    // The form as the page sends it (the structural fields are read-only, not sent).
    let p = b
        .post(
            &format!("/console/orgs/{city}"),
            &[
                ("address", "广州市越秀区新址路8号"),
                ("office_hours", "工作日 9:00—17:00"),
                ("phone", "020-81009999"),
                ("email", "new@mzj.example.gov.cn"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let o = orgs::get(&app.db, gongkai_core::orgs::OrgId(city)).await.unwrap();
    assert_eq!((o.name.as_str(), o.short_code.as_str()), ("广州市民政局", "gzmz"), "structure kept");
    assert_eq!(o.address.as_deref(), Some("广州市越秀区新址路8号"));
    assert_eq!(o.fax, None, "a cleared field is cleared");
    let log = audit::list(&app.db, Some(o.id), 1).await.unwrap();
    assert!(
        log[0].changes.contains("广州市越秀区新址路8号") && !log[0].changes.contains("hijack"),
        "{}",
        log[0].changes
    );
    // The audit page shows the bureau's log to its admin, but not to staff.
    assert!(b.get("/console/audit").await.body.contains("广州市越秀区新址路8号"));
    let mut s = app.browser();
    s.login("gzmz.staff").await;
    assert_eq!(s.get("/console/audit").await.status, 403);
});

both!(org_admin_manages_users_of_own_organisation, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let mut b = app.browser();
    b.login("gzmz.admin").await;
    b.get(&format!("/console/orgs/{city}/users")).await;
    // Weak password and bad name: refused with field messages, nothing created.
    let p = b
        .post(
            &format!("/console/orgs/{city}/users"),
            &[("username", "1x"), ("display_name", "新人"), ("role", "staff"), ("password", "short")],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("用户名应为3至32位") && p.body.contains("密码至少需要10个字符"));
    // Supervisors are assigned by system admins only.
    let p = b
        .post(
            &format!("/console/orgs/{city}/users"),
            &[
                ("username", "newsup"),
                ("display_name", "新主管"),
                ("role", "supervisor"),
                ("password", "Strong-pass-2026"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    let p = b
        .post(
            &format!("/console/orgs/{city}/users"),
            &[
                ("username", "newstaff"),
                ("display_name", "新同事"),
                ("role", "staff"),
                ("password", "Strong-pass-2026"),
            ],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("已创建用户 newstaff"));
    let mut n = app.browser();
    let ok = n.try_login("newstaff", "Strong-pass-2026").await;
    assert_eq!(ok.status, 303);
    // Disable the new account: its session ends at once.
    let uid = gongkai_store::orgs::users::credentials(&app.db, "newstaff").await.unwrap().unwrap().0.id.0;
    b.get(&format!("/console/orgs/{city}/users")).await;
    let p = b.post(&format!("/console/orgs/{city}/users/{uid}/active"), &[("active", "0")]).await;
    assert_eq!(p.status, 303);
    assert_eq!(n.get("/console").await.status, 303);
    assert_eq!(n.try_login("newstaff", "Strong-pass-2026").await.status, 401);
});

both!(password_change_ends_sessions, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let mut b = app.browser();
    b.login("gzmz.approver").await;
    let mut elsewhere = app.browser();
    elsewhere.login("gzmz.approver").await;
    b.get("/console/account").await;
    let p = b.post("/console/account/password", &[("current", "wrong"), ("new_password", "Brand-new-2026")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("当前密码不正确"));
    let p = b
        .post(
            "/console/account/password",
            &[("current", gongkai::demo::DEMO_PASSWORD), ("new_password", "Brand-new-2026")],
        )
        .await;
    assert_eq!(p.status, 303);
    assert_eq!(elsewhere.get("/console").await.status, 303, "other sessions ended");
    assert_eq!(Browser::new(&app.base).try_login("gzmz.approver", "Brand-new-2026").await.status, 303);
});

both!(portal_switches_to_traditional_and_remembers_it, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let mut b = app.browser();
    let p = b.get("/?zh=hant").await;
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("政府信息公開") && p.body.contains("廣州市民政局") && p.body.contains("lang=\"zh-Hant\""),
        "{}",
        &p.body[..600]
    );
    let set = p.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(set.iter().any(|c| c.starts_with("gk_zh=hant")), "{set:?}");
    // Remembered: every portal page, without the parameter.
    let p = b.get("/apply/gzmz").await;
    assert!(p.body.contains("申請人類型") && !p.body.contains("申请人类型"));
    // The form still works from the Traditional page (tokens and values are ASCII).
    let f = [
        ("applicant_kind", "natural_person"),
        ("applicant_name", "陳大文"),
        ("id_kind", "passport"),
        ("id_number", "K1234567"),
        ("phone", "13812345678"),
        ("info_title", "某資訊"),
        ("delivery_form", "電子數據"),
        ("delivery_method", "網上獲取"),
    ];
    let p = b.post("/apply/gzmz", &f).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("申請已提交"));
    // The console is never converted; 简体 switches back.
    assert!(b.get("/console/login").await.body.contains("工作人员登录"));
    let p = b.get("/?zh=hans").await;
    assert!(p.body.contains("政府信息公开") && p.body.contains("lang=\"zh-CN\""));
    assert!(b.get("/track").await.body.contains("办理进度查询"));
});

both!(behind_a_trusted_proxy_each_client_has_its_own_limits_and_locks, |kind: Kind| async move {
    let config = gongkai_web::WebConfig {
        cookie_secure: false,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Default::default()
    };
    let Some(app) = TestApp::spawn_with(kind, config).await else { return };
    let client = |ip: &str| app.browser().with_header("x-forwarded-for", &format!("198.51.100.1, {ip}"));
    // An attacker at one address locks the name there only.
    let mut attacker = client("203.0.113.66");
    for _ in 1..=5 {
        attacker.try_login("gzmz.staff", "wrong-password-1").await;
    }
    let p = attacker.try_login("gzmz.staff", gongkai::demo::DEMO_PASSWORD).await;
    assert!(p.body.contains("该用户名在本机已被暂时锁定"), "{}", p.body);
    let mut colleague = client("203.0.113.7");
    assert_eq!(colleague.try_login("gzmz.staff", gongkai::demo::DEMO_PASSWORD).await.status, 303, "not locked out");
    // Tracking queries use their own budget: after many, the same address can still apply.
    let mut public = client("203.0.113.20");
    public.get("/track").await;
    let mut limited = false;
    for _ in 0..40 {
        let t = public.post("/track", &[("code", "AAAA-BBBB-CCCC")]).await;
        if t.body.contains("查询过于频繁") {
            limited = true;
            break;
        }
    }
    assert!(limited, "tracking is rate-limited");
    public.get("/apply/gzmz").await;
    let p = public.post("/apply/gzmz", &[("applicant_kind", "natural_person")]).await;
    assert_eq!(p.status, 422, "the application form is still answered: {}", p.body);
    // Another client behind the same proxy is not limited by the first one.
    let mut other = client("203.0.113.21");
    other.get("/track").await;
    let t = other.post("/track", &[("code", "AAAA-BBBB-CCCC")]).await;
    assert_eq!(t.status, 404, "{}", t.body);
});

both!(opaque_origins_and_forged_hosts_are_not_trusted, |kind: Kind| async move {
    let Some(app) = TestApp::spawn_full_demo(kind).await else { return };
    // A form posted from a sandboxed frame or a data: URL carries `Origin: null`.
    let mut b = app.browser().with_header("origin", "null");
    b.get("/console/login").await;
    let p = b.post("/console/login", &[("username", "gzmz.staff"), ("password", gongkai::demo::DEMO_PASSWORD)]).await;
    assert_eq!(p.status, 403, "{}", p.body);
    assert!(p.body.contains("来源不符"), "{}", p.body);
    // Without a configured base URL the QR code follows the Host header, so no shared cache
    // may keep it.
    let (lines, _) = gongkai_store::catalog::list(
        &app.db,
        &gongkai_store::catalog::ItemFilter { public_only: true, ..Default::default() },
        0,
        1,
    )
    .await
    .unwrap();
    let mut forged = app.browser().with_header("host", "evil.example");
    let q = forged.get(&format!("/info/{}/qr.svg", lines[0].id)).await;
    assert_eq!(q.status, 200);
    assert_eq!(q.headers["cache-control"], "private, no-store");
});

both!(half_sent_requests_are_cut_off_and_health_checks_keep_answering, |kind: Kind| async move {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = gongkai_web::WebConfig {
        cookie_secure: false,
        connections: gongkai_web::http::listen::ConnLimits {
            header_timeout: std::time::Duration::from_secs(1),
            max_connections: 1000,
            max_per_ip: 20,
            exempt: Vec::new(),
        },
        ..Default::default()
    };
    let Some(app) = TestApp::spawn_with(kind, config).await else { return };
    let addr = app.base.trim_start_matches("http://").to_string();
    // 100 clients that start a request and never finish its headers (slowloris).
    let mut idle = Vec::new();
    for _ in 0..100 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").await;
        idle.push(s);
    }
    // Each is closed by the server: at once over the per-address cap, else when the
    // header timeout runs out. None is left hanging (bounded wait per socket).
    let mut closed = 0;
    for mut s in idle {
        let mut buf = [0u8; 512];
        match tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf)).await {
            Ok(Ok(_)) | Ok(Err(_)) => closed += 1,
            Err(_) => {}
        }
    }
    assert_eq!(closed, 100, "every half-sent request was cut off");
    // The server still answers.
    let mut b = app.browser();
    let h = b.get("/healthz").await;
    assert_eq!(h.status, 200, "{}", h.body);
});

// A read-only database (here a PostgreSQL database set to read-only transactions, as on a
// replica): the portal is read, every submission is answered with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_serves_reads_and_refuses_writes() {
    let Some((db, url, _dir)) = crate::harness::fresh_db(Kind::Postgres).await else {
        eprintln!("skipped: no PostgreSQL");
        return;
    };
    gongkai::demo::seed_base(&db).await.unwrap();
    // A console session from before the switch, old enough that its use would extend it.
    let (staff, _) = gongkai_store::orgs::users::credentials(&db, "gzmz.staff").await.unwrap().unwrap();
    let token = "session-from-before-read-only";
    gongkai_store::orgs::sessions::create(
        &db,
        &gongkai_web::http::secrets::sha256_hex(token),
        staff.id,
        jiff::SignedDuration::from_mins(10),
    )
    .await
    .unwrap();
    let name: String =
        sqlx::query_scalar::<sqlx::Any, String>("SELECT current_database()::text").fetch_one(db.pool()).await.unwrap();
    sqlx::query::<sqlx::Any>(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE {name} SET default_transaction_read_only = on"
    )))
    .execute(db.pool())
    .await
    .unwrap();
    db.close().await;
    let ro = gongkai_store::Db::open(&url, gongkai_store::OpenMode::Existing).await.unwrap();
    ro.set_keyring(crate::harness::pg_keys());
    assert!(ro.is_read_only());
    assert_eq!(ro.migrate().await.unwrap(), 0, "current: nothing to apply, no error");
    let state = gongkai_web::AppState::new(ro, gongkai_web::WebConfig { cookie_secure: false, ..Default::default() })
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gongkai_web::serve(listener, state, async {
        let _ = rx.await;
    }));
    let mut b = crate::harness::Browser::new(&base);
    assert_eq!(b.get("/healthz").await.status, 200);
    let p = b.get("/apply/gzmz").await;
    assert_eq!(p.status, 200, "pages are read");
    let p = b.post("/apply/gzmz", &[("applicant_kind", "natural_person")]).await;
    assert_eq!(p.status, 503);
    assert!(p.body.contains("只读维护状态"), "{}", p.body);
    let p = b.post("/console/login", &[("username", "gzmz.staff"), ("password", gongkai::demo::DEMO_PASSWORD)]).await;
    assert_eq!(p.status, 503, "no login while nothing can be written");
    // The earlier session still reads the console; its sliding expiry is not written.
    let mut s = crate::harness::Browser::new(&base).with_header("cookie", &format!("gk_session={token}"));
    let desk = s.get("/console").await;
    assert_eq!(desk.status, 200, "{}", desk.body);
    assert!(desk.body.contains("待办"), "{}", desk.body);
    let _ = tx.send(());
    server.await.unwrap().unwrap();
}

/// An index whose writes fail while `broken` is set, as tantivy's do once its writer was
/// killed (after descriptor exhaustion); reads and the rest go to a real index.
struct Flaky {
    inner: gongkai_search::TantivyIndex,
    broken: std::sync::atomic::AtomicBool,
}

impl gongkai_search::SearchIndex for Flaky {
    fn apply(
        &self,
        upserts: &[gongkai_search::SearchDoc],
        deletes: &[i64],
        seq: i64,
    ) -> Result<(), gongkai_search::SearchError> {
        if self.broken.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(gongkai_search::SearchError::Index("An index writer was killed".into()));
        }
        self.inner.apply(upserts, deletes, seq)
    }
    fn applied_seq(&self) -> i64 {
        self.inner.applied_seq()
    }
    fn search(
        &self,
        q: &gongkai_search::SearchQuery,
    ) -> Result<gongkai_search::SearchResults, gongkai_search::SearchError> {
        self.inner.search(q)
    }
    fn len(&self) -> u64 {
        self.inner.len()
    }
    fn clear(&self) -> Result<(), gongkai_search::SearchError> {
        self.inner.clear()
    }
    fn set_synonyms(&self, synonyms: gongkai_search::Synonyms) {
        self.inner.set_synonyms(synonyms)
    }
}

/// A search index that stops following the change log fails `/healthz` with the lag in
/// Chinese and exports the lag; once writes work again the indexer catches up by itself
/// and health returns, without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_search_index_fails_health_and_recovers_by_itself() {
    use std::sync::atomic::Ordering;
    let (db, _url, _dir) = crate::harness::fresh_db(Kind::Sqlite).await.unwrap();
    gongkai::demo::seed(&db, crate::harness::default_today()).await.unwrap();
    let mut state =
        gongkai_web::AppState::new(db, gongkai_web::WebConfig { cookie_secure: false, ..Default::default() })
            .await
            .unwrap();
    let flaky = std::sync::Arc::new(Flaky {
        inner: gongkai_search::TantivyIndex::open(None).unwrap(),
        broken: std::sync::atomic::AtomicBool::new(true),
    });
    state.search = flaky.clone();
    // The last successful round was long ago (the wait is simulated, not slept).
    state.index_caught_up.store(jiff::Timestamp::now().as_second() - 600, Ordering::SeqCst);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gongkai_web::serve(listener, state, async {
        let _ = rx.await;
    }));
    let mut b = Browser::new(&base);
    let h = b.get("/healthz").await;
    assert_eq!(h.status, 503, "{}", h.body);
    assert!(h.body.contains("搜索索引停滞") && h.body.contains("条变更"), "{}", h.body);
    // The indexer keeps retrying (every 2 s) and exports how far behind it is. The metrics
    // registry is shared by every server of this test process (the others export 0), so
    // wait, bounded, for a round of this one.
    let mut behind = false;
    for _ in 0..100 {
        let m = b.get("/metrics").await.body;
        let lag = m.lines().find(|l| l.starts_with("search_index_lag ")).and_then(|l| l.split_whitespace().nth(1));
        if lag.and_then(|v| v.parse::<f64>().ok()).is_some_and(|v| v > 0.0) {
            behind = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(behind, "search_index_lag > 0 exported while the index is stuck");
    // Writes work again: the next round catches up, health returns (bounded wait).
    flaky.broken.store(false, Ordering::SeqCst);
    let mut healthy = false;
    for _ in 0..100 {
        if b.get("/healthz").await.status == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(healthy, "health returns once the index caught up");
    assert!(gongkai_search::SearchIndex::len(&*flaky) > 0, "the index holds the demo's documents");
    let p = b.get("/search?q=%E4%BD%8E%E4%BF%9D").await;
    assert!(p.status == 200 && p.body.contains("低保"), "search answers from the caught-up index");
    let _ = tx.send(());
    server.await.unwrap().unwrap();
}
