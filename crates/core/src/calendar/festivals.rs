//! The statutory holidays of 《全国年节及纪念日放假办法》, for years whose State Council
//! holiday notice is not loaded yet (a provisional calendar, marked 暂定 wherever it is used).
//!
//! The 办法 fixes which days are holidays; each year's notice only arranges them into blocks
//! with adjusted working days (调休). Without the notice the provisional calendar takes:
//! - the statutory days of the revision in force that year — from 2025 (State Council Decree
//!   No. 798, 2024-11-10): 元旦 1 day, 春节 4 days (除夕 to 初三), 清明节 1, 劳动节 2
//!   (1–2 May), 端午节 1, 中秋节 1, 国庆节 3 (1–3 October), 13 days; 2014–2024 (Decree
//!   No. 644): the same without 除夕 and with 劳动节 1 day, 11 days;
//! - a make-up day (补假) on the next weekday for each statutory day that falls on a
//!   Saturday or Sunday or on another statutory day (办法 Art. 6: 全体公民放假的假日，如果
//!   适逢星期六、星期日，应当在工作日补假), so a provisional year loses as many working
//!   days as the real notice will make it lose;
//! - no adjusted working days (调休上班): only the notice can declare those.
//!
//! Lunar dates and the solar term 清明 are computed (tyme4rs, the ShouXing algorithms of
//! the Chinese calendar), not typed.

use jiff::civil::{Date, Weekday};
use std::collections::BTreeMap;

/// The first and last year for which the rule is applied. Before 2014 an older revision
/// applies, which no deadline of the 2019 条例 needs.
pub const RULE_FIRST_YEAR: i16 = 2014;
pub const RULE_LAST_YEAR: i16 = 2099;

/// A statutory holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Festival {
    NewYear,
    SpringFestival,
    Qingming,
    Labour,
    DragonBoat,
    MidAutumn,
    National,
}

impl Festival {
    pub fn label(self) -> &'static str {
        match self {
            Festival::NewYear => "元旦",
            Festival::SpringFestival => "春节",
            Festival::Qingming => "清明节",
            Festival::Labour => "劳动节",
            Festival::DragonBoat => "端午节",
            Festival::MidAutumn => "中秋节",
            Festival::National => "国庆节",
        }
    }
}

/// A day off of the provisional calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayOff {
    pub date: Date,
    pub festival: Festival,
    /// A make-up day (补假) for a statutory day on a weekend or on another holiday.
    pub in_lieu: bool,
}

impl DayOff {
    /// e.g. `春节` or `春节补假`.
    pub fn label(&self) -> String {
        if self.in_lieu { format!("{}补假", self.festival.label()) } else { self.festival.label().to_string() }
    }
}

fn solar(d: tyme4rs::tyme::solar::SolarDay) -> Option<Date> {
    Date::new(i16::try_from(d.get_year()).ok()?, d.get_month() as i8, d.get_day() as i8).ok()
}

fn lunar(year: i16, month: isize, day: usize) -> Option<Date> {
    solar(tyme4rs::tyme::lunar::LunarDay::from_ymd(year as isize, month, day).get_solar_day())
}

