//! Application state, the router with its layers, and the server loop.

use crate::{api, console, metrics, portal};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongkai_store::Db;
use jiff::SignedDuration;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

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
    /// The agency's today (shifted for tests and demonstrations; see `clock`).
    pub clock: crate::clock::WallClock,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            body_limit: 2 * 1024 * 1024,
            cookie_secure: true,
            session_ttl: SignedDuration::from_hours(8),
            index_dir: None,
            base_url: None,
            clock: crate::clock::WallClock::system(),
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
    pub limiter: Arc<crate::apps::RateLimiter>,
    /// This instance's full-text index, fed from the database's change log.
    pub search: Arc<dyn gongkai_search::SearchIndex>,
    /// Portal caches (see `cache`): issuing bodies per organisation (a distinct scan over
    /// every item is too slow per request at a million items), item counts of column pages
    /// by filter, rendered column pages by URL, and the organisations and columns.
    pub caches: Arc<PortalCaches>,
    /// Moved on by every applied catalog change (any instance, through the change log).
    pub generation: Arc<AtomicU64>,
}

pub struct PortalCaches {
    pub issuers: crate::cache::Cache<Arc<Vec<String>>>,
    pub counts: crate::cache::Cache<i64>,
    pub pages: crate::cache::Cache<Arc<String>>,
    pub directory: crate::cache::Cache<Arc<(Vec<gongkai_store::orgs::Org>, Vec<gongkai_store::catalog::Column>)>>,
}

impl Default for PortalCaches {
    fn default() -> Self {
        use std::time::Duration;
        Self {
            issuers: crate::cache::Cache::new(Duration::from_secs(300), 10_000),
            counts: crate::cache::Cache::new(Duration::from_secs(60), 10_000),
            pages: crate::cache::Cache::new(Duration::from_secs(30), 5_000),
            directory: crate::cache::Cache::new(Duration::from_secs(30), 1),
        }
    }
}

impl AppState {
    /// Today's civil date in China on the configured clock.
    pub fn today(&self) -> jiff::civil::Date {
        self.config.clock.today()
    }

    /// Build the state; the server secret is created on first start and kept in the
    /// database so that several instances agree on it.
    pub async fn new(db: Db, config: WebConfig) -> anyhow::Result<Self> {
        let secret = gongkai_store::settings::get_or_init(&db, "server_secret", || crate::auth::random_hex(32)).await?;
        let search: Arc<dyn gongkai_search::SearchIndex> =
            Arc::new(gongkai_search::TantivyIndex::open(config.index_dir.as_deref())?);
        // Serve at once; the index catches up in the background (and on each publication).
        Ok(Self {
            db,
            config: Arc::new(config),
            secret: Arc::new(secret.into_bytes()),
            limiter: Default::default(),
            search,
            caches: Default::default(),
            generation: Default::default(),
        })
    }
}

/// Request ids: a per-process random prefix plus a counter — unique, short, and cheap.
#[derive(Clone)]
struct Ids {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl MakeRequestId for Ids {
    fn make_request_id<B>(&mut self, _req: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix)).ok().map(RequestId::new)
    }
}

pub fn router(state: AppState) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    let ids = Ids { prefix: crate::auth::random_hex(4).into(), next: Arc::new(AtomicU64::new(1)) };
    let body_limit = state.config.body_limit;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_page))
        .route("/static/app.css", get(stylesheet))
        .route("/static/back.js", get(back_script))
        .route("/static/annual.js", get(annual_script))
        .merge(
            portal::routes()
                .merge(crate::portal_apply::routes())
                .merge(crate::portal_catalog::routes())
                .merge(crate::annual::portal_routes())
                .layer(middleware::from_fn(crate::zh::switch)),
        )
        .merge(console::routes())
        .merge(crate::annual::console_routes())
        .merge(api::routes())
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn(security_headers))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(x_request_id, ids))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    resp
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "数据库不可用\n").into_response()
        }
    }
}

async fn metrics_page() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], metrics::handle().render()).into_response()
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

async fn back_script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/back.js"),
    )
        .into_response()
}

async fn annual_script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/annual.js"),
    )
        .into_response()
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        crate::error::ApiError(crate::error::AppError::NotFound).into_response()
    } else {
        crate::error::AppError::NotFound.into_response()
    }
}

/// Serve until `shutdown` resolves, then finish the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    metrics::handle();
    crate::indexer::spawn(state.clone(), std::time::Duration::from_secs(2));
    let app = router(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
