//! Every page a person can reach in the demo — the portal anonymously and the console as
//! each demo role — is crawled by following links, and each page's visible text (text
//! nodes and the title, alt, placeholder and aria-label attributes) must be Chinese: no
//! ASCII enum value of the domain (`general`, `published`, `in_progress` …), no English
//! sentence, no UTC timestamp. A page that fails to load (5xx) fails the crawl too, and so
//! does a link that leads a role to a page it may not use (403).

use crate::harness::{Kind, TestApp};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Every stored code of the domain's enumerations: never to be shown to a person.
fn enum_codes() -> BTreeSet<&'static str> {
    use gongkai_core::appeals;
    use gongkai_core::applications::{self as a, identity, letters};
    use gongkai_core::catalog as c;
    let mut s = BTreeSet::new();
    s.extend(c::Attribute::ALL.map(|x| x.code()));
    s.extend(c::WithholdReason::ALL.map(|x| x.code()));
    s.extend(c::Validity::ALL.map(|x| x.code()));
    s.extend(c::ItemKind::ALL.map(|x| x.code()));
    s.extend(c::InterpretationForm::ALL.map(|x| x.code()));
    s.extend(c::ColumnKind::ALL.map(|x| x.code()));
    s.extend(["draft", "submitted", "published", "registered"]);
    s.extend(gongkai_core::orgs::accounts::Role::ALL.map(|x| x.code()));
    s.extend(identity::IdKind::ALL.map(|x| x.code()));
    s.extend(appeals::AppealKind::ALL.map(|x| x.code()));
    s.extend(appeals::AppealResult::ALL.map(|x| x.code()));
    s.extend(letters::LetterKind::ALL.map(|x| x.code()));
    s.extend(a::Channel::ALL.map(|x| x.code()));
    s.extend(a::ApplicantKind::ALL.map(|x| x.code()));
    s.extend(a::Outcome::ALL.map(|x| x.code()));
    s.extend(a::Status::ALL.map(|x| x.code()));
    s.extend(gongkai_core::orgs::OrgKind::ALL.map(|x| x.code()));
    s.extend(["due_soon", "overdue", "supervisor", "system_admin"]);
    s
}

/// The visible text of a page: text outside tags (scripts and styles dropped) and the
/// attributes a person reads.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        let tag_end = rest[lt..].find('>').map_or(rest.len(), |i| lt + i + 1);
        let tag = &rest[lt..tag_end];
        for attr in ["title=\"", "alt=\"", "placeholder=\"", "aria-label=\""] {
            if let Some(i) = tag.find(attr) {
                let v = &tag[i + attr.len()..];
                out.push_str(&v[..v.find('"').unwrap_or(v.len())]);
                out.push(' ');
            }
        }
        let lower = tag.to_ascii_lowercase();
        rest = &rest[tag_end..];
        for skip in ["script", "style"] {
            if lower.starts_with(&format!("<{skip}")) {
                let close = format!("</{skip}>");
                rest = rest.find(&close).map_or("", |i| &rest[i + close.len()..]);
            }
        }
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ").replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
}

/// Words a Chinese user legitimately reads in ASCII: product and format names, units, our
/// own serial and code shapes (checked separately), demo user names.
const ALLOWED: [&str; 28] = [
    "gongkai", "PDF", "Word", "Excel", "HTML", "JSON", "CSV", "XLSX", "DOCX", "API", "ID", "URL", "Atom", "RSS", "QR",
    "GB", "SMTP", "OpenAPI", "TOML", "ZIP", "Token", "Bearer", "https", "http", "www", "gov", "cn", "example",
];

