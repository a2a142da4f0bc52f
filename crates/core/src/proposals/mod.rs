//! NPC deputies' suggestions and CPPCC members' proposals (建议提案办理), spec
//! catalog-and-portal.md §C: the body's role in handling, the deadlines, the reply with its
//! classification, the proposer's rating and re-handling, and publishing the reply.
//!
//! One suggestion or proposal is a *motion* here: in this code base "proposal" already names
//! the reply a handler proposes to an approver (`applications::Proposal`).

use crate::calendar::{Calendar, CalendarError};
use crate::field::{FieldError, FieldErrors};
use jiff::Span;
use jiff::civil::Date;
use serde::Serialize;

use crate::field::codes;

codes! {
    /// Whose motion it is.
    MotionKind, "kind", "建议提案类型" {
        NpcSuggestion = "npc", "人大代表建议";
        CppccProposal = "cppcc", "政协提案";
    }
}

codes! {
    /// The body's part in handling (§C.2).
    HandlingRole, "role", "承办方式" {
        Lead = "lead", "主办";
        CoHandler = "co_handler", "会办";
        Separate = "separate", "分办";
        Reference = "reference", "参阅";
    }
}

impl HandlingRole {
    /// Whether this body publishes the reply: the lead and separate handlers reply to the
    /// proposer; a co-handler's opinion goes to the lead, a reference copy has no reply of ours.
    pub fn publishes(self) -> bool {
        matches!(self, HandlingRole::Lead | HandlingRole::Separate)
    }
}

codes! {
    /// The reply's class, marked on its first page (§C.3).
    Classification, "classification", "答复类别" {
        A = "a", "A类（已解决或基本解决）";
        B = "b", "B类（正在解决或列入计划解决）";
        C = "c", "C类（因条件限制暂不能解决）";
        D = "d", "D类（留作参考）";
    }
}

codes! {
    /// The proposer's rating of the reply.
    Satisfaction, "satisfaction", "代表委员的评价" {
        Satisfied = "satisfied", "满意";
        BasicallySatisfied = "basically_satisfied", "基本满意";
        Unsatisfied = "unsatisfied", "不满意";
    }
}

codes! {
    /// How the reply is published (§C.4): in full, as a summary, or not, with a reason for
    /// the last two.
    Disclosure, "disclosure", "答复公开方式" {
        Full = "full", "全文公开";
        Summary = "summary", "摘要公开";
        NotPublished = "not_published", "不公开";
    }
}

/// The local rules, as settings with the documented defaults (spec §C.1; several are [U]
/// or differ between places).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MotionSettings {
    /// Months from assignment to the reply: deputies' suggestions (代表法 Art. 51 [V]).
    pub npc_reply_months: i8,
    /// Months for CPPCC proposals ([U]; national practice 3).
    pub cppcc_reply_months: i8,
    /// Months for a co-handler's written opinion to the lead ([V] local rules).
    pub co_opinion_months: i8,
    /// Months to reply again after an unsatisfied rating (1 or 3 by place).
    pub rehandle_months: i8,
    /// Working days after the reply within which it is published (Anhui rule, [V]).
    pub publish_within_wd: u32,
}

impl Default for MotionSettings {
    fn default() -> Self {
        Self {
            npc_reply_months: 3,
            cppcc_reply_months: 3,
            co_opinion_months: 1,
            rehandle_months: 1,
            publish_within_wd: 20,
        }
    }
}

fn add_months(d: Date, months: i8) -> Date {
    // Saturating: a month added to 31 January is the last day of February.
    d.checked_add(Span::new().months(months)).unwrap_or(d)
}

/// A motion as registered: what it is and who assigned it to us, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MotionFacts {
    pub kind: MotionKind,
    /// 届次, e.g. 十六届五次会议.
    pub session: String,
    /// The assigning office's number, e.g. 第0123号.
    pub number: String,
    pub title: String,
    /// 领衔人 and 附议人, as the assignment lists them.
    pub proposers: String,
    pub content: String,
    /// The office that assigned it (市政府办公厅, 市人大常委会选工委 …).
    pub assigned_by: String,
    pub assigned_on: Date,
    pub role: HandlingRole,
    /// The lead and the co-handlers besides us.
    pub other_units: String,
    /// A case date set by the assigning office for urgent items (急办).
    pub urgent_due: Option<Date>,
}

