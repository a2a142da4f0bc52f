//! Reading aids of the portal, all working without JavaScript and remembered per visitor
//! in cookies: the 简/繁 switch (`?zh=hant|hans`), pinyin annotation (`?py=1|0`),
//! larger text (`?size=large|normal`) and high contrast (`?contrast=high|normal`).
//!
//! Simplified is the stored form. Traditional is a view made by converting the rendered
//! page (its markup is ASCII, so converting the whole HTML is safe) with phrase-aware
//! OpenCC; pinyin is added as `<ruby>` to text nodes only (never to attributes, the
//! title, scripts or form values). The aid links in the page frame carry the marker
//! `?__aid__` which is replaced here by the current query, so switching keeps the
//! visitor's search or filter.

use crate::http::auth::{cookie, set_cookie};
use crate::http::cache::{Page, SharedPage};
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use pinyin::ToPinyin;
use std::sync::atomic::Ordering;

pub const COOKIE: &str = "gk_zh";
const AIDS: [(&str, &str, &str); 4] =
    [("zh", "gk_zh", "hant"), ("py", "gk_py", "1"), ("size", "gk_size", "large"), ("contrast", "gk_contrast", "high")];
/// Marker in templates for "this page's URL with its current query".
pub const MARKER: &str = "?__aid__";

/// The visitor's reading preferences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Aids {
    pub hant: bool,
    pub pinyin: bool,
    pub large: bool,
    pub contrast: bool,
}

/// Preferences from the query (which also sets the cookies) or the cookies.
fn wanted(req: &Request) -> (Aids, Vec<(&'static str, &'static str)>, String) {
    let query = req.uri().query().unwrap_or("");
    // Pages rendered outside this middleware (error pages) keep the raw marker in links.
    let pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim_start_matches("__aid__"), v))
        .collect();
    let mut on = [false; 4];
    let mut set = Vec::new();
    for (i, (param, name, value)) in AIDS.iter().enumerate() {
        match pairs.iter().find(|(k, _)| k == param).map(|(_, v)| *v) {
            Some(v) => {
                on[i] = v == *value;
                set.push((*name, if on[i] { *value } else { "0" }));
            }
            None => on[i] = cookie(req.headers(), name) == Some(value),
        }
    }
    // The query without the aid parameters, to build the switch links from.
    let keep: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && !AIDS.iter().any(|(p, ..)| kv.split('=').next() == Some(p)))
        .collect();
    let keep = if keep.is_empty() { "?".to_string() } else { format!("?{}&amp;", keep.join("&amp;")) };
    // It goes into an href: a query that was not percent-encoded must not break out of it.
    let keep = keep.replace('"', "%22").replace('<', "%3C").replace('>', "%3E").replace('\'', "%27");
    (Aids { hant: on[0], pinyin: on[1], large: on[2], contrast: on[3] }, set, keep)
}

/// Middleware for portal routes. It also keeps the finished [`SharedPage`]s: such a page
/// depends only on the host, the address, the reading aids and the catalog generation,
/// so the next visitor asking for it gets the same bytes without the handler, its
/// queries or the conversions running again.
pub async fn switch(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (aids, set, keep) = wanted(&req);
    let key = (req.method() == Method::GET).then(|| page_key(&state, &req, aids));
    // Read before the page is made: a change arriving meanwhile must not be hidden under
    // the newer generation.
    let generation = state.generation.load(Ordering::Relaxed);
    let cached = key.as_deref().and_then(|k| state.caches.pages.get(k, generation));
    let mut resp = match cached {
        Some(page) => {
            let mut resp = Response::new(Body::from(page.body));
            resp.headers_mut().insert(header::CONTENT_TYPE, page.content_type);
            if let Some(cc) = page.cache_control {
                resp.headers_mut().insert(header::CACHE_CONTROL, cc);
            }
            resp
        }
        None => {
            let resp = next.run(req).await;
            let keepable = resp.status() == StatusCode::OK
                && resp.extensions().get::<SharedPage>().is_some()
                && !resp.headers().contains_key(header::SET_COOKIE);
            let resp = transform(resp, aids, &keep).await;
            match key {
                Some(key) if keepable => keep_page(&state, key, generation, resp).await,
                _ => resp,
            }
        }
    };
    for (name, value) in set {
        // Remembered for a year. A display preference, not a secret: sent without `Secure`
        // so it also works on plain-HTTP intranet portals.
        let c = set_cookie(name, value, Some(365 * 24 * 3600), false);
        if let Ok(h) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, h);
        }
    }
    resp
}

/// Host (when URLs are built from it), address with query, and the aids from cookies.
fn page_key(state: &AppState, req: &Request, aids: Aids) -> String {
    let host = match state.config.base_url {
        Some(_) => "",
        None => req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or(""),
    };
    let bits =
        u8::from(aids.hant) | u8::from(aids.pinyin) << 1 | u8::from(aids.large) << 2 | u8::from(aids.contrast) << 3;
    format!("{host}|{}|{bits}", req.uri())
}

