//! Proactive disclosure (主动公开): the catalog record's parsed values and rules.
//!
//! Index numbers (catalog-and-portal.md §A.2), the disclosure attribute with its closed
//! list of legal reasons (regulation.md §2, Art. 14–16), validity (§A.5), the lifecycle
//! of an item (draft → review → published), document numbers with 〔〕 brackets, and the
//! Art. 26 publication deadline of 20 working days (a shorter per-column limit allowed).

pub mod draft;

use crate::calendar::{Calendar, CalendarError};
use crate::field::FieldError;
use jiff::civil::Date;
use serde::Serialize;

/// 公开属性, fixed when the document is drafted (国办发〔2016〕80号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    Proactive,
    OnRequest,
    Withheld,
}

impl Attribute {
    pub const ALL: [Attribute; 3] = [Attribute::Proactive, Attribute::OnRequest, Attribute::Withheld];

    pub fn code(self) -> &'static str {
        match self {
            Attribute::Proactive => "proactive",
            Attribute::OnRequest => "on_request",
            Attribute::Withheld => "withheld",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Attribute::Proactive => "主动公开",
            Attribute::OnRequest => "依申请公开",
            Attribute::Withheld => "不予公开",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|a| a.code() == s.trim() || a.label() == s.trim())
            .ok_or_else(|| FieldError::new("attribute", "请选择公开属性（主动公开、依申请公开或不予公开）"))
    }
}

/// Legal reason for an item that is not proactively disclosed: the closed list of
/// Art. 14–16 of the regulation (regulation.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WithholdReason {
    StateSecret,
    ProhibitedByLaw,
    Security,
    ThirdParty,
    InternalAffairs,
    ProcessInformation,
    EnforcementFile,
}

impl WithholdReason {
    pub const ALL: [WithholdReason; 7] = [
        WithholdReason::StateSecret,
        WithholdReason::ProhibitedByLaw,
        WithholdReason::Security,
        WithholdReason::ThirdParty,
        WithholdReason::InternalAffairs,
        WithholdReason::ProcessInformation,
        WithholdReason::EnforcementFile,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WithholdReason::StateSecret => "state_secret",
            WithholdReason::ProhibitedByLaw => "prohibited_by_law",
            WithholdReason::Security => "security",
            WithholdReason::ThirdParty => "third_party",
            WithholdReason::InternalAffairs => "internal_affairs",
            WithholdReason::ProcessInformation => "process_information",
            WithholdReason::EnforcementFile => "enforcement_file",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WithholdReason::StateSecret => "属于国家秘密（第十四条）",
            WithholdReason::ProhibitedByLaw => "法律、行政法规禁止公开（第十四条）",
            WithholdReason::Security => "危及“三安全一稳定”（第十四条）",
            WithholdReason::ThirdParty => "涉及商业秘密、个人隐私等第三方合法权益（第十五条）",
            WithholdReason::InternalAffairs => "属于人事、后勤、内部工作流程等内部事务信息（第十六条第一款）",
            WithholdReason::ProcessInformation => {
                "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息（第十六条第二款）"
            }
            WithholdReason::EnforcementFile => "属于行政执法案卷信息（第十六条第二款）",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or_else(|| FieldError::new("withhold_reason", "请从第十四条至第十六条的理由中选择一项"))
    }
}

/// The attribute together with the reason it requires: a value that cannot be wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Proactive,
    OnRequest(WithholdReason),
    Withheld(WithholdReason),
}

impl Disclosure {
    /// 依申请公开 and 不予公开 need a reason from the closed list; 主动公开 takes none.
    pub fn new(attribute: Attribute, reason: Option<WithholdReason>) -> Result<Self, FieldError> {
        match (attribute, reason) {
            (Attribute::Proactive, _) => Ok(Disclosure::Proactive),
            (Attribute::OnRequest, Some(r)) => Ok(Disclosure::OnRequest(r)),
            (Attribute::Withheld, Some(r)) => Ok(Disclosure::Withheld(r)),
            (a, None) => Err(FieldError::new(
                "withhold_reason",
                format!("公开属性为“{}”时必须写明第十四条至第十六条规定的理由", a.label()),
            )),
        }
    }

