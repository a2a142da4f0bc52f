//! Instants as text: RFC 3339 in UTC with exactly six fractional digits, so that the
//! text order is the time order on both databases.

use jiff::Timestamp;

pub fn fmt(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()
}

pub fn now() -> String {
    fmt(Timestamp::now())
}

pub fn parse(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_width_and_round_trip() {
        let t: jiff::Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        let s = super::fmt(t);
        assert_eq!(s, "2026-01-02T03:04:05.000000Z");
        assert_eq!(super::parse(&s), Some(t));
    }
}
