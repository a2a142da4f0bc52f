//! Staff actions on an application as typed into a form or sent to the API, parsed
//! into workflow [`Event`]s. Who acted (approver, handler) is filled in by the server,
//! never taken from the form.

use super::fees::FeeBasis;
use super::outcome::Outcome;
use super::workflow::{Event, Party};
use crate::field::{FieldError, FieldErrors, optional_multiline, optional_text, required_multiline, required_text};
use jiff::civil::Date;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct EventInput {
    /// The event type, e.g. `receipt_confirmed`, `replied`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Date of the event (YYYY-MM-DD).
    pub on: String,
    pub period_wd: String,
    pub items: String,
    pub party: String,
    pub with: String,
    pub summary: String,
    pub days: String,
    pub reason: String,
    pub fee_method: String,
    pub nth: String,
    pub pages: String,
    pub amount_yuan: String,
    pub due: String,
    pub outcome: String,
    pub method: String,
}

/// Event types staff may record (the rest are recorded by the system).
pub const STAFF_EVENTS: [(&str, &str); 15] = [
    ("receipt_confirmed", "确认收到申请"),
    ("correction_requested", "发出补正通知"),
    ("corrected", "收到补正后的申请"),
    ("correction_lapsed", "认定逾期未补正"),
    ("consultation_opened", "征求第三方或其他机关意见"),
    ("consultation_closed", "征求意见结束"),
    ("extension_approved", "延长答复期限（负责人同意）"),
    ("fee_noticed", "发出收费通知"),
    ("fee_paid", "登记已缴费"),
    ("fee_lapsed", "认定逾期未缴费"),
    ("delay_fixed", "确定延迟答复期限（第三十五条）"),
    ("replied", "作出答复"),
    ("delivered", "登记送达"),
    ("withdrawn", "申请人撤回申请"),
    ("archived", "归档"),
];

fn date(field: &'static str, label: &str, raw: &str) -> Result<Date, FieldError> {
    raw.trim().parse().map_err(|_| FieldError::new(field, format!("{label}应为有效日期（年-月-日）")))
}

fn number(field: &'static str, label: &str, raw: &str) -> Result<u32, FieldError> {
    raw.trim().parse().map_err(|_| FieldError::new(field, format!("{label}应为非负整数")))
}

