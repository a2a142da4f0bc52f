//! The working-day calendar of the State Council's holiday notices, and working-day
//! arithmetic for statutory deadlines.
//!
//! Rule (notice convention, `data/holidays-cn.toml`):
//! `is_working_day(d) = d ∈ workday || (d ∉ off && d is Mon–Fri)`.
//! Counting (条例 practice, Civil Code Art. 201): the day of the start event is day 0 and
//! is not counted; the 1st working day is the first working day after it; the deadline is
//! the end of the N-th working day.
//!
//! A date in a year the loaded notices do not cover is an error ([`CalendarError::NotCovered`]),
//! never a guess: a legal deadline must not rest on an assumed holiday arrangement.
//!
//! Internally every covered day gets a kind and a running count of working days, so
//! adding N working days is two array lookups rather than a walk over the days.

use jiff::civil::{Date, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The compiled-in calendar data (the project's own copy of the notices).
pub const BUILTIN_TOML: &str = include_str!("../../../data/holidays-cn.toml");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date lies in a year for which no holiday notice is loaded.
    #[error("the working-day calendar does not cover {year}: load the State Council holiday notice for {year}")]
    NotCovered { year: i16 },
    #[error("invalid calendar data: {0}")]
    Invalid(String),
}

/// How a day counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// Monday to Friday, not a holiday.
    Workday,
    /// A Saturday or Sunday declared a working day (调休上班).
    AdjustedWorkday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A day inside a holiday block of a notice (法定节假日及调休).
    Holiday,
}

impl DayKind {
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::AdjustedWorkday)
    }

    pub fn label(self) -> &'static str {
        match self {
            DayKind::Workday => "工作日",
            DayKind::AdjustedWorkday => "调休上班",
            DayKind::Weekend => "周末",
            DayKind::Holiday => "节假日",
        }
    }
}

/// One line of [`Calendar::explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainedDay {
    pub date: Date,
    pub kind: DayKind,
    /// `Some(k)` when this is the k-th counted working day.
    pub counted: Option<u32>,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm):
