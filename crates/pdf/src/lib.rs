//! gongkai-pdf: PDF typesetting with typst as a library.
//!
//! Documents are written as typst source (letters, annual reports) and compiled in
//! memory; fonts come from the system (Debian's fonts-noto-cjk gives Noto Serif/Sans CJK
//! SC) and are embedded in the PDF. No file, package or network access: the only source
//! is the one given, so user text cannot pull anything in.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("没有找到可用的中文字体（请安装 fonts-noto-cjk，或用 GONGKAI_FONT_DIRS 指定字体目录）")]
    NoFonts,
    #[error("排版失败：{0}")]
    Typeset(String),
}

/// Font folders searched (colon-separated `GONGKAI_FONT_DIRS`, default `/usr/share/fonts`).
fn font_dirs() -> Vec<PathBuf> {
    std::env::var("GONGKAI_FONT_DIRS")
        .unwrap_or_else(|_| "/usr/share/fonts".into())
        .split(':')
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "ttc" | "otf" | "ttf"))
        {
            out.push(p);
        }
    }
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// The fonts, loaded once per process. Only CJK families and a few Latin ones are loaded
/// (a full system font folder can hold hundreds of megabytes).
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut files = Vec::new();
        for d in font_dirs() {
            collect(&d, &mut files);
        }
        files.sort();
        let wanted = |p: &Path| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
            name.contains("cjk")
                || name.contains("fangsong")
                || name.contains("simsun")
                || name.contains("kai")
                || name.contains("song")
                || name.starts_with("dejavusans")
        };
        let mut fonts = Vec::new();
        for f in files.into_iter().filter(|p| wanted(p)) {
            let Ok(data) = std::fs::read(&f) else { continue };
            let bytes = Bytes::new(data);
            for i in 0.. {
                match Font::new(bytes.clone(), i) {
                    Some(font) => fonts.push(font),
                    None => break,
                }
            }
        }
        Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    })
}

/// Whether a Chinese font is available (PDF output needs one).
pub fn fonts_available() -> bool {
    fonts().book.families().any(|(name, _)| name.to_ascii_lowercase().contains("cjk") || name.contains("song"))
}

/// The family names available, for settings and diagnostics.
pub fn font_families() -> Vec<String> {
    fonts().book.families().map(|(n, _)| n.to_string()).collect()
}

struct InMemory {
    library: LazyHash<Library>,
    main: Source,
}

impl World for InMemory {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Compile typst source to PDF bytes.
pub fn compile(source: &str) -> Result<Vec<u8>, PdfError> {
    if !fonts_available() {
        return Err(PdfError::NoFonts);
    }
    let world = InMemory { library: LazyHash::new(Library::default()), main: Source::detached(source) };
    let doc: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errs| PdfError::Typeset(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|errs| PdfError::Typeset(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))
}

/// A typst string literal holding `s` verbatim (no markup is interpreted).
pub fn str_lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Serif CJK family names tried in order (the agency can install licensed 公文 fonts and
/// put them first with `GONGKAI_PDF_FONTS`, comma-separated).
pub fn serif_families() -> String {
    let list = std::env::var("GONGKAI_PDF_FONTS")
        .unwrap_or_else(|_| "Noto Serif CJK SC,FangSong,SimSun,Noto Sans CJK SC".into());
    let items: Vec<String> = list.split(',').map(|f| str_lit(f.trim())).collect();
    format!("({},)", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_markup_and_quotes() {
        assert_eq!(str_lit(r#"a"b\c #x *y*"#), r#""a\"b\\c #x *y*""#);
    }

    #[test]
    fn compiles_chinese_text_when_fonts_exist() {
        if !fonts_available() {
            eprintln!("SKIPPING PDF typesetting test: no CJK font installed (apt-get install fonts-noto-cjk)");
            return;
        }
        let src = format!("#set text(font: {})\n#{}", serif_families(), str_lit("政府信息公开 #[不是标记]"));
        let pdf = compile(&src).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() > 1000);
    }
}