/// The statutory days of `year` by the revision in force, in date order; `None` outside
/// [`RULE_FIRST_YEAR`]..=[`RULE_LAST_YEAR`].
pub fn statutory_days(year: i16) -> Option<Vec<(Date, Festival)>> {
    if !(RULE_FIRST_YEAR..=RULE_LAST_YEAR).contains(&year) {
        return None;
    }
    let revised_2024 = year >= 2025;
    let ymd = |m: i8, d: i8| Date::new(year, m, d).ok();
    let mut days = vec![(ymd(1, 1)?, Festival::NewYear)];
    // The lunar new year of the lunar year that begins in this Gregorian year.
    let new_year = lunar(year, 1, 1)?;
    if revised_2024 {
        days.push((new_year.yesterday().ok()?, Festival::SpringFestival));
    }
    let mut d = new_year;
    for _ in 0..3 {
        days.push((d, Festival::SpringFestival));
        d = d.tomorrow().ok()?;
    }
    let qingming = tyme4rs::tyme::solar::SolarTerm::from_name(year as isize, "清明").get_julian_day().get_solar_day();
    days.push((solar(qingming)?, Festival::Qingming));
    days.push((ymd(5, 1)?, Festival::Labour));
    if revised_2024 {
        days.push((ymd(5, 2)?, Festival::Labour));
    }
    days.push((lunar(year, 5, 5)?, Festival::DragonBoat));
    days.push((lunar(year, 8, 15)?, Festival::MidAutumn));
    for day in 1..=3 {
        days.push((ymd(10, day)?, Festival::National));
    }
    days.sort();
    Some(days)
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The days off of `year` on the provisional calendar: statutory days and their make-up
/// days, in date order. `None` outside the years the rule is applied to.
pub fn provisional_days_off(year: i16) -> Option<Vec<DayOff>> {
    let statutory = statutory_days(year)?;
    let mut off: BTreeMap<Date, DayOff> = BTreeMap::new();
    let mut owed: Vec<(Date, Festival)> = Vec::new();
    for &(date, festival) in &statutory {
        if off.contains_key(&date) || is_weekend(date) {
            owed.push((date, festival));
        } else {
            off.insert(date, DayOff { date, festival, in_lieu: false });
        }
        // A statutory day on a weekend is still a day off (it is listed, as notices list it).
        off.entry(date).or_insert(DayOff { date, festival, in_lieu: false });
    }
    for (date, festival) in owed {
        let mut d = date.tomorrow().ok()?;
        while is_weekend(d) || off.contains_key(&d) {
            d = d.tomorrow().ok()?;
        }
        off.insert(d, DayOff { date: d, festival, in_lieu: true });
    }
    Some(off.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// Every statutory day the rule computes is a day off in the real notice of that year
    /// (2019–2026): the lunar dates and 清明 are right.
    #[test]
    fn computed_festivals_are_days_off_in_every_loaded_notice() {
        let cal = Calendar::builtin();
        for (year, _) in cal.years() {
            let days = statutory_days(year).unwrap();
            assert_eq!(days.len(), if year >= 2025 { 13 } else { 11 }, "{year}");
            for (date, f) in days {
                assert!(
                    !cal.is_working_day(date).unwrap(),
                    "{year}: {} on {date} is a working day in the notice",
                    f.label()
                );
            }
        }
    }

    #[test]
    fn known_dates_of_coming_years() {
        // Lunar new year, 端午, 中秋 and 清明 as published in almanacs.
        let cases = [
            (2027, "2027-02-06", "2027-06-09", "2027-09-15", "2027-04-05"),
            (2028, "2028-01-26", "2028-05-28", "2028-10-03", "2028-04-04"),
            (2029, "2029-02-13", "2029-06-16", "2029-09-22", "2029-04-04"),
            (2030, "2030-02-03", "2030-06-05", "2030-09-12", "2030-04-05"),
        ];
        for (year, cny, dragon, moon, qingming) in cases {
            let days = statutory_days(year).unwrap();
            let of = |f: Festival| days.iter().filter(|x| x.1 == f).map(|x| x.0).collect::<Vec<_>>();
            assert_eq!(of(Festival::SpringFestival)[1], d(cny), "{year} 春节");
            assert_eq!(of(Festival::SpringFestival)[0], d(cny).yesterday().unwrap(), "{year} 除夕");
            assert_eq!(of(Festival::DragonBoat), vec![d(dragon)], "{year} 端午");
            assert_eq!(of(Festival::MidAutumn), vec![d(moon)], "{year} 中秋");
            assert_eq!(of(Festival::Qingming), vec![d(qingming)], "{year} 清明");
        }
    }

    /// With the make-up days a provisional year has exactly as many working days as the
    /// notice made it have (the notices' own balance: weekday days off − adjusted working
    /// days = statutory days), checked on every loaded year.
    #[test]
    fn a_provisional_year_has_the_working_days_of_the_real_one() {
        let real = Calendar::builtin();
        // 2020 is the exception that proves it: 国办发明电〔2020〕1号 extended the Spring
        // Festival by three days beyond the 办法 (epidemic), two of them weekdays.
        for (year, _) in real.years().into_iter().filter(|y| y.0 != 2020) {
            let mut weekdays_off = 0;
            for day in provisional_days_off(year).unwrap() {
                assert_eq!(day.date.year(), year);
                if !is_weekend(day.date) {
                    weekdays_off += 1;
                }
            }
            let statutory = if year >= 2025 { 13 } else { 11 };
            assert_eq!(weekdays_off, statutory, "{year}");
            let (mut weekdays, mut real_working) = (0, 0);
            let mut day = Date::new(year, 1, 1).unwrap();
            while day.year() == year {
                weekdays += u32::from(!is_weekend(day));
                real_working += u32::from(real.is_working_day(day).unwrap());
                day = day.tomorrow().unwrap();
            }
            assert_eq!(weekdays - weekdays_off, real_working, "{year}");
        }
    }

    #[test]
    fn make_up_days_follow_weekend_holidays() {
        // 2027: 除夕 Fri 5 Feb, 初一 Sat, 初二 Sun, 初三 Mon → made up Tue 9 and Wed 10.
        let off: Vec<String> =
            provisional_days_off(2027).unwrap().iter().map(|x| format!("{} {}", x.date, x.label())).collect();
        for want in
            ["2027-02-05 春节", "2027-02-06 春节", "2027-02-08 春节", "2027-02-09 春节补假", "2027-02-10 春节补假"]
        {
            assert!(off.contains(&want.to_string()), "{want} in {off:?}");
        }
        assert!(!off.iter().any(|x| x.starts_with("2027-02-11")), "{off:?}");
        // 2028: 国庆 starts on a Sunday and 中秋 falls on 3 October, a National Day holiday:
        // two make-up days after the block.
        let lieu: Vec<Date> = provisional_days_off(2028)
            .unwrap()
            .iter()
            .filter(|x| x.in_lieu && x.date.month() == 10)
            .map(|x| x.date)
            .collect();
        assert_eq!(lieu, vec![d("2028-10-04"), d("2028-10-05")]);
        assert!(statutory_days(2013).is_none() && statutory_days(2100).is_none());
    }
}
