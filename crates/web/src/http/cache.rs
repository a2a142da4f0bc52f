//! The portal's small in-process caches: values kept for a time-to-live and only while the
//! catalog generation (moved on by every applied change-log batch, see `indexer::refresh`)
//! is the one they were made in. Bounded: keys come from visitors' URLs.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Cache<V> {
    ttl: Duration,
    cap: usize,
    map: Mutex<HashMap<String, (u64, Instant, V)>>,
}

impl<V: Clone> Cache<V> {
    pub fn new(ttl: Duration, cap: usize) -> Self {
        Self { ttl, cap, map: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, key: &str, generation: u64) -> Option<V> {
        let map = self.map.lock().ok()?;
        let (g, at, v) = map.get(key)?;
        (*g == generation && at.elapsed() < self.ttl).then(|| v.clone())
    }

    pub fn put(&self, key: String, generation: u64, v: V) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= self.cap {
                map.clear();
            }
            map.insert(key, (generation, Instant::now(), v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_by_generation_time_and_size() {
        let c = Cache::new(Duration::from_secs(60), 2);
        c.put("a".into(), 1, 10);
        assert_eq!(c.get("a", 1), Some(10));
        assert_eq!(c.get("a", 2), None, "a catalog change makes it stale");
        c.put("b".into(), 1, 20);
        c.put("c".into(), 1, 30);
        assert_eq!(c.get("a", 1), None, "bounded");
        let short = Cache::new(Duration::ZERO, 10);
        short.put("a".into(), 1, 1);
        assert_eq!(short.get("a", 1), None);
    }
}
