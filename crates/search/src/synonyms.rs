//! Synonym groups applied to queries: a query containing one term of a group also finds
//! the documents that use another (低保 ↔ 最低生活保障). Query-side only, so an edited list
//! takes effect without reindexing.

/// The list an installation starts with (one group per line, terms separated by spaces).
pub const DEFAULT: &str = "\
# 每行一组同义词，词之间用空格分隔；以 # 开头的行为说明
低保 最低生活保障
特困 特困人员供养 特困供养
意见征集 征求意见 征集意见
黑名单 严重失信名单
养老机构 养老院 敬老院
居家养老 居家社区养老
残疾人两项补贴 两项补贴
高龄津贴 高龄补贴 长寿保健金
社会组织 民间组织
社工 社会工作者
居委会 居民委员会
村委会 村民委员会
规范性文件 红头文件
政策解读 解读材料
依申请公开 申请公开
殡仪馆 殡仪服务机构
";

/// Most groups and terms a list may hold, and the longest term, so a pasted list cannot
/// make every query expand without bound.
const MAX_GROUPS: usize = 500;
const MAX_TERM_CHARS: usize = 20;
/// Most spellings one query word is searched in.
const MAX_VARIANTS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    /// Each group's terms in Simplified characters, longest first.
    groups: Vec<Vec<String>>,
}

impl Synonyms {
    /// Parse a list; the error names the line, in Chinese (staff edit it on the console).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut groups = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut terms: Vec<String> = Vec::new();
            for t in line.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | '/' | '=' | ';' | '；'))
            {
                let t = gongkai_text::to_simplified(t.trim());
                if t.is_empty() {
                    continue;
                }
                if t.chars().count() > MAX_TERM_CHARS {
                    return Err(format!("第{}行：“{t}”超过{MAX_TERM_CHARS}个字", n + 1));
                }
                if !terms.contains(&t) {
                    terms.push(t);
                }
            }
            if terms.len() < 2 {
                return Err(format!("第{}行：一组同义词至少要有两个不同的词", n + 1));
            }
            terms.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
            groups.push(terms);
            if groups.len() > MAX_GROUPS {
                return Err(format!("同义词最多{MAX_GROUPS}组"));
            }
        }
        Ok(Self { groups })
    }

    pub fn default_list() -> Self {
        Self::parse(DEFAULT).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The spellings `word` is searched in: itself first, then, for each group with a term
    /// inside it (the longest such term), the word with that term replaced by each other.
    pub fn variants(&self, word: &str) -> Vec<String> {
        let mut out = vec![word.to_string()];
        for group in &self.groups {
            let Some(hit) = group.iter().find(|t| word.contains(t.as_str())) else { continue };
            for other in group.iter().filter(|t| *t != hit) {
                let v = word.replacen(hit.as_str(), other, 1);
                if !out.contains(&v) {
                    out.push(v);
                }
                if out.len() >= MAX_VARIANTS {
                    return out;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_parses_and_expands_inside_words() {
        let s = Synonyms::default_list();
        assert!(s.len() >= 15);
        assert_eq!(s.variants("低保"), vec!["低保", "最低生活保障"]);
        assert_eq!(s.variants("低保标准"), vec!["低保标准", "最低生活保障标准"]);
        // The longest term of a group that fits is replaced, never a shorter one inside it.
        assert_eq!(s.variants("特困人员供养"), vec!["特困人员供养", "特困供养", "特困"]);
        assert_eq!(s.variants("养老服务"), vec!["养老服务"]);
    }

    #[test]
    fn bad_lists_are_refused_with_the_line() {
        assert_eq!(Synonyms::parse("低保 低保\n").unwrap_err(), "第1行：一组同义词至少要有两个不同的词");
        assert!(Synonyms::parse("# 说明\n\n甲 乙\n丙\n").unwrap_err().starts_with("第4行"));
        assert!(Synonyms::parse(&format!("甲 {}", "字".repeat(21))).unwrap_err().contains("超过20个字"));
        // Traditional terms are kept in the stored (Simplified) form; separators vary.
        let s = Synonyms::parse("養老院，敬老院").unwrap();
        assert_eq!(s.variants("养老院"), vec!["养老院", "敬老院"]);
    }
}
