//! The demo catalog of proactive disclosure, 2017 to today, written for the demo (no
//! real document is copied). The city bureau's 2020 publications match the figures of
//! its 2020 annual report: 21 normative documents, 51 interpretations, 75 五公开 items,
//! 1 audit-rectification item, 8 reconsideration items and 166 key-area items (26 social
//! assistance and welfare, 15 donations, 35 procurement). A few 2017 documents are
//! marked no longer valid after the 2022 assessment; district bureaus get a few items.

use super::DemoOrgs;
use super::applications::Rng;
use gongkai_core::calendar::Calendar;
use gongkai_core::catalog::{Disclosure, InterpretationForm, ItemKind, Validity, WithholdReason};
use gongkai_core::ids::{ColumnId, ItemId, OrgId};
use gongkai_store::catalog::{self, Column, Draft, Entry};
use gongkai_store::{Actor, Db};
use jiff::civil::{Date, date};

pub(super) const TOPICS: [&str; 24] = [
    "最低生活保障家庭经济状况核对",
    "特困人员救助供养",
    "临时救助",
    "困难群众基本生活保障",
    "养老机构等级评定",
    "居家养老服务补贴",
    "长者饭堂运营补贴",
    "社区养老服务设施建设",
    "殡葬服务收费管理",
    "公益性骨灰安放设施管理",
    "社会组织登记管理",
    "慈善组织公开募捐管理",
    "婚姻登记服务",
    "儿童福利机构管理",
    "困难残疾人生活补贴和重度残疾人护理补贴",
    "地名管理",
    "志愿服务记录",
    "社会工作服务站建设",
    "老年人优待",
    "孤儿基本生活保障",
    "流浪乞讨人员救助管理",
    "养老护理员培训补贴",
    "农村留守老年人关爱服务",
    "经济困难老年人照护",
];

const GENRES: [(&str, &str); 4] = [("办法", "办法"), ("实施细则", "细则"), ("规定", "规定"), ("工作规程", "规程")];

fn body(topic: &str, kind: &str) -> String {
    format!(
        "<p>为进一步做好{topic}工作，根据有关法律法规和政策规定，结合本市实际，现就有关事项{kind}如下。</p>\
         <p>一、各区民政部门要按照属地管理原则，明确责任分工，完善工作流程，加强对{topic}工作的指导和监督，确保各项政策落实到位。</p>\
         <p>二、各单位应当依法依规公开{topic}的办理条件、办事流程、办理结果等信息，接受社会监督，保障群众的知情权、参与权和监督权。</p>\
         <p>三、本文件由广州市民政局负责解释。执行中遇到的问题，请及时向市民政局反映。</p>"
    )
}

struct Seeder<'a> {
    db: &'a Db,
    cal: &'a Calendar,
    actor: Actor,
    org: OrgId,
    org_name: String,
    cols: Vec<Column>,
    rng: Rng,
    today: Date,
}

struct Spec<'s> {
    column: &'s str,
    kind: ItemKind,
    title: String,
    summary: String,
    body: String,
    doc_number: Option<String>,
    genre: &'s str,
    published: Date,
    interprets: Option<ItemId>,
    interp_form: Option<InterpretationForm>,
    keywords: &'s str,
}

