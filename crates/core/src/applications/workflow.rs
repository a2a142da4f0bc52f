//! The handling workflow of an application (条例 Art. 29–45), as a fold over its event
//! log. The log is the source of truth: the current state, the reply deadline and its
//! explanation are pure functions of the events, the settings and the calendar.

use super::fees::FeeBasis;
use super::outcome::Outcome;
use crate::calendar::{Calendar, CalendarError};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How the application reached the agency (Art. 31 fixes the date of receipt per channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 互联网渠道 (the portal form): received when both sides confirm.
    Online,
    /// 当面提交: received on the day of submission.
    InPerson,
    /// 邮寄（需签收）: received on the day the agency signs for it.
    Post,
    /// 平常信函: received on the day the unit confirms with the applicant.
    Letter,
    /// 传真: received when both sides confirm.
    Fax,
    /// 电子邮件 (a data message): received when both sides confirm.
    Email,
}

impl Channel {
    pub const ALL: [Channel; 6] =
        [Channel::Online, Channel::InPerson, Channel::Post, Channel::Letter, Channel::Fax, Channel::Email];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::InPerson => "in_person",
            Channel::Post => "post",
            Channel::Letter => "letter",
            Channel::Fax => "fax",
            Channel::Email => "email",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Online => "网上申请",
            Channel::InPerson => "当面提交",
            Channel::Post => "邮寄（签收）",
            Channel::Letter => "平常信函",
            Channel::Fax => "传真",
            Channel::Email => "电子邮件",
        }
    }

    /// Whether the date of receipt is the submission (or signing) date itself; the other
    /// channels need an explicit confirmation event (Art. 31).
    pub fn received_on_submission(self) -> bool {
        matches!(self, Channel::InPerson | Channel::Post)
    }

    pub fn receipt_rule(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交的，以提交之日为收到申请之日",
            Channel::Post => "以邮寄方式提交的，以行政机关签收之日为收到申请之日",
            Channel::Letter => {
                "以平常信函等无需签收的邮寄方式提交的，以政府信息公开工作机构与申请人确认之日为收到申请之日"
            }
            Channel::Online | Channel::Fax | Channel::Email => {
                "通过互联网渠道或者传真提交的，以双方确认之日为收到申请之日"
            }
        }
    }

    pub fn parse(raw: &str) -> Result<Self, crate::FieldError> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == raw.trim() || c.label() == raw.trim())
            .ok_or_else(|| crate::FieldError::new("channel", "申请方式无效"))
    }
}

/// Who is consulted while the clock pauses (Art. 32, 34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    ThirdParty,
    OtherAgency,
}

impl Party {
    pub fn label(self) -> &'static str {
        match self {
            Party::ThirdParty => "第三方",
            Party::OtherAgency => "其他机关",
        }
    }
}

