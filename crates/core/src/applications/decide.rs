//! The one decision for a staff action on an application: given the case, the event, who
//! acts and the facts the records hold, may it be appended now, must it wait for an
//! approver, or is it refused — and why, in Chinese.

use super::fees::FeeBasis;
use super::workflow::{Case, ClockSettings, Event, WorkflowError};
use crate::calendar::Calendar;
use crate::field::FieldError;
use jiff::civil::Date;

/// What the records and the person contribute to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The agency's today.
    pub today: Date,
    /// The person may approve replies and extensions of this organisation (审核人).
    pub may_approve: bool,
    /// The position of this application among its applicant's applications to the same body
    /// in the calendar month (the `n` of the per-item fee bands), when a per-item fee is noticed.
    pub monthly_position: Option<i64>,
    /// A step that needs an approver may be drafted for one (the console) instead of refused (the API).
    pub may_propose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Append the event now.
    Append,
    /// Store it as a proposal for an approver.
    Propose,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A value of the action is wrong: named to the field.
    #[error("{}", .0.message)]
    Field(FieldError),
    /// The workflow does not allow the step now.
    #[error("{0}")]
    Workflow(WorkflowError),
    /// Only an approver may take this step.
    #[error("{0}")]
    NeedsApprover(String),
}

impl Event {
    /// The day the event happened on, for events that have one.
    pub fn date(&self) -> Option<Date> {
        match self {
            Event::Submitted { on, .. }
            | Event::ReceiptConfirmed { on }
            | Event::CorrectionRequested { on, .. }
            | Event::Corrected { on }
            | Event::CorrectionLapsed { on }
            | Event::ConsultationOpened { on, .. }
            | Event::ConsultationClosed { on, .. }
            | Event::ExtensionApproved { on, .. }
            | Event::FeeNoticed { on, .. }
            | Event::FeePaid { on }
            | Event::FeeLapsed { on }
            | Event::DelayFixed { on, .. }
            | Event::Replied { on, .. }
            | Event::Delivered { on, .. }
            | Event::Withdrawn { on, .. }
            | Event::Archived { on } => Some(*on),
            Event::Assigned { .. } | Event::DeadlineMoved { .. } => None,
        }
    }

    /// Replies and extensions are decided by the head of the disclosure unit (条例 Art. 33;
    /// the reply is the agency's decision).
    pub fn needs_approver(&self) -> bool {
        matches!(self, Event::Replied { .. } | Event::ExtensionApproved { .. })
    }
}

/// Decide `event` on `case`.
pub fn decide(
    case: &Case,
    event: &Event,
    facts: &Facts,
    s: &ClockSettings,
    cal: &Calendar,
) -> Result<Decision, Refusal> {
    if event.date().is_some_and(|d| d > facts.today) {
        return Err(Refusal::Field(FieldError::new("on", "日期不能晚于今天")));
    }
    // Per-item fees count the applicant's applications in the calendar month from the
    // records, not from what is typed (国办函〔2020〕109号).
    if let Event::FeeNoticed { basis: FeeBasis::PerItem { nth }, .. } = event
        && let Some(pos) = facts.monthly_position
        && i64::from(*nth) != pos
    {
        return Err(Refusal::Field(FieldError::new(
            "nth",
            format!("按件计收以申请人本自然月内向本机关提出的申请件数计算：本申请为第{pos}件，填写的是第{nth}件"),
        )));
    }
    case.apply(event, s, cal).map_err(Refusal::Workflow)?;
    match (event.needs_approver(), facts.may_approve, facts.may_propose) {
        (false, _, _) | (true, true, _) => Ok(Decision::Append),
        (true, false, true) => Ok(Decision::Propose),
        (true, false, false) => {
            Err(Refusal::NeedsApprover("作出答复和延长答复期限须由审核人（政府信息公开工作机构负责人）办理".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::{Channel, Outcome};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn case() -> (Case, ClockSettings, Calendar) {
        let (s, cal) = (ClockSettings::default(), Calendar::builtin());
        let c =
            Case::replay(&[Event::Submitted { channel: Channel::InPerson, on: d("2024-11-04") }], &s, &cal).unwrap();
        (c, s, cal)
    }

    fn facts(may_approve: bool, may_propose: bool) -> Facts {
        Facts { today: d("2024-11-20"), may_approve, monthly_position: None, may_propose }
    }

    #[test]
    fn replies_wait_for_an_approver_or_are_refused() {
        let (c, s, cal) = case();
        let reply = Event::Replied { on: d("2024-11-20"), outcome: Outcome::Disclosed, summary: "已提供".into() };
        assert_eq!(decide(&c, &reply, &facts(true, false), &s, &cal), Ok(Decision::Append));
        assert_eq!(decide(&c, &reply, &facts(false, true), &s, &cal), Ok(Decision::Propose));
        assert!(matches!(decide(&c, &reply, &facts(false, false), &s, &cal), Err(Refusal::NeedsApprover(_))));
        let consult = Event::ConsultationOpened {
            on: d("2024-11-08"),
            party: crate::applications::Party::ThirdParty,
            with: "某公司".into(),
        };
        assert_eq!(
            decide(&c, &consult, &facts(false, false), &s, &cal),
            Ok(Decision::Append),
            "staff steps need no approver"
        );
    }

    #[test]
    fn future_dates_wrong_fee_positions_and_workflow_refusals_are_named() {
        let (c, s, cal) = case();
        let later = Event::Replied { on: d("2024-11-21"), outcome: Outcome::Disclosed, summary: String::new() };
        assert!(matches!(decide(&c, &later, &facts(true, false), &s, &cal), Err(Refusal::Field(f)) if f.field == "on"));
        let fee = Event::FeeNoticed { on: d("2024-11-20"), basis: FeeBasis::PerItem { nth: 11 }, amount_yuan: 100 };
        let f = Facts { monthly_position: Some(12), ..facts(true, false) };
        let r = decide(&c, &fee, &f, &s, &cal).unwrap_err();
        assert!(r.to_string().contains("本申请为第12件，填写的是第11件"), "{r}");
        let delivered = Event::Delivered { on: d("2024-11-20"), method: "邮寄".into() };
        assert!(matches!(decide(&c, &delivered, &facts(true, false), &s, &cal), Err(Refusal::Workflow(_))));
        assert_eq!(Event::Assigned { handler_id: 1, handler: "x".into() }.date(), None);
    }
}