/// a plain integer makes the per-day tables indexable.
fn day_number(d: Date) -> i32 {
    let (y, m, dd) = (i32::from(d.year()), i32::from(d.month()), i32::from(d.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn from_day_number(z: i32) -> Date {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    Date::new(y as i16, m as i8, d as i8).expect("day numbers within jiff's range map to valid dates")
}

/// A loaded set of holiday notices.
#[derive(Clone)]
pub struct Calendar {
    version: String,
    notices: BTreeMap<i16, String>,
    /// Day number of 1 January of the first covered year.
    base: i32,
    /// Kind of each day from `base` to 31 December of the last covered year;
    /// `None` for days of uncovered years in between.
    kinds: Vec<Option<DayKind>>,
    /// `cum[i]` = working days in `base ..= base + i`.
    cum: Vec<u32>,
    /// Offsets (from `base`) of every working day, in order.
    working: Vec<u32>,
    /// `gaps[i]` = uncovered days in `base ..= base + i`.
    gaps: Vec<u32>,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar").field("version", &self.version).field("years", &self.years()).finish()
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct YearTable {
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    off: Vec<String>,
    #[serde(default)]
    workday: Vec<String>,
}

/// FNV-1a: a stable fingerprint of the calendar content for version labels (not security).
fn fingerprint(parts: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

impl Calendar {
    /// The compiled-in calendar.
    pub fn builtin() -> Self {
        static BUILTIN: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| Self::from_toml(BUILTIN_TOML).expect("the compiled-in calendar data is valid")).clone()
    }

    /// Parse the notices file (`[YYYY]` tables with `notice`, `off`, `workday`). Each table
    /// makes its year covered; dates may lie in a neighbouring year (a notice can name the
    /// last days of the previous December) and are loaded as the union of all tables.
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let tables: BTreeMap<String, YearTable> =
            toml::from_str(text).map_err(|e| CalendarError::Invalid(e.to_string()))?;
        let mut off = BTreeSet::new();
        let mut work = BTreeSet::new();
        let mut notices = BTreeMap::new();
        for (key, t) in &tables {
            let year: i16 = key
                .parse()
                .ok()
                .filter(|y| (1950..=2200).contains(y))
                .ok_or_else(|| CalendarError::Invalid(format!("table [{key}] is not a year")))?;
            notices.insert(year, t.notice.clone().unwrap_or_default());
            for (list, set) in [(&t.off, &mut off), (&t.workday, &mut work)] {
                for s in list {
                    let d: Date = s
                        .parse()
                        .map_err(|_| CalendarError::Invalid(format!("[{key}]: '{s}' is not a date YYYY-MM-DD")))?;
                    if (i32::from(d.year()) - i32::from(year)).abs() > 1 {
                        return Err(CalendarError::Invalid(format!("[{key}]: {d} is far outside {year}")));
                    }
                    set.insert(d);
                }
            }
        }
        if notices.is_empty() {
            return Err(CalendarError::Invalid("no year tables".into()));
        }
        if let Some(d) = off.intersection(&work).next() {
            return Err(CalendarError::Invalid(format!("{d} is listed both as a day off and as a working day")));
        }
        if let Some(d) = work.iter().find(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)) {
            return Err(CalendarError::Invalid(format!(
                "{d} is listed as a declared working day but is a weekday (only weekend days are declared workdays)"
            )));
        }
        let first = *notices.keys().next().expect("non-empty");
        let last = *notices.keys().next_back().expect("non-empty");
        let base = day_number(Date::new(first, 1, 1).expect("valid"));
        let end = day_number(Date::new(last, 12, 31).expect("valid"));
        let len = (end - base + 1) as usize;
        let mut kinds = Vec::with_capacity(len);
        let mut cum = Vec::with_capacity(len);
        let mut gaps = Vec::with_capacity(len);
        let mut working = Vec::new();
        let (mut c, mut g) = (0u32, 0u32);
        for i in 0..len {
            let d = from_day_number(base + i as i32);
            let kind = if !notices.contains_key(&d.year()) {
                None
            } else if work.contains(&d) {
                Some(DayKind::AdjustedWorkday)
            } else if off.contains(&d) {
                Some(DayKind::Holiday)
            } else if matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
                Some(DayKind::Weekend)
            } else {
                Some(DayKind::Workday)
            };
            match kind {
                Some(k) if k.is_working() => {
                    c += 1;
                    working.push(i as u32);
                }
                None => g += 1,
                _ => {}
            }
            kinds.push(kind);
            cum.push(c);
            gaps.push(g);
        }
        let mut parts: Vec<String> = off.iter().map(|d| format!("off {d}")).collect();
        parts.extend(work.iter().map(|d| format!("work {d}")));
        parts.extend(notices.keys().map(|y| format!("year {y}")));
        let version = format!("{first}-{last}.{:08x}", fingerprint(&parts) as u32);
        Ok(Self { version, notices, base, kinds, cum, working, gaps })
    }

    /// A short label that changes whenever the content changes, e.g. `2019-2026.1a2b3c4d`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The years covered, with the notice that governs each.
    pub fn years(&self) -> Vec<(i16, &str)> {
        self.notices.iter().map(|(y, n)| (*y, n.as_str())).collect()
    }

    pub fn covers(&self, year: i16) -> bool {
        self.notices.contains_key(&year)
    }

    fn index(&self, d: Date) -> Result<usize, CalendarError> {
        let i = day_number(d) - self.base;
        if i < 0 || i as usize >= self.kinds.len() || self.kinds[i as usize].is_none() {
            return Err(CalendarError::NotCovered { year: d.year() });
        }
        Ok(i as usize)
    }

    pub fn kind(&self, d: Date) -> Result<DayKind, CalendarError> {
        let i = self.index(d)?;
        Ok(self.kinds[i].expect("index() checked coverage"))
    }

    pub fn is_working_day(&self, d: Date) -> Result<bool, CalendarError> {
        Ok(self.kind(d)?.is_working())
    }

    /// The first uncovered year after the day at offset `i`.
    fn first_gap_year_after(&self, i: usize) -> i16 {
        let mut y = from_day_number(self.base + i as i32).year();
        while self.covers(y) {
            y += 1;
        }
        y
    }

    /// The N-th working day after `start` (`start` itself is day 0 and not counted).
    /// `n = 0` gives `start`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        let i = self.index(start)?;
        if n == 0 {
            return Ok(start);
        }
        let target = self.cum[i] as usize + n as usize; // 1-based rank of the due day
        let Some(&j) = self.working.get(target - 1) else {
            return Err(CalendarError::NotCovered { year: self.first_gap_year_after(i) });
        };
        let j = j as usize;
        if self.gaps[j] != self.gaps[i] {
            return Err(CalendarError::NotCovered { year: self.first_gap_year_after(i) });
        }
        Ok(from_day_number(self.base + j as i32))
    }

    /// Working days counted after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        let i = self.index(from)?;
        let j = self.index(to)?;
        if j <= i {
            return Ok(0);
        }
        if self.gaps[j] != self.gaps[i] {
            return Err(CalendarError::NotCovered { year: self.first_gap_year_after(i) });
        }
        Ok(self.cum[j] - self.cum[i])
    }

    /// Every day after `start` up to the N-th working day, with how it counts.
    pub fn explain(&self, start: Date, n: u32) -> Result<Vec<ExplainedDay>, CalendarError> {
        let due = self.add_working_days(start, n)?;
        let (i, j) = (self.index(start)?, self.index(due)?);
        let mut out = Vec::with_capacity(j - i);
        let mut k = 0;
        for idx in i + 1..=j {
            let kind = self.kinds[idx].expect("no gap between start and due (checked)");
            let counted = kind.is_working().then(|| {
                k += 1;
                k
            });
            out.push(ExplainedDay { date: from_day_number(self.base + idx as i32), kind, counted });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn cal() -> Calendar {
        Calendar::builtin()
    }

    #[test]
    fn day_numbers_round_trip() {
        for s in ["1970-01-01", "2000-02-29", "2019-12-27", "2026-12-31", "1900-03-01"] {
            assert_eq!(from_day_number(day_number(d(s))), d(s));
        }
        assert_eq!(day_number(d("1970-01-01")), 0);
        assert_eq!(day_number(d("2000-03-01")) - day_number(d("2000-02-28")), 2);
    }

    /// regulation.md §9, examples 1–8 and 10 (9 is a pause, tested with the clock).
    #[test]
    fn worked_examples_of_the_specification() {
        let c = cal();
        let cases = [
            ("2024-09-27", 20, "2024-10-30"),
            ("2024-10-30", 20, "2024-11-27"),
            ("2024-09-27", 7, "2024-10-12"),
            ("2025-09-26", 20, "2025-10-30"),
            ("2025-09-30", 20, "2025-11-04"),
            ("2026-09-30", 20, "2026-11-03"),
            ("2026-02-12", 7, "2026-02-28"),
            ("2026-02-12", 20, "2026-03-18"),
            ("2024-09-30", 20, "2024-11-01"),
            ("2019-12-27", 20, "2020-02-03"),
        ];
        for (start, n, due) in cases {
            assert_eq!(c.add_working_days(d(start), n).unwrap(), d(due), "{start} + {n}");
        }
        // Example 5: the first counted day after 2025-09-30 is Thu 10-09.
        let e = c.explain(d("2025-09-30"), 1).unwrap();
        assert_eq!(e.last().unwrap().date, d("2025-10-09"));
        assert_eq!(e.iter().filter(|x| x.kind == DayKind::Holiday).count(), 8);
    }

    #[test]
    fn working_day_rule() {
        let c = cal();
        assert!(c.is_working_day(d("2024-09-29")).unwrap(), "declared Sunday workday");
        assert_eq!(c.kind(d("2024-09-29")).unwrap(), DayKind::AdjustedWorkday);
        assert!(!c.is_working_day(d("2024-10-07")).unwrap(), "Monday inside National Day");
        assert!(!c.is_working_day(d("2024-10-05")).unwrap());
        assert!(c.is_working_day(d("2024-02-09")).unwrap(), "除夕 2024 was only encouraged leave");
        assert_eq!(c.kind(d("2024-11-02")).unwrap(), DayKind::Weekend);
        assert!(c.is_working_day(d("2024-11-04")).unwrap());
    }

    #[test]
    fn uncovered_years_are_errors_naming_the_year() {
        let c = cal();
        assert_eq!(c.is_working_day(d("2027-01-04")), Err(CalendarError::NotCovered { year: 2027 }));
        assert_eq!(c.is_working_day(d("2018-12-31")), Err(CalendarError::NotCovered { year: 2018 }));
        // A deadline that runs past the last covered year.
        assert_eq!(c.add_working_days(d("2026-12-20"), 20), Err(CalendarError::NotCovered { year: 2027 }));
        assert!(c.add_working_days(d("2026-12-01"), 20).is_ok());
        let msg = c.add_working_days(d("2026-12-20"), 20).unwrap_err().to_string();
        assert!(msg.contains("2027"), "{msg}");
    }

    #[test]
    fn gaps_between_loaded_years_are_errors() {
        let text = "[2024]\noff=[]\nworkday=[]\n[2026]\noff=[]\nworkday=[]\n";
        let c = Calendar::from_toml(text).unwrap();
        assert_eq!(c.add_working_days(d("2024-12-20"), 20), Err(CalendarError::NotCovered { year: 2025 }));
        assert_eq!(
            c.working_days_between(d("2024-12-20"), d("2026-01-05")),
            Err(CalendarError::NotCovered { year: 2025 })
        );
        assert!(c.add_working_days(d("2026-01-05"), 20).is_ok());
    }

    #[test]
    fn invalid_data_is_refused() {
        for bad in [
            "[2024]\noff=[\"2024-13-01\"]\n",
            "[20x4]\noff=[]\n",
            "[2024]\noff=[\"2024-10-01\"]\nworkday=[\"2024-10-01\"]\n",
            "[2024]\nworkday=[\"2024-10-08\"]\n",
            "[2024]\nholidays=[]\n",
            "",
        ] {
            assert!(Calendar::from_toml(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn version_follows_content() {
        let a = Calendar::from_toml("[2024]\noff=[\"2024-10-01\"]\n").unwrap();
        let b = Calendar::from_toml("[2024]\noff=[\"2024-10-02\"]\n").unwrap();
        assert_ne!(a.version(), b.version());
        assert!(cal().version().starts_with("2019-2026."));
    }

    fn covered_date() -> impl Strategy<Value = Date> {
        (0i32..(day_number(Date::new(2026, 10, 31).unwrap()) - day_number(Date::new(2019, 1, 1).unwrap())))
            .prop_map(|o| from_day_number(day_number(Date::new(2019, 1, 1).unwrap()) + o))
    }

    proptest! {
        #[test]
        fn a_deadline_is_never_a_non_working_day(start in covered_date(), n in 1u32..40) {
            let due = cal().add_working_days(start, n).unwrap();
            prop_assert!(cal().is_working_day(due).unwrap());
            prop_assert!(due > start);
        }

        #[test]
        fn adding_is_associative(start in covered_date(), n in 0u32..25, m in 0u32..25) {
            let c = cal();
            let once = c.add_working_days(start, n + m).unwrap();
            let twice = c.add_working_days(c.add_working_days(start, n).unwrap(), m).unwrap();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn matches_a_day_by_day_walk(start in covered_date(), n in 0u32..30) {
            let c = cal();
            let mut day = start;
            let mut left = n;
            while left > 0 {
                day = day.tomorrow().unwrap();
                if c.is_working_day(day).unwrap() { left -= 1; }
            }
            prop_assert_eq!(c.add_working_days(start, n).unwrap(), day);
            prop_assert_eq!(c.working_days_between(start, day).unwrap(), n);
            let explained = c.explain(start, n).unwrap();
            prop_assert_eq!(explained.iter().filter(|e| e.counted.is_some()).count() as u32, n);
        }
    }
}