/// One event of an application's log. Dates are civil dates in China.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Recorded (portal submission or staff registration). For in-person and signed-for
    /// post, `on` is also the date of receipt.
    Submitted {
        channel: Channel,
        on: Date,
    },
    /// The date of receipt for online, fax, e-mail and ordinary-letter applications.
    ReceiptConfirmed {
        on: Date,
    },
    /// One comprehensive correction notice (Art. 30), within 7 working days of receipt.
    CorrectionRequested {
        on: Date,
        period_wd: u32,
        items: String,
    },
    /// The corrected application is received: the reply clock restarts from this date.
    Corrected {
        on: Date,
    },
    /// The correction period ran out without good reason: deemed withdrawn.
    CorrectionLapsed {
        on: Date,
    },
    Assigned {
        handler_id: i64,
        handler: String,
    },
    /// Consultation of a third party or another agency: the clock pauses (Art. 33 ¶3).
    ConsultationOpened {
        on: Date,
        party: Party,
        with: String,
    },
    ConsultationClosed {
        on: Date,
        summary: String,
    },
    /// Extension approved by the head of the disclosure unit and notified (Art. 33 ¶2).
    ExtensionApproved {
        on: Date,
        days: u32,
        reason: String,
        approver: String,
    },
    /// Fee notice (109号); the clock pauses until payment when the setting says so.
    FeeNoticed {
        on: Date,
        basis: FeeBasis,
        amount_yuan: u64,
    },
    FeePaid {
        on: Date,
    },
    /// The payment period ran out: deemed withdrawn.
    FeeLapsed {
        on: Date,
    },
    /// Large-volume applications (Art. 35): a fixed, reasonable reply date replaces the deadline.
    DelayFixed {
        on: Date,
        due: Date,
        reason: String,
    },
    Replied {
        on: Date,
        outcome: Outcome,
        summary: String,
    },
    Delivered {
        on: Date,
        method: String,
    },
    /// The applicant withdrew the application (counted as 其他处理).
    Withdrawn {
        on: Date,
        reason: String,
    },
    Archived {
        on: Date,
    },
    /// A corrected calendar moved the deadline (informational; the deadline is always
    /// re-derived from the events and the calendar).
    DeadlineMoved {
        from: Date,
        to: Date,
        calendar: String,
    },
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Submitted { .. } => "submitted",
            Event::ReceiptConfirmed { .. } => "receipt_confirmed",
            Event::CorrectionRequested { .. } => "correction_requested",
            Event::Corrected { .. } => "corrected",
            Event::CorrectionLapsed { .. } => "correction_lapsed",
            Event::Assigned { .. } => "assigned",
            Event::ConsultationOpened { .. } => "consultation_opened",
            Event::ConsultationClosed { .. } => "consultation_closed",
            Event::ExtensionApproved { .. } => "extension_approved",
            Event::FeeNoticed { .. } => "fee_noticed",
            Event::FeePaid { .. } => "fee_paid",
            Event::FeeLapsed { .. } => "fee_lapsed",
            Event::DelayFixed { .. } => "delay_fixed",
            Event::Replied { .. } => "replied",
            Event::Delivered { .. } => "delivered",
            Event::Withdrawn { .. } => "withdrawn",
            Event::Archived { .. } => "archived",
            Event::DeadlineMoved { .. } => "deadline_moved",
        }
    }

    /// The name of an event kind (as stored by [`Event::kind`]), for logs and lists.
    pub fn label_of_kind(kind: &str) -> Option<&'static str> {
        Some(match kind {
            "submitted" => "提交申请",
            "receipt_confirmed" => "确认收到申请",
            "correction_requested" => "发出补正通知",
            "corrected" => "收到补正后的申请",
            "correction_lapsed" => "认定逾期未补正",
            "assigned" => "分配承办人",
            "consultation_opened" => "征求意见",
            "consultation_closed" => "征求意见结束",
            "extension_approved" => "延长答复期限",
            "fee_noticed" => "发出收费通知",
            "fee_paid" => "登记已缴费",
            "fee_lapsed" => "认定逾期未缴费",
            "delay_fixed" => "确定延迟答复期限",
            "replied" => "作出答复",
            "delivered" => "登记送达",
            "withdrawn" => "申请人撤回申请",
            "archived" => "归档",
            "deadline_moved" => "答复期限随节假日安排调整",
            _ => return None,
        })
    }

    /// A one-line Chinese description for logs and the tracking page.
    pub fn describe(&self) -> String {
        match self {
            Event::Submitted { channel, on } => format!("{on} 提交申请（{}）", channel.label()),
            Event::ReceiptConfirmed { on } => format!("{on} 确认收到申请"),
            Event::CorrectionRequested { on, period_wd, .. } => {
                format!("{on} 发出补正通知，补正期限{period_wd}个工作日")
            }
            Event::Corrected { on } => format!("{on} 收到补正后的申请，重新计算答复期限"),
            Event::CorrectionLapsed { on } => format!("{on} 申请人逾期未补正，视为放弃申请"),
            Event::Assigned { handler, .. } => format!("分配承办人：{handler}"),
            Event::ConsultationOpened { on, party, .. } => {
                format!("{on} 征求{}意见，暂停计时", party.label())
            }
            Event::ConsultationClosed { on, .. } => format!("{on} 征求意见结束，恢复计时"),
            Event::ExtensionApproved { on, days, .. } => {
                format!("{on} 经负责人同意延长答复期限{days}个工作日")
            }
            Event::FeeNoticed { on, amount_yuan, .. } => format!("{on} 发出收费通知，金额{amount_yuan}元"),
            Event::FeePaid { on } => format!("{on} 申请人缴纳信息处理费"),
            Event::FeeLapsed { on } => format!("{on} 申请人逾期未缴费，视为放弃申请"),
            Event::DelayFixed { on, due, .. } => format!("{on} 确定延迟答复期限至{due}"),
            Event::Replied { on, outcome, .. } => format!("{on} 作出答复：{}", outcome.label()),
            Event::Delivered { on, method } => format!("{on} 送达答复（{method}）"),
            Event::Withdrawn { on, .. } => format!("{on} 申请人撤回申请"),
            Event::Archived { on } => format!("{on} 归档"),
            Event::DeadlineMoved { from, to, calendar } => {
                format!("节假日安排更新（{calendar}），答复期限由{from}调整为{to}")
            }
        }
    }
}

