//! gongkai-text: Chinese text tools.
//!
//! - Simplified ↔ Traditional: phrase-aware OpenCC conversion (`S2tw` / `Tw2s`, the forms
//!   readers in Taiwan and Hong Kong expect, never OpenCC's 羣/衆/裏 standard forms).
//! - Clean-up of text scraped from old government pages: pinyin annotations such as
//!   `落實(shí)` are removed only where they follow a Chinese character and are a reading
//!   of it; ordinary parentheses such as `(一)`, `(試行)` or `(pdf)` stay.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod reading;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use pinyin::ToPinyinMulti;
use std::sync::OnceLock;

/// Convert with a built-in OpenCC configuration. The dictionaries are compiled in (a test
/// loads both); were one ever unloadable the text is returned unconverted rather than
/// taking the page down.
fn convert(cfg: BuiltinConfig, slot: &'static OnceLock<Option<OpenCC>>, s: &str) -> String {
    match slot.get_or_init(|| OpenCC::from_config(cfg).ok()) {
        Some(c) => c.convert(s),
        None => s.to_string(),
    }
}

/// Traditional → Simplified (phrase-aware).
pub fn to_simplified(s: &str) -> String {
    static C: OnceLock<Option<OpenCC>> = OnceLock::new();
    convert(BuiltinConfig::Tw2s, &C, s)
}

/// Simplified → Traditional (Taiwan standard forms, phrase-aware).
pub fn to_traditional(s: &str) -> String {
    static C: OnceLock<Option<OpenCC>> = OnceLock::new();
    convert(BuiltinConfig::S2tw, &C, s)
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Whether `annotation` is a reading of `han` (with or without tone marks).
fn is_reading_of(han: char, annotation: &str) -> bool {
    let a = annotation.trim().to_lowercase();
    if a.is_empty() || !a.chars().all(|c| c.is_alphabetic() && !is_han(c)) {
        return false;
    }
    let mut candidates = vec![han];
    // Readings are listed for Simplified characters; look up the Simplified form too.
    if let Some(s) = to_simplified(&han.to_string()).chars().next()
        && s != han
    {
        candidates.push(s);
    }
    candidates
        .into_iter()
        .any(|c| c.to_pinyin_multi().is_some_and(|m| m.into_iter().any(|p| p.with_tone() == a || p.plain() == a)))
}

/// Remove scraped pinyin annotations: a parenthesised reading right after the Chinese
/// character it annotates (`落實(shí)` → `落實`). Anything else in parentheses is kept.
pub fn strip_pinyin_annotations(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '(' | '（') && i > 0 && is_han(chars[i - 1]) {
            let close = if c == '(' { ')' } else { '）' };
            if let Some(len) = chars[i + 1..].iter().take(12).position(|&x| x == close) {
                let inner: String = chars[i + 1..i + 1 + len].iter().collect();
                if is_reading_of(chars[i - 1], &inner) {
                    i += len + 2;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Lines that scraped pages carry but that are not part of the document.
const BOILERPLATE: [&str; 8] = [
    "扫码进入",
    "掃碼進入",
    "扫一扫在手机打开当前页",
    "掃一掃在手機打開當前頁",
    "【打印本页】",
    "【关闭窗口】",
    "分享到：",
    "打印本页",
];

/// Clean a scraped legacy page: drop boilerplate lines, strip pinyin annotations,
/// convert to Simplified characters.
pub fn clean_legacy(s: &str) -> String {
    let kept: Vec<String> = s
        .lines()
        .filter(|l| {
            let t = l.trim();
            !BOILERPLATE.iter().any(|b| t == *b || (t.starts_with(b) && t.chars().count() <= b.chars().count() + 4))
        })
        .map(strip_pinyin_annotations)
        .collect();
    to_simplified(&kept.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_issue_example_line() {
        let line = "研究制定21份規(guī)范性文件，並全部按時(shí)限要求掛網公開。";
        assert_eq!(strip_pinyin_annotations(line), "研究制定21份規范性文件，並全部按時限要求掛網公開。");
        assert_eq!(clean_legacy(line), "研究制定21份规范性文件，并全部按时限要求挂网公开。");
    }

    #[test]
    fn annotations_go_and_ordinary_parentheses_stay() {
        assert_eq!(strip_pinyin_annotations("落實(shí)認(rèn)真"), "落實認真");
        assert_eq!(strip_pinyin_annotations("（一）基本情況（試行）"), "（一）基本情況（試行）");
        assert_eq!(strip_pinyin_annotations("行政複議(無被提起行政訴訟)"), "行政複議(無被提起行政訴訟)");
        assert_eq!(strip_pinyin_annotations("附件(pdf)和說明(a)"), "附件(pdf)和說明(a)");
        // A toned vowel at the start (安 ān, 而 ér, 愛 ài) is a reading too.
        assert_eq!(strip_pinyin_annotations("安(ān)全而(ér)且愛(ài)"), "安全而且愛");
        // A syllable that is not this character's reading stays.
        assert_eq!(strip_pinyin_annotations("實(ma)"), "實(ma)");
    }

    #[test]
    fn boilerplate_lines_go() {
        let page = "掃碼進入\n一、總體情況\n落實(shí)條例。\n【打印本页】";
        assert_eq!(clean_legacy(page), "一、总体情况\n落实条例。");
    }

    #[test]
    fn conversion_is_phrase_aware() {
        assert_eq!(
            to_traditional("政府信息公开工作年度报告"),
            "政府信息公開工作年度報告",
            "no vocabulary swap: names stay"
        );
        assert_eq!(to_simplified("政府信息公開工作年度報告"), "政府信息公开工作年度报告");
        assert_eq!(to_traditional("里面的群众"), "裡面的群眾");
    }

    proptest! {
        /// Text without annotations passes through unchanged: Chinese, digits, punctuation
        /// and parentheses holding numbers, Chinese words or non-pinyin Latin.
        #[test]
        fn text_without_annotations_is_unchanged(parts in proptest::collection::vec(prop_oneof![
            "[\\u{4e00}-\\u{4e5f}]{1,6}",
            "[0-9]{1,4}",
            Just("，".to_string()),
            Just("。".to_string()),
            Just("（一）".to_string()),
            Just("(试行)".to_string()),
            Just("(2024)".to_string()),
            Just("(pdf)".to_string()),
            Just("（附件1）".to_string()),
        ], 0..12)) {
            let s: String = parts.concat();
            prop_assert_eq!(strip_pinyin_annotations(&s), s);
        }
    }
}
