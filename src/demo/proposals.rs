//! The city bureau's suggestions and proposals: the 2020 handling its annual report
//! describes (119 motions: 15 lead, 101 co-handled, 3 for reference; all answered on time
//! and rated satisfied; 9 replies published in full, the other 6 lead replies not published
//! with the reason), and open ones of the current year.

use super::DemoOrgs;
use super::applications::Rng;
use gongkai_core::calendar::Calendar;
use gongkai_core::proposals::{self as rules, Classification, Disclosure, MotionInput, Satisfaction};
use gongkai_store::proposals::{self as store, StepText};
use gongkai_store::{Actor, Db};
use jiff::ToSpan;
use jiff::civil::Date;

const SUBJECTS: [&str; 12] = [
    "加快社区居家养老服务设施建设",
    "提高城乡最低生活保障标准",
    "完善困境儿童分类保障制度",
    "推进长者饭堂扩面提质",
    "加强社会组织登记管理和监督",
    "规范公益性公墓建设和管理",
    "支持社会工作者队伍建设",
    "推进城乡社区治理和服务创新",
    "加大临时救助力度",
    "提升养老护理员职业技能",
    "完善残疾人两项补贴制度",
    "推广智慧养老服务平台",
];
const LEADS: [&str; 5] = ["市卫生健康委", "市人力资源社会保障局", "市财政局", "市住房城乡建设局", "市医保局"];

fn motion(rng: &mut Rng, kind: &str, n: u32, role: &str, assigned: Date) -> MotionInput {
    let npc = kind == "npc";
    let subject = rng.pick(&SUBJECTS);
    MotionInput {
        kind: kind.into(),
        session: if npc { "十五届人大五次会议" } else { "十三届政协五次会议" }.into(),
        number: format!("第{}{n:04}号", assigned.year()),
        title: format!("关于{subject}的{}", if npc { "建议" } else { "提案" }),
        proposers: format!(
            "{}等{}名{}",
            ["王建国", "李慧敏", "陈志强", "黄晓红"][n as usize % 4],
            2 + n % 9,
            if npc { "代表" } else { "委员" }
        ),
        content: format!("建议进一步{subject}，明确责任分工，加大投入，建立考核评估机制。"),
        assigned_by: if npc { "市人大常委会代表工作委员会" } else { "市政协提案委员会" }.into(),
        assigned_on: assigned.to_string(),
        role: role.into(),
        other_units: if role == "lead" { String::new() } else { format!("{}（主办）", rng.pick(&LEADS)) },
        urgent_due: String::new(),
    }
}

pub(super) async fn seed(db: &Db, orgs: &DemoOrgs, cal: &Calendar, today: Date) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let s = rules::MotionSettings::default();
    let mut rng = Rng(0x5eed_2020_0119);
    // 2020: assigned in March after the sessions, replied within the period, all satisfied.
    let roles: Vec<&str> = std::iter::repeat_n("lead", 15)
        .chain(std::iter::repeat_n("co_handler", 101))
        .chain(std::iter::repeat_n("reference", 3))
        .collect();
    let mut published = 0;
    for (i, role) in roles.iter().enumerate() {
        let kind = if i % 5 < 3 { "npc" } else { "cppcc" };
        let assigned = Date::new(2020, 3, 20)?.checked_add((i as i64 % 10).days())?;
        let facts =
            motion(&mut rng, kind, i as u32 + 1, role, assigned).parse(today).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = store::create(db, &actor, orgs.city, &facts, &s).await?;
        let m = store::get(db, id).await?;
        let days = if *role == "co_handler" { 15 + rng.below(12) } else { 40 + rng.below(40) };
        let on = assigned.checked_add((days as i64).days())?;
        let class = match *role {
            "co_handler" => None,
            "reference" => Some(Classification::D),
            _ => Some(*rng.pick(&[Classification::A, Classification::A, Classification::B, Classification::C])),
        };
        let text = format!(
            "{}代表（委员）：\n您提出的《{}》收悉。经认真研究，现答复如下：我局高度重视，已会同有关部门制定工作方案，明确了时间表和路线图。\n联系人：市民政局办公室，电话 020-83330000。",
            facts.proposers, facts.title
        );
        let h = rules::reply(&facts, &m.handling, on, class, today).map_err(|e| anyhow::anyhow!("{e}"))?;
        store::save_handling(
            db,
            &actor,
            &m,
            &h,
            &StepText { reply_text: Some(text.clone()), ..Default::default() },
            "reply",
        )
        .await?;
        let m = store::get(db, id).await?;
        let rated = rules::rate(&m.handling, Satisfaction::Satisfied, on.checked_add(10.days())?, &s)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        store::save_handling(db, &actor, &m, &rated, &StepText::default(), "rate").await?;
        if *role == "lead" && published < 9 {
            let m = store::get(db, id).await?;
            let by = cal.add_working_days(on, s.publish_within_wd)?;
            let h = rules::decide_publication(
                &facts,
                &m.handling,
                Disclosure::Full,
                "",
                by.min(on.checked_add(14.days())?),
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let shown = StepText { published_text: Some(rules::redact_contacts(&text)), ..Default::default() };
            store::save_handling(db, &actor, &m, &h, &shown, "publish").await?;
            published += 1;
        } else if *role == "lead" {
            let m = store::get(db, id).await?;
            let reason = "答复涉及尚在研究、未形成定论的工作方案，不宜主动公开";
            let h = rules::decide_publication(
                &facts,
                &m.handling,
                Disclosure::NotPublished,
                reason,
                on.checked_add(15.days())?,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let shown = StepText { disclosure_reason: Some(reason.into()), ..Default::default() };
            store::save_handling(db, &actor, &m, &h, &shown, "publish").await?;
        }
    }
    // This year: a few open ones — one overdue, one due soon, one co-handled, one replied
    // and waiting for its rating and publication, one unsatisfied and being handled again.
    let year_start = Date::new(today.year(), 3, 1)?;
    let open = [
        ("npc", "lead", today.checked_sub(100.days())?),
        ("npc", "lead", today.checked_sub(80.days())?),
        ("cppcc", "co_handler", today.checked_sub(20.days())?),
        ("cppcc", "lead", today.checked_sub(60.days())?),
        ("npc", "separate", today.checked_sub(70.days())?),
    ];
    for (i, (kind, role, assigned)) in open.into_iter().enumerate() {
        let assigned = assigned.max(year_start).min(today);
        let facts = motion(&mut rng, kind, 900 + i as u32, role, assigned)
            .parse(today)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = store::create(db, &actor, orgs.city, &facts, &s).await?;
        if i >= 3 {
            let m = store::get(db, id).await?;
            let on = assigned.checked_add(20.days())?.min(today);
            let h = rules::reply(&facts, &m.handling, on, Some(Classification::B), today)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let text = format!("关于《{}》的答复：我局正在会同有关部门研究。", facts.title);
            store::save_handling(
                db,
                &actor,
                &m,
                &h,
                &StepText { reply_text: Some(text), ..Default::default() },
                "reply",
            )
            .await?;
            if i == 4 {
                let m = store::get(db, id).await?;
                let rated =
                    rules::rate(&m.handling, Satisfaction::Unsatisfied, on, &s).map_err(|e| anyhow::anyhow!("{e}"))?;
                store::save_handling(db, &actor, &m, &rated, &StepText::default(), "rate").await?;
            }
        }
    }
    Ok(())
}
