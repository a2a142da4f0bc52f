//! The working-day calendar of the State Council's holiday notices, and working-day
//! arithmetic for statutory deadlines.
//!
//! Rule (notice convention, `data/holidays-cn.toml`):
//! `is_working_day(d) = d ∈ workday || (d ∉ off && d is Mon–Fri)`.
//! Counting (条例 practice, Civil Code Art. 201): the day of the start event is day 0 and
//! is not counted; the 1st working day is the first working day after it; the deadline is
//! the end of the N-th working day.
//!
//! Years after the first loaded notice that have no notice of their own (every December,
//! the next year's deadlines; the notice is published around November) are filled with
//! the provisional calendar of [`festivals`]: the statutory days of 《全国年节及纪念日放假
//! 办法》 with their make-up days, weekends off, no adjusted working days. A calendar is
//! strict by default — any count that touches a provisional day is an error
//! ([`CalendarError::NotCovered`] naming the year), as the CLI contract wants — and
//! [`Calendar::with_provisional`] makes one that counts through them; the callers then
//! mark what they computed as 暂定 ([`Calendar::provisional_year_in`]). Years before the
//! first notice are never filled.
//!
//! Internally every day gets a kind and a running count of working days, so adding N
//! working days is two array lookups rather than a walk over the days.

pub mod festivals;

use jiff::civil::{Date, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The compiled-in calendar data (the project's own copy of the notices).
pub const BUILTIN_TOML: &str = include_str!("../../../../data/holidays-cn.toml");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date lies in a year for which no holiday notice is loaded.
    #[error("the working-day calendar does not cover {year}: load the State Council holiday notice for {year}")]
    NotCovered { year: i16 },
    #[error("节假日安排数据有误：{0}")]
    Invalid(String),
}

impl CalendarError {
    /// The message for staff and the public (the `Display` text is for the CLI and logs).
    pub fn message_zh(&self) -> String {
        match self {
            CalendarError::NotCovered { year } => {
                format!("工作日历尚未载入{year}年的国务院办公厅节假日安排通知，请系统管理员载入后再办理")
            }
            CalendarError::Invalid(why) => format!("节假日安排数据有误：{why}"),
        }
    }
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
    /// The day lies in a year without a loaded notice (provisional calendar).
    pub provisional: bool,
    /// For a provisional holiday, which one (`春节`, `国庆节补假`).
    pub note: Option<String>,
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

fn from_day_number(z: i32) -> Result<Date, CalendarError> {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    let y = i16::try_from(y).map_err(|_| CalendarError::Invalid(format!("第{z}天超出日历范围")))?;
    Date::new(y, m as i8, d as i8).map_err(|_| CalendarError::Invalid(format!("第{z}天超出日历范围")))
}

/// The provisional days off of every year the rule applies to, computed once per process.
fn provisional_table() -> &'static BTreeMap<i16, Vec<festivals::DayOff>> {
    static TABLE: std::sync::OnceLock<BTreeMap<i16, Vec<festivals::DayOff>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (festivals::RULE_FIRST_YEAR..=festivals::RULE_LAST_YEAR)
            .filter_map(|y| festivals::provisional_days_off(y).map(|d| (y, d)))
            .collect()
    })
}

