//! Whole-workflow tests: regulation.md §9 worked examples as event logs.

use super::*;
use crate::calendar::Calendar;
use jiff::civil::Date;
use proptest::prelude::*;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn run(events: &[Event]) -> Result<Case, WorkflowError> {
    Case::replay(events, &ClockSettings::default(), &Calendar::builtin())
}

fn due(events: &[Event]) -> Option<Date> {
    run(events).unwrap().due(&ClockSettings::default(), &Calendar::builtin()).unwrap()
}

fn counter(on: &str) -> Event {
    Event::Submitted { channel: Channel::InPerson, on: d(on) }
}

#[test]
fn example_1_counter_application_before_national_day() {
    assert_eq!(due(&[counter("2024-09-27")]), Some(d("2024-10-30")));
}

#[test]
fn example_2_extension_before_expiry() {
    let ev = [
        counter("2024-09-27"),
        Event::ExtensionApproved {
            on: d("2024-10-28"),
            days: 20,
            reason: "需调取档案".into(),
            approver: "陈审核".into(),
        },
    ];
    assert_eq!(due(&ev), Some(d("2024-11-27")));
    // Twice, too long, or after expiry: refused.
    let twice = [
        ev.to_vec(),
        vec![Event::ExtensionApproved { on: d("2024-10-29"), days: 5, reason: "x".into(), approver: "y".into() }],
    ]
    .concat();
    assert!(run(&twice).unwrap_err().to_string().contains("只能延长一次"));
    let long = [
        counter("2024-09-27"),
        Event::ExtensionApproved { on: d("2024-10-08"), days: 21, reason: "x".into(), approver: "y".into() },
    ];
    assert!(run(&long).is_err());
    let late = [
        counter("2024-09-27"),
        Event::ExtensionApproved { on: d("2024-10-31"), days: 10, reason: "x".into(), approver: "y".into() },
    ];
    assert!(run(&late).unwrap_err().to_string().contains("届满"));
}

#[test]
fn example_3_and_7_correction_window() {
    let ok = [
        counter("2024-09-27"),
        Event::CorrectionRequested { on: d("2024-10-12"), period_wd: 10, items: "请写明文号".into() },
    ];
    assert!(run(&ok).is_ok(), "the 7th working day is a declared Saturday workday");
    let late =
        [counter("2024-09-27"), Event::CorrectionRequested { on: d("2024-10-14"), period_wd: 10, items: "x".into() }];
    assert!(run(&late).unwrap_err().to_string().contains("最迟2024-10-12"));
    let spring =
        [counter("2026-02-12"), Event::CorrectionRequested { on: d("2026-02-28"), period_wd: 10, items: "x".into() }];
    assert!(run(&spring).is_ok());
    assert_eq!(due(&[counter("2026-02-12")]), Some(d("2026-03-18")));
}

#[test]
fn examples_4_to_6_and_10() {
    assert_eq!(due(&[counter("2025-09-26")]), Some(d("2025-10-30")));
    assert_eq!(due(&[counter("2025-09-30")]), Some(d("2025-11-04")));
    assert_eq!(due(&[counter("2026-09-30")]), Some(d("2026-11-03")));
    assert_eq!(due(&[counter("2019-12-27")]), Some(d("2020-02-03")));
}

#[test]
fn example_8_online_receipt_is_the_confirmation_date() {
    let submitted = [Event::Submitted { channel: Channel::Online, on: d("2024-09-28") }];
    let c = run(&submitted).unwrap();
    assert_eq!(c.status, Status::AwaitingReceipt);
    assert_eq!(due(&submitted), None, "no clock before confirmation");
    let ev = [submitted[0].clone(), Event::ReceiptConfirmed { on: d("2024-09-30") }];
    assert_eq!(due(&ev), Some(d("2024-11-01")));
    let before = [submitted[0].clone(), Event::ReceiptConfirmed { on: d("2024-09-27") }];
    assert!(run(&before).unwrap_err().to_string().contains("早于提交日期"));
}

#[test]
fn example_9_consultation_pauses_the_clock() {
    // Received Mon 2024-11-04 (plain weeks): due after 20 wd = Mon 2024-12-02.
    let base = [counter("2024-11-04")];
    assert_eq!(due(&base), Some(d("2024-12-02")));
    // Opened on working day 8 (Wed 11-13), closed 6 working days later (Thu 11-21).
    let ev = [
        base[0].clone(),
        Event::ConsultationOpened { on: d("2024-11-13"), party: Party::ThirdParty, with: "某公司".into() },
        Event::ConsultationClosed { on: d("2024-11-21"), summary: "不同意公开".into() },
    ];
    let cal = Calendar::builtin();
    assert_eq!(due(&ev), Some(cal.add_working_days(d("2024-12-02"), 6).unwrap()));
    assert_eq!(due(&ev), Some(d("2024-12-10")));
    // While open, the clock does not run and a reply is not possible.
    let open = &ev[..2];
    assert_eq!(due(open), None);
    let reply = [
        open.to_vec(),
        vec![Event::Replied { on: d("2024-11-20"), outcome: Outcome::Disclosed, summary: String::new() }],
    ]
    .concat();
    assert!(run(&reply).unwrap_err().to_string().contains("征求意见中"));
}