/// Parameters of the clock (regulation.md §8); the unconfirmed ones are settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSettings {
    /// Art. 33 ¶2: 20 working days.
    pub reply_wd: u32,
    /// Art. 30: the correction notice within 7 working days of receipt.
    pub correction_notice_wd: u32,
    /// Art. 30: "reasonable" correction period — not fixed by law [U]; default 15.
    pub correction_period_wd: u32,
    /// Art. 33 ¶2: at most 20 working days, once.
    pub extension_max_wd: u32,
    /// Art. 32, 34: 15 working days for the consulted party.
    pub consultation_reply_wd: u32,
    /// 109号: 20 working days to pay.
    pub fee_payment_wd: u32,
    /// Whether the time from fee notice to payment is excluded from the deadline [U]; default on.
    pub fee_pause: bool,
    /// Alerts: "due soon" within this many working days.
    pub due_soon_wd: u32,
}

impl Default for ClockSettings {
    fn default() -> Self {
        Self {
            reply_wd: 20,
            correction_notice_wd: 7,
            correction_period_wd: 15,
            extension_max_wd: 20,
            consultation_reply_wd: 15,
            fee_payment_wd: 20,
            fee_pause: true,
            due_soon_wd: 5,
        }
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Recorded, receipt not yet confirmed (online, fax, e-mail, ordinary letter).
    AwaitingReceipt,
    InProgress,
    AwaitingCorrection,
    Consulting,
    AwaitingPayment,
    Replied,
    Delivered,
    /// Deemed withdrawn or withdrawn.
    Closed,
    Archived,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::AwaitingReceipt,
        Status::InProgress,
        Status::AwaitingCorrection,
        Status::Consulting,
        Status::AwaitingPayment,
        Status::Replied,
        Status::Delivered,
        Status::Closed,
        Status::Archived,
    ];

    /// The stored code back into a status.
    pub fn parse(code: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::AwaitingReceipt => "待确认收到",
            Status::InProgress => "办理中",
            Status::AwaitingCorrection => "待补正",
            Status::Consulting => "征求意见中",
            Status::AwaitingPayment => "待缴费",
            Status::Replied => "已答复",
            Status::Delivered => "已送达",
            Status::Closed => "已终止",
            Status::Archived => "已归档",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Status::AwaitingReceipt => "awaiting_receipt",
            Status::InProgress => "in_progress",
            Status::AwaitingCorrection => "awaiting_correction",
            Status::Consulting => "consulting",
            Status::AwaitingPayment => "awaiting_payment",
            Status::Replied => "replied",
            Status::Delivered => "delivered",
            Status::Closed => "closed",
            Status::Archived => "archived",
        }
    }

    /// Still running against the reply deadline.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::AwaitingReceipt
                | Status::InProgress
                | Status::AwaitingCorrection
                | Status::Consulting
                | Status::AwaitingPayment
        )
    }
}

/// Why an event was refused; every message is Chinese and names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("{0}")]
    NotAllowed(String),
    /// Shown to staff, so in Chinese (the calendar's own `Display` is for the CLI).
    #[error("{}", .0.message_zh())]
    Calendar(#[from] CalendarError),
}

