//! Public consultation (意见征集): a draft open for comments between two dates, meetings
//! held about it, comments moderated before they are shown, and for each comment whether
//! it was adopted — published as the adoption report (意见采纳情况) when it closes.

use crate::field::{FieldError, FieldErrors, optional_multiline, optional_text, required_multiline, required_text};
use jiff::civil::Date;
use serde::Serialize;

/// Settings with the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationSettings {
    /// Minimum days open for a normative document's draft (30 by the State Council's rule
    /// on normative documents; configurable where the local rule differs).
    pub normative_min_days: i64,
    /// Minimum days for other drafts.
    pub other_min_days: i64,
}

impl Default for ConsultationSettings {
    fn default() -> Self {
        Self { normative_min_days: 30, other_min_days: 7 }
    }
}

/// A consultation as registered, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsultationFacts {
    pub title: String,
    pub purpose: String,
    /// The draft's text (articles on their own lines).
    pub draft: String,
    pub opens_on: Date,
    pub closes_on: Date,
    /// A normative document's draft (the longer minimum applies).
    pub normative: bool,
    /// How else comments are taken (e-mail, letter), shown with the notice.
    pub channels: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ConsultationInput {
    pub title: String,
    pub purpose: String,
    pub draft: String,
    pub opens_on: String,
    pub closes_on: String,
    pub normative: String,
    pub channels: String,
}

fn date(field: &'static str, label: &str, raw: &str) -> Result<Date, FieldError> {
    raw.trim().parse().map_err(|_| FieldError::new(field, format!("{label}应为有效日期（年-月-日）")))
}

impl ConsultationInput {
    pub fn parse(&self, s: &ConsultationSettings) -> Result<ConsultationFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.take(required_text("title", "标题", &self.title, 200));
        let purpose = e.take(optional_multiline("purpose", "征集目的和说明", &self.purpose, 5_000));
        let draft = e.take(required_multiline("draft", "征求意见稿", &self.draft, 200_000));
        let channels = e.take(optional_multiline("channels", "其他反馈渠道", &self.channels, 500));
        let opens = e.take(date("opens_on", "开始日期", &self.opens_on));
        let closes = e.take(date("closes_on", "截止日期", &self.closes_on));
        let normative = matches!(self.normative.trim(), "on" | "true" | "1");
        if let (Some(o), Some(c)) = (opens, closes) {
            let min = if normative { s.normative_min_days } else { s.other_min_days };
            // Both days count: 1 to 30 May is 30 days.
            let span = o.until((jiff::Unit::Day, c)).map(|sp| i64::from(sp.get_days())).unwrap_or(0);
            if c < o {
                e.push(FieldError::new("closes_on", "截止日期不能早于开始日期"));
            } else if span + 1 < min {
                e.push(FieldError::new(
                    "closes_on",
                    format!("征求意见期限不少于 {min} 日{}", if normative { "（规范性文件）" } else { "" }),
                ));
            }
        }
        e.into_result()?;
        let (Some(title), Some(purpose), Some(draft), Some(channels), Some(opens_on), Some(closes_on)) =
            (title, purpose, draft, channels, opens, closes)
        else {
            return Err(FieldError::new("title", "提交的内容有误").into());
        };
        Ok(ConsultationFacts {
            title,
            purpose: purpose.unwrap_or_default(),
            draft,
            opens_on,
            closes_on,
            normative,
            channels: channels.unwrap_or_default(),
        })
    }
}

impl ConsultationFacts {
    pub fn is_open(&self, today: Date) -> bool {
        self.opens_on <= today && today <= self.closes_on
    }

    /// Where the consultation stands on `today`, in words.
    pub fn phase(&self, today: Date, report_published: bool) -> &'static str {
        if report_published {
            "已公布采纳情况"
        } else if today < self.opens_on {
            "未开始"
        } else if self.is_open(today) {
            "征集中"
        } else {
            "已截止，待公布采纳情况"
        }
    }
}

