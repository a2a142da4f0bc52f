//! The portal's small in-process caches: values kept for a time-to-live and only while the
//! catalog generation (moved on by every applied change-log batch, see `indexer::refresh`)
//! is the one they were made in. Bounded: keys come from visitors' URLs.

use axum::http::HeaderValue;
use bytes::Bytes;
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

/// Put on a response by a handler whose page is the same for every visitor and changes
/// only with the catalog (see `zh::switch`, which keeps the finished page).
#[derive(Clone, Copy, Debug)]
pub struct SharedPage;

/// Mark `resp` as a [`SharedPage`].
pub fn shared(mut resp: axum::response::Response) -> axum::response::Response {
    resp.extensions_mut().insert(SharedPage);
    resp
}

/// A finished public page as sent: its type, its caching header and its body.
#[derive(Clone)]
pub struct Page {
    pub content_type: HeaderValue,
    pub cache_control: Option<HeaderValue>,
    pub body: Bytes,
}

/// Finished pages bounded by their total size rather than their number: a million
/// document pages could each be asked for.
pub struct PageCache {
    ttl: Duration,
    budget: usize,
    inner: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    bytes: usize,
    map: HashMap<String, (u64, Instant, Page)>,
}

impl PageCache {
    pub fn new(ttl: Duration, budget: usize) -> Self {
        Self { ttl, budget, inner: Mutex::new(Pages::default()) }
    }

    pub fn get(&self, key: &str, generation: u64) -> Option<Page> {
        let pages = self.inner.lock().ok()?;
        let (g, at, page) = pages.map.get(key)?;
        (*g == generation && at.elapsed() < self.ttl).then(|| page.clone())
    }

    pub fn put(&self, key: String, generation: u64, page: Page) {
        let size = key.len() + page.body.len();
        if size > self.budget / 4 {
            return;
        }
        let Ok(mut pages) = self.inner.lock() else { return };
        if pages.bytes + size > self.budget {
            // Stale pages first; then about half of the rest, chosen by the map's random
            // order (no bookkeeping per hit, and a hot page soon comes back).
            let ttl = self.ttl;
            let mut keep = true;
            pages.map.retain(|_, (g, at, _)| *g == generation && at.elapsed() < ttl);
            if pages.map.values().map(|(_, _, p)| p.body.len()).sum::<usize>() + size > self.budget / 2 {
                pages.map.retain(|_, _| {
                    keep = !keep;
                    keep
                });
            }
            pages.bytes = pages.map.iter().map(|(k, (_, _, p))| k.len() + p.body.len()).sum();
        }
        if let Some((_, _, old)) = pages.map.insert(key.clone(), (generation, Instant::now(), page)) {
            pages.bytes -= key.len() + old.body.len();
        }
        pages.bytes += size;
    }

    /// Bytes held (keys and bodies).
    pub fn bytes(&self) -> usize {
        self.inner.lock().map_or(0, |p| p.bytes)
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

    fn page(n: usize) -> Page {
        Page {
            content_type: HeaderValue::from_static("text/html"),
            cache_control: None,
            body: Bytes::from(vec![b'x'; n]),
        }
    }

    #[test]
    fn pages_are_bounded_by_bytes_and_generation() {
        let c = PageCache::new(Duration::from_secs(60), 10_000);
        c.put("/a".into(), 1, page(1000));
        assert_eq!(c.get("/a", 1).map(|p| p.body.len()), Some(1000));
        assert!(c.get("/a", 2).is_none(), "a catalog change makes it stale");
        c.put("/a".into(), 1, page(2000));
        assert_eq!(c.bytes(), 2002, "a page put again replaces the old one");
        for i in 0..100 {
            c.put(format!("/p{i}"), 1, page(1000));
            assert!(c.bytes() <= 10_000, "over the budget after {i}: {}", c.bytes());
        }
        assert!(c.get("/p99", 1).is_some(), "the newest page is kept");
        c.put("/big".into(), 1, page(5000));
        assert!(c.get("/big", 1).is_none(), "a page over a quarter of the budget is not kept");
        c.put("/new".into(), 2, page(1000));
        c.put("/fill".into(), 2, page(2400));
        c.put("/fill2".into(), 2, page(2400));
        c.put("/fill3".into(), 2, page(2400));
        assert!(c.get("/new", 2).is_some(), "pages of the current generation outlive stale ones");
        assert!(c.get("/p99", 1).is_none());
    }
}
