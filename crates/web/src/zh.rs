//! The 简/繁 switch of the portal: `?zh=hant` or `?zh=hans` on any portal page, remembered
//! in a cookie, and working without JavaScript. Simplified is the stored form; Traditional
//! is a view made by converting the rendered page (its markup is ASCII, so converting the
//! whole HTML is safe) with phrase-aware OpenCC.

use crate::auth::{cookie, set_cookie};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub const COOKIE: &str = "gk_zh";

/// The character set asked for by the query (`zh=hant|hans`), else the cookie.
fn wanted(req: &Request) -> (bool, Option<&'static str>) {
    let from_query = req.uri().query().and_then(|q| {
        q.split('&').find_map(|kv| match kv {
            "zh=hant" => Some("hant"),
            "zh=hans" => Some("hans"),
            _ => None,
        })
    });
    let hant = match from_query {
        Some(v) => v == "hant",
        None => cookie(req.headers(), COOKIE) == Some("hant"),
    };
    (hant, from_query)
}

/// Middleware for portal routes.
pub async fn switch(req: Request, next: Next) -> Response {
    let (hant, set) = wanted(&req);
    let resp = next.run(req).await;
    let mut resp = if hant { to_traditional(resp).await } else { resp };
    if let Some(v) = set {
        // Remembered for a year. A display preference, not a secret: sent without `Secure`
        // so it also works on plain-HTTP intranet portals.
        let c = set_cookie(COOKIE, v, Some(365 * 24 * 3600), false);
        if let Ok(h) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, h);
        }
    }
    resp
}

async fn to_traditional(resp: Response) -> Response {
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, 16 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let html = String::from_utf8_lossy(&bytes);
    let converted = gongkai_text::to_traditional(&html).replace("lang=\"zh-CN\"", "lang=\"zh-Hant\"");
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(converted))
}
