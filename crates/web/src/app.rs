//! The application: the router with its layers (the top of the web crate: it assembles
//! every concept's routes) and the server loop.

use crate::http::metrics;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

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
    let ids = Ids { prefix: crate::http::auth::random_hex(4).into(), next: Arc::new(AtomicU64::new(1)) };
    let body_limit = state.config.body_limit;
    let read_only_state = state.db.is_read_only();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_page))
        .route("/static/app.css", get(stylesheet))
        .route("/static/back.js", get(back_script))
        .route("/static/annual.js", get(annual_script))
        .merge(
            crate::catalog::home::routes()
                .merge(crate::applications::portal::routes())
                .merge(crate::catalog::portal::routes())
                .merge(crate::catalog::feeds::routes())
                .merge(crate::catalog::embed::routes())
                .merge(crate::reports::annual::portal_routes())
                .merge(crate::proposals::portal::routes())
                .merge(crate::press::portal_routes())
                .merge(crate::consultations::portal::routes())
                .merge(crate::pushes::portal::routes())
                .layer(middleware::from_fn_with_state(state.clone(), crate::http::zh::switch)),
        )
        .merge(crate::console::routes())
        .merge(crate::api::routes())
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(read_only_state, refuse_writes_when_read_only))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(x_request_id, ids))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// While the database refuses writes, reading goes on and every submission is answered
/// with the reason (nothing is half-done and nothing typed is taken as saved).
async fn refuse_writes_when_read_only(State(read_only): State<bool>, req: Request, next: Next) -> Response {
    use axum::http::Method;
    if read_only && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let msg = "系统当前处于只读维护状态（数据库暂不可写），可以浏览和查询，暂不能提交。请稍后再试。";
        if req.uri().path().starts_with("/api/") {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"error": "read_only", "message": msg})),
            )
                .into_response();
        }
        let page = crate::pages::ErrorPage::new(503, msg.into(), vec![]);
        return (StatusCode::SERVICE_UNAVAILABLE, crate::pages::render(&page)).into_response();
    }
    next.run(req).await
}

async fn security_headers(req: Request, next: Next) -> Response {
    // Fragments for host portals may be framed by any host; they carry no script or style.
    let embed = req.uri().path().starts_with("/embed/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if embed {
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; img-src * data:; style-src *; frame-ancestors *"),
        );
        return resp;
    }
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
    if let Err(e) = state.db.ping().await {
        tracing::error!(error = %e, "health check: database unreachable");
        return (StatusCode::SERVICE_UNAVAILABLE, "数据库不可用\n").into_response();
    }
    // A search index that stopped following the change log serves stale results.
    let since = jiff::Timestamp::now().as_second() - state.index_caught_up.load(Ordering::Relaxed);
    match crate::catalog::indexer::lag(&state).await {
        Ok(lag) if crate::catalog::indexer::stuck(lag, since) => {
            tracing::error!(lag, since, "health check: search index stuck");
            (StatusCode::SERVICE_UNAVAILABLE, format!("搜索索引停滞：落后 {lag} 条变更，已 {since} 秒未更新\n"))
                .into_response()
        }
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: index lag unknown");
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
    crate::catalog::indexer::spawn(state.clone(), std::time::Duration::from_secs(1));
    let limits = crate::http::listen::ConnLimits {
        exempt: state.config.trusted_proxies.clone(),
        ..state.config.connections.clone()
    };
    let app = router(state);
    crate::http::listen::run(listener, app, limits, shutdown).await
}
