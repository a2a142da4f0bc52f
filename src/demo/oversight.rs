//! Demo oversight: the city bureau's social-assistance and elderly-care standard catalogs
//! (the MCA guidelines' matters, spec §A.6), adopted by all 11 district bureaus with varied
//! compliance (five complete, three with late matters, three with empty ones), name lists
//! (one still on public notice, the 2020 ones taken down), 2020 applications and appeals of
//! the districts, the 2020 supervision tasks with mixed completion plus one open now,
//! inspections and the year's village-affairs records.

use super::DemoOrgs;
use super::applications::{Rng, dates_in, handle, plan, working_day_on_or_after};
use gongkai_core::appeals::{AppealKind, AppealResult};
use gongkai_core::applications::Outcome;
use gongkai_core::calendar::Calendar;
use gongkai_core::catalog::{Disclosure, ItemKind};
use gongkai_core::ids::OrgId;
use gongkai_core::oversight::standards::{Mode, StandardItem, StandardItemInput, roster_from_table};
use gongkai_core::oversight::supervision::{InspectionInput, TaskInput, VillageInput};
use gongkai_store::catalog::{self, Draft, Entry};
use gongkai_store::oversight::{self as std_store, supervision as sup};
use gongkai_store::{Actor, Db};
use jiff::civil::{Date, date};

/// (一级, 二级, 要素, 依据, 起算, 工作日, 公示期, 主体, 渠道, 对象, 方式, 层级, 名单字段)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

const POLICY: &str = "《社会救助暂行办法》《广东省社会救助条例》";
const WEB: &[&str] = &["website", "new_media", "service_centre"];
const BOARD: &[&str] = &["website", "notice_board", "service_station"];
const COUNTY: &[&str] = &["county"];
const COUNTY_TOWN: &[&str] = &["county", "township"];

const ASSISTANCE: [Row; 13] = [
    (
        "综合业务",
        "政策法规文件",
        "社会救助相关法律、法规、规章和规范性文件",
        POLICY,
        "obtained",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "监督检查",
        "信访通讯地址",
        "信访接待地址、邮编、接待时间",
        "《信访条例》",
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY_TOWN,
        "",
    ),
    (
        "监督检查",
        "投诉举报电话",
        "社会救助投诉举报电话",
        POLICY,
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY_TOWN,
        "",
    ),
    (
        "最低生活保障",
        "政策法规文件",
        "低保政策文件",
        POLICY,
        "obtained",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "最低生活保障",
        "办事指南",
        "办理事项、条件、低保标准、申请材料、流程、时间地点、联系方式",
        POLICY,
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY_TOWN,
        "",
    ),
    (
        "最低生活保障",
        "审核信息",
        "初审对象名单及相关信息",
        "《最低生活保障审核确认办法》",
        "decided",
        "10",
        "7",
        "乡镇人民政府（街道办事处）",
        BOARD,
        "public",
        "proactive",
        &["township", "village"],
        "姓名、所在村（居）、家庭人口、拟保障人数",
    ),
    (
        "最低生活保障",
        "审批信息",
        "低保对象名单、保障人数、保障金额",
        "《最低生活保障审核确认办法》",
        "decided",
        "10",
        "",
        "县级人民政府民政部门",
        BOARD,
        "public",
        "proactive",
        COUNTY_TOWN,
        "姓名、所在村（居）、保障人数、保障金额",
    ),
    (
        "特困人员救助供养",
        "政策法规文件",
        "特困人员救助供养政策文件",
        POLICY,
        "obtained",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "特困人员救助供养",
        "办事指南",
        "办理事项、条件、供养标准、申请材料、流程、联系方式",
        POLICY,
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY_TOWN,
        "",
    ),
    (
        "特困人员救助供养",
        "审核审批信息",
        "特困人员名单（含终止供养名单）",
        "《特困人员认定办法》",
        "decided",
        "10",
        "7",
        "县级人民政府民政部门",
        BOARD,
        "public",
        "proactive",
        COUNTY_TOWN,
        "姓名、所在村（居）、供养方式",
    ),
    (
        "临时救助",
        "政策文件",
        "临时救助政策文件",
        POLICY,
        "obtained",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "临时救助",
        "办事指南",
        "办理事项、条件、救助标准、申请材料、流程、联系方式",
        POLICY,
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY_TOWN,
        "",
    ),
    (
        "临时救助",
        "审核审批信息",
        "支出型临时救助对象名单、救助金额、救助事由",
        POLICY,
        "decided",
        "10",
        "",
        "县级人民政府民政部门",
        BOARD,
        "group",
        "proactive",
        COUNTY_TOWN,
        "姓名、救助金额、救助事由",
    ),
];

