//! Reading a published report page back into cells: HTML tables, or text where the table
//! cells were flattened into lines. The caller cleans the text first (Traditional →
//! Simplified, scraped pinyin annotations removed); this module finds the tables by their
//! official labels and reads the numbers that follow each label.

use super::layout::{T3_COLUMNS, T4_COLUMNS, t2_blocks, t3_rows};
use super::tables::{Tables, Value, parse_value};
use crate::applications::ReportFormat;
use serde::Serialize;

/// The page as a sequence of text tokens: for HTML each cell and text run, for plain text
/// each whitespace-separated item.
pub fn tokens(page: &str) -> Vec<String> {
    let looks_html = page.contains("<td") || page.contains("<TD") || page.contains("<tr");
    let text = if looks_html { html_to_text(page) } else { page.to_string() };
    // `|` and `｜` separate cells in text copies of tables.
    text.split(|c: char| c.is_whitespace() || matches!(c, '\u{3000}' | '\u{a0}' | '|' | '｜'))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// A table cell with nothing in it: a token of its own, so the numbers after it stay in
/// their columns (it reads as an unreadable cell, never as the next number or as 0).
const BLANK: &str = "∅";

/// Tags become separators; entities for spaces and the usual escapes are decoded; an empty
/// `<td>`/`<th>` becomes [`BLANK`].
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    // Where the open cell's text starts in `out`.
    let mut cell: Option<usize> = None;
    let mut skip_until: Option<&str> = None;
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if let Some(end) = skip_until {
            // Jump to the closing tag (byte offsets of `lower` are those of `html`, and the
            // tag is ASCII, so this lands on a character boundary); none: the rest is skipped.
            match lower[i..].find(end) {
                Some(k) => {
                    i += k + end.len();
                    skip_until = None;
                }
                None => break,
            }
            continue;
        }
        if !in_tag && lower[i..].starts_with("<script") {
            skip_until = Some("</script>");
            continue;
        }
        if !in_tag && lower[i..].starts_with("<style") {
            skip_until = Some("</style>");
            continue;
        }
        let Some(c) = html[i..].chars().next() else { break };
        if c == '<' {
            let tag = &lower[i + 1..];
            let opens_cell = tag.starts_with("td") || tag.starts_with("th");
            let ends_cell = opens_cell || tag.starts_with("/td") || tag.starts_with("/th") || tag.starts_with("/tr");
            if ends_cell
                && let Some(start) = cell.take()
                && out[start..].replace("&nbsp;", " ").trim().is_empty()
            {
                out.push(' ');
                out.push_str(BLANK);
            }
            if opens_cell {
                cell = Some(out.len());
            }
            in_tag = true;
            out.push(' ');
        } else if c == '>' && in_tag {
            in_tag = false;
        } else if !in_tag {
            out.push(c);
        }
        i += c.len_utf8();
    }
    out.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
}

/// Label text reduced to what survives reformatting: no numbering, punctuation, quotes or
/// spaces.
fn key(label: &str) -> String {
    // Taiwan phrasing, after conversion to Simplified: 規範性檔案 → 规范性档案.
    let label = label.replace("规范性档案", "规范性文件");
    label
        .chars()
        .filter(|c| {
            !c.is_ascii_digit() && !c.is_whitespace() && !"、.．（）()“”\"'‘’「」：:，,。一二三四五六七".contains(*c)
        })
        .collect()
}

fn number(tok: &str) -> Option<Value> {
    let t = tok.trim_matches(|c: char| c == '（' || c == '）');
    if t == "/" || t == "—" || t == "-" || t == "无" {
        return Some(Value::Int(0));
    }
    let t = t.replace([',', '，'], "");
    // Amounts with their unit: the table counts in 万元, so `592万元` is 592 and
    // `75394432.52元` is 7539.443252.
    if let Some(n) = t.strip_suffix("万元") {
        return parse_value(n);
    }
    if let Some(n) = t.strip_suffix('元') {
        let yuan = match parse_value(n)? {
            Value::Int(i) => i as f64,
            Value::Dec(d) => d,
        };
        return Some(Value::Dec(yuan / 10_000.0));
    }
    parse_value(&t)
}

/// Whether a token that is not a number starts the next row: a label of two or more
/// Chinese characters (`总计` is short but a label); a shorter token is a smudge in a cell.
fn is_label(tok: &str) -> bool {
    key(tok).chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count() >= 2
}

