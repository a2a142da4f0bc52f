//! Time conventions.
//!
//! Instants are stored in UTC; the agency's civil time is China Standard Time. China has
//! used a fixed UTC+8 with no daylight saving since 1991, so a fixed offset is exact for
//! every date this platform handles and does not depend on the host's tz database
//! (minimal containers often have none).

use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, civil::Date};

/// UTC+8, the civil time of every Chinese agency.
pub fn china_tz() -> TimeZone {
    TimeZone::fixed(Offset::constant(8))
}

/// The civil date in China at instant `t` (the date the law counts).
pub fn china_date(t: Timestamp) -> Date {
    t.to_zoned_datetime(china_tz()).date()
}

/// `YYYY-MM-DD HH:MM` in China time, for display.
pub fn china_display(t: Timestamp) -> String {
    t.to_zoned_datetime(china_tz()).strftime("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_utc_evening_is_next_day_in_china() {
        let t: Timestamp = "2024-09-29T17:30:00Z".parse().unwrap();
        assert_eq!(china_date(t).to_string(), "2024-09-30");
        assert_eq!(china_display(t), "2024-09-30 01:30");
    }
}
