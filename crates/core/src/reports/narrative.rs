//! The narrative sections of the annual report (一、五、六) with figures bound to
//! statistics: staff write `{{规范性文件制发数}}` or a cell code such as `{{t3.r1:c3}}`,
//! and the number is filled in when the report is rendered, so prose and tables cannot
//! disagree. Also the report's workflow states and its statutory deadline.

use crate::orgs::OrgKind;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Named statistics available to the narrative: (name, meaning). Cell codes of the
/// tables are accepted as well.
pub const NAMED: &[(&str, &str)] = &[
    ("年度", "报告年度"),
    ("规范性文件制发数", "本年制发（新制作）规范性文件件数，表二"),
    ("规范性文件公开数", "本年公开规范性文件件数"),
    ("现行有效规范性文件数", "年末现行有效规范性文件件数"),
    ("政策解读数", "本年发布政策解读件数（目录统计）"),
    ("主动公开信息数", "本年主动公开政府信息条数（目录统计）"),
    ("五公开信息数", "本年发布五公开信息条数"),
    ("重点领域信息数", "本年发布重点领域信息条数"),
    ("新收申请数", "本年新收政府信息公开申请件数，表三"),
    ("上年结转申请数", "上年结转申请件数"),
    ("办结申请数", "本年度办理完毕的申请件数"),
    ("结转下年申请数", "结转下年度继续办理件数"),
    ("予以公开数", "予以公开件数"),
    ("行政复议数", "政府信息公开行政复议总数，表四"),
    ("复议维持数", "行政复议结果维持件数"),
    ("复议纠正数", "行政复议结果纠正件数"),
    ("行政诉讼数", "行政诉讼总数（含复议后起诉）"),
    ("收费通知数", "发出信息处理费收费通知件数"),
    ("收费金额", "实际收取信息处理费金额（元）"),
];

/// What the records count for the named figures that the tables do not hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordCounts {
    pub normative_published: i64,
    pub normative_in_force: i64,
    pub interpretations: i64,
    /// Every proactive publication of the year.
    pub published: i64,
    /// Publications of the year by the column kind (`ColumnKind::code`) they were published under.
    pub by_column_kind: Vec<(String, i64)>,
    pub fee_notices: i64,
    pub fee_collected_yuan: i64,
}

/// The column kinds whose publications are 重点领域信息 (key-area columns, donations,
/// procurement and the blacklists of the key areas).
pub const KEY_AREA_KINDS: [&str; 4] = ["key_area", "donations", "procurement", "blacklist"];

/// The value of every [`NAMED`] figure for `year`, from the tables and the record counts.
pub fn named_figures(year: i16, t: &super::Tables, r: &RecordCounts) -> Vec<(&'static str, i64)> {
    let kind = |k: &str| r.by_column_kind.iter().filter(|(c, _)| c == k).map(|x| x.1).sum::<i64>();
    vec![
        ("年度", i64::from(year)),
        ("规范性文件制发数", t.get("t2.i1.r2:c1")),
        ("规范性文件公开数", r.normative_published),
        ("现行有效规范性文件数", r.normative_in_force),
        ("政策解读数", r.interpretations),
        ("主动公开信息数", r.published),
        ("五公开信息数", kind("five_open")),
        ("重点领域信息数", KEY_AREA_KINDS.iter().map(|k| kind(k)).sum()),
        ("新收申请数", t.get("t3.r1:c3")),
        ("上年结转申请数", t.get("t3.r2:c3")),
        ("办结申请数", t.get("t3.r3.s7:c3")),
        ("结转下年申请数", t.get("t3.r4:c3")),
        ("予以公开数", t.get("t3.r3.s1:c3")),
        ("行政复议数", t.get("t4:c5")),
        ("复议维持数", t.get("t4:c1")),
        ("复议纠正数", t.get("t4:c2")),
        ("行政诉讼数", t.get("t4:c10") + t.get("t4:c15")),
        ("收费通知数", r.fee_notices),
        ("收费金额", r.fee_collected_yuan),
    ]
}

