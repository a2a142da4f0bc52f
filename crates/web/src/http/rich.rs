//! Staff-entered rich text and uploaded files: sanitising on save, plain text for search,
//! content sniffing of uploads (the name and the browser's type are not trusted), and
//! text extraction from PDF and DOCX attachments.

use std::io::Read;

/// Sanitise rich text with a whitelist (no scripts, styles, event handlers or foreign
/// URL schemes) and return it with its plain text.
pub fn sanitize(raw: &str) -> (String, String) {
    let clean = ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(raw)
        .to_string();
    let text = html_text(&clean);
    (clean, text)
}

/// Plain text of (already sanitised) HTML: tags dropped, block ends as line breaks, the
/// usual entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag.trim_start_matches('/').split(|c: char| c.is_whitespace()).next().unwrap_or("");
                if matches!(name, "p" | "br" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "table") {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c.to_ascii_lowercase()),
            (false, c) => out.push(c),
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// Plain text typed into a form, turned into safe paragraphs.
/// The paragraphs of a sanitised rich-text fragment as plain text (for Word, Excel, PDF
/// and the plain-text narrative editor): block ends and line breaks separate them, tags go,
/// entities are decoded.
pub fn html_paragraphs(html: &str) -> Vec<String> {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let end = rest[lt..].find('>').map_or(rest.len(), |i| lt + i + 1);
        let tag = rest[lt..end].to_ascii_lowercase();
        let name: String =
            tag.trim_start_matches(['<', '/']).chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if matches!(name.as_str(), "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "tr" | "table" | "ul" | "ol")
        {
            text.push('\n');
        }
        rest = &rest[end..];
    }
    text.push_str(rest);
    text.lines()
        .map(|l| {
            l.replace("&nbsp;", " ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

pub fn paragraphs(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p>{}</p>", crate::http::escape::esc(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Accepted attachment types, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Xlsx,
    Png,
    Jpeg,
}

impl FileKind {
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
        }
    }
}

/// Largest accepted attachment.
pub const MAX_ATTACHMENT: usize = 20 * 1024 * 1024;

/// Recognise a file by its first bytes (and, for Office files, by the zip entries).
pub fn sniff(data: &[u8]) -> Result<FileKind, String> {
    if data.is_empty() {
        return Err("文件为空".into());
    }
    if data.len() > MAX_ATTACHMENT {
        return Err(format!("文件超过 {} MB 的上限", MAX_ATTACHMENT / 1024 / 1024));
    }
    if data.starts_with(b"%PDF-") {
        return Ok(FileKind::Pdf);
    }
    if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Ok(FileKind::Png);
    }
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileKind::Jpeg);
    }
    if data.starts_with(b"PK\x03\x04")
        && let Ok(zip) = zip::ZipArchive::new(std::io::Cursor::new(data))
    {
        let names: Vec<&str> = zip.file_names().collect();
        if names.contains(&"word/document.xml") {
            return Ok(FileKind::Docx);
        }
        if names.contains(&"xl/workbook.xml") {
            return Ok(FileKind::Xlsx);
        }
    }
    Err("只接受 PDF、DOCX、XLSX、PNG 或 JPEG 格式的附件（按文件内容识别）".into())
}

/// Text of a PDF or DOCX for search; other kinds (and unreadable files) give none.
pub fn extract_text(kind: FileKind, data: &[u8]) -> String {
    let text = match kind {
        FileKind::Pdf => std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(data))
            .ok()
            .and_then(|r| r.ok())
            .unwrap_or_default(),
        FileKind::Docx => docx_text(data).unwrap_or_default(),
        _ => String::new(),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text runs (`<w:t>`) of a DOCX's main document, paragraph by paragraph.
fn docx_text(data: &[u8]) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data)).ok()?;
    let mut xml = String::new();
    zip.by_name("word/document.xml").ok()?.take(64 * 1024 * 1024).read_to_string(&mut xml).ok()?;
    let mut out = String::new();
    let mut rest = xml.as_str();
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>')? + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with("w:t") && !tag.starts_with("w:tab") && !tag.starts_with("w:tbl") && !tag.ends_with('/') {
            let close = rest.find("</w:t>")?;
            out.push_str(&rest[..close]);
            rest = &rest[close..];
        } else if tag == "/w:p" {
            out.push('\n');
        }
    }
    Some(out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&"))
}