const ELDERLY_BASIS: &str = "《中华人民共和国老年人权益保障法》《养老机构管理办法》";

const ELDERLY: [Row; 7] = [
    (
        "养老服务通用政策",
        "政策文件",
        "文件名称、文号、发文部门",
        ELDERLY_BASIS,
        "obtained",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "养老服务扶持政策措施清单",
        "清单",
        "扶持政策措施的名称、内容、对象、依据",
        ELDERLY_BASIS,
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "养老机构投资指南",
        "投资指南",
        "设立条件、审批事项、扶持政策、办理流程",
        ELDERLY_BASIS,
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "养老服务业务办理",
        "养老机构备案",
        "材料清单及样式、流程、办理部门、时限、时间地点、咨询电话",
        "《养老机构管理办法》",
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "养老服务业务办理",
        "养老服务扶持补贴",
        "建设补贴、运营补贴的依据、对象、条件、标准、方式、材料、流程",
        ELDERLY_BASIS,
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY,
        "",
    ),
    (
        "养老服务业务办理",
        "老年人补贴",
        "高龄津贴、养老服务补贴、护理补贴的依据、对象、标准、流程",
        ELDERLY_BASIS,
        "changed",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "proactive",
        COUNTY_TOWN,
        "",
    ),
    (
        "养老服务业务办理",
        "养老机构监督检查结果",
        "检查对象、检查结果、处理情况",
        "《养老机构管理办法》",
        "decided",
        "20",
        "",
        "县级人民政府民政部门",
        WEB,
        "public",
        "on_request",
        COUNTY,
        "",
    ),
];

fn item(r: &Row) -> anyhow::Result<StandardItem> {
    let input = StandardItemInput {
        level1: r.0.into(),
        level2: r.1.into(),
        elements: r.2.into(),
        basis: r.3.into(),
        start: r.4.into(),
        working_days: r.5.into(),
        notice_days: r.6.into(),
        responsible: r.7.into(),
        channels: r.8.iter().map(|s| s.to_string()).collect(),
        audience: r.9.into(),
        mode: r.10.into(),
        levels: r.11.iter().map(|s| s.to_string()).collect(),
        list_fields: r.12.into(),
        ..Default::default()
    };
    input.parse().map_err(|e| anyhow::anyhow!("demo standard item {}: {e}", r.1))
}