impl EventInput {
    /// Parse into an event; `approver` is the name of the user approving an extension.
    pub fn parse(&self, approver: &str) -> Result<Event, FieldErrors> {
        let mut e = FieldErrors::new();
        let on = e.take(date("on", "日期", &self.on));
        let ev = match self.kind.trim() {
            "receipt_confirmed" => on.map(|on| Event::ReceiptConfirmed { on }),
            "correction_requested" => {
                let period = e.take(number("period_wd", "补正期限", &self.period_wd));
                let items = e.take(required_multiline("items", "需要补正的事项", &self.items, 2000));
                match (on, period, items) {
                    (Some(on), Some(period_wd), Some(items)) => {
                        Some(Event::CorrectionRequested { on, period_wd, items })
                    }
                    _ => None,
                }
            }
            "corrected" => on.map(|on| Event::Corrected { on }),
            "correction_lapsed" => on.map(|on| Event::CorrectionLapsed { on }),
            "consultation_opened" => {
                let party = match self.party.trim() {
                    "third_party" => Some(Party::ThirdParty),
                    "other_agency" => Some(Party::OtherAgency),
                    _ => {
                        e.push(FieldError::new("party", "请选择征求意见的对象类型（第三方或其他机关）"));
                        None
                    }
                };
                let with = e.take(required_text("with", "征求意见对象", &self.with, 100));
                match (on, party, with) {
                    (Some(on), Some(party), Some(with)) => Some(Event::ConsultationOpened { on, party, with }),
                    _ => None,
                }
            }
            "consultation_closed" => {
                let summary = e.take(optional_multiline("summary", "意见摘要", &self.summary, 2000));
                match (on, summary) {
                    (Some(on), Some(s)) => Some(Event::ConsultationClosed { on, summary: s.unwrap_or_default() }),
                    _ => None,
                }
            }
            "extension_approved" => {
                let days = e.take(number("days", "延长的工作日数", &self.days));
                let reason = e.take(required_text("reason", "延期理由", &self.reason, 500));
                match (on, days, reason) {
                    (Some(on), Some(days), Some(reason)) => {
                        Some(Event::ExtensionApproved { on, days, reason, approver: approver.to_string() })
                    }
                    _ => None,
                }
            }
            "fee_noticed" => {
                let basis = match self.fee_method.trim() {
                    "per_item" => {
                        e.take(number("nth", "本月第几件申请", &self.nth)).map(|nth| FeeBasis::PerItem { nth })
                    }
                    "per_volume" => {
                        e.take(number("pages", "页数", &self.pages)).map(|pages| FeeBasis::PerVolume { pages })
                    }
                    _ => {
                        e.push(FieldError::new("fee_method", "请选择计收方式（按件或按量，二者只能选一）"));
                        None
                    }
                };
                let amount = e.take(number("amount_yuan", "收费金额", &self.amount_yuan));
                match (on, basis, amount) {
                    (Some(on), Some(basis), Some(a)) => {
                        Some(Event::FeeNoticed { on, basis, amount_yuan: u64::from(a) })
                    }
                    _ => None,
                }
            }
            "fee_paid" => on.map(|on| Event::FeePaid { on }),
            "fee_lapsed" => on.map(|on| Event::FeeLapsed { on }),
            "delay_fixed" => {
                let due = e.take(date("due", "延迟答复期限", &self.due));
                let reason = e.take(required_text("reason", "理由", &self.reason, 500));
                match (on, due, reason) {
                    (Some(on), Some(due), Some(reason)) => Some(Event::DelayFixed { on, due, reason }),
                    _ => None,
                }
            }
            "replied" => {
                let outcome = e.take(Outcome::parse(&self.outcome));
                let summary = e.take(optional_multiline("summary", "答复要点", &self.summary, 4000));
                match (on, outcome, summary) {
                    (Some(on), Some(outcome), Some(s)) => {
                        Some(Event::Replied { on, outcome, summary: s.unwrap_or_default() })
                    }
                    _ => None,
                }
            }
            "delivered" => {
                let method = e.take(required_text("method", "送达方式", &self.method, 100));
                match (on, method) {
                    (Some(on), Some(method)) => Some(Event::Delivered { on, method }),
                    _ => None,
                }
            }
            "withdrawn" => {
                let reason = e.take(optional_text("reason", "撤回说明", &self.reason, 500));
                match (on, reason) {
                    (Some(on), Some(r)) => Some(Event::Withdrawn { on, reason: r.unwrap_or_default() }),
                    _ => None,
                }
            }
            "archived" => on.map(|on| Event::Archived { on }),
            other => {
                e.0.clear();
                e.push(FieldError::new("type", format!("不支持的操作类型“{other}”")));
                None
            }
        };
        // Every arm that builds no event records why in `e`.
        let Some(ev) = ev else { return Err(e) };
        e.into_result()?;
        Ok(ev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_errors() {
        let ok = EventInput {
            kind: "extension_approved".into(),
            on: "2024-10-28".into(),
            days: "20".into(),
            reason: "需要调取档案".into(),
            ..Default::default()
        };
        assert_eq!(
            ok.parse("陈审核").unwrap(),
            Event::ExtensionApproved {
                on: "2024-10-28".parse().unwrap(),
                days: 20,
                reason: "需要调取档案".into(),
                approver: "陈审核".into()
            }
        );
        let bad = EventInput {
            kind: "fee_noticed".into(),
            on: "2024-02-30".into(),
            fee_method: "both".into(),
            amount_yuan: "-1".into(),
            ..Default::default()
        };
        let fields: Vec<_> = bad.parse("x").unwrap_err().0.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["on", "fee_method", "amount_yuan"]);
        let unknown = EventInput { kind: "submitted".into(), ..Default::default() };
        assert_eq!(unknown.parse("x").unwrap_err().0[0].field, "type");
        let reply = EventInput {
            kind: "replied".into(),
            on: "2024-11-01".into(),
            outcome: "partly_disclosed".into(),
            ..Default::default()
        };
        assert!(matches!(reply.parse("x").unwrap(), Event::Replied { outcome: Outcome::PartlyDisclosed, .. }));
    }
}
