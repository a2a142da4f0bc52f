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
    text.split(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Tags become separators; entities for spaces and the usual escapes are decoded.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if let Some(end) = skip_until {
            if lower[i..].starts_with(end) {
                skip_until = None;
                i += end.len();
            } else {
                i += 1;
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
    parse_value(&t.replace(',', ""))
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
    pub tables: Tables,
    /// Cells whose value could not be read (left at 0).
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
            None if key(&toks[j]).chars().count() > 3 => break,
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
    Imported { tables: t, unreadable }
}

/// The report year and the body's name from a title such as
/// `广州市民政局2020年政府信息公开工作年度报告`.
pub fn title_facts(toks: &[String]) -> (Option<i16>, Option<String>) {
    let joined: String = toks.iter().take(60).cloned().collect::<Vec<_>>().join("");
    let Some(at) = joined.find("年政府信息公开工作年度报告") else { return (None, None) };
    let before = &joined[..at];
    let digits: String =
        before.chars().rev().take_while(|c| c.is_ascii_digit()).collect::<Vec<_>>().into_iter().rev().collect();
    let year = digits.parse::<i16>().ok().filter(|y| (2008..=2100).contains(y));
    let org = year.map(|_| before[..before.len() - digits.len()].trim().to_string()).filter(|o| !o.is_empty());
    (year, org.map(|o| o.chars().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect()))
}
