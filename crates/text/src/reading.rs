//! Pinyin by words, not characters: a heteronym (多音字) takes the reading of the word it is
//! in — 重复 chóng fù, 重要 zhòng yào, 处理 chǔ lǐ, 办事处 bàn shì chù.
//!
//! The text is segmented into words with jieba (the segmenter the search index uses), each
//! word is read from the phrase readings of mozillazg/pinyin-data (through the
//! pinyin-converter crate), and a word it does not know is read character by character.
//! One construction spans words: in 以……为…… (以人民为中心, 以预防为主) 为 reads wéi.
//!
//! The dictionaries load on first use (about 1.4 s and 115 MB on the reference machine, see
//! docs/benchmarks.md), so only a server whose readers turn pinyin on pays for them.

use pinyin::ToPinyin;
use std::sync::OnceLock;

fn jieba() -> &'static jieba_rs::Jieba {
    static J: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    J.get_or_init(jieba_rs::Jieba::new)
}

fn is_han(c: char) -> bool {
    super::is_han(c)
}

/// The reading of one character alone (its most common one).
fn char_reading(c: char) -> Option<String> {
    c.to_pinyin().map(|p| p.with_tone().to_string())
}

/// The syllables of a word, one per character, or `None` when the dictionary's reading does
/// not line up with the characters.
fn word_readings(word: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = word.chars().collect();
    let result = pinyin_words::Pinyin::phrase(word);
    let mut out = Vec::with_capacity(chars.len());
    for w in result.words() {
        let syllables: Vec<&str> = w.pinyin.split_whitespace().collect();
        let n = w.text.chars().count();
        if syllables.len() != n || w.text.chars().any(|c| !is_han(c)) {
            return None;
        }
        out.extend(syllables.into_iter().map(str::to_string));
    }
    (out.len() == chars.len()).then_some(out)
}

/// Clause punctuation: 以……为 does not reach across it.
fn ends_clause(word: &str) -> bool {
    word.chars().any(|c| "，。；：！？、,.;:!?\n（）()".contains(c))
}

/// Each character of `text` with its reading (`None` for anything that is not a Chinese
/// character), read word by word.
pub fn readings(text: &str) -> Vec<(char, Option<String>)> {
    let mut out = Vec::with_capacity(text.chars().count());
    let mut after_yi = false;
    for token in jieba().cut(text, true) {
        let word = token.word;
        if ends_clause(word) {
            after_yi = false;
        }
        if !word.chars().any(is_han) {
            out.extend(word.chars().map(|c| (c, None)));
            continue;
        }
        let syllables = if word.chars().all(is_han) { word_readings(word) } else { None };
        match syllables {
            Some(s) => {
                for (c, mut r) in word.chars().zip(s) {
                    if after_yi && word == "为" {
                        r = "wéi".into();
                    }
                    out.push((c, Some(r)));
                }
            }
            None => out.extend(word.chars().map(|c| (c, if is_han(c) { char_reading(c) } else { None }))),
        }
        if word == "以" {
            after_yi = true;
        } else if word == "为" {
            after_yi = false;
        }
    }
    out
}

/// The reading of `text` as syllables separated by spaces (Chinese characters only).
pub fn pinyin_of(text: &str) -> String {
    readings(text).into_iter().filter_map(|(_, r)| r).collect::<Vec<_>>().join(" ")
}

/// The old character-by-character reading, kept to measure what reading by words gains.
pub fn pinyin_by_characters(text: &str) -> String {
    text.chars().filter_map(char_reading).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heteronyms_take_the_reading_of_their_word() {
        assert_eq!(pinyin_of("重复"), "chóng fù");
        assert_eq!(pinyin_of("重新"), "chóng xīn");
        assert_eq!(pinyin_of("处理"), "chǔ lǐ");
        assert_eq!(pinyin_of("本机关收到申请后重新处理"), "běn jī guān shōu dào shēn qǐng hòu chóng xīn chǔ lǐ");
        assert_eq!(pinyin_of("以人民为中心"), "yǐ rén mín wéi zhōng xīn");
        assert_eq!(pinyin_of("为人民服务"), "wèi rén mín fú wù");
        assert_eq!(pinyin_of("以预防为主，为群众办事"), "yǐ yù fáng wéi zhǔ wèi qún zhòng bàn shì");
        let r = readings("第1条 重要");
        assert_eq!(r[1], ('1', None));
        assert_eq!(r.iter().filter(|x| x.1.is_some()).count(), 4);
    }

    /// The list of common heteronym phrases of government text (tests/data, ≥ 200 lines):
    /// reading by words gets nearly all of them, reading by characters far fewer.
    #[test]
    fn accuracy_on_government_heteronym_phrases() {
        let list = include_str!("../tests/heteronyms.tsv");
        let cases: Vec<(&str, &str)> = list
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split_once('\t').expect("phrase<TAB>reading"))
            .collect();
        assert!(cases.len() >= 200, "{} phrases", cases.len());
        let by_words = cases.iter().filter(|(p, want)| pinyin_of(p) == *want).count();
        let by_chars = cases.iter().filter(|(p, want)| pinyin_by_characters(p) == *want).count();
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(p, want)| pinyin_of(p) != *want)
            .map(|(p, w)| format!("{p}: {} ≠ {w}", pinyin_of(p)))
            .collect();
        eprintln!(
            "pinyin accuracy on {} phrases: by words {by_words} ({:.1} %), by characters {by_chars} ({:.1} %)\n{}",
            cases.len(),
            100.0 * by_words as f64 / cases.len() as f64,
            100.0 * by_chars as f64 / cases.len() as f64,
            wrong.join("\n")
        );
        assert!(by_words * 100 >= cases.len() * 95, "at least 95 % by words");
        assert!(by_words > by_chars + cases.len() / 4, "words beat characters clearly");
    }
}
