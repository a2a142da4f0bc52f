//! Deadline arithmetic throughput: `cargo bench -p gongkai-core --bench deadlines`.
//! Target (issue 3): at least 1,000,000 deadline computations per second on one core.

use gongkai_core::applications::{Case, Channel, ClockSettings, Event, Party};
use gongkai_core::calendar::Calendar;
use jiff::civil::Date;

fn main() {
    divan::main();
}

fn starts() -> Vec<Date> {
    let first: Date = "2019-01-02".parse().unwrap();
    (0..2500).map(|i| first.checked_add(jiff::Span::new().days(i)).unwrap()).collect()
}

/// One computation = the 20th working day after a start date.
#[divan::bench(sample_count = 50, sample_size = 1000)]
fn add_20_working_days(bencher: divan::Bencher) {
    let cal = Calendar::builtin();
    let starts = starts();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) % starts.len();
        divan::black_box(cal.add_working_days(divan::black_box(starts[i]), 20).unwrap())
    });
}

/// A full deadline from an event log: receipt, a consultation pause, an extension.
#[divan::bench(sample_count = 50, sample_size = 200)]
fn deadline_from_event_log(bencher: divan::Bencher) {
    let cal = Calendar::builtin();
    let s = ClockSettings::default();
    let d = |x: &str| x.parse::<Date>().unwrap();
    let events = [
        Event::Submitted { channel: Channel::InPerson, on: d("2024-11-04") },
        Event::ConsultationOpened { on: d("2024-11-13"), party: Party::ThirdParty, with: "甲".into() },
        Event::ConsultationClosed { on: d("2024-11-21"), summary: String::new() },
        Event::ExtensionApproved { on: d("2024-12-02"), days: 10, reason: "x".into(), approver: "y".into() },
    ];
    bencher.bench_local(|| {
        let case = Case::replay(divan::black_box(&events), &s, &cal).unwrap();
        divan::black_box(case.due(&s, &cal).unwrap())
    });
}

/// Parsing the notices file and filling the years without a notice (to 2099) by the rule of
/// the 放假办法: paid once per loaded calendar (the store caches it).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn build_calendar_with_provisional_years() -> Calendar {
    Calendar::from_toml(gongkai_core::calendar::BUILTIN_TOML).unwrap()
}

/// The 20th working day after a date in a year without a notice (provisional calendar).
#[divan::bench(sample_count = 50, sample_size = 1000)]
fn add_20_provisional_working_days(bencher: divan::Bencher) {
    let cal = Calendar::builtin().with_provisional();
    let first: Date = "2027-01-04".parse().unwrap();
    let starts: Vec<Date> = (0..1400).map(|i| first.checked_add(jiff::Span::new().days(i)).unwrap()).collect();
    let mut i = 0usize;
    bencher.bench_local(|| {
        i = (i + 1) % starts.len();
        divan::black_box(cal.add_working_days(divan::black_box(starts[i]), 20).unwrap())
    });
}
