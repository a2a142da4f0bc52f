//! Background jobs: what a job is, how it is named and deduplicated, and how often a failed
//! one is retried. The table, the claim and the worker loop live in store and web.
//!
//! A job is a serde value stored as JSON with its name; a dedup key makes enqueueing the
//! same work twice (two instances scheduling the same sweep, a sweep finding the same
//! alert again) a no-op while one is pending.

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// Create due-soon and overdue alerts for open applications (idempotent over stored
    /// due dates) and enqueue their e-mails. `slot` is the scheduling period it belongs to.
    SweepAlerts { slot: i64 },
    /// E-mail one alert to its handler and the organisation's approvers.
    AlertMail { alert_id: i64 },
    /// Delete expired sessions.
    SweepSessions { slot: i64 },
    /// Send one targeted-push delivery (e-mail or gateway); a sent one is never sent again.
    PushDelivery { delivery_id: i64 },
    /// Take down public notices (name lists) whose notice period has ended.
    SweepNotices { slot: i64 },
}

/// Attempts before a job is set aside as dead (visible on the console for a retry).
pub const MAX_ATTEMPTS: i64 = 5;

impl Job {
    pub fn name(&self) -> &'static str {
        match self {
            Job::SweepAlerts { .. } => "sweep_alerts",
            Job::AlertMail { .. } => "alert_mail",
            Job::SweepSessions { .. } => "sweep_sessions",
            Job::PushDelivery { .. } => "push_delivery",
            Job::SweepNotices { .. } => "sweep_notices",
        }
    }

    /// What two equal pieces of work share while one is pending.
    pub fn dedup_key(&self) -> String {
        match self {
            Job::SweepAlerts { slot } => format!("sweep_alerts:{slot}"),
            Job::AlertMail { alert_id } => format!("alert_mail:{alert_id}"),
            Job::SweepSessions { slot } => format!("sweep_sessions:{slot}"),
            Job::PushDelivery { delivery_id } => format!("push_delivery:{delivery_id}"),
            Job::SweepNotices { slot } => format!("sweep_notices:{slot}"),
        }
    }

    /// What the console shows for it.
    pub fn label(&self) -> String {
        match self {
            Job::SweepAlerts { .. } => "生成答复期限提醒".into(),
            Job::AlertMail { alert_id } => format!("发送提醒邮件（提醒{alert_id}）"),
            Job::SweepSessions { .. } => "清理过期登录会话".into(),
            Job::PushDelivery { delivery_id } => format!("发送定向推送（投递{delivery_id}）"),
            Job::SweepNotices { .. } => "撤下公示期满的名单".into(),
        }
    }
}

/// How long to wait before attempt `attempts + 1` after `attempts` failed ones:
/// 30 s, 1 min, 2 min, … doubling, at most an hour.
pub fn backoff(attempts: i64) -> SignedDuration {
    let exp = attempts.clamp(1, 8) - 1;
    SignedDuration::from_secs((30i64 << exp).min(3600))
}

/// The scheduling period of `unix_seconds` for work done every `every_seconds`.
pub fn slot(unix_seconds: i64, every_seconds: i64) -> i64 {
    unix_seconds.div_euclid(every_seconds.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_round_trip_and_deduplicate() {
        let j = Job::AlertMail { alert_id: 7 };
        let json = serde_json::to_string(&j).unwrap();
        assert_eq!(json, r#"{"job":"alert_mail","alert_id":7}"#);
        assert_eq!(serde_json::from_str::<Job>(&json).unwrap(), j);
        assert_eq!(j.dedup_key(), "alert_mail:7");
        assert_ne!(Job::SweepAlerts { slot: 1 }.dedup_key(), Job::SweepAlerts { slot: 2 }.dedup_key());
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(slot(1_200, 600), 2);
        assert_eq!(slot(1_199, 600), 1);
    }
}
