//! The city bureau's consultations: in 2020, 20 notices with comments, their adoption
//! decided and reported, and 9 meetings (one a legislative meeting on the city's
//! elderly-care regulation); and one consultation open now.

use super::DemoOrgs;
use gongkai_core::consultations::{Adoption, CommentInput, ConsultationInput, MeetingInput, Moderation};
use gongkai_store::consultations as store;
use gongkai_store::{Actor, Db};
use jiff::ToSpan;
use jiff::civil::Date;

const DRAFTS: [&str; 20] = [
    "广州市养老服务条例（草案）",
    "广州市最低生活保障办法（修订征求意见稿）",
    "广州市特困人员救助供养实施办法（征求意见稿）",
    "广州市临时救助实施细则（征求意见稿）",
    "广州市长者饭堂建设运营管理办法（征求意见稿）",
    "广州市社区居家养老服务补贴办法（征求意见稿）",
    "广州市困境儿童分类保障实施办法（征求意见稿）",
    "广州市社会组织信用信息管理办法（征求意见稿）",
    "广州市公益性公墓管理办法（征求意见稿）",
    "广州市殡葬服务收费管理规定（征求意见稿）",
    "广州市婚姻登记服务规范（征求意见稿）",
    "广州市社会工作者职业水平评价实施办法（征求意见稿）",
    "广州市慈善组织认定实施细则（征求意见稿）",
    "广州市养老机构等级评定办法（征求意见稿）",
    "广州市残疾人两项补贴实施细则（征求意见稿）",
    "广州市居家养老服务设施配建管理规定（征求意见稿）",
    "广州市社区治理创新项目管理办法（征求意见稿）",
    "广州市流浪乞讨人员救助管理办法（征求意见稿）",
    "广州市孤儿和事实无人抚养儿童保障办法（征求意见稿）",
    "广州市智慧养老服务平台管理办法（征求意见稿）",
];

const VIEWS: [&str; 4] = [
    "建议将高龄津贴的发放年龄降低到八十周岁。",
    "建议明确街道长者饭堂的就餐补贴标准和申请流程。",
    "第五条的表述不够清楚，建议写明由哪个部门负责审核。",
    "建议增加对护理员的培训和持证上岗要求。",
];

pub(super) async fn seed(db: &Db, orgs: &DemoOrgs, today: Date) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let s = gongkai_core::consultations::ConsultationSettings::default();
    let mut meetings_left = 9;
    for (i, title) in DRAFTS.iter().enumerate() {
        let opens = Date::new(2020, (i % 10) as i8 + 1, 5 + (i / 10) as i8 * 10)?;
        let input = ConsultationInput {
            title: (*title).into(),
            purpose: "为提高制度建设的科学性和透明度，现向社会公开征求意见。".into(),
            draft: "第一条 为了规范相关工作，根据有关法律法规，结合本市实际，制定本办法。\n第二条 本办法适用于本市行政区域内的相关工作。\n第三条 市民政部门负责组织实施本办法。".into(),
            opens_on: opens.to_string(),
            closes_on: opens.checked_add(30.days())?.to_string(),
            normative: "on".into(),
            channels: "电子邮箱：zqyj@mzj.example.gov.cn；信函：广州市民政局政策法规处".into(),
        };
        let facts = input.parse(&s).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = store::create(db, &actor, orgs.city, &facts).await?;
        let c = store::get(db, id).await?;
        if meetings_left > 0 && i % 2 == 0 {
            let kind = if i == 0 { "立法座谈会" } else { ["座谈会", "论证会", "听证会"][i % 3] };
            let m = MeetingInput {
                kind: kind.into(),
                on: opens.checked_add(10.days())?.to_string(),
                participants: "人大代表、政协委员、专家学者、基层工作人员和群众代表".into(),
                minutes: "与会人员对草案逐条讨论，提出修改意见。".into(),
            }
            .parse(today)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            store::add_meeting(db, &actor, &c, &m).await?;
            meetings_left -= 1;
        }
        // Comments during the period, moderated, then adopted or not with a reason.
        let during = opens.checked_add(5.days())?;
        for k in 0..(2 + i % 3) {
            let ci = CommentInput {
                name: ["陈某某", "", "广州市某社工服务中心", "林某"][k % 4].into(),
                article: if k % 2 == 0 { "第三条".into() } else { String::new() },
                text: VIEWS[(i + k) % 4].into(),
                website: String::new(),
            };
            let f =
                ci.parse(&facts, during).map_err(|e| anyhow::anyhow!("{e}"))?.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let cid = store::add_comment(db, id, &f).await?;
            store::moderate(db, &actor, cid, if k == 3 { Moderation::Hidden } else { Moderation::Shown }).await?;
            let (a, reason) = match k % 3 {
                0 => (Adoption::Adopted, ""),
                1 => (Adoption::PartlyAdopted, "已在第三条中补充审核部门，补贴标准另行制定"),
                _ => (Adoption::NotAdopted, "该事项由上位法规定，本办法不宜调整"),
            };
            store::adopt(db, &actor, cid, a, reason).await?;
        }
        let summary = "征集期间共收到意见若干条，经认真研究，采纳或部分采纳的已在修改稿中体现，未采纳的说明了理由。";
        store::publish_report(db, &actor, &c, facts.closes_on.checked_add(15.days())?, summary).await?;
        // The document finally adopted, where the catalog has one on the same topic
        // published after the consultation closed.
        if let Some(topic) = super::catalog::TOPICS.iter().find(|t| facts.title.contains(*t)) {
            let f = gongkai_store::catalog::ItemFilter {
                org_id: Some(orgs.city),
                public_only: true,
                kind: Some(gongkai_core::catalog::ItemKind::Normative),
                ..Default::default()
            };
            let done = gongkai_store::catalog::page(db, &f, 0, 5_000).await?.into_iter().find(|d| {
                d.title.contains(topic)
                    && d.published_on.as_deref().is_some_and(|p| p > facts.closes_on.to_string().as_str())
            });
            if let Some(d) = done {
                let c = store::get(db, id).await?;
                store::set_final(db, &actor, &c, Some(d.id)).await?;
            }
        }
    }
    // Open now: a draft with a few comments waiting for moderation.
    let opens = today.checked_sub(10.days())?;
    let input = ConsultationInput {
        title: "广州市居家社区养老服务促进办法（征求意见稿）".into(),
        purpose: "现公开征求社会各界意见，欢迎提出修改建议。".into(),
        draft: "第一条 为了促进居家社区养老服务发展，制定本办法。\n第二条 本办法所称居家社区养老服务，是指……\n第三条 区人民政府负责本辖区居家社区养老服务工作。".into(),
        opens_on: opens.to_string(),
        closes_on: opens.checked_add(40.days())?.to_string(),
        normative: "on".into(),
        channels: "电子邮箱：zqyj@mzj.example.gov.cn".into(),
    };
    let facts = input.parse(&s).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let id = store::create(db, &actor, orgs.city, &facts).await?;
    for (k, v) in VIEWS.iter().take(3).enumerate() {
        let ci =
            CommentInput { name: "市民".into(), article: String::new(), text: (*v).into(), website: String::new() };
        let f = ci.parse(&facts, today).map_err(|e| anyhow::anyhow!("{e}"))?.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let cid = store::add_comment(db, id, &f).await?;
        if k == 0 {
            store::moderate(db, &actor, cid, Moderation::Shown).await?;
        }
    }
    Ok(())
}