#[test]
fn correction_restarts_the_clock_and_lapses_after_the_period() {
    let ev = vec![
        counter("2024-11-04"),
        Event::CorrectionRequested {
            on: d("2024-11-06"), period_wd: 10, items: "请明确所需信息的名称".into()
        },
    ];
    assert_eq!(run(&ev).unwrap().status, Status::AwaitingCorrection);
    assert_eq!(due(&ev), None);
    let corrected = [ev.clone(), vec![Event::Corrected { on: d("2024-11-15") }]].concat();
    assert_eq!(due(&corrected), Some(Calendar::builtin().add_working_days(d("2024-11-15"), 20).unwrap()));
    // Once only.
    let again =
        [corrected.clone(), vec![Event::CorrectionRequested { on: d("2024-11-18"), period_wd: 5, items: "x".into() }]]
            .concat();
    assert!(run(&again).unwrap_err().to_string().contains("一次"));
    // Lapse only after the period (10 wd after 11-06 = 11-20).
    let early = [ev.clone(), vec![Event::CorrectionLapsed { on: d("2024-11-20") }]].concat();
    assert!(run(&early).is_err());
    let lapsed = [ev, vec![Event::CorrectionLapsed { on: d("2024-11-21") }]].concat();
    let c = run(&lapsed).unwrap();
    assert_eq!((c.status, c.outcome), (Status::Closed, Some(Outcome::CorrectionLapsed)));
}

#[test]
fn fees_pause_the_clock_and_lapse() {
    let basis = FeeBasis::PerVolume { pages: 120 };
    let ev = vec![counter("2024-11-04"), Event::FeeNoticed { on: d("2024-11-11"), basis, amount_yuan: 1100 }];
    assert_eq!(run(&ev).unwrap().status, Status::AwaitingPayment);
    let wrong = [counter("2024-11-04"), Event::FeeNoticed { on: d("2024-11-11"), basis, amount_yuan: 1000 }];
    assert!(run(&wrong).unwrap_err().to_string().contains("应为1100元"));
    let paid = [ev.clone(), vec![Event::FeePaid { on: d("2024-11-18") }]].concat();
    // 5 working days paused (11-12..11-18).
    assert_eq!(due(&paid), Some(Calendar::builtin().add_working_days(d("2024-12-02"), 5).unwrap()));
    // Without the pause setting the deadline stays.
    let s = ClockSettings { fee_pause: false, ..ClockSettings::default() };
    let c = Case::replay(&paid, &s, &Calendar::builtin()).unwrap();
    assert_eq!(c.due(&s, &Calendar::builtin()).unwrap(), Some(d("2024-12-02")));
    let lapsed = [ev.clone(), vec![Event::FeeLapsed { on: d("2024-12-10") }]].concat();
    assert_eq!(run(&lapsed).unwrap().outcome, Some(Outcome::FeeUnpaid));
    let early = [ev, vec![Event::FeeLapsed { on: d("2024-12-09") }]].concat();
    assert!(run(&early).is_err(), "20 wd after 11-11 is 12-09");
}

#[test]
fn a_reply_needs_the_right_state_and_one_outcome() {
    let mut ev = vec![
        counter("2024-11-04"),
        Event::Replied { on: d("2024-11-20"), outcome: Outcome::PartlyDisclosed, summary: "区分处理".into() },
    ];
    let c = run(&ev).unwrap();
    assert_eq!(
        (c.status, c.outcome, c.finished_on),
        (Status::Replied, Some(Outcome::PartlyDisclosed), Some(d("2024-11-20")))
    );
    ev.push(Event::Replied { on: d("2024-11-21"), outcome: Outcome::Disclosed, summary: String::new() });
    assert!(run(&ev).is_err(), "exactly one outcome");
    ev.pop();
    ev.push(Event::Delivered { on: d("2024-11-21"), method: "邮寄".into() });
    ev.push(Event::Archived { on: d("2024-11-22") });
    assert_eq!(run(&ev).unwrap().status, Status::Archived);
    let lapse_as_reply = [
        counter("2024-11-04"),
        Event::Replied { on: d("2024-11-20"), outcome: Outcome::FeeUnpaid, summary: String::new() },
    ];
    assert!(run(&lapse_as_reply).is_err());
    let before_receipt = [
        counter("2024-11-04"),
        Event::Replied { on: d("2024-11-01"), outcome: Outcome::Disclosed, summary: String::new() },
    ];
    assert!(run(&before_receipt).unwrap_err().to_string().contains("早于"));
}