/// Kinds of meeting held about a draft.
pub const MEETING_KINDS: [&str; 4] = ["座谈会", "听证会", "立法座谈会", "论证会"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingFacts {
    pub kind: String,
    pub on: Date,
    pub participants: String,
    pub minutes: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct MeetingInput {
    pub kind: String,
    pub on: String,
    pub participants: String,
    pub minutes: String,
}

impl MeetingInput {
    pub fn parse(&self, today: Date) -> Result<MeetingFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = self.kind.trim().to_string();
        if !MEETING_KINDS.contains(&kind.as_str()) {
            e.push(FieldError::new("kind", "请选择会议类型"));
        }
        let on = e
            .take(date("on", "会议日期", &self.on).and_then(|d| {
                if d > today { Err(FieldError::new("on", "会议日期不能晚于今天")) } else { Ok(d) }
            }));
        let participants = e.take(required_text("participants", "参会人员", &self.participants, 500));
        let minutes = e.take(optional_multiline("minutes", "会议纪要", &self.minutes, 20_000));
        e.into_result()?;
        let (Some(on), Some(participants), Some(minutes)) = (on, participants, minutes) else {
            return Err(FieldError::new("kind", "提交的内容有误").into());
        };
        Ok(MeetingFacts { kind, on, participants, minutes: minutes.unwrap_or_default() })
    }
}

/// A comment from the public, parsed. The name is optional and never shown in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentFacts {
    pub name: Option<String>,
    /// The article commented on (第三条), if any.
    pub article: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CommentInput {
    pub name: String,
    pub article: String,
    pub text: String,
    /// A field people do not see; filled in by form-filling robots only.
    pub website: String,
}

/// Why a comment is refused outright (not a field error the commenter can fix).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentRefused {
    #[error("该意见征集已于 {0} 截止，不再接受意见")]
    Closed(Date),
    #[error("该意见征集将于 {0} 开始")]
    NotYetOpen(Date),
    #[error("提交的内容无法接受")]
    Robot,
}

impl CommentInput {
    pub fn parse(
        &self,
        c: &ConsultationFacts,
        today: Date,
    ) -> Result<Result<CommentFacts, FieldErrors>, CommentRefused> {
        if !self.website.trim().is_empty() {
            return Err(CommentRefused::Robot);
        }
        if today > c.closes_on {
            return Err(CommentRefused::Closed(c.closes_on));
        }
        if today < c.opens_on {
            return Err(CommentRefused::NotYetOpen(c.opens_on));
        }
        let mut e = FieldErrors::new();
        let name = e.take(optional_text("name", "姓名或单位", &self.name, 60));
        let article = e.take(optional_text("article", "条款", &self.article, 30));
        let text = e.take(required_multiline("text", "意见内容", &self.text, 5_000));
        Ok(match (e.into_result(), name, article, text) {
            (Ok(()), Some(name), Some(article), Some(text)) => Ok(CommentFacts { name, article, text }),
            (Err(e), ..) => Err(e),
            _ => Err(FieldError::new("text", "提交的内容有误").into()),
        })
    }
}

/// A name as the portal shows it: the first character and 某 (张某, 广州某), or 匿名.
pub fn public_name(name: Option<&str>) -> String {
    match name.and_then(|n| n.chars().next()) {
        Some(first) => format!("{first}某"),
        None => "匿名".into(),
    }
}

/// Moderation of a comment before it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Pending,
    Shown,
    /// Not shown (abuse, advertising, personal data); still answered in the adoption report.
    Hidden,
}

impl Moderation {
    pub fn code(self) -> &'static str {
        match self {
            Moderation::Pending => "pending",
            Moderation::Shown => "shown",
            Moderation::Hidden => "hidden",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Moderation::Pending => "待审核",
            Moderation::Shown => "已公开",
            Moderation::Hidden => "不予显示",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        [Moderation::Pending, Moderation::Shown, Moderation::Hidden].into_iter().find(|m| m.code() == raw.trim())
    }
}

/// Whether a comment was adopted (意见采纳情况).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Adoption {
    Adopted,
    PartlyAdopted,
    NotAdopted,
}