/// A loaded set of holiday notices, with the years after the first one that lack a notice
/// filled provisionally.
#[derive(Clone)]
pub struct Calendar {
    version: String,
    notices: BTreeMap<i16, String>,
    /// Day number of 1 January of the first covered year.
    base: i32,
    /// Kind of each day from `base` to 31 December of the last year (noticed or provisional).
    kinds: Vec<DayKind>,
    /// `cum[i]` = working days in `base ..= base + i`.
    cum: Vec<u32>,
    /// Offsets (from `base`) of every working day, in order.
    working: Vec<u32>,
    /// `prov[i]` = provisional days (in years without a notice) in `base ..= base + i`.
    prov: Vec<u32>,
    /// The provisional days off with what they are, for explanations.
    notes: BTreeMap<Date, String>,
    /// Count through provisional years instead of refusing them.
    lenient: bool,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("version", &self.version)
            .field("years", &self.years())
            .field("provisional", &self.lenient)
            .finish()
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

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl Calendar {
    /// A calendar covering no day: every date is refused as not covered.
    fn empty() -> Self {
        Calendar {
            version: "empty".into(),
            notices: BTreeMap::new(),
            base: 0,
            kinds: Vec::new(),
            cum: Vec::new(),
            working: Vec::new(),
            prov: Vec::new(),
            notes: BTreeMap::new(),
            lenient: false,
        }
    }

    /// The compiled-in calendar.
    pub fn builtin() -> Self {
        static BUILTIN: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
        // The compiled-in data is checked by the tests (`builtin_data_parses`); should it ever
        // be broken, the calendar is empty and every date is refused as not covered.
        BUILTIN.get_or_init(|| Self::from_toml(BUILTIN_TOML).unwrap_or_else(|_| Self::empty())).clone()
    }

    /// Parse the notices file (`[YYYY]` tables with `notice`, `off`, `workday`). Each table
    /// makes its year covered; dates may lie in a neighbouring year (a notice can name the
    /// last days of the previous December) and are loaded as the union of all tables.
    /// The result is strict; see [`Calendar::with_provisional`].
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let tables: BTreeMap<String, YearTable> = toml::from_str(text).map_err(|e| {
            // Staff read this: the line, not the TOML parser's English.
            let line = e.span().map_or(1, |r| text[..r.start.min(text.len())].matches('\n').count() + 1);
            CalendarError::Invalid(format!("第{line}行附近格式有误（应为 [年份] 表，含 notice、off、workday）"))
        })?;
        let mut off = BTreeSet::new();
        let mut work = BTreeSet::new();
        let mut notices = BTreeMap::new();
        for (key, t) in &tables {
            let year: i16 = key
                .parse()
                .ok()
                .filter(|y| (1950..=2200).contains(y))
                .ok_or_else(|| CalendarError::Invalid(format!("[{key}] 不是年份")))?;
            notices.insert(year, t.notice.clone().unwrap_or_default());
            for (list, set) in [(&t.off, &mut off), (&t.workday, &mut work)] {
                for s in list {
                    let d: Date = s
                        .parse()
                        .map_err(|_| CalendarError::Invalid(format!("[{key}]：“{s}”不是 YYYY-MM-DD 格式的日期")))?;
                    if (i32::from(d.year()) - i32::from(year)).abs() > 1 {
                        return Err(CalendarError::Invalid(format!("[{key}]：{d} 与 {year} 年相差过远")));
                    }
                    set.insert(d);
                }
            }
        }
        let (Some(&first), Some(&last_notice)) = (notices.keys().next(), notices.keys().next_back()) else {
            return Err(CalendarError::Invalid("没有任何年份的安排".into()));
        };
        if let Some(d) = off.intersection(&work).next() {
            return Err(CalendarError::Invalid(format!("{d} 同时列为放假日和调休上班日")));
        }
        if let Some(d) = work.iter().find(|d| !is_weekend(**d)) {
            return Err(CalendarError::Invalid(format!("{d} 列为调休上班日，但它不是周六或周日")));
        }
        // Provisional years run to the end of the rule's range (and at least one year past
        // the last notice, should an admin load notices beyond it).
        let last = last_notice.max(festivals::RULE_LAST_YEAR);
        let mut notes = BTreeMap::new();
        let mut prov_off = BTreeSet::new();
        for (year, days) in provisional_table().range(first..=last) {
            if notices.contains_key(year) {
                continue;
            }
            for day in days {
                prov_off.insert(day.date);
                notes.insert(day.date, day.label());
            }
        }
        let year_out = |y: i16| CalendarError::Invalid(format!("{y} 年超出日历范围"));
        let base = day_number(Date::new(first, 1, 1).map_err(|_| year_out(first))?);
        let end = day_number(Date::new(last, 12, 31).map_err(|_| year_out(last))?);
        let len = (end - base + 1) as usize;
        let mut kinds = Vec::with_capacity(len);
        let mut cum = Vec::with_capacity(len);
        let mut prov = Vec::with_capacity(len);
        let mut working = Vec::new();
        let (mut c, mut p) = (0u32, 0u32);
        for i in 0..len {
            let d = from_day_number(base + i as i32)?;
            let noticed = notices.contains_key(&d.year());
            // A year without a notice and outside the rule (before 2014) stays a gap: it
            // counts as provisional, so even a lenient calendar refuses it below.
            let kind = if noticed && work.contains(&d) {
                DayKind::AdjustedWorkday
            } else if (noticed && off.contains(&d)) || (!noticed && prov_off.contains(&d)) {
                DayKind::Holiday
            } else if is_weekend(d) {
                DayKind::Weekend
            } else {
                DayKind::Workday
            };
            if !noticed {
                p += 1;
            }
            if kind.is_working() {
                c += 1;
                working.push(i as u32);
            }
            kinds.push(kind);
            cum.push(c);
            prov.push(p);
        }
        let mut parts: Vec<String> = off.iter().map(|d| format!("off {d}")).collect();
        parts.extend(work.iter().map(|d| format!("work {d}")));
        parts.extend(notices.keys().map(|y| format!("year {y}")));
        let version = format!("{first}-{last_notice}.{:08x}", fingerprint(&parts) as u32);
        Ok(Self { version, notices, base, kinds, cum, working, prov, notes, lenient: false })
    }

