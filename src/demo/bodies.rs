//! Bodies of the demo's publications, written per column the way such pages read on a
//! civil-affairs bureau's site: a consultation notice says how to comment and until when, a
//! fund report has its table by district, a price list its items and basis, a blacklist its
//! entries. All names, codes and figures are synthetic and deterministic.

use super::applications::Rng;
use crate::demo::{DISTRICTS, credit_code};
use jiff::civil::Date;

fn p(text: impl AsRef<str>) -> String {
    format!("<p>{}</p>", text.as_ref())
}

fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table><thead><tr>");
    for h in head {
        out.push_str(&format!("<th>{h}</th>"));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            out.push_str(&format!("<td>{c}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

fn cn_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn plus_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// The subject of a title such as 关于征求《广州市临时救助办法（征求意见稿）》意见的公告.
fn subject(title: &str) -> String {
    match (title.find('《'), title.find('》')) {
        (Some(a), Some(b)) if a < b => title[a + '《'.len_utf8()..b].to_string(),
        _ => title.to_string(),
    }
}

const FACILITIES: [&str; 8] =
    ["长者颐养院", "颐康中心", "社区养老服务中心", "护养院", "敬老院", "康养中心", "长者公寓", "老年人日间照料中心"];

/// The body of a publication in column `slug` titled `title`, published on `on`.
pub fn body(slug: &str, title: &str, on: Date, rng: &mut Rng) -> String {
    let year = on.year();
    match slug {
        "decision" => {
            let draft = subject(title);
            let until = plus_days(on, 30);
            [
                p(format!("为提高行政决策的科学化、民主化、法治化水平，广泛听取社会各界意见，现将《{draft}》全文公布，公开征求意见。")),
                p(format!("征求意见时间：{}至{}（30日）。", cn_date(on), cn_date(until))),
                p("公众可以通过以下方式提出意见：（一）登录本网站“意见征集”栏目在线提交；（二）发送电子邮件至 fgc@mzj.example.gov.cn，邮件主题注明“意见征集”；（三）信函寄至广州市越秀区示范路1号广州市民政局法规处（邮政编码510030），并在信封上注明“意见征集”字样。"),
                p("意见征集结束后，我局将对收到的意见进行认真研究，并在门户网站公布意见采纳情况。"),
                p("附件：征求意见稿全文及起草说明"),
            ]
            .concat()
        }
        "execution" => {
            let n = 150 + rng.below(300);
            let done = n * (80 + rng.below(15)) / 100;
            [
                p(format!("截至{year}年{}月底，全市{}工作按计划推进。", on.month(), subject(title).trim_start_matches(&format!("{year}年")).trim_end_matches("工作推进情况"))),
                p(format!("一、进展情况。年度计划完成{n}项任务，已完成{done}项，完成率{}%；各区均已建立工作台账，实行月报告制度。", done * 100 / n)),
                p("二、主要做法。一是压实属地责任，市区两级建立联席会议机制；二是强化资金保障，按季度拨付补助资金；三是加强督导检查，对进度滞后的区进行专项督办。"),
                p("三、下一步工作。针对检查发现的问题，督促有关区限期整改，确保年底前全面完成年度任务。"),
            ]
            .concat()
        }
        "management" => [
            p("第一条 为规范管理，明确职责，提高工作效率，根据有关法律法规和本局工作规则，制定本制度。"),
            p("第二条 本制度适用于市民政局机关各处室及直属单位。"),
            p("第三条 承办处室应当建立工作台账，如实记录办理过程，按规定时限办结并归档。"),
            p("第四条 涉及群众切身利益的事项，应当依法公开办理条件、程序和结果，接受社会监督。"),
            p("第五条 本制度自印发之日起施行，由局办公室负责解释。"),
        ]
        .concat(),
        "service" => {
            let item = title.trim_end_matches("办事指南");
            let days = 5 + rng.below(16);
            [
                p(format!("一、事项名称：{item}")),
                p("二、办理依据：《社会救助暂行办法》《广东省社会救助条例》及本市有关规定。"),
                p("三、申请条件：具有本市户籍，符合本事项规定的家庭经济状况或服务对象条件。"),
                p("四、申请材料：（一）申请书；（二）申请人居民身份证、户口簿；（三）家庭经济状况相关证明材料。已通过政务信息共享获取的材料，不再要求申请人提供。"),
                p("五、办理流程：申请人向户籍所在地街道办事处（镇人民政府）提出申请，经受理、审核、公示后，由区民政局审批。"),
                p(format!("六、办理时限：自受理之日起{days}个工作日。")),
                p("七、收费标准：不收费。"),
                p("八、咨询电话：020-81000001（工作日9:00—12:00，14:00—17:30）。"),
            ]
            .concat()
        }
        "result" => {
            let n = 1000 + rng.below(9000);
            [
                p(format!("{year}年，市民政局认真贯彻落实上级部署，{}工作取得积极成效。", subject(title).trim_start_matches(&format!("{year}年")).trim_end_matches("工作情况通报"))),
                p(format!("全年共受理相关事项{n}件，办结{}件，群众满意率{}%。", n - rng.below(30), 95 + rng.below(5))),
                p("通报表扬越秀区、天河区等工作成效突出的区，对工作进度滞后的区予以督促整改。"),
            ]
            .concat()
        }
        "assistance" => {
            let rows: Vec<Vec<String>> = DISTRICTS
                .iter()
                .map(|(_, name, _)| {
                    let households = 800 + rng.below(4000);
                    let people = households * (15 + rng.below(10)) / 10;
                    let amount = people as f64 * (1.1 + rng.below(4) as f64 / 10.0) / 10.0;
                    vec![format!("{name}区"), households.to_string(), people.to_string(), format!("{amount:.1}")]
                })
                .collect();
            [
                p(format!("根据《广州市最低生活保障办法》和《广州市特困人员救助供养办法》，现将{}资金发放情况公布如下。", title.trim_start_matches("广州市").trim_end_matches("资金发放情况"))),
                table(&["区", "保障户数（户）", "保障人数（人）", "发放金额（万元）"], &rows),
                p("资金已通过社会化发放渠道直接发放至保障对象账户。如对发放情况有疑问，可向户籍所在地街道（镇）社会救助经办机构咨询。"),
            ]
            .concat()
        }
        "welfare" => {
            let a = 20000 + rng.below(8000);
            let b = 15000 + rng.below(6000);
            [
                p("根据《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》，现将本批次补贴发放情况公布如下。"),
                table(
                    &["补贴类别", "发放人数（人）", "补贴标准（元/人·月）", "发放金额（万元）"],
                    &[
                        vec!["困难残疾人生活补贴".into(), a.to_string(), "193".into(), format!("{:.1}", a as f64 * 193.0 / 10000.0)],
                        vec!["重度残疾人护理补贴".into(), b.to_string(), "257".into(), format!("{:.1}", b as f64 * 257.0 / 10000.0)],
                    ],
                ),
            ]
            .concat()
        }
        "donations" => {
            let money = 50 + rng.below(500);
            let used = money * (60 + rng.below(35)) / 100;
            let goods = 1000 + rng.below(20000);
            [
                p(format!("本季度我局接收社会捐赠款{money}万元、物资{goods}件（套），均已开具公益事业捐赠票据。")),
                p(format!("本季度使用捐赠款{used}万元，主要用于困难群众帮扶和养老服务设施改善；捐赠物资已全部发放至受助对象。")),
                table(
                    &["项目", "接收", "使用", "结余"],
                    &[vec!["捐赠款（万元）".into(), money.to_string(), used.to_string(), (money - used).to_string()]],
                ),
                p("捐赠人可来电查询所捐款物的使用情况，监督电话：020-81000001。"),
            ]
            .concat()
        }
        "procurement" => {
            let budget = 50 + rng.below(950);
            let serial = 1000 + rng.below(9000);
            [
                p(format!("项目编号：GZMZ-{year}-{serial}")),
                p("采购人：广州市民政局（广州市越秀区示范路1号，联系电话：020-81000001）"),
                p("采购方式：公开招标"),
                p(format!("预算金额：{budget}万元")),
                p("采购需求：建设养老服务信息平台，实现服务对象管理、补贴发放和服务质量监管等功能，具体需求详见招标文件。"),
                p(format!("供应商资格要求：符合《中华人民共和国政府采购法》第二十二条规定的条件；本项目不接受联合体投标。公告期限：自本公告发布之日起5个工作日（{}前）。", cn_date(plus_days(on, 7)))),
            ]
            .concat()
        }
        "elderly" => {
            let rows: Vec<Vec<String>> = (0..6)
                .map(|i| {
                    let (_, d, _) = DISTRICTS[(i * 2 + rng.below(2) as usize) % DISTRICTS.len()];
                    let name = format!("广州市{d}区{}{}", ["康宁", "福寿", "颐和", "松鹤", "安泰", "乐年"][i], FACILITIES[i % FACILITIES.len()]);
                    let beds = 60 + rng.below(440);
                    let grade = ["一星级", "二星级", "三星级", "四星级", "五星级"][rng.below(5) as usize];
                    vec![name, format!("{d}区示范路{}号", 10 + rng.below(200)), beds.to_string(), grade.into(), "合格".into()]
                })
                .collect();
            [
                p("根据《养老机构管理办法》和本市养老机构服务质量检查工作安排，现将本期养老机构名录及检查结果公布如下。"),
                table(&["机构名称", "地址", "床位数（张）", "等级", "检查结果"], &rows),
            ]
            .concat()
        }
        "funeral" => {
            let rows = vec![
                vec!["遗体接运（市内）".into(), "200元/次".into(), "穗发改价格〔2019〕12号".into()],
                vec!["遗体冷藏".into(), "50元/天".into(), "穗发改价格〔2019〕12号".into()],
                vec!["遗体火化（普通炉）".into(), "260元/具".into(), "穗发改价格〔2019〕12号".into()],
                vec!["骨灰寄存".into(), "60元/年".into(), "穗发改价格〔2019〕12号".into()],
                vec!["告别厅租用（小厅）".into(), "300元/场".into(), "经营者自主定价，明码标价".into()],
            ];
            [
                p("根据殡葬服务收费管理有关规定，现将本馆殡葬服务项目、收费标准及依据公示如下。基本殡葬服务项目实行政府定价，本市户籍居民按规定享受基本殡葬服务费用减免。"),
                table(&["服务项目", "收费标准", "收费依据"], &rows),
                p("价格举报电话：12345。服务投诉电话：020-81000301。"),
            ]
            .concat()
        }
        "blacklist" => {
            let rows: Vec<Vec<String>> = (0..3)
                .map(|i| {
                    let (_, d, div) = DISTRICTS[(rng.below(11)) as usize];
                    let name = format!("广州市{d}区{}殡葬服务有限公司", ["永安", "福田", "慈恩"][i]);
                    let code = credit_code(div, 9000 + rng.below(999) as u32).replacen("11", "91", 1);
                    let act = [
                        "超出核定范围经营，强制捆绑销售殡葬用品",
                        "未经批准擅自建设经营性公墓",
                        "价格欺诈，未明码标价且收取未公示费用",
                    ][i];
                    vec![name, code, act.into(), cn_date(on), "3年".into()]
                })
                .collect();
            [
                p("根据《广州市殡葬管理规定》和社会信用体系建设有关规定，经调查核实并履行告知程序，现将殡葬服务领域严重失信主体名单公布如下。"),
                table(&["主体名称", "统一社会信用代码", "失信行为", "认定日期", "公示期限"], &rows),
                p("失信主体完成信用修复的，可依法申请移出名单。异议申诉电话：020-81000001。"),
            ]
            .concat()
        }
        "reconsideration" => [
            p("申请人：某某，男，住广州市。"),
            p("被申请人：广州市某区民政局。"),
            p("申请人不服被申请人作出的最低生活保障申请不予批准的决定，向本机关申请行政复议，本机关依法予以受理。"),
            p("经审理查明：被申请人在作出决定前已履行入户调查、家庭经济状况核对和公示程序，认定事实清楚，适用依据正确，程序合法。"),
            p("根据《中华人民共和国行政复议法》的规定，本机关决定：维持被申请人作出的决定。申请人如不服本决定，可以自收到本决定书之日起15日内依法向人民法院提起行政诉讼。"),
        ]
        .concat(),
        "audit" => [
            p(format!("根据审计机关对我局{}年度预算执行情况的审计意见，我局高度重视，逐项制定整改措施。", year - 1)),
            p("一、关于部分专项资金拨付不及时的问题。已完成资金拨付，并建立按月通报的资金支出进度管理制度。"),
            p("二、关于政府采购合同备案不及时的问题。已补办备案手续，并修订内部采购管理办法。"),
            p("截至目前，审计指出的问题已全部整改到位。"),
        ]
        .concat(),
        "enforcement" => {
            let rows: Vec<Vec<String>> = (0..4)
                .map(|i| {
                    let kind = if i < 3 { "行政许可" } else { "行政处罚" };
                    let what = ["社会团体成立登记", "民办非企业单位成立登记", "基金会变更登记", "未按规定参加年度检查"][i];
                    vec![kind.into(), format!("广州市{}协会", ["养老服务", "社会工作", "慈善", "志愿服务"][i]), what.into(), cn_date(plus_days(on, -(rng.below(60) as i64)))]
                })
                .collect();
            [
                p("根据行政许可和行政处罚等信用信息公示工作要求，现将本期行政许可和行政处罚信息公示如下。"),
                table(&["类别", "行政相对人", "事项", "决定日期"], &rows),
            ]
            .concat()
        }
        _ => p(title),
    }
}
