//! Where the agency's "today" comes from.
//!
//! Deadlines, reminders, default dates and report years all follow the civil date in
//! China. Normally that is the machine's clock; for tests, demonstrations and training it
//! be set to a chosen date (`serve --today`, `GONGKAI_TODAY`): the clock then starts at
//! 09:00 that day and runs on. Recorded instants (audit log,
//! sessions, tokens) always keep the machine's real time.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WallClock {
    shift: SignedDuration,
}

impl WallClock {
    /// The machine's clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock on which it is now 09:00 on `date` in China, running on from there (so the
    /// date stays put for a working day's length, whatever the real time of day).
    pub fn today_is(date: Date) -> Self {
        let start =
            gongkai_core::time::china_tz().to_timestamp(date.at(9, 0, 0, 0)).unwrap_or_else(|_| Timestamp::now());
        Self { shift: start.duration_since(Timestamp::now()) }
    }

    /// Parse `YYYY-MM-DD` (the setting's form) into a clock on that date.
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.trim()
            .parse::<Date>()
            .map(Self::today_is)
            .map_err(|_| format!("'{raw}' is not a date (expected YYYY-MM-DD)"))
    }

    pub fn is_shifted(&self) -> bool {
        !self.shift.is_zero()
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::now() + self.shift
    }

    /// Today's civil date in China on this clock.
    pub fn today(&self) -> Date {
        gongkai_core::time::china_date(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_shows_the_chosen_date() {
        for day in ["2026-12-31", "2027-06-01", "2030-01-01", "2019-03-04"] {
            let c = WallClock::parse(day).unwrap();
            assert_eq!(c.today().to_string(), day);
        }
        assert!(!WallClock::system().is_shifted());
        assert!(WallClock::parse("2027-13-01").unwrap_err().contains("YYYY-MM-DD"));
    }
}