    pub fn attribute(self) -> Attribute {
        match self {
            Disclosure::Proactive => Attribute::Proactive,
            Disclosure::OnRequest(_) => Attribute::OnRequest,
            Disclosure::Withheld(_) => Attribute::Withheld,
        }
    }

    pub fn reason(self) -> Option<WithholdReason> {
        match self {
            Disclosure::Proactive => None,
            Disclosure::OnRequest(r) | Disclosure::Withheld(r) => Some(r),
        }
    }
}

/// 有效性 (catalog-and-portal.md §A.5; the labels beyond 有效 are a setting per site).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Expired,
    Repealed,
    Amended,
    PartlyExpired,
}

impl Validity {
    pub const ALL: [Validity; 5] =
        [Validity::Valid, Validity::Expired, Validity::Repealed, Validity::Amended, Validity::PartlyExpired];

    pub fn code(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Expired => "expired",
            Validity::Repealed => "repealed",
            Validity::Amended => "amended",
            Validity::PartlyExpired => "partly_expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Validity::Valid => "有效",
            Validity::Expired => "失效",
            Validity::Repealed => "废止",
            Validity::Amended => "已修改",
            Validity::PartlyExpired => "部分失效",
        }
    }

    /// Whether the document is still (at least partly) in force; 现行有效 counts these.
    pub fn in_force(self) -> bool {
        matches!(self, Validity::Valid | Validity::Amended | Validity::PartlyExpired)
    }

    /// A document no longer fully valid carries a mark on its public page and in lists.
    pub fn needs_mark(self) -> bool {
        self != Validity::Valid
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if s == "现行有效" {
            return Ok(Validity::Valid);
        }
        Self::ALL
            .into_iter()
            .find(|v| v.code() == s || v.label() == s)
            .ok_or_else(|| FieldError::new("validity", "有效性应为有效、失效、废止、已修改或部分失效"))
    }
}

/// One entry of an item's validity history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityChange {
    pub validity: Validity,
    pub on: Date,
}

/// The validity in force on `day`, from a history in any order: the latest change on or
/// before `day`; before the first change the document counts as valid.
pub fn validity_on(history: &[ValidityChange], day: Date) -> Validity {
    history.iter().filter(|c| c.on <= day).max_by_key(|c| c.on).map_or(Validity::Valid, |c| c.validity)
}

/// One rule or normative document as table 二 item (一) sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    pub formed: Date,
    pub published: Option<Date>,
    pub history: Vec<ValidityChange>,
}

/// Table 二 item (一) counts for one kind of document and one year: made (成文) in the
/// year, published in the year, published in total by 31 December, repealed in the year
/// (in force on the last day of the previous year, no longer on 31 December), in force on
/// 31 December.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NormativeCounts {
    pub made: i64,
    pub published: i64,
    pub repealed: i64,
    pub in_force: i64,
    pub published_total: i64,
}

/// Table 二 item (一) from the counts of rules (`r1`) and normative documents (`r2`): the
/// F2019 layout has made, published and published in total; F2021 made, repealed and in
/// force. Cell codes as in annual-report-format.md.
pub fn table2_item1_cells(
    format: crate::applications::ReportFormat,
    rules: &NormativeCounts,
    normative: &NormativeCounts,
) -> Vec<(String, i64)> {
    let mut out = Vec::with_capacity(6);
    for (row, c) in [("r1", rules), ("r2", normative)] {
        let values = match format {
            crate::applications::ReportFormat::F2019 => [c.made, c.published, c.published_total],
            crate::applications::ReportFormat::F2021 => [c.made, c.repealed, c.in_force],
        };
        for (col, v) in ["c1", "c2", "c3"].into_iter().zip(values) {
            out.push((format!("t2.i1.{row}:{col}"), v));
        }
    }
    out
}

