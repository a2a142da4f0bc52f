//! CSRF protection for every console and portal form.
//!
//! Synchroniser tokens without server state: the token is an HMAC (server secret) of the
//! session-token hash for logged-in users, or of a random `gk_csrf` cookie for anonymous
//! forms such as the login page. A forged cross-site form cannot know the token; in
//! addition, a request whose `Origin` names another host, or that the browser marks as
//! `Sec-Fetch-Site: cross-site`, is refused outright.

use crate::error::AppError;
use crate::http::auth::{SESSION_COOKIE, cookie, hex, sha256_hex};
use axum::http::{HeaderMap, header};
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const ANON_COOKIE: &str = "gk_csrf";
pub const FIELD: &str = "_csrf";

#[allow(clippy::expect_used)] // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
pub fn token_for(secret: &[u8], binding: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(binding.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// What the token of this request is bound to: the session, else the anonymous cookie.
pub fn binding(headers: &HeaderMap) -> Option<String> {
    if let Some(s) = cookie(headers, SESSION_COOKIE) {
        return Some(format!("s:{}", sha256_hex(s)));
    }
    cookie(headers, ANON_COOKIE).map(|a| format!("a:{a}"))
}

/// The token a logged-in page embeds in its forms.
pub fn session_token(secret: &[u8], session_hash: &str) -> String {
    token_for(secret, &format!("s:{session_hash}"))
}

/// Constant-time comparison of two hex strings.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Check origin headers and the submitted token. `site` is the configured public host
/// (`host[:port]` of the base URL); without one the request's Host is the site.
pub fn verify(secret: &[u8], headers: &HeaderMap, submitted: Option<&str>, site: Option<&str>) -> Result<(), AppError> {
    let refuse = |why: &str| AppError::Forbidden(format!("表单安全校验未通过（{why}），请刷新页面后重新提交"));
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Err(refuse("跨站请求"));
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        // `null` comes from sandboxed frames, data: URLs and file pages: never our own form.
        let host = site.or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok())).unwrap_or("");
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        if origin == "null" || !origin_host.eq_ignore_ascii_case(host) {
            return Err(refuse("来源不符"));
        }
    }
    let binding = binding(headers).ok_or_else(|| refuse("缺少会话"))?;
    let expected = token_for(secret, &binding);
    match submitted {
        Some(t) if same(t, &expected) => Ok(()),
        _ => Err(refuse("令牌无效")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        h.insert(header::HOST, HeaderValue::from_static("gk.example"));
        h
    }

    #[test]
    fn token_bound_to_cookie_and_secret() {
        let h = headers("gk_csrf=abc");
        let t = token_for(b"k1", "a:abc");
        assert!(verify(b"k1", &h, Some(&t), None).is_ok());
        assert!(verify(b"k2", &h, Some(&t), None).is_err());
        assert!(verify(b"k1", &headers("gk_csrf=abd"), Some(&t), None).is_err());
        assert!(verify(b"k1", &h, None, None).is_err());
    }

    #[test]
    fn session_binding_wins_and_cross_origin_is_refused() {
        let h = headers("gk_csrf=abc; gk_session=tok");
        let t = session_token(b"k", &sha256_hex("tok"));
        assert!(verify(b"k", &h, Some(&t), None).is_ok());
        let mut cross = h.clone();
        cross.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(verify(b"k", &cross, Some(&t), None).is_err());
        let mut same_origin = h.clone();
        same_origin.insert(header::ORIGIN, HeaderValue::from_static("https://gk.example"));
        assert!(verify(b"k", &same_origin, Some(&t), None).is_ok());
        let mut null = h.clone();
        null.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(verify(b"k", &null, Some(&t), None).is_err(), "an opaque origin is never our form");
        // A forged Host does not make a foreign origin ours once the site is configured.
        let mut forged = cross.clone();
        forged.insert(header::HOST, HeaderValue::from_static("evil.example"));
        assert!(verify(b"k", &forged, Some(&t), None).is_ok(), "without a configured site the Host decides");
        assert!(verify(b"k", &forged, Some(&t), Some("gk.example")).is_err());
        assert!(verify(b"k", &same_origin, Some(&t), Some("GK.example")).is_ok());
        let mut fetch = h;
        fetch.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(verify(b"k", &fetch, Some(&t), None).is_err());
    }
}

/// The token for a form shown to a visitor who may not be logged in: bound exactly as
/// [`verify`] will check it (a stale session cookie counts too), else to a fresh
/// anonymous cookie, whose `Set-Cookie` value is returned to be sent with the page.
pub fn page_token(secret: &[u8], headers: &HeaderMap, secure: bool) -> (String, Option<String>) {
    match binding(headers) {
        Some(b) => (token_for(secret, &b), None),
        None => {
            let anon = crate::http::auth::random_hex(16);
            let cookie = crate::http::auth::set_cookie(ANON_COOKIE, &anon, None, secure);
            (token_for(secret, &format!("a:{anon}")), Some(cookie))
        }
    }
}

/// Attach the anonymous CSRF cookie (if a new one was made) to a response.
pub fn with_cookie(mut resp: axum::response::Response, cookie: Option<String>) -> axum::response::Response {
    if let Some(c) = cookie
        && let Ok(v) = axum::http::HeaderValue::from_str(&c)
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