async fn keep_page(state: &AppState, key: String, generation: u64, resp: Response) -> Response {
    let (parts, body) = resp.into_parts();
    let Ok(body) = to_bytes(body, 16 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Some(content_type) = parts.headers.get(header::CONTENT_TYPE) {
        let page = Page {
            content_type: content_type.clone(),
            cache_control: parts.headers.get(header::CACHE_CONTROL).cloned(),
            body: body.clone(),
        };
        state.caches.pages.put(key, generation, page);
    }
    Response::from_parts(parts, Body::from(body))
}

async fn transform(resp: Response, aids: Aids, keep: &str) -> Response {
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
    // Our own pages are UTF-8: checked at memory speed, converted only if not.
    let html = match std::str::from_utf8(&bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(&bytes),
    };
    let mut html = html.replace(MARKER, keep);
    let mut classes = Vec::new();
    if aids.large {
        classes.push("aid-large");
    }
    if aids.contrast {
        classes.push("aid-contrast");
    }
    if aids.pinyin {
        classes.push("aid-pinyin");
    }
    if !classes.is_empty() {
        html = html.replacen("<body>", &format!("<body class=\"{}\">", classes.join(" ")), 1);
    }
    // Mark the current state of each switch for assistive technology.
    for (on, key) in [(aids.hant, "zh"), (aids.pinyin, "py"), (aids.large, "size"), (aids.contrast, "contrast")] {
        html = html.replace(&format!("data-aid=\"{key}-{}\"", if on { "on" } else { "off" }), "aria-current=\"true\"");
    }
    if aids.hant {
        html = gongkai_text::to_traditional(&html).replace("lang=\"zh-CN\"", "lang=\"zh-Hant\"");
    }
    if aids.pinyin {
        html = ruby(&html);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

/// Annotate the Chinese characters of the text nodes of `html` with pinyin.
pub fn ruby(html: &str) -> String {
    let mut out = String::with_capacity(html.len() * 3);
    let mut rest = html;
    // Elements whose text must stay plain.
    let mut skip_until: Option<&'static str> = None;
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix('<') {
            let end = stripped.find('>').map_or(rest.len(), |i| i + 2);
            let tag = &rest[..end];
            let name: String = tag[1..]
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            match skip_until {
                Some(close) if tag.starts_with("</") && name == close => skip_until = None,
                None if !tag.starts_with("</") => {
                    skip_until = match name.as_str() {
                        "title" => Some("title"),
                        "script" => Some("script"),
                        "style" => Some("style"),
                        "textarea" => Some("textarea"),
                        "option" => Some("option"),
                        "rt" => Some("rt"),
                        _ => None,
                    }
                }
                _ => {}
            }
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        if skip_until.is_some() || !text.chars().any(|c| c.to_pinyin().is_some()) {
            out.push_str(text);
        } else {
            // Read by words on the Simplified form (the readings are listed for it); a
            // Traditional page keeps its own characters over the same readings.
            let simplified = gongkai_text::to_simplified(text);
            let aligned = simplified.chars().count() == text.chars().count();
            let read = gongkai_text::reading::readings(if aligned { &simplified } else { text });
            for (c, (_, r)) in text.chars().zip(read) {
                match r {
                    Some(p) => {
                        out.push_str("<ruby>");
                        out.push(c);
                        out.push_str("<rp>(</rp><rt>");
                        out.push_str(&p);
                        out.push_str("</rt><rp>)</rp></ruby>");
                    }
                    None => out.push(c),
                }
            }
        }
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_reads_by_words_in_both_scripts() {
        for text in ["<p>重新处理</p>", "<p>重新處理</p>"] {
            let out = ruby(text);
            for want in ["<rt>chóng</rt>", "<rt>xīn</rt>", "<rt>chǔ</rt>", "<rt>lǐ</rt>"] {
                assert!(out.contains(want), "{text}: {out}");
            }
            assert!(out.contains("<ruby>理<rp>"), "the page keeps its own characters: {out}");
        }
    }

    #[test]
    fn ruby_annotates_text_nodes_only() {
        let html = r#"<title>公开</title><a href="/o/广州" title="民政">民政局</a><textarea>原文</textarea>"#;
        let out = ruby(html);
        assert!(out.starts_with("<title>公开</title>"), "{out}");
        assert!(out.contains(r#"<a href="/o/广州" title="民政">"#), "{out}");
        assert!(out.contains("<ruby>民<rp>(</rp><rt>mín</rt><rp>)</rp></ruby>"), "{out}");
        assert!(out.ends_with("<textarea>原文</textarea>"), "{out}");
        assert_eq!(ruby("abc (1) <b>x</b>"), "abc (1) <b>x</b>");
    }

    #[test]
    fn switch_links_keep_the_query_safely() {
        let req = axum::http::Request::builder()
            .uri("/search?q=%E6%95%91&py=1&x='a")
            .body(axum::body::Body::empty())
            .unwrap();
        let (aids, set, keep) = wanted(&req);
        assert!(aids.pinyin);
        assert_eq!(set, vec![("gk_py", "1")]);
        assert_eq!(keep, "?q=%E6%95%91&amp;x=%27a&amp;");
    }
}
