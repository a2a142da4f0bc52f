//! Overlapping character bigrams for Han text, whole lower-cased words for letters and
//! digits: any substring of two or more characters of a document is a phrase of its
//! bigrams, whatever a word segmenter would have made of it (助餐点名录 is found in
//! 老年人助餐点名录附表).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub const NAME: &str = "bigram";

#[derive(Clone, Copy, Debug, Default)]
pub struct BigramTokenizer;

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}' | '\u{2A700}'..='\u{2EBEF}' | '\u{30000}'..='\u{3134F}')
}

/// The tokens of `text`; positions run on across runs so a phrase spanning punctuation
/// (民发〔2020〕) matches the same text in a document.
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_with(text, true)
}

/// The tokens a query is matched with: a run of two or more Han characters by its bigrams
/// only (its first character stands alone in a document only where a run starts).
pub fn query_tokens(text: &str) -> Vec<Token> {
    tokens_with(text, false)
}

fn tokens_with(text: &str, edges: bool) -> Vec<Token> {
    let mut out = Vec::new();
    let mut position = 0usize;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i + 1).map_or(text.len(), |c| c.0);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if is_han(c) {
            let mut j = i;
            while j + 1 < chars.len() && is_han(chars[j + 1].1) {
                j += 1;
            }
            if i == j {
                out.push(token(start, end_of(i), position, &text[start..end_of(i)]));
                position += 1;
            } else {
                // The run's first and last characters also stand alone, at the positions
                // of the first and last bigrams, so a query that ends a run with one
                // character (2020年, 告2020) still lines up with the document's tokens.
                if edges {
                    out.push(token(start, end_of(i), position, &text[start..end_of(i)]));
                }
                let pairs = j - i;
                for (n, pair) in chars[i..=j].windows(2).enumerate() {
                    let (from, to) = (pair[0].0, end_of(i + n + 1));
                    out.push(token(from, to, position, &text[from..to]));
                    if n + 1 < pairs {
                        position += 1;
                    }
                }
                if edges {
                    let last = chars[j].0;
                    out.push(token(last, end_of(j), position, &text[last..end_of(j)]));
                }
                position += 1;
            }
            i = j + 1;
        } else if c.is_alphanumeric() {
            let mut j = i;
            while j + 1 < chars.len() && chars[j + 1].1.is_alphanumeric() && !is_han(chars[j + 1].1) {
                j += 1;
            }
            let to = end_of(j);
            out.push(token(start, to, position, &text[start..to].to_lowercase()));
            position += 1;
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn token(from: usize, to: usize, position: usize, text: &str) -> Token {
    Token { offset_from: from, offset_to: to, position, text: text.to_string(), position_length: 1 }
}

pub struct BigramStream {
    tokens: Vec<Token>,
    /// Index of the current token plus one (0 before the first `advance`).
    next: usize,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream {
        BigramStream { tokens: tokens(text), next: 0 }
    }
}

impl TokenStream for BigramStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1).min(self.tokens.len().saturating_sub(1))]
    }
    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.saturating_sub(1).min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, usize)> {
        tokens(s).into_iter().map(|t| (t.text, t.position)).collect()
    }

    #[test]
    fn han_runs_become_overlapping_bigrams_and_words_stay_whole() {
        assert_eq!(
            texts("低保标准"),
            vec![("低".into(), 0), ("低保".into(), 0), ("保标".into(), 1), ("标准".into(), 2), ("准".into(), 2)]
        );
        assert_eq!(
            texts("穗民〔2020〕12号 PDF"),
            vec![
                ("穗".into(), 0),
                ("穗民".into(), 0),
                ("民".into(), 0),
                ("2020".into(), 1),
                ("12".into(), 2),
                ("号".into(), 3),
                ("pdf".into(), 4)
            ]
        );
        assert!(tokens("，。、 ").is_empty());
        // Offsets point into the text, whatever the width of the characters.
        let t = tokens("a𠀀𠀁");
        assert_eq!(&"a𠀀𠀁"[t[2].offset_from..t[2].offset_to], "𠀀𠀁");
    }

    #[test]
    fn a_substring_is_a_run_of_the_documents_bigrams() {
        // Every query token is in the document at the same distance from the first.
        for (doc, q) in [("老年人助餐点名录附表", "助餐点名录"), ("2020年度报告", "2020年"), ("年度报告2020", "告2020")]
        {
            let doc = texts(doc);
            let q: Vec<(String, usize)> = query_tokens(q).into_iter().map(|t| (t.text, t.position)).collect();
            let at = |t: &(String, usize)| doc.iter().filter(|d| d.0 == t.0).map(|d| d.1).collect::<Vec<_>>();
            let starts = at(&q[0]);
            assert!(starts.iter().any(|s| q.iter().all(|t| at(t).contains(&(s + t.1 - q[0].1)))), "{q:?} in {doc:?}");
        }
    }
}
