//! JSON API tests through a real listening server, on both databases.

use crate::both;
use crate::harness::{Kind, TestApp};
use serde_json::{Value, json};

pub async fn token_for(app: &TestApp, user: &str) -> String {
    let mut b = app.browser();
    b.login(user).await;
    b.get("/console/account").await;
    let p = b.post("/console/account/tokens", &[("name", "测试脚本")]).await;
    assert_eq!(p.status, 200);
    let start = p.body.find("gk_").expect("token shown once");
    p.body[start..start + 43].to_string()
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

both!(api_requires_a_valid_token, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let r = client().get(format!("{}/api/v1/me", app.base)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    let r = client().get(format!("{}/api/v1/me", app.base)).bearer_auth("gk_forged").send().await.unwrap();
    assert_eq!(r.status(), 401);

    let token = token_for(&app, "gzmz.staff").await;
    let me: Value =
        client().get(format!("{}/api/v1/me", app.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "gzmz.staff");
    assert_eq!(me["grants"][0]["role"], "staff");
    let orgs: Value = client()
        .get(format!("{}/api/v1/orgs", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = orgs.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["广州市民政局", "广州市社会组织管理局"]);

    // Revoked on the console: refused at once.
    let mut b = app.browser();
    b.login("gzmz.staff").await;
    let page = b.get("/console/account").await;
    let i = page.body.find("/console/account/tokens/").unwrap();
    let rest = &page.body[i..];
    let path = &rest[..rest.find("/revoke").unwrap() + "/revoke".len()];
    assert_eq!(b.post(path, &[]).await.status, 303);
    let r = client().get(format!("{}/api/v1/me", app.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 401);
});

// Every API route, called with a token of another organisation's user.
both!(api_routes_refuse_other_organisations, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let token = token_for(&app, "yuexiu.staff").await;
    let c = client();
    let url = |p: &str| format!("{}{p}", app.base);
    let body = json!({"name": "改名", "short_code": "gzmz", "kind": "government_department", "credit_code": gongkai::demo::credit_code("440100", 1)});
    let user = json!({"username": "intruder", "display_name": "入侵", "role": "staff", "password": "Intruder-2026"});
    let responses = [
        c.get(url(&format!("/api/v1/orgs/{city}"))).bearer_auth(&token).send().await.unwrap(),
        c.get(url(&format!("/api/v1/orgs/{city}/users"))).bearer_auth(&token).send().await.unwrap(),
        c.put(url(&format!("/api/v1/orgs/{city}"))).bearer_auth(&token).json(&body).send().await.unwrap(),
        c.post(url(&format!("/api/v1/orgs/{city}/users"))).bearer_auth(&token).json(&user).send().await.unwrap(),
        c.post(url("/api/v1/orgs")).bearer_auth(&token).json(&body).send().await.unwrap(),
    ];
    for r in responses {
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert_eq!(status, 403, "{v}");
        assert_eq!(v["error"], "forbidden");
        assert!(
            v["message"].as_str().unwrap().contains("权限") || v["message"].as_str().unwrap().contains("系统管理员")
        );
    }
    assert!(gongkai_store::orgs::users::credentials(&app.db, "intruder").await.unwrap().is_none());
    assert_eq!(gongkai_store::orgs::find(&app.db, "gzmz").await.unwrap().name, "广州市民政局");
    let r = c.get(url("/api/v1/orgs/424242")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 404);
});

both!(api_validates_every_field_in_chinese, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let token = token_for(&app, "admin").await;
    let c = client();
    let before = gongkai_store::orgs::list(&app.db).await.unwrap().len();
    let r = c
        .post(format!("{}/api/v1/orgs", app.base))
        .bearer_auth(&token)
        .json(&json!({"name": "", "short_code": "ok-code", "kind": "xx", "credit_code": "123", "website": "ftp://x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    let fields: Vec<&str> = v["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "kind", "credit_code", "website"]);
    assert_eq!(v["fields"][0]["message"], "机构名称不能为空");
    // Malformed JSON, unknown fields and wrong content types get Chinese messages too.
    let r = c
        .post(format!("{}/api/v1/orgs", app.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("JSON 内容无法解析"));
    let r = c
        .post(format!("{}/api/v1/orgs", app.base))
        .bearer_auth(&token)
        .json(&json!({"nmae": "x"}))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("不认识的字段 nmae"));
    let r = c.post(format!("{}/api/v1/orgs", app.base)).bearer_auth(&token).body("name=x").send().await.unwrap();
    assert!(r.text().await.unwrap().contains("请求体应为 JSON"));
    assert_eq!(gongkai_store::orgs::list(&app.db).await.unwrap().len(), before);

    // A valid create, then a user in it.
    let code = gongkai::demo::credit_code("440100", 55);
    let r = c
        .post(format!("{}/api/v1/orgs", app.base))
        .bearer_auth(&token)
        .json(&json!({"name": "广州市接口测试局", "short_code": "apitest", "kind": "affiliated_body", "credit_code": code, "phone": "020-88887777"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let org: Value = r.json().await.unwrap();
    assert_eq!(org["credit_code"], code);
    let r = c
        .post(format!("{}/api/v1/orgs/{}/users", app.base, org["id"]))
        .bearer_auth(&token)
        .json(&json!({"username": "api.user", "display_name": "接口用户", "role": "approver", "password": "Api-user-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["roles"], json!(["approver"]));
});

both!(openapi_document_describes_the_api, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let v: Value = client().get(format!("{}/api/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v1/me", "/api/v1/orgs", "/api/v1/orgs/{id}", "/api/v1/orgs/{id}/users"] {
        assert!(v["paths"][path].is_object(), "{path} missing");
    }
    assert!(v["components"]["schemas"]["OrgView"].is_object());
    assert!(v["components"]["securitySchemes"]["bearer"].is_object());
    // Request bodies state their required fields, codes from core's lists, dates, and that
    // unknown fields are refused.
    let app_body = &v["components"]["schemas"]["NewApplicationBody"];
    let required: Vec<&str> = app_body["required"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(required.contains(&"id_number") && required.contains(&"channel") && !required.contains(&"phone"));
    let channels: Vec<&str> = gongkai_core::applications::Channel::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(app_body["properties"]["channel"]["enum"], serde_json::json!(channels));
    assert_eq!(app_body["properties"]["submitted_on"]["format"], "date");
    assert_eq!(app_body["additionalProperties"], false);
    let events = &v["components"]["schemas"]["EventBody"]["properties"]["type"]["enum"];
    assert_eq!(events.as_array().unwrap().len(), gongkai_core::applications::event_input::STAFF_EVENTS.len());
    // PUT /orgs/{id} takes the same fields with none required (omitted ones are kept).
    let put = &v["paths"]["/api/v1/orgs/{id}"]["put"];
    assert_eq!(
        put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/OrgUpdateBody"
    );
    assert!(v["components"]["schemas"]["OrgUpdateBody"]["required"].as_array().is_none_or(|r| r.is_empty()));
    // Every operation documents the answers it can give: 401, 403, 404, 503, and with a
    // body 400, 409, 413 and 422; every error is an ErrorBody.
    for (path, item) in v["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let codes = op["responses"].as_object().unwrap();
            let mut want = vec!["401", "403", "404", "503"];
            if op.get("requestBody").is_some() {
                want.extend(["400", "409", "413", "422"]);
            }
            for c in want {
                assert!(codes.contains_key(c), "{method} {path} lacks {c}");
                assert_eq!(
                    codes[c]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
                    "{method} {path} {c}"
                );
            }
        }
    }
});

both!(applications_through_the_api, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let staff = token_for(&app, "gzmz.staff").await;
    let approver = token_for(&app, "gzmz.approver").await;
    let other = token_for(&app, "yuexiu.staff").await;
    let c = client();
    let body = json!({"channel": "in_person", "submitted_on": "2025-09-30", "applicant_kind": "commercial",
        "applicant_name": "广州某科技有限公司", "contact_person": "李经理", "id_kind": "credit_code",
        "id_number": gongkai::demo::credit_code("440100", 901), "phone": "020-12345678",
        "info_title": "2025年养老机构备案名单", "delivery_form": "电子数据", "delivery_method": "网上获取"});
    // Invalid fields come back by name; another organisation is refused.
    let r = c
        .post(format!("{}/api/v1/orgs/{city}/applications", app.base))
        .bearer_auth(&staff)
        .json(&json!({"channel": "pigeon", "submitted_on": "2025-02-30"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = c
        .post(format!("{}/api/v1/orgs/{city}/applications", app.base))
        .bearer_auth(&other)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(format!("{}/api/v1/orgs/{city}/applications", app.base))
        .bearer_auth(&staff)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let reg: Value = r.json().await.unwrap();
    assert!(reg["query_code"].as_str().unwrap().len() == 14);
    let id = reg["id"].as_i64().unwrap();
    let d: Value = c
        .get(format!("{}/api/v1/applications/{id}", app.base))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["due_on"], "2025-11-04", "regulation.md §9 example 5");
    assert!(d["clock"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("答复期限：2025-11-04")));
    assert_eq!(
        c.get(format!("{}/api/v1/applications/{id}", app.base)).bearer_auth(&other).send().await.unwrap().status(),
        403
    );
    // Steps: staff cannot reply, the approver can; a second reply is refused with the rule.
    let reply = json!({"type": "replied", "on": "2025-10-20", "outcome": "partly_disclosed", "summary": "区分处理"});
    let r = c
        .post(format!("{}/api/v1/applications/{id}/events", app.base))
        .bearer_auth(&staff)
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(format!("{}/api/v1/applications/{id}/events", app.base))
        .bearer_auth(&approver)
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.unwrap();
    assert_eq!((d["status"].as_str(), d["outcome"].as_str()), (Some("replied"), Some("partly_disclosed")));
    let r = c
        .post(format!("{}/api/v1/applications/{id}/events", app.base))
        .bearer_auth(&approver)
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("尚不能作出答复"), "{v}");
    // The list masks identity numbers.
    let list: Value = c
        .get(format!("{}/api/v1/orgs/{city}/applications", app.base))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list[0]["id_number"].as_str().unwrap().contains("**"));
});

both!(appeals_through_the_api, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let staff = token_for(&app, "gzmz.staff").await;
    let other = token_for(&app, "yuexiu.staff").await;
    let sup = token_for(&app, "gzmz.supervisor").await;
    let c = client();
    let url = format!("{}/api/v1/orgs/{city}/appeals", app.base);
    let r = c
        .post(&url)
        .bearer_auth(&staff)
        .json(&json!({"kind": "lawsuit", "body": "", "filed_on": "2024-13-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    let fields: Vec<&str> = v["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["kind", "body", "filed_on"]);
    let body = json!({"kind": "litigation_direct", "body": "广州铁路运输中级法院", "filed_on": "2024-03-01", "case_number": "（2024）粤71行初1号"});
    assert_eq!(c.post(&url).bearer_auth(&other).json(&body).send().await.unwrap().status(), 403);
    assert_eq!(c.post(&url).bearer_auth(&sup).json(&body).send().await.unwrap().status(), 403, "supervisors read only");
    let r = c.post(&url).bearer_auth(&staff).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    let decide = format!("{}/api/v1/appeals/{}/decision", app.base, a["id"]);
    let r = c
        .post(&decide)
        .bearer_auth(&staff)
        .json(&json!({"result": "corrected", "decided_on": "2024-02-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "before filing");
    let r = c
        .post(&decide)
        .bearer_auth(&staff)
        .json(&json!({"result": "corrected", "decided_on": "2024-06-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .post(&decide)
        .bearer_auth(&staff)
        .json(&json!({"result": "upheld", "decided_on": "2024-06-02"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "decided once");
    let list: Value = c.get(&url).bearer_auth(&sup).send().await.unwrap().json().await.unwrap();
    assert_eq!(list[0]["result"], "corrected");
    assert_eq!(c.get(&url).bearer_auth(&other).send().await.unwrap().status(), 403);
});

// One rule for request bodies: unknown fields are refused; a structural change an
// organisation admin may not make is refused with the reason, never answered 200 unchanged.
both!(api_bodies_refuse_what_they_would_drop, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else {
        return;
    };
    let city = app.org_id("gzmz").await;
    let token = token_for(&app, "gzmz.admin").await;
    let c = client();
    let url = format!("{}/api/v1/orgs/{city}", app.base);
    let code = gongkai::demo::credit_code("440100", 1);
    let base = json!({"name": "广州市民政局", "short_code": "gzmz", "kind": "government_department", "credit_code": code, "phone": "020-83000000"});
    // A misspelt field.
    let mut typo = base.clone();
    typo["telephone"] = json!("020-1");
    let r = c.put(&url).bearer_auth(&token).json(&typo).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("telephone"), "{v}");
    // A new name from an organisation admin.
    let mut renamed = base.clone();
    renamed["name"] = json!("改名后的民政局");
    let r = c.put(&url).bearer_auth(&token).json(&renamed).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("机构名称"), "{v}");
    assert_eq!(gongkai_store::orgs::find(&app.db, "gzmz").await.unwrap().name, "广州市民政局");
    // The facts an admin keeps are accepted, the structure sent unchanged.
    let r = c.put(&url).bearer_auth(&token).json(&base).send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(gongkai_store::orgs::find(&app.db, "gzmz").await.unwrap().phone.as_deref(), Some("020-83000000"));
    // Other endpoints follow the same rule (an application with an unknown field).
    let r = c
        .post(format!("{}/api/v1/orgs/{city}/applications", app.base))
        .bearer_auth(&token_for(&app, "gzmz.staff").await)
        .json(&json!({"channel": "in_person", "colour": "blue"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("colour"));
});
