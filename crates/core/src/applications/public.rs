//! What the applicant may see of a case on the tracking page: the status, the deadline
//! explanation, the reply once it has been delivered (not before: the agency's decision
//! reaches the applicant by delivery), and the steps taken — never who handles it
//! internally. Identity numbers and phones are shown masked (see `identity`).

use super::outcome::Outcome;
use super::workflow::{Case, Event, Status};

/// The reply as the applicant reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicReply {
    pub outcome: &'static str,
    pub basis: &'static str,
    pub summary: String,
}

/// The reply, once delivered.
pub fn reply(case: &Case, log: &[Event]) -> Option<PublicReply> {
    if !matches!(case.status, Status::Delivered | Status::Archived) {
        return None;
    }
    let (_, o): (_, Outcome) = case.reply?;
    let summary = log
        .iter()
        .find_map(|e| match e {
            Event::Replied { summary, .. } => Some(summary.clone()),
            _ => None,
        })
        .unwrap_or_default();
    Some(PublicReply { outcome: o.label(), basis: o.legal_basis(), summary })
}

/// The steps the applicant sees, in order (internal assignments left out).
pub fn steps(log: &[Event]) -> Vec<String> {
    log.iter().filter(|e| !matches!(e, Event::Assigned { .. })).map(Event::describe).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::{Channel, ClockSettings};
    use crate::calendar::Calendar;

    #[test]
    fn the_reply_shows_once_delivered_and_assignments_never() {
        let d = |s: &str| s.parse().unwrap();
        let (s, cal) = (ClockSettings::default(), Calendar::builtin());
        let mut log = vec![
            Event::Submitted { channel: Channel::InPerson, on: d("2024-11-04") },
            Event::Assigned { handler_id: 3, handler: "王公开".into() },
            Event::Replied { on: d("2024-11-20"), outcome: Outcome::Disclosed, summary: "见附件".into() },
        ];
        let replied = Case::replay(&log, &s, &cal).unwrap();
        assert_eq!(reply(&replied, &log), None, "not before delivery");
        log.push(Event::Delivered { on: d("2024-11-21"), method: "电子邮件".into() });
        let delivered = Case::replay(&log, &s, &cal).unwrap();
        let r = reply(&delivered, &log).unwrap();
        assert_eq!((r.outcome, r.summary.as_str()), (Outcome::Disclosed.label(), "见附件"));
        let st = steps(&log);
        assert_eq!(st.len(), 3);
        assert!(!st.iter().any(|x| x.contains("王公开")), "{st:?}");
    }
}