/// Which matters of a district are left empty or published late, by district position.
fn fate(district: usize, matter: usize) -> Fate {
    match district {
        0..=4 => Fate::OnTime,
        5..=7 if matter % 6 == district % 6 || matter == district + 4 => Fate::Late,
        8..=10 if matter % 5 == district % 5 => Fate::Empty,
        8..=10 if matter == 2 => Fate::Late,
        _ => Fate::OnTime,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Fate {
    OnTime,
    Late,
    Empty,
}

pub async fn seed(db: &Db, orgs: &DemoOrgs, cal: &Calendar, today: Date) -> anyhow::Result<()> {
    let staff = Actor::system("gzmz.staff");
    let domains = std_store::domains(db).await?;
    let mut templates = vec![];
    for (domain, name, rows) in [
        ("社会救助", "社会救助领域基层政务公开标准目录", &ASSISTANCE[..]),
        ("养老服务", "养老服务领域基层政务公开标准目录", &ELDERLY[..]),
    ] {
        let d = domains.iter().find(|d| d.name == domain).ok_or_else(|| anyhow::anyhow!("domain {domain}"))?;
        let t = std_store::create_template(db, &staff, orgs.city, d.id, name).await?;
        for r in rows {
            std_store::add_item(db, &staff, orgs.city, t, &item(r)?).await?;
        }
        std_store::publish_template(db, &Actor::system("gzmz.approver"), orgs.city, t, date(2020, 3, 2)).await?;
        templates.push(t);
    }
    let mut rng = Rng(0x0e75_1947_2020);
    for (i, org) in orgs.districts.iter().enumerate() {
        seed_district(db, cal, *org, i, &templates, today, &mut rng).await?;
    }
    // The 2020 lists' notice periods are long over: the sweep takes them down, as the worker does.
    std_store::expire_notices(db, today).await?;
    seed_applications(db, orgs, cal, &mut rng).await?;
    seed_supervision(db, orgs, today).await?;
    Ok(())
}

async fn seed_district(
    db: &Db,
    cal: &Calendar,
    org: OrgId,
    i: usize,
    templates: &[i64],
    today: Date,
    rng: &mut Rng,
) -> anyhow::Result<()> {
    let o = gongkai_store::orgs::get(db, org).await?;
    let staff = Actor::system(&format!("{}.staff", o.short_code.trim_end_matches("mz")));
    let cols = catalog::columns(db, org).await?;
    let column =
        |slug: &str| cols.iter().find(|c| c.slug == slug).map(|c| c.id).ok_or_else(|| anyhow::anyhow!("column {slug}"));
    for (k, t) in templates.iter().enumerate() {
        let adopted = working_day_on_or_after(cal, date(2020, 3, 9 + i as i8))?;
        let c = std_store::adopt(db, &staff, org, *t, adopted).await?;
        if k == 0 && i.is_multiple_of(3) {
            let local = StandardItemInput {
                level1: "最低生活保障".into(),
                level2: "低保标准调整公告".into(),
                elements: "调整后的城乡低保标准、执行时间".into(),
                basis: POLICY.into(),
                start: "obtained".into(),
                working_days: "5".into(),
                responsible: "区民政局".into(),
                channels: vec!["website".into(), "new_media".into()],
                audience: "public".into(),
                mode: "proactive".into(),
                levels: vec!["county".into()],
                ..Default::default()
            };
            std_store::add_item(db, &staff, org, c, &local.parse().map_err(|e| anyhow::anyhow!("{e}"))?).await?;
        }
        for (m, row) in std_store::items(db, c).await?.iter().enumerate() {
            let matter = k * 20 + m;
            let f = fate(i, matter);
            if f == Fate::Empty || row.item.mode == Mode::OnRequest {
                continue;
            }
            // Formed on a working day of 2020; published inside the matter's limit, or
            // four working days after it.
            let formed = working_day_on_or_after(cal, date(2020, 4 + (matter % 8) as i8, 1 + rng.below(20) as i8))?;
            let limit = row.item.limit.working_days;
            let after = if f == Fate::Late { limit + 4 } else { 1 + rng.below(u64::from(limit.min(5))) as u32 };
            let published = cal.add_working_days(formed, after)?;
            let slug = if k == 0 { "assistance" } else { "elderly" };
            let title = format!("{}{}：{}（2020年）", o.name, row.item.level1, row.item.level2);
            let body = format!("<p>{}。</p><p>公开依据：{}。</p>", row.item.elements, row.item.basis);
            let draft = notice(
                column(slug)?,
                &o.name,
                title,
                row.item.elements.clone(),
                body,
                ("公告", row.item.level1.as_str()),
                formed,
            );
            let entry = Entry::Published { on: published, approved_by: format!("{}.approver", o.short_code) };
            let rec = catalog::create(db, cal, &staff, org, &draft, entry).await?;
            std_store::link(db, cal, &staff, org, rec, row.id).await?;
            if row.item.is_name_list() {
                std_store::set_roster(db, &staff, org, rec, &roster(&row.item.list_fields, i, rng)?).await?;
            }
        }
    }
    // 越秀: this month's 低保初审名单, still on public notice.
    if i == 0 {
        let c = std_store::catalogs_of(db, org)
            .await?
            .into_iter()
            .find(|c| c.name.starts_with("社会救助"))
            .ok_or_else(|| anyhow::anyhow!("catalog"))?;
        let rows = std_store::items(db, c.id).await?;
        let first = rows.iter().find(|r| r.item.level2 == "审核信息").ok_or_else(|| anyhow::anyhow!("审核信息"))?;
        let mut published = today;
        for _ in 0..2 {
            published = published.yesterday()?;
            while !cal.is_working_day(published)? {
                published = published.yesterday()?;
            }
        }
        let formed = published.yesterday()?;
        let body = "<p>经入户调查、民主评议，现将本月最低生活保障初审对象名单予以公示。对公示对象有异议的，请在公示期内向区民政局反映。</p>".to_string();
        let draft = notice(
            column("assistance")?,
            &o.name,
            format!("{}最低生活保障初审对象名单公示（{}年{}月）", o.name, published.year(), published.month()),
            "本月最低生活保障初审对象名单公示".into(),
            body,
            ("公示", "最低生活保障,公示"),
            formed,
        );
        let rec = catalog::create(
            db,
            cal,
            &staff,
            org,
            &draft,
            Entry::Published { on: published, approved_by: "yuexiu.approver".into() },
        )
        .await?;
        std_store::link(db, cal, &staff, org, rec, first.id).await?;
        std_store::set_roster(db, &staff, org, rec, &roster(&first.item.list_fields, 99, rng)?).await?;
    }
    Ok(())
}

/// A district's published record of a matter: (genre, keywords) as the catalog form has them.
fn notice(
    column_id: gongkai_core::ids::ColumnId,
    issuer: &str,
    title: String,
    summary: String,
    body: String,
    (genre, keywords): (&str, &str),
    formed: Date,
) -> Draft {
    Draft {
        column_id,
        kind: ItemKind::General,
        title,
        summary,
        body_text: gongkai_web::http::rich::html_text(&body),
        body_html: body,
        issuer: issuer.to_string(),
        co_issuers: String::new(),
        doc_number: None,
        genre: genre.into(),
        subject: "民政、扶贫、救灾\\社会福利".into(),
        keywords: keywords.into(),
        disclosure: Disclosure::Proactive,
        formed_on: formed,
        effective_on: None,
        interprets_id: None,
        interp_form: None,
        media_url: None,
    }
}

const SURNAMES: [&str; 12] = ["陈", "李", "张", "黄", "梁", "刘", "何", "林", "罗", "郭", "周", "吴"];
const STREETS: [&str; 6] = ["北京街", "人民街", "光塔街", "六榕街", "流花街", "东山街"];

/// A name list as staff paste it from their spreadsheet: with columns (ID number, phone)
/// the catalog does not list, which the parser drops.
fn roster(fields: &[String], seed: usize, rng: &mut Rng) -> anyhow::Result<gongkai_core::oversight::standards::Roster> {
    let mut text = format!("{}\t身份证号码\t联系电话\n", fields.join("\t"));
    for n in 0..(6 + seed % 5) {
        let cells: Vec<String> = fields
            .iter()
            .map(|f| match f.as_str() {
                "姓名" => format!("{}某{}", SURNAMES[(seed + n) % SURNAMES.len()], ["华", "明", "芳", "强"][n % 4]),
                "所在村（居）" => format!("{}社区", STREETS[(seed + n) % STREETS.len()]),
                "保障金额" | "救助金额" => format!("{}元", 600 + rng.below(30) * 10),
                "救助事由" => "突发重大疾病".into(),
                "供养方式" => {
                    if n % 2 == 0 {
                        "分散供养".into()
                    } else {
                        "集中供养".into()
                    }
                }
                _ => format!("{}", 1 + rng.below(4)),
            })
            .collect();
        text.push_str(&format!(
            "{}\t44010419{:02}0101{:04}\t1380013{:04}\n",
            cells.join("\t"),
            50 + n,
            1000 + n,
            1000 + n
        ));
    }
    roster_from_table(&text, fields).map_err(|e| anyhow::anyhow!("demo roster: {e}"))
}

/// 2020 applications of the districts (a few each; the last two bodies answered some late)
/// and three appeals.
async fn seed_applications(db: &Db, orgs: &DemoOrgs, cal: &Calendar, rng: &mut Rng) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    for (i, org) in orgs.districts.iter().enumerate() {
        let n = 2 + (i * 3) % 7;
        let mut first = None;
        for (k, d) in dates_in(cal, rng, 2020, n, date(2020, 11, 20))?.into_iter().enumerate() {
            let mut p = plan(rng, *org, d, 2020, None);
            if i >= 9 && k == 0 {
                // Answered after the 20 working days, without an extension.
                p.reply_after = 24;
                p.extension = false;
                p.consultation = false;
                p.outcome = Some(Outcome::Disclosed);
            }
            let (id, _) = handle(db, &actor, cal, p, rng).await?;
            first.get_or_insert(id);
        }
        if matches!(i, 1 | 4 | 9) {
            let filed = working_day_on_or_after(cal, date(2020, 10, 12 + i as i8))?;
            let decided = match i {
                1 => Some((cal.add_working_days(filed, 40)?, AppealResult::Upheld)),
                9 => Some((cal.add_working_days(filed, 45)?, AppealResult::Corrected)),
                _ => None,
            };
            let new = gongkai_store::applications::appeals::NewAppeal {
                application_id: first,
                kind: AppealKind::Reconsideration,
                body: "广州市人民政府".into(),
                case_number: Some(format!("穗府行复〔2020〕{}号", 700 + i)),
                filed_on: filed,
                decided,
                note: None,
            };
            gongkai_store::applications::appeals::create(db, &actor, *org, &new).await?;
        }
    }
    Ok(())
}

async fn seed_supervision(db: &Db, orgs: &DemoOrgs, today: Date) -> anyhow::Result<()> {
    let sup_actor = Actor::system("gzmz.supervisor");
    let all: Vec<(String, String)> = vec![("all".into(), "1".into())];
    let task = |title: &str, description: &str, due: Date| {
        let mut pairs = all.clone();
        pairs.push(("title".into(), title.into()));
        pairs.push(("description".into(), description.into()));
        pairs.push(("due_on".into(), due.to_string()));
        TaskInput::from_pairs(&pairs)
    };
    let t1 = task(
        "对2017年印发文件的公开属性和有效性进行评估",
        "按照政务公开工作要点，对本机构2017年印发的全部文件逐件评估公开属性和有效性，调整公开属性的说明理由，失效、废止的在门户网站标注，并报送评估结果清单。",
        date(2020, 6, 30),
    );
    let t2 = task(
        "2020年村（居）务公开工作要点落实情况",
        "对照市局印发的2020年村（居）务公开工作要点，报送辖区村（居）务公开目录编制、公开栏更新和检查整改情况。",
        date(2020, 11, 30),
    );
    let t3 = task(
        "填报养老服务领域基层政务公开标准目录落实情况",
        "对照《养老服务领域基层政务公开标准目录》，将已公开的信息逐条关联到对应事项，并报送未公开事项的原因和计划。",
        today.checked_add(jiff::Span::new().days(20))?,
    );
    let ids: Vec<OrgId> = orgs.districts.clone();
    let mut made = vec![];
    for t in [&t1, &t2, &t3] {
        let f = t.parse(today).map_err(|e| anyhow::anyhow!("demo task: {e}"))?;
        made.push((sup::create_task(db, &sup_actor, orgs.city, &f, &ids).await?, f.due_on));
    }
    for (i, org) in ids.iter().enumerate() {
        let o = gongkai_store::orgs::get(db, *org).await?;
        let staff = Actor::system(&format!("{}.staff", o.short_code.trim_end_matches("mz")));
        // Task 1: six on time, two late, one awaiting review, one returned, one not reported.
        let (t, due) = made[0];
        let on = match i {
            0..=5 => Some(due.checked_sub(jiff::Span::new().days(3 + i as i64))?),
            6..=9 => Some(due.checked_add(jiff::Span::new().days(2 + i as i64))?),
            _ => None,
        };
        if let Some(on) = on {
            sup::report(
                db,
                &staff,
                *org,
                t,
                on,
                &format!(
                    "已评估2017年印发文件{}件，其中调整公开属性{}件，标注失效{}件，评估清单见附件。",
                    20 + i,
                    i % 3,
                    1 + i % 2
                ),
                None,
                evidence(i).as_ref(),
            )
            .await?;
            match i {
                0..=7 => sup::review(db, &sup_actor, t, *org, true, None).await?,
                9 => {
                    sup::review(
                        db,
                        &sup_actor,
                        t,
                        *org,
                        false,
                        Some("评估清单缺少公开属性调整的理由，请补充后重新报送。"),
                    )
                    .await?
                }
                _ => {}
            }
        }
        // Task 2: eight accepted, two reported late, one not reported.
        let (t, due) = made[1];
        if i < 10 {
            let on = if i < 8 {
                due.checked_sub(jiff::Span::new().days(5))?
            } else {
                due.checked_add(jiff::Span::new().days(6))?
            };
            sup::report(
                db,
                &staff,
                *org,
                t,
                on,
                &format!("辖区{}个村（居）已全部编制村（居）务公开目录，公开栏按季度更新。", 100 + i * 17),
                None,
                None,
            )
            .await?;
            if i < 8 {
                sup::review(db, &sup_actor, t, *org, true, None).await?;
            }
        }
        // Task 3 (open now): two districts reported already; 越秀 has it on its desk.
        let (t, _) = made[2];
        if i == 1 || i == 2 {
            sup::report(
                db,
                &staff,
                *org,
                t,
                today,
                "已将养老服务领域已公开信息全部关联到对应事项，老年人补贴事项计划本月底前公开。",
                None,
                None,
            )
            .await?;
        }
        // Village affairs 2020.
        let committees = 150 + (i as u32 * 37) % 160;
        let v = VillageInput {
            org_id: org.0.to_string(),
            year: "2020".into(),
            work_points: "推进村（居）务公开目录化、标准化；公开栏每季度至少更新一次；财务收支每月公开；低保、特困等救助信息在村（居）公示栏公示。".into(),
            committees: committees.to_string(),
            on_schedule: (committees - (i as u32 % 4) * 3).to_string(),
            inspected: (committees / 3).to_string(),
            // 增城 has one problem still open.
            problems: (i as u32 % 5 * 2 + 3 * u32::from(i == 10)).to_string(),
            rectified: (i as u32 % 5 * 2 + 2 * u32::from(i == 10)).to_string(),
        };
        sup::save_village(db, &sup_actor, orgs.city, &v.parse().map_err(|e| anyhow::anyhow!("demo village: {e}"))?)
            .await?;
    }
    let d = |i: usize| ids[i].0.to_string();
    let later = today.checked_add(jiff::Span::new().days(20))?.to_string();
    let recent = today.checked_sub(jiff::Span::new().days(10))?.to_string();
    let inspections = [
        (d(0), "disclosure", "2020-09-15".to_string(), "", "", "", ""),
        (
            d(1),
            "standard_catalog",
            "2020-09-16".into(),
            "社会救助领域低保审核信息未在规定时限内公示",
            "7个工作日内补充公示并建立名单公示台账",
            "2020-09-25",
            "2020-09-24",
        ),
        (
            d(4),
            "village",
            "2020-10-20".into(),
            "3个社区公示栏财务收支信息未按月更新",
            "督促相关社区立即更新，街道每月检查",
            "2020-11-20",
            "2020-11-18",
        ),
        (
            d(9),
            "standard_catalog",
            "2020-10-22".into(),
            "养老服务领域有2项事项未公开",
            "11月底前完成公开并报送整改情况",
            "2020-11-30",
            "",
        ),
        (
            d(10),
            "disclosure",
            "2020-11-05".into(),
            "年度报告未按新格式编制",
            "按国办格式重新编制并发布",
            "2020-12-31",
            "2020-12-20",
        ),
        (
            d(8),
            "standard_catalog",
            recent,
            "特困人员名单公示未隐去身份证号码",
            "立即撤下重新发布，只公开标准目录列明的字段",
            &later[..],
            "",
        ),
    ];
    for (org, kind, on, findings, rectification, by, done) in inspections {
        let f = InspectionInput {
            org_id: org,
            kind: kind.into(),
            on,
            findings: findings.into(),
            rectification: rectification.into(),
            rectify_by: by.into(),
            rectified_on: done.into(),
        };
        sup::add_inspection(
            db,
            &sup_actor,
            orgs.city,
            &f.parse().map_err(|e| anyhow::anyhow!("demo inspection: {e}"))?,
        )
        .await?;
    }
    Ok(())
}

/// The assessment list a district reports task 1 with: a spreadsheet of its 2017 documents.
fn evidence(i: usize) -> Option<sup::EvidenceFile> {
    use gongkai_web::oversight::dashboard::{Table, xlsx};
    if i > 7 {
        return None;
    }
    let rows: Vec<Vec<String>> = (1..=20 + i)
        .map(|n| {
            vec![
                format!("区民政局关于做好2017年第{n}批社会救助工作的通知"),
                if n % 7 == 0 { "依申请公开".into() } else { "主动公开".into() },
                if n % 5 == 0 { "失效".into() } else { "有效".into() },
            ]
        })
        .collect();
    let t = Table {
        key: "assessment",
        title: "2017年文件公开属性和有效性评估清单",
        head: vec!["文件名称".into(), "公开属性".into(), "有效性".into()],
        depth: vec![0; rows.len()],
        rows,
    };
    let data = xlsx(&t).ok()?;
    let a = gongkai_web::catalog::console::attachment_from("2017年文件评估清单.xlsx", data).ok()?;
    Some(sup::EvidenceFile { name: a.name, mime: a.mime, sha256: a.sha256, data: a.data })
}