pub fn normative_counts(docs: &[DocumentFacts], year: i16) -> NormativeCounts {
    let (Ok(start), Ok(end)) = (Date::new(year, 1, 1), Date::new(year, 12, 31)) else {
        return NormativeCounts::default();
    };
    let in_year = |d: Date| d >= start && d <= end;
    let mut c = NormativeCounts::default();
    for d in docs.iter().filter(|d| d.formed <= end) {
        c.made += i64::from(in_year(d.formed));
        c.published += i64::from(d.published.is_some_and(in_year));
        c.published_total += i64::from(d.published.is_some_and(|p| p <= end));
        let before = validity_on(&d.history, start.yesterday().unwrap_or(start));
        let after = validity_on(&d.history, end);
        c.repealed += i64::from(before.in_force() && !after.in_force());
        c.in_force += i64::from(after.in_force());
    }
    c
}

/// What kind of record an item is; it decides table 二 counting and interpretation links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 规章 (only governments make them; counted in t2.i1.r1).
    Rule,
    /// 规范性文件 (t2.i1.r2).
    Normative,
    /// 政策解读, linked to the document it explains.
    Interpretation,
    /// Any other proactively disclosed information.
    General,
}

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [ItemKind::Normative, ItemKind::Interpretation, ItemKind::General, ItemKind::Rule];

    pub fn code(self) -> &'static str {
        match self {
            ItemKind::Rule => "rule",
            ItemKind::Normative => "normative",
            ItemKind::Interpretation => "interpretation",
            ItemKind::General => "general",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Rule => "规章",
            ItemKind::Normative => "规范性文件",
            ItemKind::Interpretation => "政策解读",
            ItemKind::General => "其他政府信息",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s.trim() || k.label() == s.trim())
            .ok_or_else(|| FieldError::new("kind", "信息类型应为规范性文件、政策解读、规章或其他政府信息"))
    }

    /// Documents with legal effect have a validity and are assessed periodically.
    pub fn has_validity(self) -> bool {
        matches!(self, ItemKind::Rule | ItemKind::Normative)
    }
}

/// Forms of a policy interpretation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InterpretationForm {
    Text,
    Graphic,
    Video,
    Qa,
}

impl InterpretationForm {
    pub const ALL: [InterpretationForm; 4] =
        [InterpretationForm::Text, InterpretationForm::Graphic, InterpretationForm::Video, InterpretationForm::Qa];

    pub fn code(self) -> &'static str {
        match self {
            InterpretationForm::Text => "text",
            InterpretationForm::Graphic => "graphic",
            InterpretationForm::Video => "video",
            InterpretationForm::Qa => "qa",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InterpretationForm::Text => "文字解读",
            InterpretationForm::Graphic => "图解（一图读懂）",
            InterpretationForm::Video => "视频解读",
            InterpretationForm::Qa => "问答解读",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|f| f.code() == s.trim() || f.label() == s.trim())
            .ok_or_else(|| FieldError::new("interp_form", "解读形式应为文字、图解、视频或问答"))
    }
}

/// Lifecycle of an item. Approval publishes (proactive items) or files it in the internal
/// register (the other two attributes); a returned item goes back to draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Published,
    /// Approved but not proactively disclosed: kept in the internal register.
    Registered,
    /// Published as a public notice (a name list) whose notice period has ended: off the
    /// portal, still counted as published in its year.
    Expired,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Draft, Status::Submitted, Status::Published, Status::Registered, Status::Expired];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Published => "published",
            Status::Registered => "registered",
            Status::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "待审核",
            Status::Published => "已发布",
            Status::Registered => "已登记（不主动公开）",
            Status::Expired => "公示期满（已撤下）",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// Transitions of the review workflow, refused with a Chinese message when they do not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Edit,
    Submit,
    Approve,
    Return,
    /// The public-notice period of a published list ended.
    Expire,
}