/// Raw form or API input for a motion.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct MotionInput {
    pub kind: String,
    pub session: String,
    pub number: String,
    pub title: String,
    pub proposers: String,
    pub content: String,
    pub assigned_by: String,
    pub assigned_on: String,
    pub role: String,
    pub other_units: String,
    pub urgent_due: String,
}

fn text(field: &'static str, label: &str, raw: &str, max: usize, required: bool) -> Result<String, FieldError> {
    if required {
        crate::field::required_multiline(field, label, raw, max)
    } else {
        Ok(crate::field::optional_multiline(field, label, raw, max)?.unwrap_or_default())
    }
}

fn date(field: &'static str, label: &str, raw: &str) -> Result<Date, FieldError> {
    raw.trim().parse().map_err(|_| FieldError::new(field, format!("{label}应为有效日期（年-月-日）")))
}

impl MotionInput {
    /// Parse every field, collecting every error; `today` bounds the dates.
    pub fn parse(&self, today: Date) -> Result<MotionFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = e.take(MotionKind::parse(&self.kind));
        let role = e.take(HandlingRole::parse(&self.role));
        let session = e.take(text("session", "届次", &self.session, 40, true));
        let number = e.take(text("number", "编号", &self.number, 40, true));
        let title = e.take(text("title", "标题", &self.title, 200, true));
        let proposers = e.take(text("proposers", "提出人", &self.proposers, 200, true));
        let content = e.take(text("content", "内容摘要", &self.content, 20_000, false));
        let assigned_by = e.take(text("assigned_by", "交办单位", &self.assigned_by, 60, true));
        let other_units = e.take(text("other_units", "其他承办单位", &self.other_units, 200, false));
        let assigned_on = e.take(date("assigned_on", "交办日期", &self.assigned_on).and_then(|d| {
            if d > today { Err(FieldError::new("assigned_on", "交办日期不能晚于今天")) } else { Ok(d) }
        }));
        let urgent_due = if self.urgent_due.trim().is_empty() {
            Some(None)
        } else {
            e.take(date("urgent_due", "限办日期", &self.urgent_due)).map(Some)
        };
        if let (Some(a), Some(Some(u))) = (assigned_on, urgent_due)
            && u < a
        {
            e.push(FieldError::new("urgent_due", "限办日期不能早于交办日期"));
        }
        if role.is_some_and(|r| r != HandlingRole::Lead)
            && other_units.as_deref().is_some_and(str::is_empty)
            && role != Some(HandlingRole::Reference)
        {
            e.push(FieldError::new("other_units", "会办、分办件请填写主办单位或其他承办单位"));
        }
        e.into_result()?;
        let (
            Some(kind),
            Some(role),
            Some(session),
            Some(number),
            Some(title),
            Some(proposers),
            Some(content),
            Some(assigned_by),
            Some(other_units),
            Some(assigned_on),
            Some(urgent_due),
        ) = (kind, role, session, number, title, proposers, content, assigned_by, other_units, assigned_on, urgent_due)
        else {
            return Err(FieldErrors::from(FieldError::new("title", "提交的内容有误")));
        };
        Ok(MotionFacts {
            kind,
            session,
            number,
            title,
            proposers,
            content,
            assigned_by,
            assigned_on,
            role,
            other_units,
            urgent_due,
        })
    }
}

impl MotionFacts {
    /// When our part is due: a co-handler's written opinion to the lead, or the reply to
    /// the proposer; an urgent date set by the assigning office comes first.
    pub fn due_on(&self, s: &MotionSettings) -> Date {
        let months = match (self.role, self.kind) {
            (HandlingRole::CoHandler, _) => s.co_opinion_months,
            (_, MotionKind::NpcSuggestion) => s.npc_reply_months,
            (_, MotionKind::CppccProposal) => s.cppcc_reply_months,
        };
        let due = add_months(self.assigned_on, months);
        self.urgent_due.map_or(due, |u| u.min(due))
    }
}

