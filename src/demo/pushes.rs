//! The city bureau's targeted pushes: the six default groups with consenting people
//! (registered on the portal or by staff, two who withdrew), an SMS gateway, one campaign
//! per group with the published documents that concern it, delivered (one printed list
//! still to hand out), and a draft campaign awaiting approval.

use super::DemoOrgs;
use gongkai_core::pushes::{CampaignInput, Channel, RecipientInput};
use gongkai_store::pushes::{self as store, Gateway, Source};
use gongkai_store::{Actor, Db};

const SURNAMES: [&str; 10] = ["陈", "李", "黄", "张", "梁", "刘", "何", "林", "罗", "郑"];
const GIVEN: [&str; 6] = ["秀英", "伟明", "桂芳", "志强", "丽华", "国平"];
const STREETS: [&str; 5] = ["越秀区北京街", "海珠区江南中街", "荔湾区多宝街", "天河区石牌街", "白云区三元里街"];

/// (group code, campaign title, message, title keywords of the documents it carries)
const CAMPAIGNS: [(&str, &str, &str, [&str; 2]); 6] = [
    (
        "dibao",
        "城乡最低生活保障标准调整",
        "本市城乡低保标准已调整，已纳入低保的家庭无需重新申请，差额将随当月保障金发放。",
        ["最低生活保障", "低保"],
    ),
    (
        "tekun",
        "特困人员救助供养标准调整",
        "特困人员基本生活标准和照料护理标准已调整，请留意供养机构或街道的通知。",
        ["特困", "供养"],
    ),
    (
        "linshi",
        "临时救助申请指引",
        "遭遇突发困难时可向户籍或居住地街道（镇）申请临时救助，急难情形可先行救助。",
        ["临时救助", "救助"],
    ),
    (
        "ertong",
        "孤儿和事实无人抚养儿童基本生活费标准",
        "孤儿和事实无人抚养儿童基本生活费标准已提高，监护人可到街道核对发放情况。",
        ["儿童", "孤儿"],
    ),
    (
        "canji",
        "残疾人两项补贴政策提示",
        "困难残疾人生活补贴和重度残疾人护理补贴可网上申请，已享受的无需重复申请。",
        ["残疾", "补贴"],
    ),
    (
        "gaoling",
        "高龄津贴发放通知",
        "年满80周岁的户籍老年人可申领高龄津贴，百岁老人津贴标准另行提高。",
        ["高龄", "养老"],
    ),
];

pub async fn seed(db: &Db, ids: &DemoOrgs) -> anyhow::Result<()> {
    let org = ids.city;
    let staff = Actor::system("gzmz.staff");
    let approver = Actor::system("gzmz.approver");
    let groups = store::groups(db, org).await?;
    let live = store::live_group_ids(db, org).await?;
    store::set_gateway(
        db,
        &Actor::system("gzmz.admin"),
        org,
        Some(&Gateway {
            url: "https://sms-gateway.example.gov.cn/push".into(),
            secret: "demo-gateway-signing-key".into(),
        }),
    )
    .await?;
    // Five people per group; every third registered themselves on the portal.
    let mut n = 0usize;
    let mut withdraw = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        for k in 0..5 {
            n += 1;
            let name = format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n / SURNAMES.len() + k) % GIVEN.len()]);
            let channels: Vec<&str> = match n % 4 {
                0 => vec!["email", "site"],
                1 => vec!["webhook"],
                2 => vec!["print"],
                _ => vec!["webhook", "site"],
            };
            let source =
                if n.is_multiple_of(3) && !channels.contains(&"print") { Source::Portal } else { Source::Staff };
            let input = RecipientInput {
                name,
                email: format!("resident{n:02}@example.cn"),
                phone: format!("1390200{:04}", 1000 + n),
                address: format!("{}{}号{}房", STREETS[n % STREETS.len()], 10 + n, 101 + k),
                groups: vec![g.id.to_string()],
                channels: channels.iter().map(|c| c.to_string()).collect(),
                consent: true,
            };
            let f = input.parse(&live, &Channel::ALL).map_err(|e| anyhow::anyhow!("demo recipient: {e}"))?;
            let actor = if source == Source::Portal {
                Actor::system(gongkai_store::pushes::PORTAL_ACTOR)
            } else {
                staff.clone()
            };
            let id = store::register(db, &actor, org, &f, source, &format!("demo{n:02}{}", "0".repeat(24))).await?;
            if gi == 0 && k == 4 || gi == 5 && k == 3 {
                withdraw.push(id);
            }
        }
    }
    for id in withdraw {
        let r = store::recipient(db, id).await?;
        store::withdraw(db, &Actor::system(gongkai_store::pushes::PORTAL_ACTOR), &r).await?;
    }
    let docs = gongkai_store::catalog::published(db, org, 2_000).await?;
    let pick = |words: &[&str; 2]| -> Vec<String> {
        let mut v: Vec<String> = docs
            .iter()
            .filter(|d| words.iter().any(|w| d.title.contains(w)))
            .take(2)
            .map(|d| d.id.to_string())
            .collect();
        if v.is_empty() {
            v.extend(docs.first().map(|d| d.id.to_string()));
        }
        v
    };
    let all_items: Vec<gongkai_core::ids::ItemId> = docs.iter().map(|d| d.id).collect();
    for (i, (code, title, message, words)) in CAMPAIGNS.iter().enumerate() {
        let Some(g) = groups.iter().find(|g| g.code.as_deref() == Some(*code)) else { continue };
        let input = CampaignInput {
            title: (*title).into(),
            message: (*message).into(),
            items: pick(words),
            groups: vec![g.id.to_string()],
            channels: Channel::ALL.iter().map(|c| c.code().to_string()).collect(),
        };
        let f = input.parse(&all_items, &live).map_err(|e| anyhow::anyhow!("demo campaign: {e}"))?;
        let id = store::create_campaign(db, &staff, org, &f).await?;
        let c = store::campaign(db, id).await?;
        store::launch(db, &approver, &c, "https://mzj.example.gov.cn").await?;
        // Delivered in the demo's past: the gateway and the mail server took them.
        for d in store::deliveries(db, id).await? {
            if d.channel.is_sent_by_job() {
                store::mark_sent(db, d.id).await?;
            }
        }
        if i + 1 < CAMPAIGNS.len() {
            store::mark_printed(db, &staff, &c).await?;
        }
    }
    let draft = CampaignInput {
        title: "春节前困难群众走访慰问政策提示".into(),
        message: "春节前各街道将走访慰问低保、特困和临时救助对象，请保持电话畅通。".into(),
        items: pick(&["救助", "低保"]),
        groups: groups
            .iter()
            .filter(|g| matches!(g.code.as_deref(), Some("dibao" | "tekun" | "linshi")))
            .map(|g| g.id.to_string())
            .collect(),
        channels: vec!["webhook".into(), "site".into(), "print".into()],
    }
    .parse(&all_items, &live)
    .map_err(|e| anyhow::anyhow!("demo draft campaign: {e}"))?;
    store::create_campaign(db, &staff, org, &draft).await?;
    // The launches queued a job per e-mail and gateway delivery; all are sent, so running
    // them is a no-op that empties the queue.
    gongkai_web::jobs::worker::Worker::new(db.clone(), None, gongkai_web::http::clock::WallClock::system())
        .drain()
        .await?;
    Ok(())
}
