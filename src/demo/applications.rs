//! Demo applications and appeals: several years of handled applications (63 handled by
//! the city bureau in 2020, with 8 reconsiderations that year, all upheld, no litigation)
//! and open applications relative to today, some due soon and one overdue, so the
//! console inbox looks alive. Every record goes through the real workflow rules.

use super::DemoOrgs;
use anyhow::Context;
use gongkai_core::appeals::{AppealKind, AppealResult};
use gongkai_core::applications::identity::ResidentId;
use gongkai_core::applications::intake::ApplicationInput;
use gongkai_core::applications::{Channel, ClockSettings, Event, Outcome, Party};
use gongkai_core::calendar::Calendar;
use gongkai_core::ids::{ApplicationId, OrgId};
use gongkai_store::applications::{self as store, appeals};
use gongkai_store::{Actor, Db};
use jiff::civil::Date;

/// A small deterministic generator, so the demo is the same on every machine.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub(super) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const SURNAMES: [&str; 20] = [
    "张", "王", "李", "赵", "陈", "刘", "杨", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "志强", "建华",
];
const AREAS: [&str; 6] = ["440104", "440105", "440103", "440106", "440111", "440113"];
const TOPICS: [&str; 14] = [
    "{y}年度最低生活保障资金发放情况",
    "{y}年度特困人员救助供养资金使用情况",
    "{y}年度临时救助审批情况统计",
    "本市养老机构备案名单",
    "{y}年度养老服务补贴发放标准及依据",
    "殡葬服务收费项目及收费标准",
    "{y}年度社会组织年度检查结果",
    "某社会团体行政处罚决定书",
    "高龄津贴申领条件及办理流程",
    "{y}年度福利彩票公益金使用情况",
    "困难残疾人生活补贴审核情况",
    "社区养老服务设施建设补助资金分配方案",
    "婚姻登记档案中本人的登记记录",
    "区划地名变更的批复文件",
];
const COMPANIES: [&str; 5] =
    ["广州某养老服务有限公司", "广州某信息科技有限公司", "某律师事务所", "某大学公共管理学院", "某社会工作服务中心"];

fn person_id(rng: &mut Rng) -> String {
    let body = format!(
        "{}{}{:02}{:02}{:03}",
        rng.pick(&AREAS),
        1950 + rng.below(50),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(1000)
    );
    let check = ResidentId::check_char(&body).expect("17 digits");
    format!("{body}{check}")
}

/// What a demo application looks like before it is handled.
pub(super) struct Plan {
    org: OrgId,
    pub(super) channel: Channel,
    submitted: Date,
    input: ApplicationInput,
    pub(super) outcome: Option<Outcome>,
    /// Working days from the clock start to the reply.
    pub(super) reply_after: u32,
    correction: bool,
    pub(super) consultation: bool,
    pub(super) extension: bool,
}

fn application_input(rng: &mut Rng, year: i16) -> (ApplicationInput, usize) {
    let topic_ix = rng.below(TOPICS.len() as u64) as usize;
    let title = TOPICS[topic_ix].replace("{y}", &(year - 1).to_string());
    let kind_roll = rng.below(20);
    let (kind, name, id_kind, id_number, contact) = if kind_roll < 16 {
        let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
        ("natural_person", name, "resident_id", person_id(rng), String::new())
    } else {
        let i = rng.below(COMPANIES.len() as u64) as usize;
        let kind = ["commercial", "commercial", "legal_service", "research", "public_interest"][i];
        let body = format!("91440101MA{:07}", 1000 + i);
        let code = gongkai_core::orgs::CreditCode::check_char(&body).expect("alphabet");
        (kind, COMPANIES[i].to_string(), "credit_code", format!("{body}{code}"), format!("{}经理", rng.pick(&SURNAMES)))
    };
    let email_method = rng.below(2) == 0;
    (
        ApplicationInput {
            applicant_kind: kind.into(),
            applicant_name: name,
            contact_person: contact,
            id_kind: id_kind.into(),
            id_number,
            phone: format!("13{:09}", rng.below(1_000_000_000)),
            email: format!("applicant{}@example.com", rng.below(100_000)),
            address: format!(
                "广州市{}区示例街{}号",
                ["越秀", "海珠", "天河", "白云"][rng.below(4) as usize],
                1 + rng.below(200)
            ),
            info_title: title,
            info_doc_number: String::new(),
            info_description: String::new(),
            delivery_form: if email_method { "电子数据".into() } else { "纸质文本".into() },
            delivery_method: if email_method { "电子邮件".into() } else { "邮寄".into() },
        },
        topic_ix,
    )
}

