//! Information published per channel (发布渠道), for section 一 of the annual report: the
//! portal is counted from the catalog; Weibo, WeChat and other new-media accounts are
//! entered by month or posted by their platforms through the API.

use crate::field::{FieldError, FieldErrors};
use serde::Serialize;

/// The portal's own name among the channels: its counts come from the catalog.
pub const PORTAL: &str = "门户网站";

/// Channels offered by default on the form (any other name may be entered).
pub const COMMON: [&str; 4] = ["政务微博", "政务微信", "政务头条号", "政务抖音号"];

/// One month's count of a channel, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelCount {
    pub channel: String,
    pub year: i16,
    pub month: i8,
    pub count: i64,
}

/// Raw form or API input.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChannelCountInput {
    pub channel: String,
    pub year: String,
    pub month: String,
    pub count: String,
}

impl ChannelCountInput {
    /// `this_year` bounds the year: counts are of the past or this year.
    pub fn parse(&self, this_year: i16) -> Result<ChannelCount, FieldErrors> {
        let mut e = FieldErrors::new();
        let channel = e.take(crate::field::required_text("channel", "渠道名称", &self.channel, 30).and_then(|c| {
            if c == PORTAL {
                Err(FieldError::new("channel", "门户网站的发布数由平台自动统计，无需填报"))
            } else {
                Ok(c)
            }
        }));
        let year = e.take(
            self.year
                .trim()
                .parse::<i16>()
                .ok()
                .filter(|y| (2008..=this_year).contains(y))
                .ok_or_else(|| FieldError::new("year", "年度无效")),
        );
        let month = e.take(
            self.month
                .trim()
                .parse::<i8>()
                .ok()
                .filter(|m| (1..=12).contains(m))
                .ok_or_else(|| FieldError::new("month", "月份应为 1 至 12")),
        );
        let count = e.take(
            self.count
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=10_000_000).contains(n))
                .ok_or_else(|| FieldError::new("count", "发布条数应为非负整数")),
        );
        e.into_result()?;
        let (Some(channel), Some(year), Some(month), Some(count)) = (channel, year, month, count) else {
            return Err(FieldError::new("channel", "提交的内容有误").into());
        };
        Ok(ChannelCount { channel, year, month, count })
    }
}

/// A year by channel and month: rows are channels (the portal first), columns months.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct YearTable {
    pub rows: Vec<(String, [i64; 12])>,
}

impl YearTable {
    /// Build from the portal's monthly counts and the entered ones.
    pub fn new(portal: [i64; 12], entered: &[ChannelCount]) -> Self {
        let mut rows: Vec<(String, [i64; 12])> = vec![(PORTAL.to_string(), portal)];
        for c in entered {
            let i = match rows.iter().position(|(n, _)| *n == c.channel) {
                Some(i) => i,
                None => {
                    rows.push((c.channel.clone(), [0; 12]));
                    rows.len() - 1
                }
            };
            rows[i].1[(c.month - 1) as usize] += c.count;
        }
        Self { rows }
    }

    pub fn row_total(&self, i: usize) -> i64 {
        self.rows[i].1.iter().sum()
    }

    /// Everything published through every channel in the year (政务新媒体发布数).
    pub fn total(&self) -> i64 {
        (0..self.rows.len()).map(|i| self.row_total(i)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_and_summed() {
        let i = ChannelCountInput {
            channel: "政务微信".into(),
            year: "2020".into(),
            month: "3".into(),
            count: "120".into(),
        };
        let c = i.parse(2026).unwrap();
        let t = YearTable::new([10; 12], &[c.clone(), ChannelCount { month: 4, ..c.clone() }]);
        assert_eq!((t.rows.len(), t.row_total(0), t.row_total(1), t.total()), (2, 120, 240, 360));
        let bad =
            ChannelCountInput { channel: PORTAL.into(), year: "2030".into(), month: "13".into(), count: "-1".into() };
        let e = bad.parse(2026).unwrap_err();
        assert_eq!(e.0.len(), 4, "{e:?}");
    }
}
