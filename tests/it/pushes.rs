//! Targeted policy push through a real server on both databases: registering with consent
//! on the portal and by staff, personal data only for the holding body's staff, a campaign
//! launched once, delivered to a local SMTP sink and a local gateway (which fails once and
//! is retried), never twice, the in-site inbox, withdrawal without login, printed lists.

use crate::both;
use crate::harness::{Kind, TestApp};
use gongkai_core::catalog::ItemKind;
use gongkai_core::ids::OrgId;
use gongkai_store::Actor;
use gongkai_store::catalog::{self, Entry};
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, Mutex};

/// A request the gateway received: headers (lower-case names) and body.
type Received = Arc<Mutex<Vec<(Vec<(String, String)>, String)>>>;

/// A gateway on loopback that answers each request with the next status of `script`
/// (then 200).
async fn gateway(script: Vec<u16>) -> (u16, Received) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Received = Arc::default();
    let store = got.clone();
    let script = Arc::new(Mutex::new(script.into_iter()));
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let (store, script) = (store.clone(), script.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    let Ok(n) = sock.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let headers: Vec<(String, String)> = head
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                let len: usize =
                    headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
                while buf.len() < head_end + len {
                    let Ok(n) = sock.read(&mut chunk).await else { return };
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
                store.lock().unwrap().push((headers, body));
                let status = script.lock().unwrap().next().unwrap_or(200);
                let reply = format!("HTTP/1.1 {status} X\r\nContent-Length: 4\r\nConnection: close\r\n\r\nboom");
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (port, got)
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> &'a str {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn publish_draft(column_id: gongkai_core::ids::ColumnId, title: &str) -> gongkai_store::catalog::Draft {
    crate::harness::item_draft(column_id, title, ItemKind::General, jiff::civil::date(2026, 11, 2))
}

async fn token_of(app: &TestApp, name: &str) -> String {
    let r = gongkai_store::pushes::recipients(&app.db, OrgId(app.org_id("gzmz").await))
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap();
    r.token
}

async fn delivery_statuses(app: &TestApp, campaign: i64) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> =
        gongkai_store::pushes::deliveries(&app.db, gongkai_core::ids::CampaignId(campaign))
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d.recipient_name, d.channel.code().to_string(), d.status.code().to_string()))
            .collect();
    v.sort();
    v
}