/// A plausible outcome for the kind of information asked for.
fn outcome_for(rng: &mut Rng, topic_ix: usize) -> Outcome {
    match (topic_ix, rng.below(10)) {
        (12, _) => Outcome::ThirdPartyRights,
        (7, 0..=4) => Outcome::PartlyDisclosed,
        (_, 0..=5) => Outcome::Disclosed,
        (_, 6) => Outcome::PartlyDisclosed,
        (_, 7) => Outcome::NotHeld,
        (_, 8) => *rng.pick(&[Outcome::Petition, Outcome::NeedsCreation, Outcome::Repeat, Outcome::ProcessInformation]),
        _ => Outcome::Disclosed,
    }
}

pub(super) fn working_day_on_or_after(cal: &Calendar, mut d: Date) -> anyhow::Result<Date> {
    while !cal.is_working_day(d)? {
        d = d.tomorrow()?;
    }
    Ok(d)
}

/// Working day dates spread over a year (first to `last`).
pub(super) fn dates_in(cal: &Calendar, rng: &mut Rng, year: i16, n: usize, last: Date) -> anyhow::Result<Vec<Date>> {
    let first = Date::new(year, 1, 6)?;
    let span = (last - first).get_days().max(1) as u64;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let d = first.checked_add(jiff::Span::new().days(rng.below(span) as i64))?;
        out.push(working_day_on_or_after(cal, d)?);
    }
    out.sort();
    Ok(out)
}

pub(super) async fn handle(
    db: &Db,
    actor: &Actor,
    cal: &Calendar,
    plan: Plan,
    rng: &mut Rng,
) -> anyhow::Result<(ApplicationId, Option<Date>)> {
    let s = ClockSettings::default();
    let facts = plan.input.parse().map_err(|e| anyhow::anyhow!("demo application: {e}"))?;
    let code = format!("DEMO-{}", rng.next());
    let created = store::create(db, actor, plan.org, &facts, plan.channel, plan.submitted, &code, &s, cal)
        .await
        .map_err(|e| anyhow::anyhow!("demo application: {e}"))?;
    let id = created.id;
    let ev = |e: Event| async move {
        store::append(db, actor, id, &e, &s, cal).await.map_err(|e| anyhow::anyhow!("demo event: {e}"))
    };
    let mut start = plan.submitted;
    if !plan.channel.received_on_submission() {
        start = cal.add_working_days(plan.submitted, 1)?;
        ev(Event::ReceiptConfirmed { on: start }).await?;
    }
    let Some(outcome) = plan.outcome else { return Ok((id, None)) };
    ev(Event::Assigned { handler_id: 0, handler: "王公开".into() }).await?;
    if plan.correction {
        let on = cal.add_working_days(start, 2)?;
        ev(Event::CorrectionRequested {
            on, period_wd: 15, items: "请写明所需信息的年份和具体名称".into()
        })
        .await?;
        if outcome == Outcome::CorrectionLapsed {
            ev(Event::CorrectionLapsed { on: cal.add_working_days(on, 16)? }).await?;
            return Ok((id, Some(cal.add_working_days(on, 16)?)));
        }
        start = cal.add_working_days(on, 4)?;
        ev(Event::Corrected { on: start }).await?;
    }
    let mut reply_after = plan.reply_after;
    if plan.consultation {
        let open = cal.add_working_days(start, 3)?;
        ev(Event::ConsultationOpened { on: open, party: Party::ThirdParty, with: "相关社会组织".into() }).await?;
        let close = cal.add_working_days(open, 8)?;
        ev(Event::ConsultationClosed { on: close, summary: "第三方不同意公开其联系人信息".into() }).await?;
        reply_after += 8;
    }
    if plan.extension {
        let on = cal.add_working_days(start, 18)?;
        ev(Event::ExtensionApproved {
            on,
            days: 10,
            reason: "所需信息涉及多个年度档案，需要调取整理".into(),
            approver: "陈审核".into(),
        })
        .await?;
        reply_after = reply_after.max(24);
    }
    let reply_on = cal.add_working_days(start, reply_after)?;
    let summary = match outcome {
        Outcome::Disclosed => "所申请信息已通过电子邮件提供。".to_string(),
        Outcome::PartlyDisclosed => "提供可以公开的部分，涉及个人隐私的内容已作区分处理。".into(),
        Outcome::NotHeld => "经检索，本机关未制作或获取该信息。".into(),
        _ => String::new(),
    };
    ev(Event::Replied { on: reply_on, outcome, summary }).await?;
    ev(Event::Delivered { on: reply_on, method: "电子邮件".into() }).await?;
    Ok((id, Some(reply_on)))
}