impl Seeder<'_> {
    fn column(&self, slug: &str) -> ColumnId {
        self.cols.iter().find(|c| c.slug == slug).map(|c| c.id).expect("default column")
    }

    /// A working day in `year`'s month `m` (not after today), deterministic per call order.
    fn day(&mut self, year: i16, m: i8) -> Option<Date> {
        let d = date(year, m, 1 + self.rng.below(27) as i8);
        let mut d = d;
        while !self.cal.is_working_day(d).unwrap_or(true) {
            d = d.tomorrow().ok()?;
        }
        (d <= self.today).then_some(d)
    }

    async fn publish(&mut self, s: Spec<'_>) -> anyhow::Result<ItemId> {
        // Formed a few days before publication: well inside Art. 26's 20 working days.
        let formed = s.published.checked_sub(jiff::Span::new().days(1 + self.rng.below(10) as i64))?;
        // Within the published year (the calendar starts with the first demo year).
        let formed = formed.max(date(s.published.year(), 1, 1));
        let draft = Draft {
            column_id: self.column(s.column),
            kind: s.kind,
            title: s.title,
            summary: s.summary,
            body_text: gongkai_web::http::rich::html_text(&s.body),
            body_html: s.body,
            issuer: self.org_name.clone(),
            co_issuers: String::new(),
            doc_number: s.doc_number,
            genre: s.genre.to_string(),
            subject: "民政、扶贫、救灾\\社会福利".into(),
            keywords: s.keywords.to_string(),
            disclosure: Disclosure::Proactive,
            formed_on: formed,
            effective_on: if s.kind == ItemKind::Normative {
                formed.checked_add(jiff::Span::new().days(30)).ok()
            } else {
                None
            },
            interprets_id: s.interprets,
            interp_form: s.interp_form,
            media_url: None,
        };
        let entry = Entry::Published { on: s.published, approved_by: "gzmz.approver".into() };
        Ok(catalog::create(self.db, self.cal, &self.actor, self.org, &draft, entry).await?)
    }

    fn simple(
        &mut self,
        column: &'static str,
        title: String,
        published: Date,
        keywords: &'static str,
    ) -> Spec<'static> {
        let body = super::bodies::body(column, &title, published, &mut self.rng);
        // The first paragraph, without its tags, is the summary.
        let summary =
            gongkai_web::http::rich::html_paragraphs(&body).into_iter().next().unwrap_or_else(|| title.clone());
        Spec {
            column,
            kind: ItemKind::General,
            summary: summary.chars().take(120).collect(),
            body,
            title,
            doc_number: None,
            genre: "公告",
            published,
            interprets: None,
            interp_form: None,
            keywords,
        }
    }
}

/// Counts per year: (normative, interpretations, five-open, key areas, reconsideration, audit).
fn plan(year: i16) -> (usize, usize, usize, usize, usize, usize) {
    if year == 2020 { (21, 51, 75, 166, 8, 1) } else { (8, 10, 20, 20, 2, 1) }
}