fn refuse<T>(msg: impl Into<String>) -> Result<T, WorkflowError> {
    Err(WorkflowError::NotAllowed(msg.into()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pause {
    from: Date,
    to: Option<Date>,
    what: String,
}

/// The state folded from the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub channel: Channel,
    pub submitted_on: Date,
    pub received_on: Option<Date>,
    /// The day the 20-working-day clock counts from (receipt, or receipt of the correction).
    pub clock_start: Option<Date>,
    pub status: Status,
    pub correction: Option<(Date, u32)>,
    pub corrected_on: Option<Date>,
    pub extension: Option<(Date, u32)>,
    pub fee: Option<(Date, FeeBasis, u64)>,
    pub fee_paid_on: Option<Date>,
    pub fixed_due: Option<Date>,
    pub reply: Option<(Date, Outcome)>,
    /// The outcome that ends the case (a reply, or a lapse / withdrawal).
    pub outcome: Option<Outcome>,
    /// The date handling finished (reply, lapse or withdrawal): drives the year-end carry-over.
    pub finished_on: Option<Date>,
    pub delivered_on: Option<Date>,
    pub handler: Option<String>,
    pauses: Vec<Pause>,
}

impl Case {
    /// Replay a whole log. The first event must be `Submitted`.
    pub fn replay(events: &[Event], s: &ClockSettings, cal: &Calendar) -> Result<Case, WorkflowError> {
        let Some(Event::Submitted { channel, on }) = events.first() else {
            return refuse("申请记录的第一个事件必须是提交申请");
        };
        let mut case = Case::new(*channel, *on);
        for e in &events[1..] {
            case = case.apply(e, s, cal)?;
        }
        Ok(case)
    }

    pub fn new(channel: Channel, on: Date) -> Case {
        let received = channel.received_on_submission().then_some(on);
        Case {
            channel,
            submitted_on: on,
            received_on: received,
            clock_start: received,
            status: if received.is_some() { Status::InProgress } else { Status::AwaitingReceipt },
            correction: None,
            corrected_on: None,
            extension: None,
            fee: None,
            fee_paid_on: None,
            fixed_due: None,
            reply: None,
            outcome: None,
            finished_on: None,
            delivered_on: None,
            handler: None,
            pauses: vec![],
        }
    }

    /// The state after `e`, or why `e` is not allowed now.
    pub fn apply(&self, e: &Event, s: &ClockSettings, cal: &Calendar) -> Result<Case, WorkflowError> {
        let mut c = self.clone();
        let st = self.status;
        let not_before = |on: &Date, since: Option<Date>, what: &str| -> Result<(), WorkflowError> {
            match since {
                Some(d) if on < &d => refuse(format!("日期{on}早于{what}（{d}）")),
                _ => Ok(()),
            }
        };
        match e {
            Event::Submitted { .. } => return refuse("申请已经提交，不能重复提交"),
            Event::ReceiptConfirmed { on } => {
                if st != Status::AwaitingReceipt {
                    return refuse("该申请已确认收到，无需再次确认");
                }
                not_before(on, Some(self.submitted_on), "提交日期")?;
                cal.kind(*on)?;
                c.received_on = Some(*on);
                c.clock_start = Some(*on);
                c.status = Status::InProgress;
            }
            Event::CorrectionRequested { on, period_wd, items } => {
                if st != Status::InProgress {
                    return refuse(format!("当前状态为“{}”，不能发出补正通知", st.label()));
                }
                if self.correction.is_some() {
                    return refuse("补正通知只能发出一次（条例第三十条：一次性告知）");
                }
                // In progress implies received; a log saying otherwise is refused, not trusted.
                let Some(received) = self.received_on else {
                    return refuse("该申请没有收到日期，不能发出补正通知");
                };
                not_before(on, Some(received), "收到申请之日")?;
                let last = cal.add_working_days(received, s.correction_notice_wd)?;
                if *on > last {
                    return refuse(format!(
                        "补正通知应在收到申请之日起{}个工作日内发出（最迟{last}），已超过期限，应按原申请继续办理",
                        s.correction_notice_wd
                    ));
                }
                if *period_wd == 0 || *period_wd > 60 {
                    return refuse("补正期限应为1至60个工作日");
                }
                if items.trim().is_empty() {
                    return refuse("补正通知应一次性写明需要补正的事项");
                }
                c.correction = Some((*on, *period_wd));
                c.status = Status::AwaitingCorrection;
            }
            Event::Corrected { on } => {
                if st != Status::AwaitingCorrection {
                    return refuse("该申请没有待补正的通知");
                }
                not_before(on, self.correction.map(|x| x.0), "补正通知日期")?;
                cal.kind(*on)?;
                c.corrected_on = Some(*on);
                // Art. 30: the reply period runs from receipt of the corrected application.
                c.clock_start = Some(*on);
                c.pauses.clear();
                c.status = Status::InProgress;
            }
            Event::CorrectionLapsed { on } => {
                if st != Status::AwaitingCorrection {
                    return refuse("该申请没有待补正的通知");
                }
                let Some((noticed, period)) = self.correction else {
                    return refuse("该申请没有补正通知的记录");
                };
                let last = cal.add_working_days(noticed, period)?;
                if *on <= last {
                    return refuse(format!("补正期限至{last}届满，届满前不能认定逾期未补正"));
                }
                c.finish(*on, Outcome::CorrectionLapsed, Status::Closed);
            }
            Event::Assigned { handler, .. } => {
                if !st.is_open() {
                    return refuse("已办结的申请不能再分配承办人");
                }
                c.handler = Some(handler.clone());
            }
            Event::ConsultationOpened { on, party, with } => {
                if st != Status::InProgress {
                    return refuse(format!("当前状态为“{}”，不能征求意见", st.label()));
                }
                not_before(on, self.clock_start, "计时起算日")?;
                if with.trim().is_empty() {
                    return refuse("请填写征求意见的对象");
                }
                cal.kind(*on)?;
                c.pauses.push(Pause {
                    from: *on,
                    to: None,
                    what: format!("征求{}（{}）意见", party.label(), with.trim()),
                });
                c.status = Status::Consulting;
            }
            Event::ConsultationClosed { on, .. } => {
                if st != Status::Consulting {
                    return refuse("没有正在进行的征求意见");
                }
                let Some(p) = c.pauses.last_mut() else { return refuse("没有正在进行的征求意见") };
                not_before(on, Some(p.from), "征求意见开始日期")?;
                cal.kind(*on)?;
                p.to = Some(*on);
                c.status = Status::InProgress;
            }
            Event::ExtensionApproved { on, days, reason, approver } => {
                if !matches!(st, Status::InProgress | Status::Consulting) {
                    return refuse(format!("当前状态为“{}”，不能延期", st.label()));
                }
                if self.extension.is_some() {
                    return refuse("答复期限只能延长一次（条例第三十三条）");
                }
                if *days == 0 || *days > s.extension_max_wd {
                    return refuse(format!("延长期限最长不超过{}个工作日", s.extension_max_wd));
                }
                if reason.trim().is_empty() || approver.trim().is_empty() {
                    return refuse("延期须记录理由和批准人（政府信息公开工作机构负责人）");
                }
                not_before(on, self.clock_start, "计时起算日")?;
                if let Some(due) = self.due(s, cal)?
                    && *on > due
                {
                    return refuse(format!("答复期限已于{due}届满，不能在期限届满后延期"));
                }
                c.extension = Some((*on, *days));
            }
            Event::FeeNoticed { on, basis, amount_yuan } => {
                if st != Status::InProgress {
                    return refuse(format!("当前状态为“{}”，不能发出收费通知", st.label()));
                }
                if self.fee.is_some() {
                    return refuse("该申请已发出过收费通知");
                }
                basis.check(*amount_yuan).map_err(|e| WorkflowError::NotAllowed(e.message))?;
                not_before(on, self.clock_start, "计时起算日")?;
                if let Some(due) = self.due(s, cal)?
                    && *on > due
                {
                    return refuse(format!("收费通知应在答复期限内发出（期限{due}）"));
                }
                c.fee = Some((*on, *basis, *amount_yuan));
                if s.fee_pause {
                    c.pauses.push(Pause { from: *on, to: None, what: "收费通知至缴费".into() });
                }
                c.status = Status::AwaitingPayment;
            }
            Event::FeePaid { on } => {
                if st != Status::AwaitingPayment {
                    return refuse("该申请没有待缴的费用");
                }
                not_before(on, self.fee.map(|f| f.0), "收费通知日期")?;
                cal.kind(*on)?;
                c.fee_paid_on = Some(*on);
                if s.fee_pause
                    && let Some(p) = c.pauses.last_mut()
                {
                    p.to = Some(*on);
                }
                c.status = Status::InProgress;
            }
            Event::FeeLapsed { on } => {
                if st != Status::AwaitingPayment {
                    return refuse("该申请没有待缴的费用");
                }
                let Some((noticed, ..)) = self.fee else { return refuse("该申请没有收费通知的记录") };
                let last = cal.add_working_days(noticed, s.fee_payment_wd)?;
                if *on <= last {
                    return refuse(format!("缴费期限至{last}届满，届满前不能认定逾期未缴费"));
                }
                c.finish(*on, Outcome::FeeUnpaid, Status::Closed);
            }
            Event::DelayFixed { on, due, reason } => {
                if st != Status::InProgress {
                    return refuse(format!("当前状态为“{}”，不能确定延迟答复期限", st.label()));
                }
                if reason.trim().is_empty() {
                    return refuse("请记录认定申请理由合理、需要延迟答复的情况");
                }
                if let Some(cur) = self.due(s, cal)?
                    && *due <= cur
                {
                    return refuse(format!("延迟答复期限应晚于当前期限{cur}"));
                }
                not_before(on, self.clock_start, "计时起算日")?;
                c.fixed_due = Some(*due);
            }
            Event::Replied { on, outcome, .. } => {
                if st != Status::InProgress {
                    return refuse(format!("当前状态为“{}”，尚不能作出答复", st.label()));
                }
                if !outcome.is_reply() {
                    return refuse("逾期未补正或未缴费由系统按期限认定，不能作为答复结果选择");
                }
                not_before(on, self.clock_start, "计时起算日")?;
                cal.kind(*on)?;
                c.reply = Some((*on, *outcome));
                c.finish(*on, *outcome, Status::Replied);
            }
            Event::Delivered { on, method } => {
                if st != Status::Replied {
                    return refuse("尚未作出答复，不能登记送达");
                }
                not_before(on, self.reply.map(|r| r.0), "答复日期")?;
                if method.trim().is_empty() {
                    return refuse("请填写送达方式");
                }
                c.delivered_on = Some(*on);
                c.status = Status::Delivered;
            }
            Event::Withdrawn { on, .. } => {
                if !st.is_open() {
                    return refuse("已办结的申请不能撤回");
                }
                not_before(on, Some(self.submitted_on), "提交日期")?;
                c.finish(*on, Outcome::OtherHandling, Status::Closed);
            }
            Event::Archived { .. } => {
                if !matches!(st, Status::Delivered | Status::Closed) {
                    return refuse("送达或终止后才能归档");
                }
                c.status = Status::Archived;
            }
            Event::DeadlineMoved { .. } => {}
        }
        Ok(c)
    }

    fn finish(&mut self, on: Date, outcome: Outcome, status: Status) {
        self.outcome = Some(outcome);
        self.finished_on = Some(on);
        self.status = status;
    }

    /// Whether a third party or another agency was consulted.
    pub fn has_consulted(&self) -> bool {
        self.pauses.iter().any(|p| p.what.starts_with("征求"))
    }

    /// Working days of the closed pauses.
    fn paused_wd(&self, cal: &Calendar) -> Result<u32, CalendarError> {
        self.pauses
            .iter()
            .filter_map(|p| p.to.map(|to| (p.from, to)))
            .try_fold(0, |acc, (a, b)| Ok(acc + cal.working_days_between(a, b)?))
    }

    /// Working days the case took, from the start of its clock to its finish, without the
    /// lawful pauses (consultation, fee notice) and without the time spent waiting for a
    /// correction (the clock restarts on receipt of it). `None` while it is open.
    pub fn handling_wd(&self, cal: &Calendar) -> Result<Option<u32>, CalendarError> {
        match (self.clock_start, self.finished_on) {
            (Some(start), Some(end)) => {
                let total = cal.working_days_between(start, end)?;
                Ok(Some(total.saturating_sub(self.paused_wd(cal)?)))
            }
            _ => Ok(None),
        }
    }

    /// The reply deadline, or `None` while it does not run (receipt not confirmed,
    /// awaiting correction, or paused).
    pub fn due(&self, s: &ClockSettings, cal: &Calendar) -> Result<Option<Date>, CalendarError> {
        if let Some(d) = self.fixed_due {
            return Ok(Some(d));
        }
        let Some(start) = self.clock_start else {
            return Ok(None);
        };
        if self.status == Status::AwaitingCorrection || self.pauses.iter().any(|p| p.to.is_none()) {
            return Ok(None);
        }
        let n = s.reply_wd + self.paused_wd(cal)? + self.extension.map_or(0, |e| e.1);
        cal.add_working_days(start, n).map(Some)
    }

    /// The deadline and how it was counted, in plain Chinese (for the handling screen and
    /// the applicant's tracking page).
    pub fn clock(&self, s: &ClockSettings, cal: &Calendar, today: Date) -> Result<Clock, CalendarError> {
        let mut lines = vec![];
        match self.received_on {
            None => lines.push(format!(
                "{}提交申请（{}）。{}，确认后开始计算答复期限。",
                self.submitted_on,
                self.channel.label(),
                self.channel.receipt_rule()
            )),
            Some(r) => lines.push(format!(
                "{r}收到申请（{}；{}）。收到申请当日不计入，自次日起计算{}个工作日，法定节假日和周末不计，调休上班日计入。",
                self.channel.label(),
                self.channel.receipt_rule(),
                s.reply_wd
            )),
        }
        if let Some((on, period)) = self.correction {
            let last = cal.add_working_days(on, period)?;
            let mark = if cal.provisional_year_in(on, last).is_some() { "，暂定" } else { "" };
            lines.push(format!(
                "{on}发出补正通知，补正期限{period}个工作日（至{last}{mark}）；补正期间不计算答复期限。"
            ));
        }
        if let Some(on) = self.corrected_on {
            lines.push(format!("{on}收到补正后的申请，答复期限自该日起重新计算{}个工作日。", s.reply_wd));
        }
        let mut paused_now = None;
        for p in &self.pauses {
            match p.to {
                Some(to) => {
                    let k = cal.working_days_between(p.from, to)?;
                    lines.push(format!("{}至{to}{}，该期间{k}个工作日不计入答复期限。", p.from, p.what));
                }
                None => {
                    lines.push(format!("自{}起{}，暂停计算答复期限。", p.from, p.what));
                    paused_now = Some(p.from);
                }
            }
        }
        if let Some((on, days)) = self.extension {
            lines.push(format!("{on}经政府信息公开工作机构负责人同意，答复期限延长{days}个工作日。"));
        }
        if let Some(d) = self.fixed_due {
            lines.push(format!("因申请数量、频次明显超过合理范围，确定延迟答复期限至{d}（条例第三十五条）。"));
        }
        let due = self.due(s, cal)?;
        let provisional = self.due_provisional(s, cal)?;
        match (due, provisional) {
            (Some(d), Some(year)) => {
                lines.push(format!("答复期限：{d}（暂定）。"));
                lines.push(crate::calendar::provisional_note(year));
            }
            (Some(d), None) => lines.push(format!("答复期限：{d}。")),
            _ => {}
        }
        let (left, overdue) = match (due, self.status.is_open()) {
            (Some(d), true) if today <= d => (Some(cal.working_days_between(today, d)? as i64), false),
            (Some(d), true) => (Some(-(cal.working_days_between(d, today)? as i64)), true),
            _ => (None, false),
        };
        let due_soon = left.is_some_and(|l| (0..=i64::from(s.due_soon_wd)).contains(&l));
        // A finished case is late if it finished after its deadline.
        let finished_late = match (self.finished_on, due) {
            (Some(f), Some(d)) => f > d,
            _ => false,
        };
        Ok(Clock {
            due,
            provisional,
            working_days_left: left,
            overdue,
            due_soon,
            paused_since: paused_now,
            finished_late,
            lines,
        })
    }

    /// The year without a loaded holiday notice that the reply deadline was counted
    /// through, if any: the deadline is then provisional (暂定) and moves when the notice
    /// is loaded. An Art. 35 date fixed by the agency is never provisional.
    pub fn due_provisional(&self, s: &ClockSettings, cal: &Calendar) -> Result<Option<i16>, CalendarError> {
        if self.fixed_due.is_some() {
            return Ok(None);
        }
        match (self.clock_start, self.due(s, cal)?) {
            (Some(start), Some(due)) => Ok(cal.provisional_year_in(start, due)),
            _ => Ok(None),
        }
    }
}

/// The reply deadline as shown to staff and applicants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    pub due: Option<Date>,
    /// `Some(year)` when the deadline was counted through a year whose holiday notice is
    /// not loaded yet (暂定).
    pub provisional: Option<i16>,
    /// Working days from today to the deadline (negative when overdue); `None` when the
    /// case is finished or the clock does not run.
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    pub due_soon: bool,
    pub paused_since: Option<Date>,
    pub finished_late: bool,
    pub lines: Vec<String>,
}