both!(a_push_campaign_reaches_each_consenting_person_once, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let org = OrgId(city);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let cols = catalog::columns(&app.db, org).await.unwrap();
    let col = cols.iter().find(|c| c.slug == "normative").unwrap().id;
    let actor = Actor::system("test");
    let on = jiff::civil::date(2026, 11, 3);
    let a = catalog::create(
        &app.db,
        &cal,
        &actor,
        org,
        &publish_draft(col, "关于提高城乡最低生活保障标准的通知"),
        Entry::Published { on, approved_by: "a".into() },
    )
    .await
    .unwrap();
    let b = catalog::create(
        &app.db,
        &cal,
        &actor,
        org,
        &publish_draft(col, "《关于提高城乡最低生活保障标准的通知》政策解读"),
        Entry::Published { on, approved_by: "a".into() },
    )
    .await
    .unwrap();
    let draft =
        catalog::create(&app.db, &cal, &actor, org, &publish_draft(col, "尚未公开的草稿"), Entry::Draft).await.unwrap();

    // The default groups appear on first look; the gateway is set by the body's admin.
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let overview = staff.get(&format!("/console/orgs/{city}/pushes")).await;
    assert_eq!(overview.status, 200);
    for g in ["低保对象", "特困供养人员", "临时救助对象", "孤儿和事实无人抚养儿童", "残疾人", "高龄老人"]
    {
        assert!(overview.body.contains(g), "{g}");
    }
    let groups = gongkai_store::pushes::groups(&app.db, org).await.unwrap();
    let gid = |code: &str| groups.iter().find(|g| g.code.as_deref() == Some(code)).unwrap().id.to_string();
    let (port, hits) = gateway(vec![500]).await;
    let mut admin = app.browser();
    admin.login("gzmz.admin").await;
    admin.get(&format!("/console/orgs/{city}/pushes")).await;
    let gw = format!("/console/orgs/{city}/push-gateway");
    let short = admin.post(&gw, &[("url", "http://127.0.0.1:1/sms"), ("secret", "short")]).await;
    assert_eq!(short.status, 422);
    assert!(short.body.contains("签名密钥至少 16 个字符"));
    let secret = "gateway-secret-2026";
    let url = format!("http://127.0.0.1:{port}/sms");
    assert_eq!(admin.post(&gw, &[("url", url.as_str()), ("secret", secret)]).await.status, 303);
    assert_eq!(
        staff.post(&gw, &[("url", "http://evil.example/"), ("secret", "x".repeat(20).as_str())]).await.status,
        403
    );

    // The public registers on the portal: consent required, CSRF required, one registration per contact.
    let mut anon = app.browser();
    let form = anon.get("/o/gzmz/subscribe").await;
    assert!(form.body.contains("短信/微信") && form.body.contains("低保对象"), "the gateway is offered now");
    let (dibao, gaoling, canji) = (gid("dibao"), gid("gaoling"), gid("canji"));
    let mut zhang = vec![
        ("name", "张三"),
        ("group", dibao.as_str()),
        ("group", gaoling.as_str()),
        ("channel", "email"),
        ("channel", "site"),
        ("email", "zhang.san@example.cn"),
    ];
    let p = anon.post("/o/gzmz/subscribe", &zhang).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("须本人同意接收政策推送"), "{}", p.body);
    zhang.push(("consent", "on"));
    let p = anon.post("/o/gzmz/subscribe", &zhang).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let personal = p.location.unwrap();
    assert!(personal.starts_with("/push/") && personal.ends_with("?new=1"));
    anon.get("/o/gzmz/subscribe").await;
    let twice = anon.post("/o/gzmz/subscribe", &zhang).await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("已经登记"));
    let forged = app.browser().post_raw("/o/gzmz/subscribe", &[("name".into(), "x".into())]).await;
    assert_eq!(forged.status, 403);
    anon.get("/o/gzmz/subscribe").await;
    let li = [
        ("name", "李四"),
        ("group", dibao.as_str()),
        ("channel", "webhook"),
        ("channel", "site"),
        ("phone", "138 0000 1111"),
        ("consent", "on"),
    ];
    assert_eq!(anon.post("/o/gzmz/subscribe", &li).await.status, 303);
    anon.get("/o/gzmz/subscribe").await;
    let wang = [
        ("name", "王五"),
        ("group", canji.as_str()),
        ("channel", "email"),
        ("email", "wang@example.cn"),
        ("consent", "on"),
    ];
    assert_eq!(anon.post("/o/gzmz/subscribe", &wang).await.status, 303);
    anon.get("/o/gzmz/subscribe").await;
    let print = [
        ("name", "赵六"),
        ("group", dibao.as_str()),
        ("channel", "print"),
        ("address", "越秀区某街1号"),
        ("consent", "on"),
    ];
    // The sixth registration from one address within a minute is refused.
    let p = anon.post("/o/gzmz/subscribe", &print).await;
    assert_eq!(p.status, 429, "rate-limited");
    assert!(p.body.contains("提交过于频繁"));

    // Staff register a person served offline; only the body's own staff see personal data.
    let people = format!("/console/orgs/{city}/push-recipients");
    staff.get(&people).await;
    assert_eq!(staff.post(&people, &print).await.status, 303);
    let list = staff.get(&people).await;
    assert!(
        list.body.contains("13800001111")
            && list.body.contains("越秀区某街1号")
            && list.body.contains("工作人员代为登记")
    );
    let mut supervisor = app.browser();
    supervisor.login("gzmz.supervisor").await;
    assert_eq!(supervisor.get(&people).await.status, 403, "a supervisor sees counts, not people");
    let mut other = app.browser();
    other.login("yuexiu.staff").await;
    assert_eq!(other.get(&people).await.status, 403);
    let raw: String = sqlx::query_scalar::<sqlx::Any, String>("SELECT phone FROM push_recipients WHERE name = '李四'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(raw.starts_with("gk1:") && !raw.contains("13800001111"), "sealed at rest");

    // A campaign carries only published documents; staff draft it, an approver sends it once.
    let new = format!("/console/orgs/{city}/push-campaigns");
    let (a_s, b_s, d_s) = (a.to_string(), b.to_string(), draft.to_string());
    let mut c = vec![
        ("title", "2026年城乡低保标准提高"),
        ("message", "自12月1日起，本市城乡低保标准提高。"),
        ("item", a_s.as_str()),
        ("item", d_s.as_str()),
        ("group", dibao.as_str()),
        ("group", gaoling.as_str()),
        ("channel", "email"),
        ("channel", "site"),
        ("channel", "webhook"),
        ("channel", "print"),
    ];
    staff.get(&format!("/console/orgs/{city}/pushes")).await;
    let p = staff.post(&new, &c).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("只能推送本机关已主动公开的文件"));
    c[3] = ("item", b_s.as_str());
    let p = staff.post(&new, &c).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = p.location.unwrap();
    let campaign: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let desk = app.browser();
    let mut approver_desk = desk;
    approver_desk.login("gzmz.approver").await;
    let body = approver_desk.get("/console").await.body;
    assert!(body.contains("<strong>1</strong> 待审核发出的定向推送"), "{body}");
    staff.get(&page).await;
    assert_eq!(staff.post(&format!("{page}/launch"), &[]).await.status, 403, "staff do not send");
    let mut approver = app.browser();
    approver.login("gzmz.approver").await;
    approver.get(&page).await;
    assert_eq!(approver.post(&format!("{page}/launch"), &[]).await.status, 303);
    approver.get(&page).await;
    let again = approver.post(&format!("{page}/launch"), &[]).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("不能重复发送"));
    // 张三 by e-mail and inbox (once, though in two groups), 李四 by gateway and inbox,
    // 赵六 on the printed list; 王五 is in no chosen group.
    assert_eq!(
        delivery_statuses(&app, campaign).await,
        [
            ("张三".into(), "email".into(), "queued".into()),
            ("张三".into(), "site".into(), "sent".into()),
            ("李四".into(), "site".into(), "sent".into()),
            ("李四".into(), "webhook".into(), "queued".into()),
            ("赵六".into(), "print".into(), "queued".into()),
        ]
    );

    // The worker: the e-mail reaches the sink; the gateway fails once, then takes it after the back-off.
    let (smtp, mails) = crate::harness::smtp_sink().await;
    let mailer =
        gongkai_web::applications::mail::Mailer::new(&format!("smtp://127.0.0.1:{smtp}"), "gongkai@example.gov.cn")
            .unwrap();
    let worker = gongkai_web::jobs::worker::Worker::new(
        app.db.clone(),
        Some(mailer),
        gongkai_web::http::clock::WallClock::system(),
    );
    assert_eq!(worker.drain().await.unwrap(), 2);
    assert_eq!(mails.lock().unwrap().len(), 1);
    let (to, text) = mails.lock().unwrap()[0].clone();
    assert_eq!(to, ["zhang.san@example.cn"]);
    assert!(text.contains("Subject:"), "{text}");
    assert_eq!(hits.lock().unwrap().len(), 1);
    let status = staff.get(&page).await.body;
    assert!(status.contains("发送失败（第 1 次），将自动重试") && status.contains("网关返回 HTTP 500"), "{status}");
    assert_eq!(worker.drain().await.unwrap(), 0, "not before the back-off");
    assert_eq!(worker.drain_at(Timestamp::now() + SignedDuration::from_secs(31)).await.unwrap(), 1);
    let posts = hits.lock().unwrap().clone();
    assert_eq!(posts.len(), 2);
    for (h, body) in &posts {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body.as_bytes());
        let want: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(header(h, "x-gongkai-signature"), format!("sha256={want}"), "signed with the body's secret");
    }
    assert_eq!(
        header(&posts[0].0, "idempotency-key"),
        header(&posts[1].0, "idempotency-key"),
        "the retry is the same delivery"
    );
    let json: serde_json::Value = serde_json::from_str(&posts[1].1).unwrap();
    assert_eq!(json["phone"], "13800001111");
    let li_token = token_of(&app, "李四").await;
    let sms = json["text"].as_str().unwrap();
    assert!(
        sms.starts_with("【广州市民政局】2026年城乡低保标准提高（共2份文件） http")
            && sms.contains(&format!("/push/{li_token}")),
        "{sms}"
    );
    // Never twice: the same job again sends nothing.
    for d in gongkai_store::pushes::deliveries(&app.db, gongkai_core::ids::CampaignId(campaign)).await.unwrap() {
        gongkai_store::jobs::enqueue(
            &app.db,
            &gongkai_core::jobs::Job::PushDelivery { delivery_id: d.id.0 },
            Timestamp::now(),
        )
        .await
        .unwrap();
    }
    worker.drain().await.unwrap();
    assert_eq!((mails.lock().unwrap().len(), hits.lock().unwrap().len()), (1, 2), "never sent twice");

    // The desk says what is left: the printed list to hand out.
    let desk = staff.get("/console").await.body;
    assert!(desk.contains("<strong>1</strong> 待线下送达的推送清单"), "{desk}");
    // The printed list shows the address; handing it out marks it delivered.
    let sheet = staff.get(&format!("{page}/print")).await;
    assert!(sheet.body.contains("越秀区某街1号") && sheet.body.contains("赵六您好"), "{}", sheet.body);
    assert_eq!(supervisor.get(&format!("{page}/print")).await.status, 403);
    staff.get(&page).await;
    assert_eq!(staff.post(&format!("{page}/printed"), &[]).await.status, 303);
    assert!(delivery_statuses(&app, campaign).await.iter().all(|d| d.2 == "sent"));

    // The inbox behind the personal link, and withdrawal without logging in.
    let zhang_token = token_of(&app, "张三").await;
    let body = crate::harness::mail_text(&text);
    assert!(body.starts_with("张三您好：\n\n自12月1日起，本市城乡低保标准提高。"), "{body}");
    assert!(body.contains("关于提高城乡最低生活保障标准的通知") && body.contains(&format!("/info/{a}")), "{body}");
    assert!(body.contains(&format!("/push/{zhang_token}")), "the mail links the personal page: {body}");
    let mut reader = app.browser();
    let inbox = reader.get(&format!("/push/{zhang_token}")).await;
    assert_eq!(inbox.status, 200);
    assert!(
        inbox.body.contains("2026年城乡低保标准提高")
            && inbox.body.contains("政策解读")
            && inbox.body.contains("低保对象、高龄老人"),
        "{}",
        inbox.body
    );
    assert_eq!(inbox.headers["cache-control"], "private, no-store");
    assert_eq!(reader.get("/push/0000").await.status, 404);
    let w = reader.post_raw(&format!("/push/{li_token}/withdraw"), &[]).await;
    assert_eq!(w.status, 303);
    assert!(reader.get(&format!("/push/{li_token}")).await.body.contains("撤回同意"));

    // A second campaign: 李四 withdrew, so nothing goes to the gateway, and a retry is refused.
    staff.get(&format!("/console/orgs/{city}/pushes")).await;
    let c2 = [
        ("title", "临时救助政策提示"),
        ("message", "请留意。"),
        ("item", a_s.as_str()),
        ("group", dibao.as_str()),
        ("channel", "webhook"),
    ];
    let p = staff.post(&new, &c2).await;
    let page2 = p.location.unwrap();
    let campaign2: i64 = page2.rsplit('/').next().unwrap().parse().unwrap();
    approver.get(&page2).await;
    assert_eq!(approver.post(&format!("{page2}/launch"), &[]).await.status, 303);
    assert!(delivery_statuses(&app, campaign2).await.is_empty(), "no consenting member chose the gateway");
    let d = gongkai_store::pushes::deliveries(&app.db, gongkai_core::ids::CampaignId(campaign)).await.unwrap();
    let li_hook = d.iter().find(|d| d.recipient_name == "李四" && d.channel.code() == "webhook").unwrap();
    staff.get(&page).await;
    let r = staff.post(&format!("/console/push-deliveries/{}/resend", li_hook.id), &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("该推送对象已撤回同意"), "{}", r.body);
    assert_eq!(hits.lock().unwrap().len(), 2);
    assert_eq!(gongkai_store::jobs::counts(&app.db).await.unwrap(), (0, 0, 0));
});

