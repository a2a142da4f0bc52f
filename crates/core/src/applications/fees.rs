//! Information-processing fees (国办函〔2020〕109号). Charging is discretionary; when an
//! agency charges, it uses exactly one method per application, calculated progressively.

use crate::field::FieldError;
use serde::Serialize;

/// How a fee is calculated (never both for one application).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum FeeBasis {
    /// 按件计收: this is the applicant's `nth` application to this agency in the calendar month.
    PerItem { nth: u32 },
    /// 按量计收: the application's information runs to `pages` pages.
    PerVolume { pages: u32 },
}

/// Fee in yuan for the n-th application of an applicant in a calendar month (Art. 4):
/// 1–10 free; 11–30 100 yuan each; 31–40 200; then +100 yuan per further band of 10.
pub fn per_item_fee(nth: u32) -> u64 {
    match nth {
        0..=10 => 0,
        11..=30 => 100,
        n => 100 * (2 + u64::from(n - 31) / 10),
    }
}

/// Fee in yuan for `pages` pages (Art. 5), progressive on the excess:
/// 1–30 free, 31–100 10 yuan/page, 101–200 20 yuan/page, 201+ 40 yuan/page.
pub fn per_volume_fee(pages: u32) -> u64 {
    let p = u64::from(pages);
    let band = |lo: u64, hi: u64| p.min(hi).saturating_sub(lo);
    band(30, 100) * 10 + band(100, 200) * 20 + band(200, u64::MAX) * 40
}

impl FeeBasis {
    pub fn amount_yuan(self) -> u64 {
        match self {
            FeeBasis::PerItem { nth } => per_item_fee(nth),
            FeeBasis::PerVolume { pages } => per_volume_fee(pages),
        }
    }

    pub fn describe(self) -> String {
        match self {
            FeeBasis::PerItem { nth } => format!("按件计收：本自然月内第{nth}件申请"),
            FeeBasis::PerVolume { pages } => format!("按量计收：共{pages}页"),
        }
    }

    /// Check a stated amount against the bands: a notice whose amount does not match
    /// the count is refused.
    pub fn check(self, stated_yuan: u64) -> Result<u64, FieldError> {
        let due = self.amount_yuan();
        if due == 0 {
            return Err(FieldError::new("fee", format!("{}，未超过收费标准，不应收费", self.describe())));
        }
        if stated_yuan != due {
            return Err(FieldError::new(
                "fee_amount",
                format!("收费金额应为{due}元（{}），与填写的{stated_yuan}元不符", self.describe()),
            ));
        }
        Ok(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn per_item_bands() {
        let cases = [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)];
        for (n, fee) in cases {
            assert_eq!(per_item_fee(n), fee, "n = {n}");
        }
    }

    #[test]
    fn per_volume_bands_and_the_reported_case() {
        assert_eq!(per_volume_fee(30), 0);
        assert_eq!(per_volume_fee(31), 10);
        assert_eq!(per_volume_fee(100), 700);
        assert_eq!(per_volume_fee(101), 720);
        assert_eq!(per_volume_fee(200), 2700);
        assert_eq!(per_volume_fee(201), 2740);
        // regulation.md §7.3 check value (a fee notice reported in the press).
        assert_eq!(per_volume_fee(2219), 83_460);
    }

    #[test]
    fn stated_amount_must_match() {
        let b = FeeBasis::PerVolume { pages: 120 };
        assert_eq!(b.check(1100), Ok(1100));
        assert!(b.check(1000).unwrap_err().message.contains("应为1100元"));
        assert!(FeeBasis::PerItem { nth: 3 }.check(100).unwrap_err().message.contains("不应收费"));
    }

    proptest! {
        #[test]
        fn fees_never_decrease(n in 0u32..10_000) {
            prop_assert!(per_item_fee(n + 1) >= per_item_fee(n));
            prop_assert!(per_volume_fee(n + 1) >= per_volume_fee(n));
        }
    }
}

/// Section 六's fee figures for `year` from applications' event logs: notices sent in the
/// year, and the yuan actually paid in the year (the amount of the notice each payment
/// answers).
pub fn year_totals<'a>(logs: impl IntoIterator<Item = &'a [super::workflow::Event]>, year: i16) -> (i64, i64) {
    use super::workflow::Event;
    let (mut notices, mut collected) = (0, 0);
    for log in logs {
        let mut amount = 0;
        for e in log {
            match e {
                Event::FeeNoticed { on, amount_yuan, .. } => {
                    amount = *amount_yuan as i64;
                    notices += i64::from(on.year() == year);
                }
                Event::FeePaid { on } if on.year() == year => collected += amount,
                _ => {}
            }
        }
    }
    (notices, collected)
}

#[cfg(test)]
mod year_totals_tests {
    use super::*;
    use crate::applications::workflow::Event;
    use jiff::civil::date;

    #[test]
    fn notices_count_when_sent_and_money_when_paid() {
        let basis = FeeBasis::PerVolume { pages: 120 };
        let paid_next_year = vec![
            Event::FeeNoticed { on: date(2022, 12, 20), basis, amount_yuan: 100 },
            Event::FeePaid { on: date(2023, 1, 5) },
        ];
        let unpaid = vec![Event::FeeNoticed { on: date(2023, 3, 1), basis, amount_yuan: 50 }];
        let logs = [paid_next_year.as_slice(), unpaid.as_slice()];
        assert_eq!(year_totals(logs, 2022), (1, 0));
        assert_eq!(year_totals(logs, 2023), (1, 100));
    }
}
