//! Responses to public concerns (回应关切) and press work: press conferences held or
//! attended, press releases, media coverage, and responses to hot topics — records for the
//! portal and the annual report's narrative (spec catalog-and-portal.md §A.6–A.9, the
//! report's section 二).

use crate::field::{FieldError, FieldErrors, optional_multiline, required_text};
use jiff::civil::Date;
use serde::Serialize;

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PressKind {
    /// 举办新闻发布会
    ConferenceHeld,
    /// 参加上级（省、市）新闻发布会
    ConferenceAttended,
    /// 发布新闻稿
    Release,
    /// 媒体报道（一篇或一批，如月度舆情监测报告的篇数）
    Coverage,
    /// 回应社会关切（热点问题、网民留言）
    Response,
}

impl PressKind {
    pub const ALL: [PressKind; 5] = [
        PressKind::ConferenceHeld,
        PressKind::ConferenceAttended,
        PressKind::Release,
        PressKind::Coverage,
        PressKind::Response,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PressKind::ConferenceHeld => "conference_held",
            PressKind::ConferenceAttended => "conference_attended",
            PressKind::Release => "release",
            PressKind::Coverage => "coverage",
            PressKind::Response => "response",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PressKind::ConferenceHeld => "举办新闻发布会",
            PressKind::ConferenceAttended => "参加新闻发布会",
            PressKind::Release => "新闻稿",
            PressKind::Coverage => "媒体报道",
            PressKind::Response => "回应关切",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.code() == raw || k.label() == raw)
            .ok_or_else(|| FieldError::new("kind", "请选择记录类型"))
    }

    /// Whether the portal lists records of this kind (releases and coverage are counted there,
    /// not listed).
    pub fn listed_publicly(self) -> bool {
        matches!(self, PressKind::Response | PressKind::ConferenceHeld | PressKind::ConferenceAttended)
    }

    /// Whether the record stands for several items (a batch of coverage).
    pub fn counts_many(self) -> bool {
        self == PressKind::Coverage
    }
}

/// The level of a conference attended (who held it).
pub const LEVELS: [&str; 3] = ["国家级", "省级", "市级"];

/// One record, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PressFacts {
    pub kind: PressKind,
    pub on: Date,
    /// Topic, title or the question responded to.
    pub title: String,
    /// Who held a conference attended (国家级/省级/市级); empty otherwise.
    pub level: String,
    /// Speakers of a conference, outlet of coverage, channel of a response.
    pub who: String,
    pub summary: String,
    /// Items this record stands for (1 except for coverage batches).
    pub count: i64,
    /// Of which in national (中央) media (coverage only).
    pub national: i64,
}

/// Raw form or API input.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PressInput {
    pub kind: String,
    pub on: String,
    pub title: String,
    pub level: String,
    pub who: String,
    pub summary: String,
    pub count: String,
    pub national: String,
}

fn number(field: &'static str, label: &str, raw: &str, default: i64) -> Result<i64, FieldError> {
    if raw.trim().is_empty() {
        return Ok(default);
    }
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=1_000_000).contains(n))
        .ok_or_else(|| FieldError::new(field, format!("{label}应为 0 至 1000000 之间的整数")))
}

impl PressInput {
    pub fn parse(&self, today: Date) -> Result<PressFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = e.take(PressKind::parse(&self.kind));
        let on = e.take(
            self.on
                .trim()
                .parse::<Date>()
                .map_err(|_| FieldError::new("on", "日期应为有效日期（年-月-日）"))
                .and_then(|d| if d > today { Err(FieldError::new("on", "日期不能晚于今天")) } else { Ok(d) }),
        );
        let title = e.take(required_text("title", "主题或标题", &self.title, 200));
        let who = e.take(optional_multiline("who", "发布人、媒体或渠道", &self.who, 200));
        let summary = e.take(optional_multiline("summary", "内容摘要", &self.summary, 5_000));
        let level = self.level.trim().to_string();
        if kind == Some(PressKind::ConferenceAttended) && !LEVELS.contains(&level.as_str()) {
            e.push(FieldError::new("level", "请选择所参加发布会的级别（国家级、省级或市级）"));
        }
        let many = kind.is_some_and(PressKind::counts_many);
        let count = e.take(number("count", "篇数", &self.count, 1).and_then(|n| {
            if !many && n != 1 {
                Err(FieldError::new("count", "只有媒体报道可以一次登记多篇"))
            } else if n == 0 {
                Err(FieldError::new("count", "篇数至少为 1"))
            } else {
                Ok(n)
            }
        }));
        let national = e.take(number("national", "中央媒体篇数", &self.national, 0));
        if let (Some(c), Some(n)) = (count, national)
            && n > c
        {
            e.push(FieldError::new("national", "中央媒体篇数不能多于报道总篇数"));
        }
        if !many && national.is_some_and(|n| n > 0) {
            e.push(FieldError::new("national", "只有媒体报道登记中央媒体篇数"));
        }
        e.into_result()?;
        let (Some(kind), Some(on), Some(title), Some(who), Some(summary), Some(count), Some(national)) =
            (kind, on, title, who, summary, count, national)
        else {
            return Err(FieldError::new("kind", "提交的内容有误").into());
        };
        Ok(PressFacts {
            kind,
            on,
            title,
            level: if kind == PressKind::ConferenceAttended { level } else { String::new() },
            who: who.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            count,
            national,
        })
    }
}

/// The year's press work, for the report's narrative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PressStats {
    pub held: i64,
    pub attended: i64,
    pub releases: i64,
    pub coverage: i64,
    pub national: i64,
    pub responses: i64,
}

pub fn stats(records: &[PressFacts]) -> PressStats {
    let mut s = PressStats::default();
    for r in records {
        match r.kind {
            PressKind::ConferenceHeld => s.held += r.count,
            PressKind::ConferenceAttended => s.attended += r.count,
            PressKind::Release => s.releases += r.count,
            PressKind::Coverage => {
                s.coverage += r.count;
                s.national += r.national;
            }
            PressKind::Response => s.responses += r.count,
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn records_are_checked_and_counted() {
        let ok = PressInput {
            kind: "coverage".into(),
            on: "2020-06-30".into(),
            title: "6月媒体报道".into(),
            count: "190".into(),
            national: "35".into(),
            ..Default::default()
        };
        let c = ok.parse(d("2020-12-31")).unwrap();
        let held = PressInput {
            kind: "举办新闻发布会".into(),
            on: "2020-04-01".into(),
            title: "养老服务".into(),
            ..Default::default()
        };
        let h = held.parse(d("2020-12-31")).unwrap();
        assert_eq!(h.count, 1);
        let s = stats(&[c, h.clone(), h]);
        assert_eq!((s.coverage, s.national, s.held), (190, 35, 2));
        let mut bad = ok.clone();
        bad.national = "200".into();
        bad.on = "2021-01-01".into();
        let e = bad.parse(d("2020-12-31")).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field).collect();
        assert!(fields.contains(&"national") && fields.contains(&"on"), "{fields:?}");
        let attended = PressInput {
            kind: "conference_attended".into(),
            on: "2020-04-01".into(),
            title: "x".into(),
            ..Default::default()
        };
        assert!(attended.parse(d("2020-12-31")).is_err(), "the level is required");
        let many = PressInput {
            kind: "release".into(),
            on: "2020-04-01".into(),
            title: "x".into(),
            count: "3".into(),
            ..Default::default()
        };
        assert!(many.parse(d("2020-12-31")).is_err(), "one release per record");
    }
}