// A queued delivery whose person withdraws before the worker runs is never sent.
both!(withdrawing_stops_deliveries_not_yet_sent, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let org = OrgId(app.org_id("gzmz").await);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let col = catalog::columns(&app.db, org).await.unwrap().into_iter().find(|c| c.slug == "normative").unwrap().id;
    let actor = Actor::system("test");
    let item = catalog::create(
        &app.db,
        &cal,
        &actor,
        org,
        &publish_draft(col, "养老服务补贴通知"),
        Entry::Published { on: jiff::civil::date(2026, 11, 3), approved_by: "a".into() },
    )
    .await
    .unwrap();
    let groups = gongkai_store::pushes::live_group_ids(&app.db, org).await.unwrap();
    let input = gongkai_core::pushes::RecipientInput {
        name: "钱七".into(),
        email: "qian@example.cn".into(),
        groups: vec![groups[0].to_string()],
        channels: vec!["email".into()],
        consent: true,
        ..Default::default()
    };
    let f = input.parse(&groups, &gongkai_core::pushes::Channel::ALL).unwrap();
    let rid = gongkai_store::pushes::register(
        &app.db,
        &actor,
        org,
        &f,
        gongkai_store::pushes::Source::Staff,
        "tok-qian-0001",
    )
    .await
    .unwrap();
    let campaign = gongkai_core::pushes::CampaignInput {
        title: "养老服务补贴".into(),
        message: "说明".into(),
        items: vec![item.to_string()],
        groups: vec![groups[0].to_string()],
        channels: vec!["email".into()],
    }
    .parse(&[item], &groups)
    .unwrap();
    let cid = gongkai_store::pushes::create_campaign(&app.db, &actor, org, &campaign).await.unwrap();
    let c = gongkai_store::pushes::campaign(&app.db, cid).await.unwrap();
    assert_eq!(gongkai_store::pushes::launch(&app.db, &actor, &c, "http://portal.example").await.unwrap(), 1);
    let r = gongkai_store::pushes::recipient(&app.db, rid).await.unwrap();
    assert!(gongkai_store::pushes::withdraw(&app.db, &actor, &r).await.unwrap());
    assert!(!gongkai_store::pushes::withdraw(&app.db, &actor, &r).await.unwrap(), "once");
    let (smtp, mails) = crate::harness::smtp_sink().await;
    let mailer =
        gongkai_web::applications::mail::Mailer::new(&format!("smtp://127.0.0.1:{smtp}"), "gongkai@example.gov.cn")
            .unwrap();
    let worker = gongkai_web::jobs::worker::Worker::new(
        app.db.clone(),
        Some(mailer),
        gongkai_web::http::clock::WallClock::system(),
    );
    assert_eq!(worker.drain().await.unwrap(), 1);
    assert!(mails.lock().unwrap().is_empty());
    assert_eq!(delivery_statuses(&app, cid.0).await, [("钱七".into(), "email".into(), "withdrawn".into())]);
});