    /// The same calendar, counting through years without a notice on the provisional
    /// calendar instead of refusing them. Whoever uses it marks the results that touched
    /// such a year ([`Calendar::provisional_year_in`]).
    pub fn with_provisional(mut self) -> Self {
        self.lenient = true;
        self
    }

    /// The same calendar, refusing years without a notice.
    pub fn strict(mut self) -> Self {
        self.lenient = false;
        self
    }

    /// Whether this calendar counts through provisional years.
    pub fn is_lenient(&self) -> bool {
        self.lenient
    }

    /// A short label that changes whenever the content changes, e.g. `2019-2026.1a2b3c4d`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The years covered by a notice, with the notice that governs each.
    pub fn years(&self) -> Vec<(i16, &str)> {
        self.notices.iter().map(|(y, n)| (*y, n.as_str())).collect()
    }

    /// Whether a notice for `year` is loaded.
    pub fn covers(&self, year: i16) -> bool {
        self.notices.contains_key(&year)
    }

    /// Whether `year` would be counted on the provisional calendar (no notice, but inside
    /// the range this calendar can fill).
    pub fn is_provisional_year(&self, year: i16) -> bool {
        !self.covers(year)
            && year > self.notices.keys().next().copied().unwrap_or(i16::MAX)
            && (festivals::RULE_FIRST_YEAR..=festivals::RULE_LAST_YEAR).contains(&year)
    }

    fn offset(&self, d: Date) -> Result<usize, CalendarError> {
        let i = day_number(d) - self.base;
        if i < 0 || i as usize >= self.kinds.len() || !self.fillable(d.year()) {
            return Err(CalendarError::NotCovered { year: d.year() });
        }
        Ok(i as usize)
    }

    /// Whether the days of `year` have a kind at all (noticed, or provisional by the rule).
    fn fillable(&self, year: i16) -> bool {
        self.covers(year) || (festivals::RULE_FIRST_YEAR..=festivals::RULE_LAST_YEAR).contains(&year)
    }