/// A file name safe for a Content-Disposition header and a URL: the stem kept (Chinese
/// allowed), path separators, control characters and invisible format characters
/// (direction overrides that make `U+202E gpj.exe` read as `exe.jpg`, zero-width
/// characters) dropped, the extension from the sniffed type.
pub fn safe_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let stem: String = stem
        .chars()
        .filter(|c| {
            !c.is_control()
                && !gongkai_core::field::is_invisible_format(*c)
                && !matches!(c, '"' | '<' | '>' | '?' | '*' | ':' | '|' | '%' | '#')
        })
        .take(80)
        .collect();
    let stem = if stem.trim().is_empty() { "附件".to_string() } else { stem.trim().to_string() };
    format!("{stem}.{}", kind.ext())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_names_lose_direction_overrides_and_zero_width_characters() {
        assert_eq!(safe_name("报告\u{202E}fdp.exe", FileKind::Pdf), "报告fdp.pdf");
        assert_eq!(safe_name("低保\u{200B}名单.xlsx", FileKind::Pdf), "低保名单.pdf");
        assert_eq!(safe_name("\u{2066}\u{2069}.pdf", FileKind::Pdf), "附件.pdf");
    }

    #[test]
    fn sanitising_removes_scripts_and_handlers() {
        let (html, text) = sanitize(
            r#"<p onclick="x()">第一条 <b>目的</b></p><script>alert(1)</script><a href="javascript:evil()">链接</a><img src=x onerror=alert(1)>"#,
        );
        assert!(
            !html.contains("script")
                && !html.contains("onclick")
                && !html.contains("javascript")
                && !html.contains("onerror"),
            "{html}"
        );
        assert!(html.contains("<b>目的</b>"));
        assert_eq!(text, "第一条 目的\n链接");
    }

    #[test]
    fn sniffing_trusts_content_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n...").unwrap(), FileKind::Pdf);
        assert!(sniff(b"<html><script>").is_err());
        assert!(sniff(b"MZ\x90\x00").is_err());
        assert!(sniff(b"").is_err());
        assert_eq!(safe_name("../../etc/通知\".exe", FileKind::Pdf), "通知.pdf");
        assert_eq!(safe_name("", FileKind::Docx), "附件.docx");
    }

    #[test]
    fn pdf_text_is_extracted() {
        if !gongkai_pdf::fonts_available() {
            // The CJK fonts come from fonts-noto-cjk (installed by CI); nothing to test without them.
            eprintln!("SKIPPING pdf_text_is_extracted: no CJK fonts");
            return;
        }
        let src = format!(
            "#set text(font: ({}))\n最低生活保障审批名单公示。Minimum living allowance.",
            gongkai_pdf::serif_families()
        );
        let pdf = gongkai_pdf::compile(&src).unwrap();
        assert_eq!(sniff(&pdf).unwrap(), FileKind::Pdf);
        let text = extract_text(FileKind::Pdf, &pdf);
        assert!(text.contains("Minimum living allowance"), "{text}");
        assert!(text.contains("最低生活保障审批名单公示"), "{text}");
    }

    #[test]
    fn docx_text_is_extracted() {
        let mut buf = std::io::Cursor::new(Vec::new());
        docx_rs::Docx::new()
            .add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("临时救助审批名单")))
            .build()
            .pack(&mut buf)
            .unwrap();
        let data = buf.into_inner();
        assert_eq!(sniff(&data).unwrap(), FileKind::Docx);
        assert!(extract_text(FileKind::Docx, &data).contains("临时救助审批名单"));
    }
}