pub async fn seed(db: &Db, orgs: &DemoOrgs, cal: &Calendar, today: Date) -> anyhow::Result<()> {
    let city = gongkai_store::orgs::get(db, orgs.city).await?;
    let mut s = Seeder {
        db,
        cal,
        actor: Actor::system("demo"),
        org: orgs.city,
        org_name: city.name.clone(),
        cols: catalog::columns(db, orgs.city).await?,
        rng: Rng(0x5eed_ca7a_1095),
        today,
    };
    let mut normative_by_year: Vec<(i16, ItemId, String)> = Vec::new();
    let mut topic_i = 0;
    for year in 2017..=today.year() {
        let (n_norm, n_interp, n_five, n_key, n_recon, n_audit) = plan(year);
        // Normative documents, each interpreted in the same year.
        let mut this_year = Vec::new();
        for k in 0..n_norm {
            let month = 1 + (k * 12 / n_norm) as i8;
            let Some(day) = s.day(year, month) else { break };
            let topic = TOPICS[topic_i % TOPICS.len()];
            topic_i += 1;
            let (genre, short) = GENRES[k % GENRES.len()];
            let title = format!("广州市民政局关于印发《广州市{topic}{genre}》的通知");
            let id = s
                .publish(Spec {
                    column: "normative",
                    kind: ItemKind::Normative,
                    summary: format!(
                        "印发《广州市{topic}{genre}》，明确{topic}的适用范围、工作职责、办理程序和监督管理。"
                    ),
                    body: body(topic, "通知"),
                    doc_number: Some(format!("穗民规字〔{year}〕{}号", k + 1)),
                    genre: short,
                    published: day,
                    interprets: None,
                    interp_form: None,
                    keywords: "规范性文件",
                    title,
                })
                .await?;
            this_year.push((id, topic, day));
            normative_by_year.push((year, id, topic.to_string()));
        }
        let forms = InterpretationForm::ALL;
        let mut made = 0;
        for (i, (id, topic, day)) in this_year.iter().enumerate() {
            if made >= n_interp {
                break;
            }
            let form = forms[i % forms.len()];
            let title = match form {
                InterpretationForm::Graphic => format!("一图读懂《广州市{topic}办法》"),
                InterpretationForm::Qa => format!("《广州市{topic}办法》问答"),
                InterpretationForm::Video => format!("视频解读：《广州市{topic}办法》"),
                InterpretationForm::Text => format!("《广州市{topic}办法》政策解读"),
            };
            s.publish(Spec {
                column: "interpretation",
                kind: ItemKind::Interpretation,
                summary: format!("从制定背景、主要内容和创新举措三方面解读{topic}的新规定。"),
                body: format!(
                    "<p>一、制定背景。为规范{topic}工作，市民政局起草了本办法。</p><p>二、主要内容。本办法共五章，明确了对象范围、申请审批、资金发放和监督管理。</p><p>三、创新举措。推行“一网通办”，办理时限进一步压缩。</p>"
                ),
                doc_number: None,
                genre: "解读",
                published: *day,
                interprets: Some(*id),
                interp_form: Some(form),
                keywords: "政策解读",
                title,
            })
            .await?;
            made += 1;
        }
        // The remaining interpretations of the year explain earlier documents.
        let earlier: Vec<(ItemId, String)> =
            normative_by_year.iter().filter(|(y, ..)| *y < year).map(|(_, id, t)| (*id, t.clone())).collect();
        let mut e = 0;
        while made < n_interp && !earlier.is_empty() {
            let (target, topic) = &earlier[e % earlier.len()];
            e += 1;
            let Some(day) = s.day(year, 1 + (made % 12) as i8) else { break };
            s.publish(Spec {
                column: "interpretation",
                kind: ItemKind::Interpretation,
                summary: format!("回应群众关切，解答{topic}政策执行中的常见问题。"),
                body: format!("<p>问：{topic}的申请条件是什么？</p><p>答：符合本市户籍和家庭经济状况条件的，可以向户籍所在地街道（镇）申请。</p>"),
                doc_number: None,
                genre: "解读",
                published: day,
                interprets: Some(*target),
                interp_form: Some(InterpretationForm::Qa),
                keywords: "政策解读,问答",
                title: format!("{topic}政策问答（{year}年第{}期）", e),
            })
            .await?;
            made += 1;
        }
        // 五公开.
        let five = [
            ("decision", "关于征求《广州市{t}办法（征求意见稿）》意见的公告"),
            ("execution", "{y}年{t}工作推进情况"),
            ("management", "广州市民政局{y}年{t}管理制度"),
            ("service", "{t}办事指南"),
            ("result", "{y}年{t}工作情况通报"),
        ];
        // In 2020, 20 of the 75 are consultation notices: the report's 意见征集公告数.
        let consultations = if year == 2020 { 20 } else { n_five / five.len() };
        for k in 0..n_five {
            // (kind, position j within the kind); 5·j mod 24 gives each title of a kind within
            // a year its own topic (fewer than 24 of a kind a year).
            let (kind, j) =
                if k < consultations { (0, k) } else { (1 + (k - consultations) % 4, (k - consultations) / 4) };
            let (slug, pattern) = five[kind];
            let Some(day) = s.day(year, 1 + (k * 12 / n_five) as i8) else { break };
            let t = TOPICS[(j * 5 + kind * 3 + year as usize) % TOPICS.len()];
            let title = pattern.replace("{t}", t).replace("{y}", &year.to_string());
            let spec = s.simple(slug, title, day, "五公开");
            s.publish(spec).await?;
        }
        // Key areas: in 2020 exactly 26 assistance/welfare, 15 donations, 35 procurement.
        let key: Vec<(&str, usize)> = if year == 2020 {
            vec![
                ("assistance", 16),
                ("welfare", 10),
                ("donations", 15),
                ("procurement", 35),
                ("elderly", 50),
                ("funeral", 36),
                ("blacklist", 4),
            ]
        } else {
            vec![
                ("assistance", 5),
                ("welfare", 3),
                ("donations", 3),
                ("procurement", 5),
                ("elderly", 1),
                ("funeral", 2),
                ("blacklist", 1),
            ]
        };
        debug_assert_eq!(key.iter().map(|k| k.1).sum::<usize>(), n_key);
        for (slug, n) in key {
            for k in 0..n {
                let Some(day) = s.day(year, 1 + (k * 12 / n) as i8) else { break };
                let q = k % 4 + 1;
                let title = match slug {
                    "assistance" if k < 12 => {
                        format!("{year}年{}月广州市城乡最低生活保障和特困人员救助供养资金发放情况", k + 1)
                    }
                    "assistance" => format!("{year}年第{}季度广州市临时救助资金发放情况", k % 4 + 1),
                    "welfare" => format!("{year}年困难残疾人生活补贴和重度残疾人护理补贴发放情况（第{}批）", k + 1),
                    "donations" => {
                        let what =
                            ["接收社会捐赠款物", "社会捐赠款物使用", "定向捐赠款物分配", "慈善超市接收捐赠"][k / 4 % 4];
                        format!("广州市民政局{year}年第{q}季度{what}情况公示")
                    }
                    "procurement" => {
                        let kinds = ["采购意向公开", "公开招标公告", "中标（成交）结果公告", "政府采购合同公告"];
                        format!("广州市民政局{}{year}年养老服务信息化项目（包{}）", kinds[k % 4], k / 4 + 1)
                    }
                    "elderly" => format!("{year}年广州市养老机构名录及服务质量检查结果（第{}期）", k + 1),
                    "funeral" => {
                        let items = [
                            "殡葬服务项目和收费标准",
                            "殡葬服务收费依据",
                            "殡葬服务减免政策",
                            "殡葬服务投诉电话",
                            "殡葬服务流程",
                            "殡葬服务规范",
                        ];
                        format!("广州市殡仪馆{}公示（{year}年第{}次更新）", items[k % items.len()], k / items.len() + 1)
                    }
                    _ => format!("广州市殡葬服务领域严重失信主体名单（{year}年第{}批）", k + 1),
                };
                let mut spec = s.simple(slug, title, day, "重点领域");
                if slug == "assistance" && k == 0 {
                    // Personal data in a published list is masked on the portal.
                    spec.body.push_str(
                        "<p>经办人：陈晓明，联系电话：13800138000；申请人张某，身份证号码440106199001011234。</p>",
                    );
                }
                s.publish(spec).await?;
            }
        }
        for k in 0..n_recon {
            let Some(day) = s.day(year, 2 + (k * 10 / n_recon.max(1)) as i8) else { break };
            let spec =
                s.simple("reconsideration", format!("行政复议决定书（穗民复〔{year}〕{}号）", k + 1), day, "行政复议");
            s.publish(spec).await?;
        }
        for k in 0..n_audit {
            let Some(day) = s.day(year, 11) else { break };
            let spec = s.simple(
                "audit",
                format!("广州市民政局关于{}年度预算执行审计整改情况的公告", year - 1),
                day,
                "审计整改",
            );
            let _ = k;
            s.publish(spec).await?;
        }
        // Administrative enforcement: 双公示 lists.
        if let Some(day) = s.day(year, 6) {
            let spec = s.simple(
                "enforcement",
                format!("广州市民政局{year}年上半年行政许可和行政处罚信息（双公示）"),
                day,
                "双公示",
            );
            s.publish(spec).await?;
        }
    }
    // The 2022 assessment of 2017's documents: a few are no longer valid.
    let assessed: Vec<ItemId> = normative_by_year.iter().filter(|(y, ..)| *y == 2017).map(|(_, id, _)| *id).collect();
    let decisions = [
        (Validity::Repealed, "经2022年文件定期评估，已被新规定替代，予以废止"),
        (Validity::Expired, "经2022年文件定期评估，有效期届满，自然失效"),
        (Validity::Repealed, "经2022年文件定期评估，上位法已修改，予以废止"),
        (Validity::Amended, "经2022年文件定期评估，部分条款已修改"),
    ];
    for (id, (v, note)) in assessed.iter().zip(decisions) {
        catalog::set_validity(db, &Actor::system("demo"), orgs.city, *id, v, date(2022, 6, 30), note).await?;
    }
    // One attachment: a DOCX with searchable text.
    if let Some((_, id, topic)) = normative_by_year.iter().find(|(y, ..)| *y == 2020) {
        let mut buf = std::io::Cursor::new(Vec::new());
        docx_rs::Docx::new()
            .add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(format!(
                "附件：{topic}申请表（样式）。申请人填写家庭成员、收入和财产情况，由街道办事处受理。"
            ))))
            .build()
            .pack(&mut buf)?;
        let a = gongkai_web::catalog::console::attachment_from("申请表.docx", buf.into_inner())
            .map_err(anyhow::Error::msg)?;
        catalog::add_attachment(db, &Actor::system("demo"), orgs.city, *id, &a).await?;
    }
    seed_workflow(&mut s).await?;
    for (i, d) in orgs.districts.iter().enumerate() {
        seed_district(db, cal, *d, i, today).await?;
    }
    Ok(())
}