/// Which format a page uses, from labels only F2021 has.
pub fn detect_format(toks: &[String]) -> ReportFormat {
    let joined: String = toks.concat();
    if joined.contains("本年制发件数") || joined.contains("逾期不补正") || joined.contains("本年收费金额")
    {
        ReportFormat::F2021
    } else {
        ReportFormat::F2019
    }
}

/// The result of reading a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imported {
    /// The cells read; an unreadable cell is absent, never 0.
    pub tables: Tables,
    /// Cells whose value could not be read.
    pub unreadable: Vec<String>,
}

/// Read the numbers following `label_key` at or after `from`: `n` values. When the label
/// is followed by no number at all but exactly `n` numbers sit between `from` and the
/// label, those are taken: text extracted from PDFs often puts a row's numbers before its
/// label when the label cell is merged or wrapped.
fn read_after(toks: &[String], from: usize, label_key: &str, n: usize) -> Option<(usize, Vec<Option<Value>>)> {
    let (pos, next, vals) = read_forward(toks, from, label_key, n)?;
    if vals.iter().all(Option::is_none) {
        let before: Vec<Value> = toks[from..pos].iter().filter_map(|x| number(x)).collect();
        if before.len() == n {
            return Some((pos + 1, before.into_iter().map(Some).collect()));
        }
    }
    Some((next, vals))
}

fn read_forward(toks: &[String], from: usize, label_key: &str, n: usize) -> Option<(usize, usize, Vec<Option<Value>>)> {
    let pos = (from..toks.len()).find(|&i| {
        let k = key(&toks[i]);
        !k.is_empty()
            && (k == label_key || (k.contains(label_key) && k.chars().count() <= label_key.chars().count() + 8))
    })?;
    let mut vals = Vec::with_capacity(n);
    let mut j = pos + 1;
    while vals.len() < n && j < toks.len() {
        match number(&toks[j]) {
            Some(v) => vals.push(Some(v)),
            // The next label: the row ended early; its missing cells are unreadable.
            None if is_label(&toks[j]) => break,
            // A short token that is not a number (a smudge, "？"): an unreadable cell.
            None => vals.push(None),
        }
        j += 1;
    }
    vals.resize(n, None);
    Some((pos, j, vals))
}

/// Read tables 二, 三 and 四 from the tokens of a cleaned page.
pub fn read(toks: &[String], org: &str, year: i16, format: ReportFormat) -> Imported {
    let mut t = Tables::empty(format, org, year);
    let mut unreadable = Vec::new();
    let mut put = |t: &mut Tables, code: String, v: Option<Value>| match v {
        Some(v) => {
            t.cells.insert(code, v);
        }
        None => unreadable.push(code),
    };
    // Table 二: each block's rows in order.
    let mut cursor = 0;
    for b in t2_blocks(format) {
        for (r, label) in b.rows {
            match read_after(toks, cursor, &key(label), b.columns.len()) {
                Some((next, vals)) => {
                    for ((c, _), v) in b.columns.iter().zip(vals) {
                        put(&mut t, format!("{}.{r}:{c}", b.code), v);
                    }
                    cursor = next;
                }
                None => {
                    for (c, _) in b.columns {
                        put(&mut t, format!("{}.{r}:{c}", b.code), None);
                    }
                }
            }
        }
    }
    // Table 三: value rows in order, 7 numbers each.
    let start = toks.iter().position(|x| key(x).contains("本年新收政府信息公开申请数量")).unwrap_or(cursor);
    let mut cursor = start;
    for row in t3_rows(format).into_iter().filter(|r| r.values) {
        match read_after(toks, cursor, &key(row.label), T3_COLUMNS.len()) {
            Some((next, vals)) => {
                for ((c, _), v) in T3_COLUMNS.iter().zip(vals) {
                    put(&mut t, format!("{}:{c}", row.code), v);
                }
                cursor = next;
            }
            None => {
                for (c, _) in T3_COLUMNS {
                    put(&mut t, format!("{}:{c}", row.code), None);
                }
            }
        }
    }
    // Table 四: the 15 numbers after its header.
    let head = toks.iter().rposition(|x| key(x).contains("政府信息公开行政复议行政诉讼情况")).unwrap_or(cursor);
    let nums: Vec<Value> = toks[head..].iter().filter_map(|x| number(x)).take(15).collect();
    for (i, (c, _, _)) in T4_COLUMNS.iter().enumerate() {
        put(&mut t, format!("t4:{c}"), nums.get(i).copied());
    }
    for code in &unreadable {
        t.cells.remove(code);
    }
    Imported { tables: t, unreadable }
}

