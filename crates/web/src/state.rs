//! The state every handler shares (the bottom of the web crate: it imports no concept).

use gongkai_store::Db;
use jiff::SignedDuration;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Mark cookies `Secure` (browsers still accept them on http://localhost). Turn off
    /// only for plain-HTTP test installations on a LAN address.
    pub cookie_secure: bool,
    /// Idle lifetime of a console session (sliding).
    pub session_ttl: SignedDuration,
    /// Folder of this instance's search index; `None` keeps it in memory (rebuilt from
    /// the change log at start).
    pub index_dir: Option<std::path::PathBuf>,
    /// Public base URL of the portal (sitemap, feeds, QR codes), e.g. `https://mzj.example.gov.cn`.
    /// Without it, URLs are built from the request's Host header.
    pub base_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (rate limits and login throttling
    /// then count the client, not the proxy). Empty: the socket address is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Header-read timeout and connection caps (trusted proxies are exempt from the
    /// per-address cap).
    pub connections: crate::http::listen::ConnLimits,
    /// The agency's today (shifted for tests and demonstrations; see `clock`).
    pub clock: crate::http::clock::WallClock,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            body_limit: 2 * 1024 * 1024,
            cookie_secure: true,
            session_ttl: SignedDuration::from_hours(8),
            index_dir: None,
            base_url: None,
            trusted_proxies: Vec::new(),
            connections: Default::default(),
            clock: crate::http::clock::WallClock::system(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    /// Server secret for CSRF tokens (shared by all instances through the database).
    pub secret: Arc<Vec<u8>>,
    /// Per-address limits on public forms (application, tracking).
    pub limiter: Arc<crate::http::limits::RateLimiter>,
    pub logins: Arc<crate::http::limits::LoginThrottle>,
    /// This instance's full-text index, fed from the database's change log.
    pub search: Arc<dyn gongkai_search::SearchIndex>,
    /// Portal caches (see `cache`): issuing bodies per organisation (a distinct scan over
    /// every item is too slow per request at a million items), item counts of column pages
    /// by filter, finished shared pages (see `zh::switch`), and the organisations and columns.
    pub caches: Arc<PortalCaches>,
    /// Moved on by every applied catalog change (any instance, through the change log).
    pub generation: Arc<AtomicU64>,
    /// When the indexer last caught up with the change log (seconds since the epoch).
    pub index_caught_up: Arc<std::sync::atomic::AtomicI64>,
}

pub struct PortalCaches {
    pub issuers: crate::http::cache::Cache<Arc<Vec<String>>>,
    pub counts: crate::http::cache::Cache<i64>,
    pub pages: crate::http::cache::PageCache,
    pub directory: crate::http::cache::Cache<Arc<(Vec<gongkai_store::orgs::Org>, Vec<gongkai_store::catalog::Column>)>>,
}

impl Default for PortalCaches {
    fn default() -> Self {
        use std::time::Duration;
        Self {
            issuers: crate::http::cache::Cache::new(Duration::from_secs(300), 10_000),
            counts: crate::http::cache::Cache::new(Duration::from_secs(60), 10_000),
            // Finished pages: home, column and document pages by host, address and reading aids.
            pages: crate::http::cache::PageCache::new(Duration::from_secs(30), 64 * 1024 * 1024),
            directory: crate::http::cache::Cache::new(Duration::from_secs(30), 1),
        }
    }
}

impl AppState {
    /// `host[:port]` of the configured public base URL, if any.
    pub fn site_host(&self) -> Option<&str> {
        let b = self.config.base_url.as_deref()?;
        let rest = b.split_once("://").map_or(b, |(_, r)| r);
        Some(rest.split('/').next().unwrap_or(rest))
    }

    /// The client's address (see [`crate::http::limits::client_ip`]).
    pub fn client_ip(&self, peer: std::net::SocketAddr, headers: &axum::http::HeaderMap) -> std::net::IpAddr {
        crate::http::limits::client_ip(peer, headers, &self.config.trusted_proxies)
    }

    /// Today's civil date in China on the configured clock.
    pub fn today(&self) -> jiff::civil::Date {
        self.config.clock.today()
    }

    /// Build the state; the server secret is created on first start and kept in the
    /// database so that several instances agree on it.
    pub async fn new(db: Db, config: WebConfig) -> anyhow::Result<Self> {
        let secret = if db.is_read_only() {
            // Nothing can be stored; forms are refused anyway while read-only.
            match gongkai_store::settings::get(&db, "server_secret").await? {
                Some(s) => s,
                None => crate::http::secrets::random_hex(32),
            }
        } else {
            gongkai_store::settings::get_or_init(&db, "server_secret", || crate::http::secrets::random_hex(32)).await?
        };
        let search: Arc<dyn gongkai_search::SearchIndex> =
            Arc::new(gongkai_search::TantivyIndex::open(config.index_dir.as_deref())?);
        // Serve at once; the index catches up in the background (and on each publication).
        Ok(Self {
            db,
            config: Arc::new(config),
            secret: Arc::new(secret.into_bytes()),
            limiter: Default::default(),
            logins: Default::default(),
            search,
            caches: Default::default(),
            generation: Default::default(),
            // Starting counts as caught up: the first catch-up follows within seconds.
            index_caught_up: Arc::new(std::sync::atomic::AtomicI64::new(jiff::Timestamp::now().as_second())),
        })
    }
}