pub fn transition(from: Status, action: Action, attribute: Attribute) -> Result<Status, String> {
    use Status::*;
    match (from, action) {
        (Draft, Action::Edit) => Ok(Draft),
        (Draft, Action::Submit) => Ok(Submitted),
        (Submitted, Action::Approve) => Ok(if attribute == Attribute::Proactive { Published } else { Registered }),
        (Submitted, Action::Return) => Ok(Draft),
        (Published, Action::Expire) => Ok(Expired),
        (s, a) => Err(format!(
            "当前状态为“{}”，不能{}",
            s.label(),
            match a {
                Action::Edit => "修改",
                Action::Submit => "提交审核",
                Action::Approve => "审核通过",
                Action::Return => "退回修改",
                Action::Expire => "结束公示",
            }
        )),
    }
}

/// Art. 26: 20 working days from formation or change; a shorter limit may be set per column.
pub const DEFAULT_PUBLISH_LIMIT: u32 = 20;

/// The last day on which an item formed (or changed) on `formed` may be published.
pub fn publish_deadline(cal: &Calendar, formed: Date, limit: u32) -> Result<Date, CalendarError> {
    cal.add_working_days(formed, limit)
}

/// The per-column limit, which may only shorten the statutory 20 working days.
pub fn column_limit(raw: Option<u32>) -> Result<u32, FieldError> {
    match raw {
        None => Ok(DEFAULT_PUBLISH_LIMIT),
        Some(n) if (1..=DEFAULT_PUBLISH_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(FieldError::new(
            "limit_wd",
            "栏目公开时限应为1至20个工作日（条例第二十六条规定的20个工作日只能缩短，不能延长）",
        )),
    }
}

/// A document number (发文字号) with the official 〔〕 brackets: `民发〔2020〕12号`. Half- or
/// full-width square brackets and 【】/［］ typed by staff are normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocNumber(String);

impl DocNumber {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '[' | '［' | '【' | '(' | '（' => '〔',
                ']' | '］' | '】' | ')' | '）' => '〕',
                c => c,
            })
            .collect();
        let bad = || FieldError::new("doc_number", "文号格式应如“穗民规字〔2020〕3号”：机关代字、〔年份〕、序号加“号”");
        let (agency, rest) = s.split_once('〔').ok_or_else(bad)?;
        let (year, rest) = rest.split_once('〕').ok_or_else(bad)?;
        let serial = rest.strip_suffix('号').ok_or_else(bad)?;
        if agency.is_empty()
            || year.len() != 4
            || !year.bytes().all(|b| b.is_ascii_digit())
            || serial.is_empty()
            || !serial.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Per-organisation pattern for index numbers. Tokens: `{code}` (the issuer code),
/// `{yyyy}`, `{mm}`, `{serial}` (5 digits, zero-padded). The serial runs per issuer per
/// period (the year, or the month when `{mm}` is used) and is never reused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPattern(String);

pub const DEFAULT_INDEX_PATTERN: &str = "{code}/{yyyy}-{serial}";

impl IndexPattern {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        let bad = |m: &str| FieldError::new("index_pattern", format!("索引号规则有误：{m}"));
        if !s.contains("{serial}") || !s.contains("{yyyy}") {
            return Err(bad("必须包含 {yyyy} 和 {serial}"));
        }
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').ok_or_else(|| bad("花括号不成对"))? + open;
            let token = &rest[open + 1..close];
            if !matches!(token, "code" | "yyyy" | "mm" | "serial") {
                return Err(bad(&format!("未知的占位符 {{{token}}}，可用 {{code}} {{yyyy}} {{mm}} {{serial}}")));
            }
            rest = &rest[close + 1..];
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The serial's period key for a publication date: `2020` or `202003`.
    pub fn period(&self, published: Date) -> String {
        if self.0.contains("{mm}") {
            format!("{:04}{:02}", published.year(), published.month())
        } else {
            format!("{:04}", published.year())
        }
    }

    pub fn format(&self, code: &str, published: Date, serial: u32) -> String {
        self.0
            .replace("{code}", code)
            .replace("{yyyy}", &format!("{:04}", published.year()))
            .replace("{mm}", &format!("{:02}", published.month()))
            .replace("{serial}", &format!("{serial:05}"))
    }
}

