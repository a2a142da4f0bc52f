//! Administrative reconsideration and litigation about disclosure (条例 Art. 51),
//! the records behind report table 四.

use crate::field::FieldError;
use jiff::civil::Date;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealKind {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼 — 未经复议直接起诉
    LitigationDirect,
    /// 行政诉讼 — 复议后起诉
    LitigationAfterReconsideration,
}

impl AppealKind {
    pub const ALL: [AppealKind; 3] =
        [AppealKind::Reconsideration, AppealKind::LitigationDirect, AppealKind::LitigationAfterReconsideration];

    pub fn code(self) -> &'static str {
        match self {
            AppealKind::Reconsideration => "reconsideration",
            AppealKind::LitigationDirect => "litigation_direct",
            AppealKind::LitigationAfterReconsideration => "litigation_after_reconsideration",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppealKind::Reconsideration => "行政复议",
            AppealKind::LitigationDirect => "行政诉讼（未经复议直接起诉）",
            AppealKind::LitigationAfterReconsideration => "行政诉讼（复议后起诉）",
        }
    }

    /// First column of this kind's group in table 四 (c1, c6, c11).
    pub fn first_column(self) -> u8 {
        match self {
            AppealKind::Reconsideration => 1,
            AppealKind::LitigationDirect => 6,
            AppealKind::LitigationAfterReconsideration => 11,
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == raw.trim() || k.label() == raw.trim())
            .ok_or_else(|| FieldError::new("kind", "复议诉讼类型无效"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealResult {
    /// 结果维持
    Upheld,
    /// 结果纠正
    Corrected,
    /// 其他结果
    Other,
}

impl AppealResult {
    pub const ALL: [AppealResult; 3] = [AppealResult::Upheld, AppealResult::Corrected, AppealResult::Other];

    pub fn code(self) -> &'static str {
        match self {
            AppealResult::Upheld => "upheld",
            AppealResult::Corrected => "corrected",
            AppealResult::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AppealResult::Upheld => "结果维持",
            AppealResult::Corrected => "结果纠正",
            AppealResult::Other => "其他结果",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == raw.trim() || k.label() == raw.trim())
            .ok_or_else(|| FieldError::new("result", "审理结果无效"))
    }
}

/// The table-四 column an appeal counts in for the report year ending `year_end`
/// (31 December): its result when decided by then, otherwise 尚未审结. Appeals filed after
/// the year end are not counted (`None`).
pub fn table4_column(
    kind: AppealKind,
    filed: Date,
    decided: Option<(Date, AppealResult)>,
    year_end: Date,
) -> Option<u8> {
    if filed > year_end {
        return None;
    }
    let offset = match decided {
        Some((on, r)) if on <= year_end => match r {
            AppealResult::Upheld => 0,
            AppealResult::Corrected => 1,
            AppealResult::Other => 2,
        },
        _ => 3,
    };
    Some(kind.first_column() + offset)
}

/// A decision cannot precede the filing.
pub fn check_decision(filed: Date, decided: Date) -> Result<(), FieldError> {
    if decided < filed {
        Err(FieldError::new("decided_on", format!("审结日期{decided}早于立案（申请）日期{filed}")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn columns_by_status_at_year_end() {
        let end = d("2020-12-31");
        let k = AppealKind::Reconsideration;
        assert_eq!(table4_column(k, d("2020-03-01"), Some((d("2020-05-01"), AppealResult::Upheld)), end), Some(1));
        assert_eq!(table4_column(k, d("2020-03-01"), Some((d("2021-01-05"), AppealResult::Corrected)), end), Some(4));
        assert_eq!(table4_column(k, d("2020-03-01"), None, end), Some(4));
        assert_eq!(table4_column(k, d("2021-01-02"), None, end), None);
        let lit = AppealKind::LitigationAfterReconsideration;
        assert_eq!(table4_column(lit, d("2020-03-01"), Some((d("2020-09-01"), AppealResult::Other)), end), Some(13));
        assert!(check_decision(d("2020-03-01"), d("2020-02-01")).is_err());
    }
}
