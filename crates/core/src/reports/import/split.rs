//! Digit runs: text copies of report tables where the cells of a row ran together
//! (`693665` for 69, 3 and 665). A run can only be split by what the table itself says —
//! its identities — so this module lists every way to read a row as its cells, and the
//! caller keeps the ways its identities allow.

/// More ways than this and a row is not worth guessing at: it stays unreadable.
pub(super) const LIMIT: usize = 20_000;

/// Cuts tried before giving up, whatever the input (a page is untrusted).
const STEPS: usize = 2_000_000;

fn is_run(t: &str) -> bool {
    t.len() >= 2 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Whether any token of the row is a run of two or more digits.
pub(super) fn has_run(toks: &[String]) -> bool {
    toks.iter().any(|t| is_run(t))
}

/// Every way to read `toks` as exactly `n` cells, splitting digit runs into numbers
/// without leading zeros (`0` itself is a number); other tokens stay whole. `None` when
/// there are more than [`LIMIT`] ways.
pub(super) fn splits(toks: &[String], n: usize) -> Option<Vec<Vec<String>>> {
    let mut out = Vec::new();
    let mut cur = Vec::with_capacity(n);
    let mut steps = STEPS;
    walk(toks, n, &mut cur, &mut out, &mut steps).then_some(out)
}

/// Depth-first over the tokens; false once the limit is passed.
fn walk(toks: &[String], n: usize, cur: &mut Vec<String>, out: &mut Vec<Vec<String>>, steps: &mut usize) -> bool {
    if *steps == 0 {
        return false;
    }
    *steps -= 1;
    let Some((first, rest)) = toks.split_first() else {
        if cur.len() == n {
            if out.len() >= LIMIT {
                return false;
            }
            out.push(cur.clone());
        }
        return true;
    };
    // Every later token gives at least one cell.
    let room = n.saturating_sub(cur.len() + rest.len());
    if room == 0 {
        return true;
    }
    if !is_run(first) {
        cur.push(first.clone());
        let ok = walk(rest, n, cur, out, steps);
        cur.pop();
        return ok;
    }
    // The later tokens can give at most this many cells; this one must give the rest.
    let later: usize = rest.iter().map(|t| if is_run(t) { t.len() } else { 1 }).sum();
    let fewest = n.saturating_sub(cur.len() + later).max(1);
    for parts in fewest..=room.min(first.len()) {
        if !pieces(first, parts, cur, &mut |cur| walk(rest, n, cur, out, steps)) {
            return false;
        }
    }
    true
}

/// Cut `s` into `parts` numbers, calling `then` with each cut appended to `cur`.
fn pieces(s: &str, parts: usize, cur: &mut Vec<String>, then: &mut dyn FnMut(&mut Vec<String>) -> bool) -> bool {
    if parts == 1 {
        if s.len() > 1 && s.starts_with('0') {
            return true;
        }
        cur.push(s.to_string());
        let ok = then(cur);
        cur.pop();
        return ok;
    }
    // The first piece: one digit if it is 0, else up to what leaves a digit per piece.
    let longest = if s.starts_with('0') { 1 } else { s.len() - (parts - 1) };
    for len in 1..=longest {
        cur.push(s[..len].to_string());
        let ok = pieces(&s[len..], parts - 1, cur, then);
        cur.pop();
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn every_split_without_leading_zeros() {
        let all = splits(&s(&["693665"]), 3).unwrap();
        assert_eq!(all.len(), 10, "C(5,2) cuts, none with a leading zero here");
        assert!(all.contains(&s(&["69", "3", "665"])));
        // Zeros are forced: 3000003 as seven cells can only be read one way.
        assert_eq!(splits(&s(&["3000003"]), 7).unwrap(), vec![s(&["3", "0", "0", "0", "0", "0", "3"])]);
        // `05` is not a number.
        assert_eq!(splits(&s(&["105"]), 2).unwrap(), vec![s(&["10", "5"])]);
        // Whole tokens stay whole; a token too short for the cells left is no way at all.
        assert_eq!(splits(&s(&["∅", "12"]), 3).unwrap(), vec![s(&["∅", "1", "2"])]);
        assert!(splits(&s(&["∅", "7"]), 3).unwrap().is_empty());
        assert!(splits(&s(&["1234567890123456789012345678901234567890"]), 15).is_none(), "too many ways");
    }
}