impl Default for IndexPattern {
    fn default() -> Self {
        Self(DEFAULT_INDEX_PATTERN.into())
    }
}

/// Column types of a civil affairs bureau's catalog tree (issue 4; catalog-and-portal.md §A.7, §A.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Normative,
    Interpretation,
    FiveOpen,
    KeyArea,
    Donations,
    Procurement,
    Blacklist,
    Enforcement,
    Reconsideration,
    Audit,
    General,
}

impl ColumnKind {
    pub const ALL: [ColumnKind; 11] = [
        ColumnKind::Normative,
        ColumnKind::Interpretation,
        ColumnKind::FiveOpen,
        ColumnKind::KeyArea,
        ColumnKind::Donations,
        ColumnKind::Procurement,
        ColumnKind::Blacklist,
        ColumnKind::Enforcement,
        ColumnKind::Reconsideration,
        ColumnKind::Audit,
        ColumnKind::General,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ColumnKind::Normative => "normative",
            ColumnKind::Interpretation => "interpretation",
            ColumnKind::FiveOpen => "five_open",
            ColumnKind::KeyArea => "key_area",
            ColumnKind::Donations => "donations",
            ColumnKind::Procurement => "procurement",
            ColumnKind::Blacklist => "blacklist",
            ColumnKind::Enforcement => "enforcement",
            ColumnKind::Reconsideration => "reconsideration",
            ColumnKind::Audit => "audit",
            ColumnKind::General => "general",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ColumnKind::Normative => "规范性文件",
            ColumnKind::Interpretation => "政策解读",
            ColumnKind::FiveOpen => "五公开",
            ColumnKind::KeyArea => "重点领域",
            ColumnKind::Donations => "捐赠款物",
            ColumnKind::Procurement => "政府采购",
            ColumnKind::Blacklist => "严重失信名单",
            ColumnKind::Enforcement => "行政执法",
            ColumnKind::Reconsideration => "行政复议",
            ColumnKind::Audit => "审计整改",
            ColumnKind::General => "其他",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|k| k.code() == s.trim()).ok_or_else(|| FieldError::new("kind", "请选择栏目类型"))
    }
}