fn problems(text: &str, codes: &BTreeSet<&str>) -> Vec<String> {
    let mut found = Vec::new();
    // Tokens of ASCII letters, digits and underscores.
    let tokens: Vec<(usize, &str)> = text
        .match_indices(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .scan(0usize, |start, (i, sep)| {
            let tok = (*start, &text[*start..i]);
            *start = i + sep.len();
            Some(tok)
        })
        .filter(|(_, t)| !t.is_empty())
        .collect();
    for (i, t) in &tokens {
        // A code standing alone (not inside an address or a user name such as gzmz.staff).
        let before = text[..*i].chars().next_back();
        let after = text[i + t.len()..].chars().next();
        let inside_word = matches!(before, Some('.' | '/' | '@' | '-' | ':' | '=' | '?' | '&'))
            || matches!(after, Some('.' | '/' | '@' | '-' | '=' | '('));
        if codes.contains(t) && !inside_word {
            found.push(format!("enum value '{t}'"));
        }
    }
    // An English sentence: three or more words of letters separated by single spaces.
    let words: Vec<&str> = text.split(|c: char| !(c.is_ascii_alphabetic() || c == ' ')).collect();
    for w in words {
        let ws: Vec<&str> = w.split(' ').filter(|x| !x.is_empty()).collect();
        let english = ws.iter().filter(|x| x.len() >= 2 && !ALLOWED.contains(x)).count();
        if english >= 3 {
            found.push(format!("English '{}'", w.trim()));
        }
    }
    // UTC instants with their machine form: YYYY-MM-DDTHH:MM.
    let b = text.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd";
    for i in 0..b.len().saturating_sub(shape.len() - 1) {
        let hit = shape.iter().zip(&b[i..]).all(|(s, c)| if *s == b'd' { c.is_ascii_digit() } else { s == c });
        if hit {
            found.push(format!("UTC timestamp '{}'", String::from_utf8_lossy(&b[i..i + shape.len()])));
        }
    }
    found
}

/// The link targets of a page worth following: same-site pages, no downloads, no logout.
fn links(html: &str) -> Vec<String> {
    let mut out = vec![];
    for (i, _) in html.match_indices("href=\"") {
        let v = &html[i + 6..];
        let href = v[..v.find('"').unwrap_or(0)].replace("&amp;", "&");
        if !href.starts_with('/') || href.starts_with("//") {
            continue;
        }
        let path = href.split(['?', '#']).next().unwrap_or("");
        let download = [".xml", ".json", ".csv", ".xlsx", ".docx", ".pdf", ".zip", ".css", ".svg", ".png", ".txt"]
            .iter()
            .any(|x| path.ends_with(x))
            || path.contains("/files/")
            || path.contains("/attachments/")
            || path.contains("/export")
            || path.ends_with("/docx")
            || path.ends_with("/pdf")
            || path.ends_with("/html")
            || path.ends_with("/xlsx")
            || path.ends_with("/logout")
            || path.starts_with("/static/")
            || path.starts_with("/api/");
        if !download {
            out.push(href);
        }
    }
    out
}

/// A page's shape: digits replaced, query keys kept, so that thousands of documents count
/// as one shape and a few of each are crawled.
fn shape(href: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let p: String = path.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
    let keys: Vec<&str> = query.split('&').filter_map(|kv| kv.split('=').next()).collect();
    format!("{p}?{}", keys.join("&"))
}

async fn crawl(
    app: &TestApp,
    who: Option<&str>,
    codes: &BTreeSet<&str>,
    report: &mut BTreeMap<String, BTreeSet<String>>,
) -> usize {
    let mut b = app.browser();
    let start = match who {
        Some(u) => {
            b.login(u).await;
            "/console".to_string()
        }
        None => "/".to_string(),
    };
    let mut seen = BTreeSet::new();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    let mut pages = 0;
    while let Some(href) = queue.pop_front() {
        if !seen.insert(href.clone()) {
            continue;
        }
        let n = shapes.entry(shape(&href)).or_default();
        *n += 1;
        if *n > 3 || pages >= 1500 {
            continue;
        }
        // The console crawl stays in the console; the portal crawl on the portal.
        if who.is_some() != href.starts_with("/console") {
            continue;
        }
        let p = b.get(&href).await;
        pages += 1;
        let label = format!("{} {href}", who.unwrap_or("public"));
        if p.status >= 500 {
            report.entry(label.clone()).or_default().insert(format!("status {}", p.status));
        }
        // Every link shown must lead somewhere this person may go.
        if p.status == 403 {
            report.entry(label.clone()).or_default().insert("a link to a page this role may not use (403)".into());
        }
        let is_html = p.headers.get("content-type").is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
        if !is_html {
            continue;
        }
        let found = problems(&visible_text(&p.body), codes);
        if !found.is_empty() {
            report.entry(label).or_default().extend(found);
        }
        for l in links(&p.body) {
            if !seen.contains(&l) {
                queue.push_back(l);
            }
        }
    }
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_the_demo_speaks_chinese() {
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.expect("sqlite app");
    let codes = enum_codes();
    let mut report = BTreeMap::new();
    let mut total = 0;
    // Pages the link crawl reaches only a few of: every document whose validity changed.
    let org = gongkai_core::orgs::OrgId(app.org_id("gzmz").await);
    let f = gongkai_store::catalog::ItemFilter { org_id: Some(org), public_only: true, ..Default::default() };
    let (lines, _) = gongkai_store::catalog::list(&app.db, &f, 0, 100_000).await.unwrap();
    let changed: Vec<gongkai_core::ids::ItemId> =
        lines.iter().filter(|l| l.validity != gongkai_core::catalog::Validity::Valid).map(|l| l.id).collect();
    assert!(!changed.is_empty(), "the demo has documents no longer valid");
    let mut public = app.browser();
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    for id in &changed {
        for (b, path) in [(&mut public, format!("/info/{id}")), (&mut staff, format!("/console/catalog/{id}"))] {
            let p = b.get(&path).await;
            let found = problems(&visible_text(&p.body), &codes);
            if !found.is_empty() {
                report.insert(path, found.into_iter().collect());
            }
        }
    }
    for who in [
        None,
        Some("admin"),
        Some("gzmz.admin"),
        Some("gzmz.staff"),
        Some("gzmz.approver"),
        Some("gzmz.supervisor"),
        Some("yuexiu.staff"),
        Some("shzz.staff"),
    ] {
        total += crawl(&app, who, &codes, &mut report).await;
    }
    assert!(total > 200, "the crawl reached {total} pages");
    let lines: Vec<String> = report
        .iter()
        .map(|(page, p)| format!("{page}: {}", p.iter().cloned().collect::<Vec<_>>().join("; ")))
        .collect();
    assert!(
        lines.is_empty(),
        "{} pages (of {total}) show English or machine values:\n{}",
        lines.len(),
        lines.join("\n")
    );
}

/// Addresses typed or mangled by hand: a Chinese error page, never axum's English text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_addresses_get_chinese_error_pages() {
    let app = TestApp::spawn(Kind::Sqlite).await.expect("sqlite app");
    let codes = enum_codes();
    let city = app.org_id("gzmz").await;
    let mut public = app.browser();
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    let cases = [
        ("/o/gzmz/c/normative?page=abc", 400, "page 应为数字"),
        ("/search?q=%E4%BD%8F&page=99999999999999999999", 400, "数字超出范围"),
        ("/o/gzmz/c/nosuch", 404, "页面不存在"),
        ("/info/abc", 404, "页面不存在"),
    ];
    for (path, status, says) in cases {
        let p = public.get(path).await;
        assert_eq!(p.status, status, "{path}: {}", p.body);
        assert!(p.body.contains(says), "{path}: {}", p.body);
        assert!(
            problems(&visible_text(&p.body), &codes).is_empty(),
            "{path}: {:?}",
            problems(&visible_text(&p.body), &codes)
        );
    }
    let p = staff.get(&format!("/console/orgs/{city}/catalog?page=x")).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("网址中的参数有误") && problems(&visible_text(&p.body), &codes).is_empty(), "{}", p.body);
}