#[test]
fn clock_explains_in_plain_chinese() {
    let ev = [
        counter("2024-11-04"),
        Event::ConsultationOpened { on: d("2024-11-13"), party: Party::OtherAgency, with: "市财政局".into() },
        Event::ConsultationClosed { on: d("2024-11-21"), summary: String::new() },
        Event::ExtensionApproved {
            on: d("2024-12-02"),
            days: 10,
            reason: "材料较多".into(),
            approver: "陈审核".into(),
        },
    ];
    let s = ClockSettings::default();
    let cal = Calendar::builtin();
    let clock = run(&ev).unwrap().clock(&s, &cal, d("2024-12-20")).unwrap();
    assert_eq!(clock.due, Some(d("2024-12-24")));
    assert_eq!(clock.working_days_left, Some(2));
    assert!(clock.due_soon && !clock.overdue);
    let text = clock.lines.join("\n");
    assert!(text.contains("2024-11-04收到申请（当面提交"), "{text}");
    assert!(
        text.contains("2024-11-13至2024-11-21征求其他机关（市财政局）意见，该期间6个工作日不计入答复期限"),
        "{text}"
    );
    assert!(text.contains("延长10个工作日"), "{text}");
    assert!(text.contains("答复期限：2024-12-24"), "{text}");
    let late = run(&ev).unwrap().clock(&s, &cal, d("2024-12-26")).unwrap();
    assert!(late.overdue);
    assert_eq!(late.working_days_left, Some(-2));
}

proptest! {
    /// A pause of k working days moves the deadline by exactly k working days.
    #[test]
    fn pause_moves_the_deadline_by_its_length(start_off in 0i64..2000, open_after in 0u32..19, k in 0u32..30) {
        let cal = Calendar::builtin();
        let start = d("2019-01-02").checked_add(jiff::Span::new().days(start_off)).unwrap();
        prop_assume!(cal.add_working_days(start, 90).is_ok());
        let open = cal.add_working_days(start, open_after).unwrap();
        let close = cal.add_working_days(open, k).unwrap();
        let base = [counter(&start.to_string())];
        let paused = [
            base[0].clone(),
            Event::ConsultationOpened { on: open, party: Party::ThirdParty, with: "甲".into() },
            Event::ConsultationClosed { on: close, summary: String::new() },
        ];
        let before = due(&base).unwrap();
        prop_assert_eq!(due(&paused).unwrap(), cal.add_working_days(before, k).unwrap());
        prop_assert!(cal.is_working_day(due(&paused).unwrap()).unwrap());
    }
}

/// December: the deadline reaches a year whose notice is not loaded. A strict calendar
/// refuses; the provisional one counts on and the clock says 暂定 and why.
#[test]
fn a_deadline_into_a_year_without_a_notice_is_provisional() {
    let s = ClockSettings::default();
    let ev = [counter("2026-12-10")];
    assert!(matches!(
        Case::replay(&ev, &s, &Calendar::builtin()).and_then(|c| Ok(c.due(&s, &Calendar::builtin())?)),
        Err(WorkflowError::Calendar(crate::calendar::CalendarError::NotCovered { year: 2027 }))
    ));
    let cal = Calendar::builtin().with_provisional();
    let case = Case::replay(&ev, &s, &cal).unwrap();
    // 11–31 Dec: 15 working days; 元旦 Fri 1 Jan off; 4–8 Jan: 5 more.
    assert_eq!(case.due(&s, &cal).unwrap(), Some(d("2027-01-08")));
    assert_eq!(case.due_provisional(&s, &cal).unwrap(), Some(2027));
    let clock = case.clock(&s, &cal, d("2026-12-14")).unwrap();
    assert_eq!(clock.provisional, Some(2027));
    assert!(clock.lines.iter().any(|l| l == "答复期限：2027-01-08（暂定）。"), "{:?}", clock.lines);
    assert!(clock.lines.iter().any(|l| l.contains("2027年节假日安排") && l.contains("自动重新计算")));
    assert_eq!(clock.working_days_left, Some(18));
    // An application answered well inside the noticed year is not provisional.
    let early = Case::replay(&[counter("2026-11-02")], &s, &cal).unwrap();
    assert_eq!(early.due_provisional(&s, &cal).unwrap(), None);
    // Receipt confirmed and an extension recorded in 2027 work on the provisional calendar.
    let later = [
        Event::Submitted { channel: Channel::Online, on: d("2027-01-04") },
        Event::ReceiptConfirmed { on: d("2027-01-05") },
        Event::ExtensionApproved {
            on: d("2027-01-20"),
            days: 20,
            reason: "需调取档案".into(),
            approver: "陈审核".into(),
        },
    ];
    let case = Case::replay(&later, &s, &cal).unwrap();
    assert_eq!(case.due_provisional(&s, &cal).unwrap(), Some(2027));
    assert!(case.due(&s, &cal).unwrap().is_some());
}