impl Adoption {
    pub const ALL: [Adoption; 3] = [Adoption::Adopted, Adoption::PartlyAdopted, Adoption::NotAdopted];
    pub fn code(self) -> &'static str {
        match self {
            Adoption::Adopted => "adopted",
            Adoption::PartlyAdopted => "partly_adopted",
            Adoption::NotAdopted => "not_adopted",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Adoption::Adopted => "采纳",
            Adoption::PartlyAdopted => "部分采纳",
            Adoption::NotAdopted => "未采纳",
        }
    }
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|a| a.code() == raw.trim() || a.label() == raw.trim())
            .ok_or_else(|| FieldError::new("adoption", "请选择采纳情况"))
    }
}

/// Record whether a comment was adopted: only after the consultation closed, and partly
/// or not adopted only with the reason.
pub fn decide_adoption(c: &ConsultationFacts, today: Date, a: Adoption, reason: &str) -> Result<String, FieldError> {
    if today <= c.closes_on {
        return Err(FieldError::new("adoption", "意见征集截止后才能登记采纳情况"));
    }
    let reason = reason.trim();
    if a != Adoption::Adopted && reason.is_empty() {
        return Err(FieldError::new("reason", "部分采纳或未采纳的，须说明理由"));
    }
    if reason.chars().count() > 1_000 {
        return Err(FieldError::new("reason", "理由不能超过1000个字符"));
    }
    Ok(reason.to_string())
}

/// The adoption report may be published once every comment has its adoption decided.
pub fn can_publish_report(c: &ConsultationFacts, today: Date, undecided: usize) -> Result<(), &'static str> {
    if today <= c.closes_on {
        return Err("意见征集尚未截止");
    }
    if undecided > 0 {
        return Err("还有意见未登记采纳情况");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn input() -> ConsultationInput {
        ConsultationInput {
            title: "广州市养老服务条例（草案）".into(),
            draft: "第一条 为了……\n第二条 本条例适用于……".into(),
            opens_on: "2020-05-01".into(),
            closes_on: "2020-05-30".into(),
            normative: "on".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_period_has_a_minimum_and_comments_follow_it() {
        let s = ConsultationSettings::default();
        let c = input().parse(&s).unwrap();
        assert!(c.is_open(d("2020-05-30")) && !c.is_open(d("2020-05-31")));
        let mut short = input();
        short.closes_on = "2020-05-29".into();
        assert!(short.parse(&s).is_err(), "29 days for a normative document");
        short.normative = String::new();
        assert!(short.parse(&s).is_ok());
        let mut reversed = input();
        reversed.closes_on = "2020-04-01".into();
        assert!(reversed.parse(&s).unwrap_err().0[0].message.contains("不能早于"));
        let comment =
            CommentInput { text: "建议增加社区助餐。".into(), name: "张三".into(), ..Default::default() };
        assert!(comment.parse(&c, d("2020-05-10")).unwrap().is_ok());
        assert_eq!(comment.parse(&c, d("2020-06-01")), Err(CommentRefused::Closed(d("2020-05-30"))));
        let robot = CommentInput { website: "http://spam".into(), ..comment.clone() };
        assert_eq!(robot.parse(&c, d("2020-05-10")), Err(CommentRefused::Robot));
        assert_eq!(public_name(Some("张三")), "张某");
        assert_eq!(public_name(None), "匿名");
    }

    #[test]
    fn adoption_needs_the_close_and_a_reason() {
        let c = input().parse(&ConsultationSettings::default()).unwrap();
        assert!(decide_adoption(&c, d("2020-05-20"), Adoption::Adopted, "").is_err());
        assert!(decide_adoption(&c, d("2020-06-01"), Adoption::NotAdopted, " ").is_err());
        assert_eq!(
            decide_adoption(&c, d("2020-06-01"), Adoption::PartlyAdopted, "已在第五条体现").unwrap(),
            "已在第五条体现"
        );
        assert!(can_publish_report(&c, d("2020-06-01"), 1).is_err());
        assert!(can_publish_report(&c, d("2020-06-01"), 0).is_ok());
    }
}