#[test]
fn the_checks_catch_what_they_should() {
    let codes = enum_codes();
    assert!(!problems(&visible_text("<td>general</td>"), &codes).is_empty());
    assert!(!problems("the working-day calendar does not cover 2027", &codes).is_empty());
    assert!(!problems("2026-12-01T13:38:00.123456Z", &codes).is_empty());
    assert!(
        problems(&visible_text("<a href=\"/o/gzmz?kind=general\">其他政府信息</a> gzmz.staff 导出 CSV"), &codes)
            .is_empty()
    );
    assert!(problems(&visible_text("<script>var general = 1;</script><p>有效</p>"), &codes).is_empty());
}

/// The annual reports are one click from the organisation's page and from its guide.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annual_reports_are_linked_from_the_organisation_page_and_the_guide() {
    let app = TestApp::spawn(Kind::Sqlite).await.expect("sqlite app");
    let mut public = app.browser();
    for page in ["/o/gzmz", "/o/gzmz/guide", "/o/gzshzz"] {
        let p = public.get(page).await;
        assert_eq!(p.status, 200);
        let code = page.split('/').nth(2).unwrap();
        assert!(p.body.contains(&format!("href=\"/o/{code}/reports\"")), "{page} links its reports");
    }
    assert_eq!(public.get("/o/gzmz/reports").await.status, 200);
}