/// Items in every state of the workflow, for the console: drafts, one awaiting review,
/// one late publication, and items kept in the internal register.
async fn seed_workflow(s: &mut Seeder<'_>) -> anyhow::Result<()> {
    let cal = s.cal;
    let mk = |s: &Seeder, title: &str, disclosure: Disclosure, formed: Date| {
        let body = super::bodies::body("execution", title, formed, &mut Rng(0x9d1f_0000 + title.len() as u64));
        Draft {
            column_id: s.column("execution"),
            kind: ItemKind::General,
            title: title.to_string(),
            summary: format!("{title}。"),
            body_text: gongkai_web::http::rich::html_text(&body),
            body_html: body,
            issuer: s.org_name.clone(),
            co_issuers: String::new(),
            doc_number: None,
            genre: "通知".into(),
            subject: String::new(),
            keywords: String::new(),
            disclosure,
            formed_on: formed,
            effective_on: None,
            interprets_id: None,
            interp_form: None,
            media_url: None,
        }
    };
    let staff = Actor::system("gzmz.staff");
    let recent = s.today.checked_sub(jiff::Span::new().days(3))?;
    let d = mk(s, "关于开展2027年元旦春节困难群众走访慰问工作的通知", Disclosure::Proactive, recent);
    catalog::create(s.db, cal, &staff, s.org, &d, Entry::Draft).await?;
    let d = mk(s, "2026年第四季度社区养老服务设施建设进展", Disclosure::Proactive, recent);
    let id = catalog::create(s.db, cal, &staff, s.org, &d, Entry::Draft).await?;
    catalog::submit(s.db, &staff, s.org, id).await?;
    // Published well after the 20 working days: flagged and counted on the console.
    let d = mk(s, "2021年养老服务补贴资金分配方案执行情况", Disclosure::Proactive, date(2021, 3, 1));
    catalog::create(
        s.db,
        cal,
        &staff,
        s.org,
        &d,
        Entry::Published { on: date(2021, 5, 10), approved_by: "gzmz.approver".into() },
    )
    .await?;
    let d = mk(s, "局党组会议纪要（2026年第20次）", Disclosure::Withheld(WithholdReason::ProcessInformation), recent);
    let id = catalog::create(s.db, cal, &staff, s.org, &d, Entry::Draft).await?;
    catalog::submit(s.db, &staff, s.org, id).await?;
    catalog::approve(s.db, cal, &Actor::system("gzmz.approver"), s.org, id, s.today).await?;
    let d = mk(s, "养老机构消防安全检查个案材料", Disclosure::OnRequest(WithholdReason::ThirdParty), recent);
    catalog::create(
        s.db,
        cal,
        &staff,
        s.org,
        &d,
        Entry::Published { on: s.today, approved_by: "gzmz.approver".into() },
    )
    .await?;
    Ok(())
}