/// Why a page is not read as an annual report under the 2019 regulation.
pub fn refusal(toks: &[String], year: i16) -> Option<String> {
    if year < 2019 {
        return Some(format!("{year} 年的报告早于 2019 年修订的条例，其统计表格式不同，不能按现行格式导入"));
    }
    let joined: String = toks.concat();
    let titled = joined.contains("政府信息公开") && joined.contains("年度报告");
    // The statistical tables' own headings; a page without any is something else (a budget,
    // a notice), whatever its title says.
    let headings = ["主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议"]
        .iter()
        .filter(|h| joined.contains(*h))
        .count();
    if !titled || headings < 2 {
        return Some("该页面不是政府信息公开工作年度报告（没有找到年度报告的标题和统计表）".into());
    }
    None
}

/// The report year and the body's name from a title such as
/// `广州市民政局2020年政府信息公开工作年度报告`.
pub fn title_facts(toks: &[String]) -> (Option<i16>, Option<String>) {
    let joined: String = toks.iter().take(60).cloned().collect::<Vec<_>>().join("");
    // Full-width digits are digits (`２０２３年度…`).
    let joined: String = joined
        .chars()
        .map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c })
        .collect();
    let Some(at) = joined.find("政府信息公开工作年度报告") else { return (None, None) };
    // `2023年度…` (most titles) and `2023年…`.
    let before = joined[..at].trim_end();
    let before = before.strip_suffix("年度").or_else(|| before.strip_suffix('年')).unwrap_or("");
    let digits: String =
        before.chars().rev().take_while(|c| c.is_ascii_digit()).collect::<Vec<_>>().into_iter().rev().collect();
    let year = digits.parse::<i16>().ok().filter(|y| (2008..=2100).contains(y));
    let org = year.map(|_| before[..before.len() - digits.len()].trim().to_string()).filter(|o| !o.is_empty());
    (year, org.map(|o| o.chars().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn a_short_label_ends_the_row_before_it() {
        // （六）其他处理 with its cells blank: 总计 is the next row, not a smudged cell.
        let t = toks("（六）其他处理 （七）总计 1 2 3 4 5 6 21");
        let (_, next, vals) = read_forward(&t, 0, &key("其他处理"), 7).unwrap();
        assert_eq!(next, 1, "stops at 总计");
        assert!(vals.iter().all(Option::is_none));
        let (_, _, vals) = read_forward(&t, next, &key("总计"), 7).unwrap();
        assert_eq!(vals[6], Some(Value::Int(21)));
    }

    #[test]
    fn amounts_with_units_are_read_in_wan_yuan() {
        assert_eq!(number("592万元"), Some(Value::Int(592)));
        assert_eq!(number("75394432.52元"), Some(Value::Dec(75394432.52 / 10_000.0)));
        assert_eq!(number("1,208"), Some(Value::Int(1208)));
        assert_eq!(number("？"), None);
    }

    #[test]
    fn blank_cells_keep_the_columns_and_pipes_separate_cells() {
        let t = tokens("<table><tr><td>（一）予以公开</td><td>3</td><td>&nbsp;</td><td></td><td>5</td></tr></table>");
        assert_eq!(t, vec!["（一）予以公开", "3", BLANK, BLANK, "5"]);
        let (_, _, vals) = read_forward(&t, 0, &key("予以公开"), 4).unwrap();
        assert_eq!(vals, vec![Some(Value::Int(3)), None, None, Some(Value::Int(5))], "5 stays in the fourth column");
        assert_eq!(tokens("予以公开|3|4｜5"), vec!["予以公开", "3", "4", "5"]);
        assert_eq!(key("规范性档案"), key("规范性文件"), "Taiwan phrasing, as the caller converts 規範性檔案");
    }

    #[test]
    fn scripts_with_chinese_text_are_skipped_without_panicking() {
        let t = tokens("<table><tr><td>甲</td></tr></table><script>var 标题='统计';</script><td>乙</td><style>/* 样式");
        assert_eq!(t, vec!["甲".to_string(), "乙".to_string()]);
    }

    #[test]
    fn the_year_comes_from_titles_with_nian_du() {
        let (y, org) = title_facts(&toks("广州市民政局２０２３年度政府信息公开工作年度报告 根据 2019年 通知"));
        assert_eq!((y, org.as_deref()), (Some(2023), Some("广州市民政局")));
        assert_eq!(title_facts(&toks("某局2021年政府信息公开工作年度报告")).0, Some(2021));
        assert_eq!(title_facts(&toks("关于印发2023年预算的通知")).0, None);
    }
}