/// What happened to a motion after registration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Handling {
    /// The (latest) reply or, for a co-handler, the opinion sent to the lead.
    pub replied_on: Option<Date>,
    pub classification: Option<Classification>,
    pub satisfaction: Option<Satisfaction>,
    pub rated_on: Option<Date>,
    /// Set when an unsatisfied rating asks for a second reply.
    pub rehandle_due: Option<Date>,
    /// Whether the reply was first given on time (a re-handling does not undo it).
    pub first_reply_on: Option<Date>,
    pub disclosure: Option<Disclosure>,
    pub published_on: Option<Date>,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MotionError {
    #[error("{0}")]
    Refused(&'static str),
}

/// A reply (or, for a co-handler, the written opinion) on `on`.
pub fn reply(
    f: &MotionFacts,
    h: &Handling,
    on: Date,
    classification: Option<Classification>,
    today: Date,
) -> Result<Handling, MotionError> {
    if on < f.assigned_on {
        return Err(MotionError::Refused("答复日期不能早于交办日期"));
    }
    if on > today {
        return Err(MotionError::Refused("答复日期不能晚于今天"));
    }
    if h.replied_on.is_some() && h.rehandle_due.is_none() {
        return Err(MotionError::Refused("该件已经答复；代表委员不满意时才能再次答复"));
    }
    if f.role != HandlingRole::CoHandler && f.role != HandlingRole::Reference && classification.is_none() {
        return Err(MotionError::Refused("主办、分办件的答复须标明答复类别（A、B、C、D）"));
    }
    let mut next = h.clone();
    next.replied_on = Some(on);
    next.first_reply_on = h.first_reply_on.or(Some(on));
    next.classification = classification.or(h.classification);
    // A second reply closes the re-handling and waits for a new rating.
    next.rehandle_due = None;
    next.satisfaction = None;
    next.rated_on = None;
    Ok(next)
}

/// The proposer's rating; an unsatisfied one opens re-handling with its due date.
pub fn rate(h: &Handling, rating: Satisfaction, on: Date, s: &MotionSettings) -> Result<Handling, MotionError> {
    let Some(replied) = h.replied_on else {
        return Err(MotionError::Refused("尚未答复，不能登记评价"));
    };
    if on < replied {
        return Err(MotionError::Refused("评价日期不能早于答复日期"));
    }
    if h.satisfaction.is_some() {
        return Err(MotionError::Refused("该次答复已登记评价"));
    }
    let mut next = h.clone();
    next.satisfaction = Some(rating);
    next.rated_on = Some(on);
    next.rehandle_due = (rating == Satisfaction::Unsatisfied).then(|| add_months(on, s.rehandle_months));
    Ok(next)
}

/// The latest date the reply may be published (reply + N working days).
pub fn publish_by(h: &Handling, s: &MotionSettings, cal: &Calendar) -> Result<Option<Date>, CalendarError> {
    h.replied_on.map(|d| cal.add_working_days(d, s.publish_within_wd)).transpose()
}

/// Publishing decision: full text or summary goes to the portal on `on`; not publishing
/// needs a reason. Co-handlers' opinions go to the lead, not the public.
pub fn decide_publication(
    f: &MotionFacts,
    h: &Handling,
    how: Disclosure,
    reason: &str,
    on: Date,
) -> Result<Handling, MotionError> {
    if !f.role.publishes() {
        return Err(MotionError::Refused("会办、参阅件的答复由主办单位公开"));
    }
    let Some(replied) = h.replied_on else {
        return Err(MotionError::Refused("尚未答复，不能公开"));
    };
    if on < replied {
        return Err(MotionError::Refused("公开日期不能早于答复日期"));
    }
    if how != Disclosure::Full && reason.trim().is_empty() {
        return Err(MotionError::Refused("摘要公开或不公开须说明理由"));
    }
    let mut next = h.clone();
    next.disclosure = Some(how);
    next.published_on = (how != Disclosure::NotPublished).then_some(on);
    Ok(next)
}

/// Phone numbers and e-mail addresses taken out of text to be published (contact details
/// are always redacted, §C.4).
pub fn redact_contacts(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        // A run of digits (with - or space inside) of 7 or more digits is a phone number.
        if chars[i].is_ascii_digit() {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len() && (chars[j].is_ascii_digit() || (chars[j] == '-' && digits > 0)) {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                }
                j += 1;
            }
            if digits >= 7 {
                out.push_str("【联系方式已隐去】");
                i = j;
                continue;
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        if chars[i] == '@' {
            // Take back the local part already written, and skip the domain.
            let local: usize = out
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
                .map(char::len_utf8)
                .sum();
            if local > 0 {
                out.truncate(out.len() - local);
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || matches!(chars[j], '.' | '-')) {
                    j += 1;
                }
                out.push_str("【联系方式已隐去】");
                i = j;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Whether the reply's publication is overdue on `today`: ours to publish, replied, no
/// decision yet, and the publishing period (reply + N working days) has passed.
pub fn publication_late(role: HandlingRole, h: &Handling, s: &MotionSettings, cal: &Calendar, today: Date) -> bool {
    role.publishes() && h.disclosure.is_none() && publish_by(h, s, cal).ok().flatten().is_some_and(|by| today > by)
}

/// What is late about a motion, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lateness {
    OnTime,
    /// The reply (or the co-handler's opinion, or the second reply) is past its date.
    Overdue,
    /// Replied, but not published within the publishing period.
    PublicationOverdue,
}

impl Lateness {
    /// The words added to the state in the register ("" when on time).
    pub fn note(self) -> &'static str {
        match self {
            Lateness::OnTime => "",
            Lateness::Overdue => "（已逾期）",
            Lateness::PublicationOverdue => "（答复逾期未公开）",
        }
    }
}

/// Where a motion stands, in words for the register, and what is late about it
/// (`publication_late` from [`publication_late`]).
pub fn progress(
    f: &MotionFacts,
    h: &Handling,
    s: &MotionSettings,
    today: Date,
    publication_late: bool,
) -> (String, Lateness) {
    let due = |late: bool| if late { Lateness::Overdue } else { Lateness::OnTime };
    let published = if publication_late { Lateness::PublicationOverdue } else { Lateness::OnTime };
    let rating = |r: Option<Satisfaction>| r.map(|r| format!("，评价：{}", r.label())).unwrap_or_default();
    match (h.replied_on, h.rehandle_due, h.satisfaction, h.disclosure) {
        (None, _, _, _) => {
            let what = if f.role == HandlingRole::CoHandler { "待送会办意见" } else { "待答复" };
            (what.to_string(), due(today > f.due_on(s)))
        }
        (Some(_), Some(by), _, _) => ("不满意，重新办理中".to_string(), due(today > by)),
        (Some(on), None, r, _) if !f.role.publishes() => {
            let what = if f.role == HandlingRole::CoHandler { "已送会办意见" } else { "已办理" };
            (format!("{what}（{on}）{}", rating(r)), Lateness::OnTime)
        }
        (Some(on), None, None, None) => (format!("已答复（{on}），待代表委员评价"), published),
        (Some(_), None, Some(r), None) => (format!("代表委员评价：{}，答复待公开", r.label()), published),
        (Some(_), None, r, Some(d)) => (format!("{}{}", d.label(), rating(r)), Lateness::OnTime),
    }
}

/// What waits on the desk: next steps overdue, next steps due within `horizon` days, and
/// replies of ours whose publication is not decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ToDos {
    pub late: i64,
    pub due_soon: i64,
    pub to_publish: i64,
}

pub fn to_dos<'a>(
    motions: impl IntoIterator<Item = (&'a MotionFacts, &'a Handling)>,
    s: &MotionSettings,
    today: Date,
    horizon_days: i64,
) -> ToDos {
    let until = today.checked_add(Span::new().days(horizon_days)).unwrap_or(today);
    let mut t = ToDos::default();
    for (f, h) in motions {
        match next_due(f, h, s) {
            Some(d) if d < today => t.late += 1,
            Some(d) if d <= until => t.due_soon += 1,
            _ => {}
        }
        if f.role.publishes() && h.replied_on.is_some() && h.disclosure.is_none() {
            t.to_publish += 1;
        }
    }
    t
}