pub(super) fn plan(rng: &mut Rng, org: OrgId, submitted: Date, year: i16, outcome: Option<Outcome>) -> Plan {
    let (input, topic) = application_input(rng, year);
    let channel = *rng.pick(&[
        Channel::Online,
        Channel::Online,
        Channel::Online,
        Channel::InPerson,
        Channel::Post,
        Channel::Email,
    ]);
    let roll = rng.below(20);
    Plan {
        org,
        channel,
        submitted,
        outcome: outcome.or(Some(outcome_for(rng, topic))),
        input,
        reply_after: 5 + rng.below(12) as u32,
        correction: roll == 0,
        consultation: roll == 1 || topic == 12,
        extension: roll == 2,
    }
}

pub async fn seed(db: &Db, orgs: &DemoOrgs, cal: &Calendar, today: Date) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let city = orgs.city;

    // 2019: 3 applications received in late December and answered in January 2020.
    for day in ["2019-12-23", "2019-12-26", "2019-12-30"] {
        let mut p = plan(&mut rng, city, day.parse()?, 2020, Some(Outcome::Disclosed));
        p.channel = Channel::InPerson;
        p.reply_after = 12;
        handle(db, &actor, cal, p, &mut rng).await?;
    }
    // 2020: 62 received; 60 answered within the year and 2 (received mid-December) in
    // January 2021, so 63 are handled in 2020 and 2 are carried over.
    let mut app_2020 = Vec::new();
    for d in dates_in(cal, &mut rng, 2020, 60, Date::new(2020, 11, 20)?)? {
        let p = plan(&mut rng, city, d, 2020, None);
        let (id, _) = handle(db, &actor, cal, p, &mut rng).await?;
        app_2020.push(id);
    }
    for day in ["2020-12-17", "2020-12-21"] {
        let mut p = plan(&mut rng, city, day.parse()?, 2020, Some(Outcome::Disclosed));
        p.channel = Channel::InPerson;
        p.reply_after = 15;
        handle(db, &actor, cal, p, &mut rng).await?;
    }
    // 8 reconsiderations filed in 2020, all upheld in 2020; no litigation.
    for (i, app) in app_2020.iter().step_by(7).take(8).enumerate() {
        let filed = working_day_on_or_after(cal, Date::new(2020, 2 + i as i8, 10)?)?;
        let new = appeals::NewAppeal {
            application_id: Some(*app),
            kind: AppealKind::Reconsideration,
            body: "广州市人民政府".into(),
            case_number: Some(format!("穗府行复〔2020〕{}号", 100 + i * 37)),
            filed_on: filed,
            decided: Some((cal.add_working_days(filed, 40)?, AppealResult::Upheld)),
            note: None,
        };
        appeals::create(db, &actor, city, &new).await.context("demo appeal")?;
    }
    // 2021 to last year: a few dozen a year, one reconsideration corrected in 2023.
    // Every full year before today's has its history, whatever the date the demo runs at.
    let counts = [48usize, 41, 52, 57, 44, 50, 46];
    for (year, n) in (2021..today.year()).map(|y: i16| (y, counts[(y - 2021) as usize % counts.len()])) {
        let mut ids = Vec::new();
        for d in dates_in(cal, &mut rng, year, n, Date::new(year, 11, 25)?)? {
            let p = plan(&mut rng, city, d, year, None);
            ids.push(handle(db, &actor, cal, p, &mut rng).await?.0);
        }
        if year == 2023 {
            let new = appeals::NewAppeal {
                application_id: ids.get(5).copied(),
                kind: AppealKind::Reconsideration,
                body: "广州市人民政府".into(),
                case_number: Some("穗府行复〔2023〕512号".into()),
                filed_on: Date::new(2023, 6, 12)?,
                decided: Some((Date::new(2023, 8, 21)?, AppealResult::Corrected)),
                note: Some("责令重新答复".into()),
            };
            appeals::create(db, &actor, city, &new).await?;
        }
    }
    // A few for a district bureau and the (self-handling) social-organisation administration.
    for org in [orgs.districts[0], orgs.social_org] {
        for d in dates_in(cal, &mut rng, 2024, 6, Date::new(2024, 11, 25)?)? {
            let p = plan(&mut rng, org, d, 2024, None);
            handle(db, &actor, cal, p, &mut rng).await?;
        }
    }
    seed_open(db, &actor, cal, orgs, &mut rng, today).await
}