/// The proposal figures from the records of suggestions and proposals handled on the
/// platform (they replace the hand-entered ones of the same names).
pub fn motion_figures(s: &crate::proposals::MotionStats) -> [(&'static str, i64); 5] {
    [
        ("建议提案办理数", s.total),
        ("主办件数", s.lead),
        ("会办件数", s.co_handler),
        ("参阅件数", s.reference),
        ("答复全文公开数", s.published_full),
    ]
}

/// The press figures from the records of press work (they replace the hand-entered ones).
pub fn press_figures(s: &crate::press::PressStats) -> [(&'static str, i64); 5] {
    [
        ("参加新闻发布会数", s.attended),
        ("举办新闻发布会数", s.held),
        ("新闻稿数", s.releases),
        ("媒体报道数", s.coverage),
        ("中央媒体报道数", s.national),
    ]
}

/// Figures entered by hand with their source, like table-二 figures: consultation work, and
/// proposals, press work and channels for a body that does not keep them here (when it
/// does, [`motion_figures`], [`press_figures`] and the channel counts replace them).
pub const HAND_FIGURES: &[(&str, &str)] = &[
    ("建议提案办理数", "承办人大建议和政协提案总件数"),
    ("主办件数", "其中主办件数"),
    ("会办件数", "其中会办件数"),
    ("参阅件数", "其中参阅件数"),
    ("答复全文公开数", "建议提案答复全文公开件数"),
    ("意见征集会议数", "召开意见征集座谈会、论证会次数"),
    ("意见征集公告数", "发布意见征集公告次数"),
    ("政务新媒体发布数", "通过网站、政务微博微信等发布信息条数"),
    ("参加新闻发布会数", "参加省、市新闻发布会次数"),
    ("举办新闻发布会数", "举办新闻发布会次数"),
    ("新闻稿数", "发布新闻稿件数"),
    ("媒体报道数", "媒体报道篇数"),
    ("中央媒体报道数", "其中中央媒体报道篇数"),
];

/// The placeholders used in `text`, in order of appearance (duplicates kept once).
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let Some(j) = rest[i + 2..].find("}}") else { break };
        let name = rest[i + 2..i + 2 + j].trim().to_string();
        if !out.contains(&name) {
            out.push(name);
        }
        rest = &rest[i + 2 + j + 2..];
    }
    out
}

/// Placeholders of `text` that `known` does not bind (refused on save, named to the user).
pub fn unknown(text: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    placeholders(text).into_iter().filter(|p| !known(p)).collect()
}

/// Whether `name` can be bound: a named statistic, a hand figure, or a table cell code.
pub fn is_known(name: &str, cells: &dyn Fn(&str) -> bool) -> bool {
    NAMED.iter().any(|(n, _)| *n == name) || HAND_FIGURES.iter().any(|(n, _)| *n == name) || cells(name)
}

/// Fill the placeholders from `values`; a placeholder without a value stays visible as
/// `【未填报：name】` so an unfinished figure is never silently printed as 0.
pub fn render(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i + 2..].find("}}") else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = rest[i + 2..i + 2 + j].trim();
        match values.get(name) {
            Some(v) => out.push_str(v),
            None => out.push_str(&format!("【未填报：{name}】")),
        }
        rest = &rest[i + 2 + j + 2..];
    }
    out.push_str(rest);
    out
}

/// Section 六's fee statement (国办函〔2020〕109号), computed from fee records.
pub fn fee_statement(year: i16, notices: i64, collected_yuan: i64) -> String {
    if notices == 0 {
        format!("{year}年度，本机关未发出政府信息公开信息处理费收费通知，未收取信息处理费。")
    } else {
        format!(
            "{year}年度，本机关依据《政府信息公开信息处理费管理办法》发出收费通知{notices}件，实际收取信息处理费{collected_yuan}元。"
        )
    }
}