/// One motion as the statistics see it.
#[derive(Debug, Clone)]
pub struct MotionFact {
    pub role: HandlingRole,
    pub due_on: Date,
    pub handling: Handling,
}

/// The year's handling, for the annual report's narrative (section 二's 建议提案 paragraph).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MotionStats {
    pub total: i64,
    pub lead: i64,
    pub co_handler: i64,
    pub separate: i64,
    pub reference: i64,
    pub replied: i64,
    /// First replies given by the due date.
    pub on_time: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub unsatisfied: i64,
    pub published_full: i64,
    pub published_summary: i64,
    /// Replied but not yet published although the publishing period has passed.
    pub publication_late: i64,
}

/// Count `motions` (those assigned in the year); `late(role, h)` says whether a reply's
/// publication is overdue — [`publication_late`] with the caller's calendar and day.
pub fn stats(motions: &[MotionFact], late: &dyn Fn(HandlingRole, &Handling) -> bool) -> MotionStats {
    let mut s = MotionStats::default();
    for m in motions {
        s.total += 1;
        match m.role {
            HandlingRole::Lead => s.lead += 1,
            HandlingRole::CoHandler => s.co_handler += 1,
            HandlingRole::Separate => s.separate += 1,
            HandlingRole::Reference => s.reference += 1,
        }
        let h = &m.handling;
        if let Some(first) = h.first_reply_on {
            s.replied += 1;
            if first <= m.due_on {
                s.on_time += 1;
            }
        }
        match h.satisfaction {
            Some(Satisfaction::Satisfied) => s.satisfied += 1,
            Some(Satisfaction::BasicallySatisfied) => s.basically_satisfied += 1,
            Some(Satisfaction::Unsatisfied) => s.unsatisfied += 1,
            None => {}
        }
        match (h.disclosure, h.published_on) {
            (Some(Disclosure::Full), Some(_)) => s.published_full += 1,
            (Some(Disclosure::Summary), Some(_)) => s.published_summary += 1,
            _ => {}
        }
        if h.replied_on.is_some() && late(m.role, h) {
            s.publication_late += 1;
        }
    }
    s
}

