//! Per-address limits on the public forms and the login, and who the client is behind a
//! trusted reverse proxy.

use axum::http::HeaderMap;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What a limit counts: each form has its own budget, so tracking queries never use up
/// an applicant's budget for applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    Apply,
    Track,
    Login,
    /// Comments on public consultations.
    Comment,
    /// Registrations for targeted push.
    Subscribe,
}

/// At most `max` requests per minute per bucket and address.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<(Bucket, IpAddr), (Instant, u32)>>,
}

impl RateLimiter {
    pub fn allow(&self, bucket: Bucket, ip: IpAddr, max: u32) -> bool {
        let now = Instant::now();
        let mut w = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if w.len() > 10_000 {
            w.retain(|_, (t, _)| now.duration_since(*t).as_secs() < 60);
            // Still full within one minute (addresses sprayed): start afresh rather than grow.
            if w.len() > 10_000 {
                w.clear();
            }
        }
        let e = w.entry((bucket, ip)).or_insert((now, 0));
        if now.duration_since(e.0).as_secs() >= 60 {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= max
    }
}

/// The client's address: the socket peer, unless the peer is a configured reverse proxy;
/// then the right-most `X-Forwarded-For` entry that is not itself a trusted proxy (the
/// entries left of it are whatever the client chose to send).
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.ip();
    if !trusted.contains(&peer) {
        return peer;
    }
    let chain: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in chain.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A malformed hop: trust nothing further left.
            Err(_) => return peer,
        }
    }
    peer
}

/// Failed logins per user name and address (whether or not the account exists, so the
/// answer never tells): after [`gongkai_core::orgs::accounts::LOCKOUT_THRESHOLD`] failures
/// that name is refused from that address for a back-off that doubles, while the account
/// can still sign in from anywhere else.
#[derive(Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<(String, IpAddr), Entry>>,
}

struct Entry {
    failures: u32,
    locked_until: Option<Instant>,
    touched: Instant,
}

impl LoginThrottle {
    /// How much longer `name` is locked from `ip`, if it is.
    pub fn locked_for(&self, name: &str, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let e = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        e.get(&(key(name), ip)).and_then(|x| x.locked_until).filter(|t| *t > now).map(|t| t - now)
    }

    /// Count a failure; returns the failures so far and the new lock, if one starts.
    pub fn fail(&self, name: &str, ip: IpAddr) -> (u32, Option<Duration>) {
        let now = Instant::now();
        let mut e = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // Bounded whatever names are sprayed: old entries go first, then those not locked,
        // and as a last resort everything (the account-wide back-off still holds).
        if e.len() > 50_000 {
            e.retain(|_, x| now.duration_since(x.touched) < Duration::from_secs(3600));
            if e.len() > 50_000 {
                e.retain(|_, x| x.locked_until.is_some_and(|t| t > now));
            }
            if e.len() > 50_000 {
                e.clear();
            }
        }
        let x = e.entry((key(name), ip)).or_insert(Entry { failures: 0, locked_until: None, touched: now });
        x.failures += 1;
        x.touched = now;
        let lock =
            gongkai_core::orgs::accounts::lockout_seconds(x.failures).map(|s| Duration::from_secs(s.unsigned_abs()));
        x.locked_until = lock.map(|d| now + d);
        (x.failures, lock)
    }

    /// A successful login from `ip` clears its count.
    pub fn clear(&self, name: &str, ip: IpAddr) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).remove(&(key(name), ip));
    }
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn limiter_counts_per_bucket_and_address() {
        let l = RateLimiter::default();
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        assert!((0..3).all(|_| l.allow(Bucket::Track, a, 3)));
        assert!(!l.allow(Bucket::Track, a, 3));
        assert!(l.allow(Bucket::Apply, a, 3), "tracking does not use up the application budget");
        assert!(l.allow(Bucket::Track, b, 3));
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy = ip("127.0.0.1");
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap());
        let from_proxy = SocketAddr::new(proxy, 40000);
        assert_eq!(client_ip(from_proxy, &h, &[proxy]), ip("198.51.100.7"), "the hop the proxy saw");
        assert_eq!(client_ip(from_proxy, &h, &[]), proxy, "no trusted proxy: the header is ignored");
        let direct = SocketAddr::new(ip("192.0.2.1"), 40000);
        assert_eq!(client_ip(direct, &h, &[proxy]), ip("192.0.2.1"), "a client cannot claim an address");
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.5".parse().unwrap());
        assert_eq!(client_ip(from_proxy, &h, &[proxy, ip("10.0.0.5")]), ip("203.0.113.9"), "chained proxies");
        h.insert("x-forwarded-for", "203.0.113.9, junk".parse().unwrap());
        assert_eq!(client_ip(from_proxy, &h, &[proxy]), proxy, "a malformed hop is not believed");
        assert_eq!(client_ip(from_proxy, &HeaderMap::new(), &[proxy]), proxy);
    }

    #[test]
    fn logins_lock_per_name_and_address() {
        let t = LoginThrottle::default();
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        for i in 1..5 {
            assert_eq!(t.fail("Staff", a), (i, None));
        }
        let (n, lock) = t.fail("staff", a);
        assert_eq!((n, lock), (5, Some(Duration::from_secs(60))));
        assert!(t.locked_for("STAFF", a).is_some(), "names compare case-insensitively");
        assert!(t.locked_for("staff", b).is_none(), "another address is not locked out");
        assert!(t.locked_for("other", a).is_none());
        t.clear("staff", a);
        assert!(t.locked_for("staff", a).is_none());
    }
}