    /// The offset of `d`, refusing a provisional day unless lenient.
    fn index(&self, d: Date) -> Result<usize, CalendarError> {
        let i = self.offset(d)?;
        if !self.lenient && !self.covers(d.year()) {
            return Err(CalendarError::NotCovered { year: d.year() });
        }
        Ok(i)
    }

    /// Refuse a span `i..=j` that needs a year this calendar may not count: any provisional
    /// day when strict, and years outside the rule (gaps before 2014) always.
    fn check_span(&self, i: usize, j: usize) -> Result<(), CalendarError> {
        let (lo, hi) = (i.min(j), i.max(j));
        let before = if lo == 0 { 0 } else { self.prov[lo - 1] };
        if self.prov[hi] == before {
            return Ok(());
        }
        let mut y = from_day_number(self.base + lo as i32)?.year();
        let last = from_day_number(self.base + hi as i32)?.year();
        while y <= last {
            if !self.covers(y) && (!self.lenient || !self.fillable(y)) {
                return Err(CalendarError::NotCovered { year: y });
            }
            y += 1;
        }
        Ok(())
    }

    pub fn kind(&self, d: Date) -> Result<DayKind, CalendarError> {
        let i = self.index(d)?;
        Ok(self.kinds[i])
    }

    pub fn is_working_day(&self, d: Date) -> Result<bool, CalendarError> {
        Ok(self.kind(d)?.is_working())
    }

    /// The first year without a notice among the days `from ..= to` (either order), if
    /// any: a deadline counted over them is provisional (暂定).
    pub fn provisional_year_in(&self, from: Date, to: Date) -> Option<i16> {
        let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
        (lo.year()..=hi.year()).find(|y| !self.covers(*y))
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
            let last = from_day_number(self.base + self.kinds.len() as i32 - 1)?.year();
            return Err(CalendarError::NotCovered { year: last + 1 });
        };
        let j = j as usize;
        self.check_span(i, j)?;
        from_day_number(self.base + j as i32)
    }

    /// Working days counted after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        let i = self.index(from)?;
        let j = self.index(to)?;
        if j <= i {
            return Ok(0);
        }
        self.check_span(i, j)?;
        Ok(self.cum[j] - self.cum[i])
    }

    /// Every day after `start` up to the N-th working day, with how it counts.
    pub fn explain(&self, start: Date, n: u32) -> Result<Vec<ExplainedDay>, CalendarError> {
        let due = self.add_working_days(start, n)?;
        let (i, j) = (self.index(start)?, self.index(due)?);
        let mut out = Vec::with_capacity(j - i);
        let mut k = 0;
        for idx in i + 1..=j {
            let kind = self.kinds[idx];
            let counted = kind.is_working().then(|| {
                k += 1;
                k
            });
            let date = from_day_number(self.base + idx as i32)?;
            let provisional = !self.covers(date.year());
            let note = if provisional { self.notes.get(&date).cloned() } else { None };
            out.push(ExplainedDay { date, kind, counted, provisional, note });
        }
        Ok(out)
    }
}