/// A new year's narrative from the previous one: the text is kept (its figures are
/// placeholders, so they follow the new year's records); literal mentions of the old
/// year become the new one.
pub fn starter(previous: &str, previous_year: i16, year: i16) -> String {
    previous.replace(&format!("{previous_year}年"), &format!("{year}年"))
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ReportStatus {
    NotStarted,
    Draft,
    Review,
    Approved,
    Published,
}

impl ReportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "not_started",
            ReportStatus::Draft => "draft",
            ReportStatus::Review => "review",
            ReportStatus::Approved => "approved",
            ReportStatus::Published => "published",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "未开始",
            ReportStatus::Draft => "草稿",
            ReportStatus::Review => "待审核",
            ReportStatus::Approved => "已批准",
            ReportStatus::Published => "已发布",
        }
    }

    /// The status of a stored code; `None` for a code the platform never writes.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "not_started" => ReportStatus::NotStarted,
            "draft" => ReportStatus::Draft,
            "review" => ReportStatus::Review,
            "approved" => ReportStatus::Approved,
            "published" => ReportStatus::Published,
            _ => return None,
        })
    }
}

/// Steps of the report workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Edit,
    Submit,
    Approve,
    Return,
    Publish,
}

/// The next state, or a Chinese refusal. Editing a published report starts a correction
/// (a new version, published with a change note).
pub fn step(from: ReportStatus, s: Step) -> Result<ReportStatus, String> {
    use ReportStatus::*;
    match (from, s) {
        (NotStarted | Draft | Published, Step::Edit) => Ok(Draft),
        (Draft, Step::Submit) => Ok(Review),
        (Review, Step::Approve) => Ok(Approved),
        (Review | Approved, Step::Return) => Ok(Draft),
        (Approved, Step::Publish) => Ok(Published),
        (f, _) => Err(format!("年度报告当前为“{}”，不能进行这一步", f.label())),
    }
}

/// The statutory deadline of the report for `year` (Art. 49, regulation.md §6): 31 January
/// of the next year for departments, 31 March for a people's government's report; an
/// organisation may set an earlier local date, never a later one.
pub fn deadline(kind: OrgKind, year: i16, local: Option<Date>) -> Date {
    // Clamped into jiff's range, so the dates below are valid by construction.
    let next = year.clamp(-9999, 9998) + 1;
    let statutory = match kind {
        OrgKind::PeoplesGovernment => jiff::civil::date(next, 3, 31),
        _ => jiff::civil::date(next, 1, 31),
    };
    match local {
        Some(d) if d < statutory => d,
        _ => statutory,
    }
}