/// One column of the default tree: (slug, parent slug, name, kind, per-column limit).
pub type DefaultColumn = (&'static str, Option<&'static str>, &'static str, ColumnKind, Option<u32>);

/// The default column tree of a civil affairs bureau; each organisation edits its own copy.
pub const DEFAULT_COLUMNS: &[DefaultColumn] = &[
    ("policy", None, "政策文件", ColumnKind::General, None),
    ("normative", Some("policy"), "规范性文件", ColumnKind::Normative, None),
    ("interpretation", Some("policy"), "政策解读", ColumnKind::Interpretation, None),
    ("five-open", None, "五公开", ColumnKind::FiveOpen, None),
    ("decision", Some("five-open"), "决策公开", ColumnKind::FiveOpen, None),
    ("execution", Some("five-open"), "执行公开", ColumnKind::FiveOpen, None),
    ("management", Some("five-open"), "管理公开", ColumnKind::FiveOpen, None),
    ("service", Some("five-open"), "服务公开", ColumnKind::FiveOpen, None),
    ("result", Some("five-open"), "结果公开", ColumnKind::FiveOpen, None),
    ("key-areas", None, "重点领域信息公开", ColumnKind::KeyArea, None),
    ("assistance", Some("key-areas"), "社会救助", ColumnKind::KeyArea, Some(10)),
    ("welfare", Some("key-areas"), "社会福利", ColumnKind::KeyArea, None),
    ("elderly", Some("key-areas"), "养老服务", ColumnKind::KeyArea, Some(10)),
    ("funeral", Some("key-areas"), "殡葬服务", ColumnKind::KeyArea, None),
    ("donations", Some("key-areas"), "捐赠款物接收和使用", ColumnKind::Donations, None),
    ("procurement", Some("key-areas"), "政府采购", ColumnKind::Procurement, None),
    ("blacklist", Some("key-areas"), "严重失信主体名单", ColumnKind::Blacklist, None),
    ("enforcement", None, "行政执法公示", ColumnKind::Enforcement, None),
    ("reconsideration", None, "行政复议", ColumnKind::Reconsideration, None),
    ("audit", None, "审计整改", ColumnKind::Audit, None),
];

/// Column slugs appear in URLs: lower-case ASCII letters, digits and hyphens.
pub fn parse_slug(raw: &str) -> Result<String, FieldError> {
    let s = raw.trim().to_ascii_lowercase();
    if s.is_empty()
        || s.len() > 40
        || !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || s.starts_with('-')
    {
        return Err(FieldError::new("slug", "栏目代码应为1至40个小写字母、数字或连字符"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn withheld_and_on_request_need_a_reason() {
        assert_eq!(Disclosure::new(Attribute::Proactive, None).unwrap(), Disclosure::Proactive);
        let e = Disclosure::new(Attribute::Withheld, None).unwrap_err();
        assert!(e.message.contains("不予公开"), "{e}");
        let d = Disclosure::new(Attribute::OnRequest, Some(WithholdReason::ThirdParty)).unwrap();
        assert_eq!((d.attribute(), d.reason()), (Attribute::OnRequest, Some(WithholdReason::ThirdParty)));
    }

    #[test]
    fn workflow_refuses_out_of_order_steps() {
        assert_eq!(transition(Status::Draft, Action::Submit, Attribute::Proactive), Ok(Status::Submitted));
        assert_eq!(transition(Status::Submitted, Action::Approve, Attribute::Proactive), Ok(Status::Published));
        assert_eq!(transition(Status::Submitted, Action::Approve, Attribute::Withheld), Ok(Status::Registered));
        assert_eq!(transition(Status::Submitted, Action::Return, Attribute::Proactive), Ok(Status::Draft));
        assert!(transition(Status::Draft, Action::Approve, Attribute::Proactive).unwrap_err().contains("草稿"));
        assert!(transition(Status::Published, Action::Edit, Attribute::Proactive).is_err());
    }

    #[test]
    fn index_numbers_follow_the_pattern() {
        let p = IndexPattern::default();
        assert_eq!(p.format("11440100MB2C92340X", date(2020, 3, 5), 7), "11440100MB2C92340X/2020-00007");
        assert_eq!(p.period(date(2020, 3, 5)), "2020");
        let m = IndexPattern::parse("{code}/{yyyy}{mm}-{serial}").unwrap();
        assert_eq!(m.format("X", date(2021, 10, 1), 13), "X/202110-00013");
        assert_eq!(m.period(date(2021, 10, 1)), "202110");
        assert!(IndexPattern::parse("{code}/{serial}").is_err());
        assert!(IndexPattern::parse("{code}/{yyyy}-{nr}{serial}").unwrap_err().message.contains("{nr}"));
    }

    #[test]
    fn doc_numbers_get_official_brackets() {
        assert_eq!(DocNumber::parse("国办函[2020]109号").unwrap().as_str(), "国办函〔2020〕109号");
        assert_eq!(DocNumber::parse(" 穗民规字【2020】 3号").unwrap().as_str(), "穗民规字〔2020〕3号");
        for bad in ["2020年3号", "〔2020〕3号", "民发〔20〕3号", "民发〔2020〕三号", "民发〔2020〕3"]
        {
            assert!(DocNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn validity_history_answers_for_any_day() {
        let h = [
            ValidityChange { validity: Validity::Amended, on: date(2019, 6, 1) },
            ValidityChange { validity: Validity::Repealed, on: date(2021, 1, 1) },
        ];
        assert_eq!(validity_on(&h, date(2018, 12, 31)), Validity::Valid);
        assert_eq!(validity_on(&h, date(2020, 12, 31)), Validity::Amended);
        assert!(validity_on(&h, date(2020, 12, 31)).in_force());
        assert_eq!(validity_on(&h, date(2021, 1, 1)), Validity::Repealed);
        assert!(!Validity::Repealed.in_force());
        assert_eq!(Validity::parse("现行有效").unwrap(), Validity::Valid);
    }

    #[test]
    fn table_two_counts_follow_validity_history() {
        let doc = |formed, published, history: &[(Validity, Date)]| DocumentFacts {
            formed,
            published,
            history: history.iter().map(|&(validity, on)| ValidityChange { validity, on }).collect(),
        };
        let docs = [
            doc(date(2019, 5, 6), Some(date(2019, 5, 8)), &[(Validity::Repealed, date(2020, 9, 1))]),
            doc(date(2020, 3, 2), Some(date(2020, 3, 4)), &[(Validity::Expired, date(2021, 2, 1))]),
            doc(date(2020, 12, 30), Some(date(2021, 1, 5)), &[]),
            doc(date(2021, 6, 1), None, &[]),
        ];
        assert_eq!(
            normative_counts(&docs, 2020),
            NormativeCounts { made: 2, published: 1, repealed: 1, in_force: 2, published_total: 2 }
        );
        assert_eq!(
            normative_counts(&docs, 2021),
            NormativeCounts { made: 1, published: 1, repealed: 1, in_force: 2, published_total: 3 }
        );
    }

    #[test]
    fn column_limits_only_shorten_the_statutory_period() {
        assert_eq!(column_limit(None).unwrap(), 20);
        assert_eq!(column_limit(Some(10)).unwrap(), 10);
        assert!(column_limit(Some(21)).is_err());
        assert!(column_limit(Some(0)).is_err());
        let cal = Calendar::builtin();
        // Formed on the Friday before National Day 2020: the holiday week is skipped.
        assert_eq!(publish_deadline(&cal, date(2020, 9, 25), 20).unwrap(), date(2020, 10, 29));
    }

    #[test]
    fn default_tree_is_well_formed() {
        for (slug, parent, ..) in DEFAULT_COLUMNS {
            assert!(parse_slug(slug).is_ok());
            if let Some(p) = parent {
                assert!(DEFAULT_COLUMNS.iter().any(|c| c.0 == *p), "{p}");
            }
        }
    }
}

#[cfg(test)]
mod table2_tests {
    use super::*;
    use crate::applications::ReportFormat;

    #[test]
    fn catalog_counts_land_in_the_format_s_cells() {
        let rules = NormativeCounts { made: 1, published: 1, repealed: 0, in_force: 4, published_total: 5 };
        let norm = NormativeCounts { made: 21, published: 21, repealed: 3, in_force: 45, published_total: 45 };
        let f21 = table2_item1_cells(ReportFormat::F2021, &rules, &norm);
        assert!(f21.contains(&("t2.i1.r2:c2".into(), 3)) && f21.contains(&("t2.i1.r1:c3".into(), 4)), "{f21:?}");
        let f19 = table2_item1_cells(ReportFormat::F2019, &rules, &norm);
        assert!(f19.contains(&("t2.i1.r2:c2".into(), 21)) && f19.contains(&("t2.i1.r1:c3".into(), 5)), "{f19:?}");
        assert_eq!(f19.len(), 6);
    }
}

#[cfg(test)]
mod serde_tests {
    use super::*;

    /// Rows and JSON carry the same codes the database stores.
    #[test]
    fn serialised_as_their_codes() {
        let j = |v: serde_json::Value| v.as_str().unwrap().to_string();
        for a in Attribute::ALL {
            assert_eq!(j(serde_json::to_value(a).unwrap()), a.code());
        }
        for v in Validity::ALL {
            assert_eq!(j(serde_json::to_value(v).unwrap()), v.code());
        }
        for k in ItemKind::ALL {
            assert_eq!(j(serde_json::to_value(k).unwrap()), k.code());
        }
        for c in ColumnKind::ALL {
            assert_eq!(j(serde_json::to_value(c).unwrap()), c.code());
        }
        for s in [Status::Draft, Status::Submitted, Status::Published, Status::Registered] {
            assert_eq!(j(serde_json::to_value(s).unwrap()), s.code());
        }
    }
}