/// The sentence that says why a deadline is provisional (console, tracking page, letters).
pub fn provisional_note(year: i16) -> String {
    format!(
        "{year}年节假日安排的国务院办公厅通知尚未载入，该期限按《全国年节及纪念日放假办法》规定的法定节假日（含周末补假，不含调休）暂定推算；通知载入后系统自动重新计算。"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn builtin_data_parses() {
        let cal = Calendar::from_toml(BUILTIN_TOML).unwrap();
        assert_eq!(Calendar::builtin().version(), cal.version());
        assert!(cal.covers(2026));
        assert!(Calendar::empty().kind(Date::new(2026, 1, 5).unwrap()).is_err());
    }

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
            assert_eq!(from_day_number(day_number(d(s))).unwrap(), d(s));
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
    fn a_lenient_calendar_counts_through_years_without_a_notice() {
        let strict = cal();
        let c = cal().with_provisional();
        // 2027 has no notice: 元旦 (Fri 1 January) is off by the rule, weekends off.
        assert_eq!(strict.add_working_days(d("2026-12-20"), 20), Err(CalendarError::NotCovered { year: 2027 }));
        let due = c.add_working_days(d("2026-12-20"), 20).unwrap();
        assert_eq!(due, d("2027-01-18"));
        assert_eq!(c.provisional_year_in(d("2026-12-20"), due), Some(2027));
        assert_eq!(c.provisional_year_in(d("2026-11-02"), d("2026-11-30")), None);
        // 春节 2027: 除夕 Fri 5 Feb to 初三 Mon 8 Feb, with make-up days Tue 9 and Wed 10.
        assert!(!c.is_working_day(d("2027-02-09")).unwrap());
        assert!(c.is_working_day(d("2027-02-11")).unwrap());
        assert_eq!(c.add_working_days(d("2027-02-04"), 1).unwrap(), d("2027-02-11"));
        let explained = c.explain(d("2027-02-04"), 1).unwrap();
        assert!(explained.iter().all(|e| e.provisional));
        let notes: Vec<_> = explained.iter().filter_map(|e| e.note.clone()).collect();
        assert_eq!(notes, ["春节", "春节", "春节", "春节", "春节补假", "春节补假"]);
        // Noticed years count the same either way; years before the first notice stay errors.
        assert_eq!(c.add_working_days(d("2024-09-27"), 20).unwrap(), d("2024-10-30"));
        assert_eq!(c.is_working_day(d("2018-12-31")), Err(CalendarError::NotCovered { year: 2018 }));
        assert!(c.is_lenient() && !c.clone().strict().is_lenient());
    }

    #[test]
    fn a_gap_between_notices_is_filled_when_lenient() {
        let text = "[2024]\noff=[]\nworkday=[]\n[2026]\noff=[]\nworkday=[]\n";
        let c = Calendar::from_toml(text).unwrap().with_provisional();
        // 2025 by the rule: 国庆 1–3 October (Wed–Fri) and 中秋 Mon 6 October off.
        assert!(!c.is_working_day(d("2025-10-06")).unwrap());
        assert!(c.is_working_day(d("2025-10-07")).unwrap());
        assert_eq!(c.provisional_year_in(d("2024-12-20"), d("2026-01-05")), Some(2025));
        assert!(c.working_days_between(d("2024-12-20"), d("2026-01-05")).is_ok());
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
            .prop_map(|o| from_day_number(day_number(Date::new(2019, 1, 1).unwrap()) + o).unwrap())
    }

    proptest! {
        #[test]
        fn a_deadline_is_never_a_non_working_day(start in covered_date(), n in 1u32..40) {
            let due = cal().add_working_days(start, n).unwrap();
            prop_assert!(cal().is_working_day(due).unwrap());
            prop_assert!(due > start);
        }

        #[test]
        fn provisional_counting_matches_the_rule_walked_day_by_day(
            o in 0i32..(365 * 4), n in 0u32..60
        ) {
            let c = cal().with_provisional();
            let start = from_day_number(day_number(Date::new(2026, 6, 1).unwrap()) + o).unwrap();
            let off: BTreeSet<Date> = (2027..=2031)
                .flat_map(|y| festivals::provisional_days_off(y).unwrap())
                .map(|x| x.date)
                .collect();
            let strict = cal();
            let working = |day: Date| -> bool {
                if strict.covers(day.year()) { strict.is_working_day(day).unwrap() }
                else { !is_weekend(day) && !off.contains(&day) }
            };
            let mut day = start;
            let mut left = n;
            while left > 0 {
                day = day.tomorrow().unwrap();
                if working(day) { left -= 1; }
            }
            prop_assert_eq!(c.add_working_days(start, n).unwrap(), day);
            prop_assert_eq!(c.working_days_between(start, day).unwrap(), n);
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