/// What a supervisor sees of a report: its status, and whether it is (or was) late —
/// not published by the deadline, or first published after it.
pub fn standing(
    status: ReportStatus,
    first_published: Option<Date>,
    deadline: Date,
    today: Date,
) -> (&'static str, bool) {
    match (status, first_published) {
        (_, Some(p)) if p > deadline => ("逾期发布", true),
        (ReportStatus::Published, _) => (ReportStatus::Published.label(), false),
        // Published on time; a correction (a new version) is being prepared.
        (_, Some(_)) => ("已发布，更正中", false),
        (s, _) if today > deadline => (if s == ReportStatus::NotStarted { "逾期未开始" } else { "逾期未发布" }, true),
        (s, _) => (s.label(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_bound_and_unknown_ones_named() {
        let text = "全年制发规范性文件{{规范性文件制发数}}件，新收申请{{t3.r1:c3}}件，{{规范性文件制发数}}件均已公开。{{无此项}}";
        assert_eq!(placeholders(text), vec!["规范性文件制发数", "t3.r1:c3", "无此项"]);
        let cells = |c: &str| c == "t3.r1:c3";
        assert_eq!(unknown(text, &|p| is_known(p, &cells)), vec!["无此项"]);
        let mut v = BTreeMap::new();
        v.insert("规范性文件制发数".to_string(), "21".to_string());
        v.insert("t3.r1:c3".to_string(), "62".to_string());
        assert_eq!(render(text, &v), "全年制发规范性文件21件，新收申请62件，21件均已公开。【未填报：无此项】");
    }

    #[test]
    fn fee_statement_starter_and_deadlines() {
        assert!(fee_statement(2021, 0, 0).contains("未收取信息处理费"));
        assert!(fee_statement(2022, 2, 300).contains("发出收费通知2件，实际收取信息处理费300元"));
        assert_eq!(
            starter("2020年，本局制发{{规范性文件制发数}}件。", 2020, 2021),
            "2021年，本局制发{{规范性文件制发数}}件。"
        );
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(deadline(OrgKind::GovernmentDepartment, 2025, None), d(2026, 1, 31));
        assert_eq!(deadline(OrgKind::PeoplesGovernment, 2025, None), d(2026, 3, 31));
        assert_eq!(deadline(OrgKind::DistrictBureau, 2025, Some(d(2026, 1, 20))), d(2026, 1, 20));
        assert_eq!(deadline(OrgKind::DistrictBureau, 2025, Some(d(2026, 2, 20))), d(2026, 1, 31), "never later");
    }

    #[test]
    fn standing_marks_late_reports() {
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        let deadline = d(2026, 1, 31);
        assert_eq!(standing(ReportStatus::Published, Some(d(2026, 1, 20)), deadline, d(2026, 5, 1)), ("已发布", false));
        assert_eq!(standing(ReportStatus::Published, Some(d(2026, 2, 3)), deadline, d(2026, 5, 1)), ("逾期发布", true));
        assert_eq!(standing(ReportStatus::Draft, None, deadline, d(2026, 1, 10)), ("草稿", false));
        assert_eq!(standing(ReportStatus::Review, None, deadline, d(2026, 2, 1)), ("逾期未发布", true));
        assert_eq!(standing(ReportStatus::NotStarted, None, deadline, d(2026, 2, 1)), ("逾期未开始", true));
        // A correction in progress after a timely publication is not late.
        assert_eq!(
            standing(ReportStatus::Draft, Some(d(2026, 1, 20)), deadline, d(2026, 5, 1)),
            ("已发布，更正中", false)
        );
    }

    #[test]
    fn workflow_order() {
        use ReportStatus::*;
        assert_eq!(step(NotStarted, Step::Edit), Ok(Draft));
        assert_eq!(step(Draft, Step::Submit), Ok(Review));
        assert!(step(Draft, Step::Approve).is_err());
        assert!(step(Draft, Step::Publish).is_err());
        assert_eq!(step(Review, Step::Approve), Ok(Approved));
        assert_eq!(step(Approved, Step::Publish), Ok(Published));
        assert_eq!(step(Published, Step::Edit), Ok(Draft), "a correction starts a new version");
    }
}

#[cfg(test)]
mod named_tests {
    use super::*;
    use crate::reports::{ReportFormat, compute};

    #[test]
    fn every_named_figure_has_a_value_and_key_areas_add_up() {
        let t = compute(ReportFormat::F2021, "某局", 2021, &[], &[]);
        let r = RecordCounts {
            by_column_kind: vec![
                ("key_area".into(), 100),
                ("donations".into(), 15),
                ("procurement".into(), 35),
                ("blacklist".into(), 4),
                ("five_open".into(), 75),
                ("general".into(), 9),
            ],
            ..Default::default()
        };
        let f = named_figures(2021, &t, &r);
        assert_eq!(f.iter().map(|x| x.0).collect::<Vec<_>>(), NAMED.iter().map(|x| x.0).collect::<Vec<_>>());
        let get = |n: &str| f.iter().find(|x| x.0 == n).unwrap().1;
        assert_eq!((get("重点领域信息数"), get("五公开信息数"), get("年度")), (154, 75, 2021));
    }
}
