//! Deadline alerts: whether an open case is due soon or overdue on a day, and what the
//! alert says. The sweep stores one per case, kind and deadline.

use super::workflow::ClockSettings;
use crate::calendar::{Calendar, CalendarError};
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    DueSoon,
    Overdue,
}

impl AlertKind {
    pub fn code(self) -> &'static str {
        match self {
            AlertKind::DueSoon => "due_soon",
            AlertKind::Overdue => "overdue",
        }
    }
}

/// An alert to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub kind: AlertKind,
    pub message: String,
    /// One alert per application, kind and deadline, however often the sweep runs.
    pub key: String,
}

/// The alert for application `id` (`serial`) due on `due` (`provisional`: counted through a
/// year without a notice) as of `today`, if any: overdue once the day has passed, due soon
/// within the configured working days.
pub fn classify(
    id: i64,
    serial: &str,
    due: Date,
    provisional: bool,
    today: Date,
    s: &ClockSettings,
    cal: &Calendar,
) -> Result<Option<Alert>, CalendarError> {
    let (kind, message) = if today > due {
        let mark = if provisional { "，暂定" } else { "" };
        (AlertKind::Overdue, format!("申请{serial}已超过答复期限（{due}{mark}），请尽快答复"))
    } else {
        let left = cal.working_days_between(today, due)?;
        if left > s.due_soon_wd {
            return Ok(None);
        }
        let mark = if provisional { "（暂定）" } else { "" };
        (AlertKind::DueSoon, format!("申请{serial}将于{due}{mark}到期，还剩{left}个工作日"))
    };
    Ok(Some(Alert { kind, message, key: format!("{}:{id}:{due}", kind.code()) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn overdue_due_soon_or_nothing() {
        let (s, cal) = (ClockSettings::default(), Calendar::builtin().with_provisional());
        let a = classify(7, "GZMZ-2024-00007", d("2024-11-27"), false, d("2024-11-28"), &s, &cal).unwrap().unwrap();
        assert_eq!((a.kind, a.key.as_str()), (AlertKind::Overdue, "overdue:7:2024-11-27"));
        assert_eq!(a.message, "申请GZMZ-2024-00007已超过答复期限（2024-11-27），请尽快答复");
        let soon = classify(7, "X", d("2024-11-27"), false, d("2024-11-20"), &s, &cal).unwrap().unwrap();
        assert_eq!((soon.kind, soon.message.as_str()), (AlertKind::DueSoon, "申请X将于2024-11-27到期，还剩5个工作日"));
        assert_eq!(
            classify(7, "X", d("2024-11-27"), false, d("2024-11-19"), &s, &cal).unwrap(),
            None,
            "6 working days left"
        );
        let p = classify(7, "X", d("2027-01-08"), true, d("2027-01-05"), &s, &cal).unwrap().unwrap();
        assert!(p.message.contains("2027-01-08（暂定）到期"), "{}", p.message);
    }
}