/// Open applications relative to today: overdue, due soon, running, paused, unconfirmed.
async fn seed_open(
    db: &Db,
    actor: &Actor,
    cal: &Calendar,
    orgs: &DemoOrgs,
    rng: &mut Rng,
    today: Date,
) -> anyhow::Result<()> {
    // Counted on the provisional calendar where today's deadlines reach a year without a
    // loaded notice (the demo then shows them marked 暂定).
    let anchor = today;
    let back = |wd: u32| -> anyhow::Result<Date> {
        // The date `wd` working days before the anchor.
        let mut d = anchor;
        let mut left = wd;
        while left > 0 {
            d = d.yesterday()?;
            if cal.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    };
    let city = orgs.city;
    // Overdue: received 23 working days ago, no reply.
    let mut p = plan(rng, city, back(23)?, anchor.year(), None);
    p.channel = Channel::InPerson;
    p.outcome = None;
    handle(db, actor, cal, p, rng).await?;
    // Due soon: 17 and 19 working days ago; the handler has drafted the reply of the
    // first, which waits on the approver's desk.
    for wd in [17, 19] {
        let mut p = plan(rng, city, back(wd)?, anchor.year(), None);
        p.channel = Channel::InPerson;
        p.outcome = None;
        let (id, _) = handle(db, actor, cal, p, rng).await?;
        if wd == 17 {
            let draft = Event::Replied {
                on: anchor,
                outcome: Outcome::Disclosed,
                summary: "经查，所申请信息已在本机关门户网站公开，现将获取方式告知如下。".into(),
            };
            store::propose(db, &Actor::system("gzmz.staff"), id, &draft).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    // Running normally.
    for wd in [3, 6, 9, 12] {
        let mut p = plan(rng, city, back(wd)?, anchor.year(), None);
        p.outcome = None;
        handle(db, actor, cal, p, rng).await?;
    }
    // Awaiting the applicant's correction, and one in third-party consultation.
    let mut p = plan(rng, city, back(5)?, anchor.year(), None);
    p.channel = Channel::InPerson;
    p.outcome = None;
    let (id, _) = handle(db, actor, cal, p, rng).await?;
    let s = ClockSettings::default();
    store::append(
        db,
        actor,
        id,
        &Event::CorrectionRequested {
            on: back(3)?, period_wd: 15, items: "请明确所需信息的年度和地区".into()
        },
        &s,
        cal,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut p = plan(rng, city, back(10)?, anchor.year(), None);
    p.channel = Channel::InPerson;
    p.outcome = None;
    let (id, _) = handle(db, actor, cal, p, rng).await?;
    store::append(
        db,
        actor,
        id,
        &Event::ConsultationOpened {
            on: back(4)?, party: Party::ThirdParty, with: "某养老服务有限公司".into()
        },
        &s,
        cal,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Submitted online today, waiting for both sides to confirm receipt.
    let mut p = plan(rng, city, anchor, anchor.year(), None);
    p.channel = Channel::Online;
    p.outcome = None;
    let facts = p.input.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    store::create(db, actor, city, &facts, Channel::Online, anchor, &format!("DEMO-{}", rng.next()), &s, cal)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The district bureau has one running too.
    let mut p = plan(rng, orgs.districts[0], back(8)?, anchor.year(), None);
    p.channel = Channel::InPerson;
    p.outcome = None;
    handle(db, actor, cal, p, rng).await?;
    store::sweep_alerts(db, anchor, &s, cal).await?;
    Ok(())
}