/// Whether a motion is still open for us: not replied, or re-handling after an unsatisfied rating.
pub fn is_open(h: &Handling) -> bool {
    h.replied_on.is_none() || h.rehandle_due.is_some()
}

/// The date our next step is due, if one is.
pub fn next_due(f: &MotionFacts, h: &Handling, s: &MotionSettings) -> Option<Date> {
    if h.replied_on.is_none() { Some(f.due_on(s)) } else { h.rehandle_due }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn input() -> MotionInput {
        MotionInput {
            kind: "npc".into(),
            session: "十五届五次会议".into(),
            number: "第0123号".into(),
            title: "关于加快社区养老服务设施建设的建议".into(),
            proposers: "王某某等10名代表".into(),
            content: "建议加快建设。".into(),
            assigned_by: "市政府办公厅".into(),
            assigned_on: "2020-03-31".into(),
            role: "lead".into(),
            other_units: String::new(),
            urgent_due: String::new(),
        }
    }

    #[test]
    fn deadlines_follow_the_role_the_kind_and_an_urgent_date() {
        let s = MotionSettings::default();
        let f = input().parse(d("2020-12-31")).unwrap();
        assert_eq!(f.due_on(&s), d("2020-06-30"), "three months from assignment");
        let mut co = input();
        co.role = "会办".into();
        co.other_units = "市卫生健康委（主办）".into();
        assert_eq!(
            co.parse(d("2020-12-31")).unwrap().due_on(&s),
            d("2020-04-30"),
            "the co-handler's opinion in a month"
        );
        let mut urgent = input();
        urgent.urgent_due = "2020-05-15".into();
        assert_eq!(urgent.parse(d("2020-12-31")).unwrap().due_on(&s), d("2020-05-15"));
        let mut jan = input();
        jan.assigned_on = "2021-11-30".into();
        assert_eq!(jan.parse(d("2021-12-31")).unwrap().due_on(&s), d("2022-02-28"), "saturating at month end");
        let six = MotionSettings { cppcc_reply_months: 5, ..s };
        let mut cppcc = input();
        cppcc.kind = "政协提案".into();
        assert_eq!(cppcc.parse(d("2020-12-31")).unwrap().due_on(&six), d("2020-08-31"));
    }

    #[test]
    fn bad_input_is_refused_field_by_field() {
        let mut i = input();
        i.kind = "x".into();
        i.assigned_on = "2021-01-05".into();
        i.urgent_due = "2020-01-01".into();
        i.title = " ".into();
        let e = i.parse(d("2020-12-31")).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field).collect();
        assert!(fields.contains(&"kind") && fields.contains(&"assigned_on") && fields.contains(&"title"), "{fields:?}");
        let mut co = input();
        co.role = "co_handler".into();
        assert!(co.parse(d("2020-12-31")).is_err(), "a co-handler names the lead");
    }

    #[test]
    fn reply_rating_rehandling_and_publication() {
        let s = MotionSettings::default();
        let f = input().parse(d("2020-12-31")).unwrap();
        let today = d("2020-12-31");
        let h = Handling::default();
        assert!(reply(&f, &h, d("2020-03-01"), Some(Classification::A), today).is_err(), "before assignment");
        assert!(reply(&f, &h, d("2020-05-01"), None, today).is_err(), "the lead classifies");
        let h = reply(&f, &h, d("2020-05-20"), Some(Classification::B), today).unwrap();
        assert!(reply(&f, &h, d("2020-05-21"), Some(Classification::B), today).is_err(), "replied once");
        assert!(rate(&h, Satisfaction::Satisfied, d("2020-05-01"), &s).is_err(), "before the reply");
        let h = rate(&h, Satisfaction::Unsatisfied, d("2020-06-01"), &s).unwrap();
        assert_eq!(h.rehandle_due, Some(d("2020-07-01")));
        assert!(is_open(&h));
        let h = reply(&f, &h, d("2020-06-20"), Some(Classification::A), today).unwrap();
        assert_eq!((h.first_reply_on, h.replied_on), (Some(d("2020-05-20")), Some(d("2020-06-20"))));
        let h = rate(&h, Satisfaction::BasicallySatisfied, d("2020-06-25"), &s).unwrap();
        assert!(!is_open(&h));
        assert!(decide_publication(&f, &h, Disclosure::Summary, "", d("2020-07-01")).is_err(), "reason needed");
        let h = decide_publication(&f, &h, Disclosure::Full, "", d("2020-07-01")).unwrap();
        let st = stats(&[MotionFact { role: f.role, due_on: f.due_on(&s), handling: h }], &|_, _| false);
        assert_eq!((st.total, st.lead, st.on_time, st.basically_satisfied, st.published_full), (1, 1, 1, 1, 1));
    }

    #[test]
    fn only_the_lead_and_separate_handlers_publish_replies() {
        let today = d("2020-12-31");
        for (role, units) in [("co_handler", "市卫生健康委（主办）"), ("reference", "")] {
            let mut i = input();
            i.role = role.into();
            i.other_units = units.into();
            let f = i.parse(today).unwrap();
            let h = reply(&f, &Handling::default(), d("2020-04-10"), None, today).unwrap();
            assert!(decide_publication(&f, &h, Disclosure::Full, "", d("2020-04-20")).is_err(), "{role}");
            let (s, cal) = (MotionSettings::default(), Calendar::builtin());
            assert!(!publication_late(f.role, &h, &s, &cal, today), "{role}: nothing of ours to publish");
            let st = stats(&[MotionFact { role: f.role, due_on: f.due_on(&s), handling: h }], &|r, h| {
                publication_late(r, h, &s, &cal, today)
            });
            assert_eq!(st.publication_late, 0, "{role}");
        }
    }

    #[test]
    fn the_desk_and_the_register_read_the_same_state() {
        let s = MotionSettings::default();
        let f = input().parse(d("2020-12-31")).unwrap();
        let h = Handling::default();
        assert_eq!(progress(&f, &h, &s, d("2020-07-01"), false), ("待答复".to_string(), Lateness::Overdue));
        let t = to_dos([(&f, &h)], &s, d("2020-06-10"), 30);
        assert_eq!((t.late, t.due_soon, t.to_publish), (0, 1, 0));
        let replied = reply(&f, &h, d("2020-05-01"), Some(Classification::A), d("2020-12-31")).unwrap();
        assert_eq!(to_dos([(&f, &replied)], &s, d("2020-07-01"), 30).to_publish, 1);
        assert_eq!(progress(&f, &replied, &s, d("2020-07-01"), true).1, Lateness::PublicationOverdue);
        let cal = Calendar::builtin();
        assert!(
            publication_late(f.role, &replied, &s, &cal, d("2020-07-01")),
            "20 working days after 1 May have passed"
        );
        assert!(!publication_late(f.role, &replied, &s, &cal, d("2020-05-10")));
    }

    #[test]
    fn contact_details_are_redacted() {
        let t =
            redact_contacts("联系人：张三，电话 020-83331234，手机13812345678，邮箱 zhang.san@example.cn。第12号建议");
        assert!(!t.contains("83331234") && !t.contains("13812345678") && !t.contains("zhang.san"), "{t}");
        assert!(t.contains("第12号建议") && t.contains("联系人：张三"), "{t}");
    }
}