both!(push_campaigns_through_the_api, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let org = OrgId(city);
    let cal = gongkai_store::calendars::active(&app.db).await.unwrap();
    let col = catalog::columns(&app.db, org).await.unwrap().into_iter().find(|c| c.slug == "normative").unwrap().id;
    let actor = Actor::system("test");
    let item = catalog::create(
        &app.db,
        &cal,
        &actor,
        org,
        &publish_draft(col, "高龄津贴发放通知"),
        Entry::Published { on: jiff::civil::date(2026, 11, 3), approved_by: "a".into() },
    )
    .await
    .unwrap();
    let other_org = OrgId(app.org_id("yuexiumz").await);
    let other_col = catalog::columns(&app.db, other_org).await.unwrap().into_iter().next().unwrap().id;
    let foreign = catalog::create(
        &app.db,
        &cal,
        &actor,
        other_org,
        &publish_draft(other_col, "越秀区的通知"),
        Entry::Published { on: jiff::civil::date(2026, 11, 3), approved_by: "a".into() },
    )
    .await
    .unwrap();
    let group = gongkai_store::pushes::live_group_ids(&app.db, org).await.unwrap()[5].0;
    let staff = crate::api::token_for(&app, "gzmz.staff").await;
    let approver = crate::api::token_for(&app, "gzmz.approver").await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/orgs/{city}/push-campaigns", app.base);
    let body = |items: Vec<i64>| serde_json::json!({"title": "高龄津贴", "message": "请按时申领。", "items": items, "groups": [group], "channels": ["site"]});
    let r = http.post(&url).bearer_auth(&staff).json(&body(vec![foreign.0])).send().await.unwrap();
    assert_eq!(r.status(), 422, "another body's document");
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["fields"][0]["field"], "item");
    let r = http.post(&url).bearer_auth(&staff).json(&body(vec![item.0])).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let c: serde_json::Value = r.json().await.unwrap();
    let launch = format!("{}/api/v1/push-campaigns/{}/launch", app.base, c["id"]);
    assert_eq!(http.post(&launch).bearer_auth(&staff).send().await.unwrap().status(), 403);
    let r = http.post(&launch).bearer_auth(&approver).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let done: serde_json::Value = r.json().await.unwrap();
    assert!(done["launched_at"].is_string());
    assert_eq!(done["sent"], 0, "nobody has consented yet");
    assert_eq!(http.post(&launch).bearer_auth(&approver).send().await.unwrap().status(), 409);
    let list: serde_json::Value = http.get(&url).bearer_auth(&staff).send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let yuexiu = crate::api::token_for(&app, "yuexiu.staff").await;
    assert_eq!(
        http.get(format!("{}/api/v1/push-campaigns/{}", app.base, c["id"]))
            .bearer_auth(&yuexiu)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
});
