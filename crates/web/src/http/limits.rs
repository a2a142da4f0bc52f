//! Per-address limits on the public forms (application, tracking).

/// Per-address limits for public forms: at most `max` submissions per minute.
#[derive(Default)]
pub struct RateLimiter {
    windows: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (std::time::Instant, u32)>>,
}

impl RateLimiter {
    pub fn allow(&self, ip: std::net::IpAddr, max: u32) -> bool {
        let now = std::time::Instant::now();
        let mut w = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if w.len() > 10_000 {
            w.retain(|_, (t, _)| now.duration_since(*t).as_secs() < 60);
        }
        let e = w.entry(ip).or_insert((now, 0));
        if now.duration_since(e.0).as_secs() >= 60 {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_counts_per_address() {
        let l = RateLimiter::default();
        let a: std::net::IpAddr = "10.0.0.1".parse().unwrap();
        let b: std::net::IpAddr = "10.0.0.2".parse().unwrap();
        assert!((0..3).all(|_| l.allow(a, 3)));
        assert!(!l.allow(a, 3));
        assert!(l.allow(b, 3));
    }
}
