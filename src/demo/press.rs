//! The city bureau's press work: in 2020 (the annual report's figures) 6 provincial or
//! city press conferences attended, 12 held, 268 press releases, 2,275 media reports of
//! which 440 in national media (entered month by month from the monitoring reports), and
//! responses to public concerns; a few records this year. Also the new-media accounts'
//! monthly publication counts of 2020.

use super::DemoOrgs;
use gongkai_core::press::PressInput;
use gongkai_store::{Actor, Db};
use jiff::civil::Date;

const TOPICS: [&str; 12] = [
    "城乡低保标准调整",
    "疫情防控期间困难群众基本生活保障",
    "长者饭堂建设",
    "养老服务条例实施",
    "社会组织登记管理",
    "清明祭扫服务安排",
    "困境儿童保障",
    "社区治理创新",
    "婚姻登记预约服务",
    "慈善捐赠款物使用",
    "殡葬服务收费",
    "居家养老服务补贴",
];

fn input(kind: &str, on: Date, title: String, level: &str, who: &str, count: i64, national: i64) -> PressInput {
    PressInput {
        kind: kind.into(),
        on: on.to_string(),
        title,
        level: level.into(),
        who: who.into(),
        summary: String::new(),
        count: count.to_string(),
        national: national.to_string(),
    }
}

pub(super) async fn seed(db: &Db, orgs: &DemoOrgs, today: Date) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let mut records = Vec::new();
    for i in 0..12i8 {
        let on = Date::new(2020, i + 1, 15)?;
        records.push(input(
            "conference_held",
            on,
            format!("{}新闻发布会", TOPICS[i as usize]),
            "",
            "局领导、相关处室负责人",
            1,
            0,
        ));
    }
    for (i, level) in ["省级", "省级", "市级", "市级", "市级", "市级"].iter().enumerate() {
        let on = Date::new(2020, 2 * i as i8 + 1, 20)?;
        records.push(input(
            "conference_attended",
            on,
            format!("{}专题发布会", TOPICS[(i + 3) % 12]),
            level,
            "分管局领导",
            1,
            0,
        ));
    }
    for n in 0..268i32 {
        let on = Date::new(2020, 1, 1)?.checked_add(jiff::Span::new().days(i64::from(n) * 365 / 268))?;
        records.push(input(
            "release",
            on,
            format!("{}（第{}期）", TOPICS[n as usize % 12], n + 1),
            "",
            "局办公室",
            1,
            0,
        ));
    }
    // Coverage by month: 2,275 reports, 440 of them national.
    let monthly = [150, 260, 240, 200, 180, 170, 160, 190, 185, 175, 180, 185];
    let national = [30, 60, 50, 40, 35, 30, 30, 35, 35, 30, 30, 35];
    for m in 0..12 {
        let on = Date::new(2020, m as i8 + 1, 28)?;
        records.push(input(
            "coverage",
            on,
            format!("{}月媒体报道", m + 1),
            "",
            "舆情监测报告",
            monthly[m],
            national[m],
        ));
    }
    for (i, t) in TOPICS.iter().enumerate() {
        let on = Date::new(2020, (i % 12) as i8 + 1, 10)?;
        let mut r = input("response", on, format!("关于{t}的社会关切回应"), "", "门户网站、政务微信", 1, 0);
        r.summary = format!("针对网民关注的{t}问题，及时发布解读，说明政策依据和办理渠道。");
        records.push(r);
    }
    // This year: a conference and a response before today.
    let this = today.checked_sub(jiff::Span::new().days(20))?;
    records.push(input("conference_held", this, "年度民生实事进展新闻发布会".into(), "", "局领导", 1, 0));
    records.push(input("response", this, "关于长者饭堂用餐补贴的社会关切回应".into(), "", "门户网站", 1, 0));
    for r in records {
        let f = r.parse(today).map_err(|e| anyhow::anyhow!("demo press record: {e:?}"))?;
        gongkai_store::press::create(db, &actor, orgs.city, &f).await?;
    }
    // New-media accounts' monthly counts in 2020 (the portal's are counted from the catalog).
    for m in 1..=12i8 {
        for (channel, n) in [("政务微信", 140 + 2 * i64::from(m)), ("政务微博", 170 + 3 * i64::from(m))] {
            let c = gongkai_core::channels::ChannelCount { channel: channel.into(), year: 2020, month: m, count: n };
            gongkai_store::channels::set(db, &actor, orgs.city, &c).await?;
        }
    }
    Ok(())
}