async fn seed_district(db: &Db, cal: &Calendar, org: OrgId, i: usize, today: Date) -> anyhow::Result<()> {
    let o = gongkai_store::orgs::get(db, org).await?;
    let mut s = Seeder {
        db,
        cal,
        actor: Actor::system("demo"),
        org,
        org_name: o.name.clone(),
        cols: catalog::columns(db, org).await?,
        rng: Rng(0xd157_0000 + i as u64),
        today,
    };
    for year in [2025i16, 2026] {
        for m in [3i8, 6, 9] {
            let Some(day) = s.day(year, m) else { continue };
            let spec = s.simple(
                "assistance",
                format!("{}{year}年{m}月城乡低保和特困供养资金发放情况", o.name),
                day,
                "社会救助",
            );
            s.publish(spec).await?;
        }
        if let Some(day) = s.day(year, 4) {
            let spec = s.simple("service", format!("{}婚姻登记预约办事指南（{year}年版）", o.name), day, "办事指南");
            s.publish(spec).await?;
        }
    }
    Ok(())
}

/// The city bureau's 2020 annual report: narrative written for the demo with its figures
/// as placeholders, each counted from the demo's records (catalog, applications, proposals,
/// consultations, press work, channels), approved and published.
pub async fn seed_report(db: &Db, orgs: &DemoOrgs) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let org = orgs.city;
    let n = gongkai_store::reports::annual::Narrative {
        s1: "<p>{{年度}}年，广州市民政局坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。</p>\
             <p>（一）主动公开。全年制发规范性文件{{规范性文件制发数}}件，全部按时限要求在门户网站公开；发布政策解读{{政策解读数}}篇，\
             发布五公开信息{{五公开信息数}}条、重点领域信息{{重点领域信息数}}条，通过网站和政务新媒体发布信息{{政务新媒体发布数}}条。\
             参加省、市新闻发布会{{参加新闻发布会数}}场，举办新闻发布会{{举办新闻发布会数}}场，发布新闻稿{{新闻稿数}}篇，\
             各类媒体报道{{媒体报道数}}篇，其中中央媒体{{中央媒体报道数}}篇。</p>\
             <p>（二）依申请公开。本年新收政府信息公开申请{{新收申请数}}件，上年结转{{上年结转申请数}}件，办结{{办结申请数}}件，结转下年度{{结转下年申请数}}件。</p>\
             <p>（三）建议提案办理结果公开。办理人大代表建议和政协提案{{建议提案办理数}}件，其中主办{{主办件数}}件、会办{{会办件数}}件、参阅{{参阅件数}}件，\
             {{答复全文公开数}}件答复全文公开。召开意见征集会议{{意见征集会议数}}次，发布意见征集公告{{意见征集公告数}}次。</p>\
             <p>（四）监督保障。因政府信息公开引起行政复议{{行政复议数}}件，其中维持{{复议维持数}}件，未发生行政诉讼。</p>"
            .into(),
        s5: "<p>存在的主要问题：政策解读形式还不够丰富，基层政务公开标准目录的落实有待加强。改进措施：增加图解、视频解读，加强对各区民政局的业务指导。</p>".into(),
        // The hosted body's statement, as the bureau's own report carries it.
        s6: "<p>广州市社会组织管理局为广州市民政局管理的机构，其政府信息公开工作由广州市民政局承担（依申请公开由该局自行办理），\
             相关主动公开情况已纳入本报告。</p><p>无其他需要报告的事项。</p>"
            .into(),
    };
    gongkai_store::reports::annual::save(db, &actor, org, 2020, &n, None).await.map_err(anyhow::Error::msg)?;
    gongkai_store::reports::annual::advance(db, &actor, org, 2020, gongkai_core::reports::narrative::Step::Submit)
        .await
        .map_err(anyhow::Error::msg)?;
    gongkai_store::reports::annual::advance(
        db,
        &Actor::system("gzmz.approver"),
        org,
        2020,
        gongkai_core::reports::narrative::Step::Approve,
    )
    .await
    .map_err(anyhow::Error::msg)?;
    let (html, t) =
        gongkai_web::reports::annual::render_report(db, org, 2020, &n).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let approver = Actor::system("gzmz.approver");
    let json = serde_json::to_string(&t)?;
    let snap =
        gongkai_store::reports::annual::Snapshot { on: "2021-01-25", html: &html, tables_json: &json, change_note: "" };
    gongkai_store::reports::annual::publish(db, &approver, org, 2020, &snap).await.map_err(anyhow::Error::msg)?;
    Ok(())
}
