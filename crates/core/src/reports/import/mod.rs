//! Reading a published report page back into cells: HTML tables, or text where the table
//! cells were flattened into lines. The caller cleans the text first (Traditional →
//! Simplified, scraped pinyin annotations removed); this module finds the tables by their
//! official labels and reads the numbers that follow each label.

use super::layout::{T3_COLUMNS, T4_COLUMNS, t2_blocks, t3_rows};
use super::tables::{Tables, Value, parse_value};
use crate::applications::ReportFormat;
use serde::Serialize;

mod html;
mod split;

/// The page as a sequence of text tokens: for HTML each table cell (laid out on the
/// table's grid) and each word outside tables, for plain text each whitespace-separated
/// item.
pub fn tokens(page: &str) -> Vec<String> {
    let lower_head = page.get(..page.len().min(1 << 20)).unwrap_or(page).to_ascii_lowercase();
    let looks_html = lower_head.contains("<td") || lower_head.contains("<tr") || lower_head.contains("<table");
    if looks_html {
        return html::tokens(page);
    }
    // `|` and `｜` separate cells in text copies of tables.
    page.split(|c: char| c.is_whitespace() || matches!(c, '\u{3000}' | '\u{a0}' | '|' | '｜'))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// A table cell with nothing in it: a token of its own, so the numbers after it stay in
/// their columns (it reads as an unreadable cell, never as the next number or as 0).
const BLANK: &str = "∅";

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

/// A row whose cells ran together and can be read in more than one way that fits the
/// tables' identities: its cells are unreadable, and these are the readings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ambiguity {
    /// The row's cells, in order.
    pub cells: Vec<String>,
    /// How many readings fit.
    pub count: usize,
    /// The first readings (at most [`SHOWN_READINGS`]), each one value per cell.
    pub readings: Vec<Vec<Value>>,
}

/// How many readings of an ambiguous row are listed.
pub const SHOWN_READINGS: usize = 20;

/// The result of reading a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imported {
    /// The cells read; an unreadable cell is absent, never 0.
    pub tables: Tables,
    /// Cells whose value could not be read.
    pub unreadable: Vec<String>,
    /// Rows whose digits ran together with more than one fitting reading.
    pub ambiguous: Vec<Ambiguity>,
    /// Things the reader noticed that do not stop it (a format that does not match the year).
    pub warnings: Vec<String>,
}

/// Where a row's label is: the index of its last token (a label can be split over
/// consecutive tokens in text copies: `（二）部分公开（区分处理的，只计这` `一情形，…）`).
fn find_label(toks: &[String], from: usize, label_key: &str) -> Option<usize> {
    let want = label_key.chars().count();
    (from..toks.len()).find_map(|i| {
        let k = key(&toks[i]);
        if k.is_empty() || number(&toks[i]).is_some() {
            return None;
        }
        let n = k.chars().count();
        if k == label_key || (k.contains(label_key) && n <= want + 8) {
            return Some(i);
        }
        if !label_key.starts_with(k.as_str()) {
            return None;
        }
        // A shortened label (`（二）部分公开` for the long official one) followed by its cells.
        if n >= 4 && toks.get(i + 1).is_some_and(|t| number(t).is_some() || t == BLANK) {
            return Some(i);
        }
        // The label continued in the next tokens.
        let mut joined = k;
        for (j, t) in toks.iter().enumerate().skip(i + 1).take(3) {
            if number(t).is_some() || t == BLANK {
                return None;
            }
            joined.push_str(&key(t));
            if joined.starts_with(label_key) && joined.chars().count() <= want + 8 {
                return Some(j);
            }
            if !label_key.starts_with(joined.as_str()) {
                return None;
            }
        }
        None
    })
}

/// The tokens of a row's cells: from after its label until `n` cells or the next label.
fn row_tokens(toks: &[String], after: usize, n: usize) -> (Vec<String>, usize) {
    let mut raw = Vec::with_capacity(n);
    let mut j = after;
    while raw.len() < n && j < toks.len() {
        // The next label: the row ended early.
        if number(&toks[j]).is_none() && toks[j] != BLANK && is_label(&toks[j]) {
            break;
        }
        raw.push(toks[j].clone());
        j += 1;
    }
    (raw, j)
}

/// A rule over one row's cells that a correct reading satisfies.
type RowRule = fn(&[Value]) -> bool;

/// Table 三: the 总计 column is the sum of the applicant columns (I1).
fn t3_row_rule(v: &[Value]) -> bool {
    let ints: Option<Vec<i64>> = v.iter().map(|x| x.as_int()).collect();
    ints.is_some_and(|i| i.len() == 7 && i[..6].iter().sum::<i64>() == i[6])
}

/// Table 四: each group's 总计 is the sum of its four results.
fn t4_row_rule(v: &[Value]) -> bool {
    let ints: Option<Vec<i64>> = v.iter().map(|x| x.as_int()).collect();
    ints.is_some_and(|i| i.len() == 15 && i.chunks(5).all(|g| g[..4].iter().sum::<i64>() == g[4]))
}

/// What a row's tokens say about its cells.
#[derive(Debug, Clone, PartialEq)]
enum RowCells {
    Read(Vec<Option<Value>>),
    /// More than one reading; or one reading that no rule confirms.
    Readings(Vec<Vec<Value>>),
}

/// Read a row's tokens as `n` cells. A row with fewer tokens than cells is read by
/// splitting digit runs, kept only where `rule` confirms the reading; a row that cannot be
/// read that way has every cell unreadable (its blanks could be anywhere).
fn row_cells(raw: &[String], n: usize, rule: Option<RowRule>) -> RowCells {
    if raw.len() >= n {
        return RowCells::Read(raw[..n].iter().map(|t| number(t)).collect());
    }
    if !split::has_run(raw) {
        return RowCells::Read(vec![None; n]);
    }
    let Some(ways) = split::splits(raw, n) else { return RowCells::Read(vec![None; n]) };
    let readings: Vec<Vec<Value>> = ways
        .iter()
        .filter_map(|w| w.iter().map(|t| number(t)).collect::<Option<Vec<Value>>>())
        .filter(|v| rule.is_none_or(|r| r(v)))
        .collect();
    match (readings.len(), rule) {
        (0, _) => RowCells::Read(vec![None; n]),
        (1, Some(_)) => RowCells::Read(readings[0].iter().copied().map(Some).collect()),
        _ => RowCells::Readings(readings),
    }
}

/// Read the row labelled `label_key` at or after `from`: its cells and where the next row
/// starts. When the label is followed by no number at all but exactly `n` numbers sit
/// between `from` and the label, those are taken: text extracted from PDFs often puts a
/// row's numbers before its label when the label cell is merged or wrapped.
fn read_row(
    toks: &[String],
    from: usize,
    label_key: &str,
    n: usize,
    rule: Option<RowRule>,
) -> Option<(usize, RowCells)> {
    let pos = find_label(toks, from, label_key)?;
    let (raw, next) = row_tokens(toks, pos + 1, n);
    let cells = row_cells(&raw, n, rule);
    if let RowCells::Read(vals) = &cells
        && vals.iter().all(Option::is_none)
    {
        let before: Vec<Value> = toks[from..pos].iter().filter_map(|x| number(x)).collect();
        if before.len() == n {
            return Some((pos + 1, RowCells::Read(before.into_iter().map(Some).collect())));
        }
    }
    Some((next, cells))
}

/// The column identities of table 三 that involve several rows: the result rows sum to
/// （七）总计 (I2), and 一 + 二 = （七）总计 + 四 (I3). Each as (left rows, right rows).
fn t3_column_rules(format: ReportFormat) -> Vec<(Vec<&'static str>, Vec<&'static str>)> {
    vec![(super::layout::t3_result_rows(format), vec!["t3.r3.s7"]), (vec!["t3.r1", "t3.r2"], vec!["t3.r3.s7", "t3.r4"])]
}

/// Narrow the readings of ambiguous table-三 rows with the column identities, using the
/// rows that were read: repeated while any row is settled.
fn settle_t3(rows: &mut [(&'static str, RowCells)], format: ReportFormat) {
    let rules = t3_column_rules(format);
    loop {
        let mut changed = false;
        for x in 0..rows.len() {
            let RowCells::Readings(readings) = &rows[x].1 else { continue };
            let code = rows[x].0;
            let known = |other: &str, col: usize| -> Option<i64> {
                rows.iter().find(|(c, _)| *c == other).and_then(|(_, cells)| match cells {
                    RowCells::Read(v) => v.get(col).copied().flatten().and_then(Value::as_int),
                    RowCells::Readings(_) => None,
                })
            };
            let fits = |reading: &[Value]| {
                rules.iter().all(|(left, right)| {
                    if !left.contains(&code) && !right.contains(&code) {
                        return true;
                    }
                    (0..T3_COLUMNS.len()).all(|col| {
                        let total = |rows: &[&str]| -> Option<i64> {
                            let mut sum = 0;
                            for r in rows {
                                sum += if *r == code { reading.get(col)?.as_int()? } else { known(r, col)? };
                            }
                            Some(sum)
                        };
                        match (total(left), total(right)) {
                            (Some(l), Some(r)) => l == r,
                            // Another row of the rule is not known: it cannot rule this out.
                            _ => true,
                        }
                    })
                })
            };
            let kept: Vec<Vec<Value>> = readings.iter().filter(|r| fits(r)).cloned().collect();
            if kept.len() != readings.len() {
                changed = true;
                rows[x].1 = if kept.len() == 1 {
                    RowCells::Read(kept[0].iter().copied().map(Some).collect())
                } else if kept.is_empty() {
                    RowCells::Read(vec![None; T3_COLUMNS.len()])
                } else {
                    RowCells::Readings(kept)
                };
            }
        }
        if !changed {
            break;
        }
    }
}

/// Read tables 二, 三 and 四 from the tokens of a cleaned page.
pub fn read(toks: &[String], org: &str, year: i16, format: ReportFormat) -> Imported {
    let mut t = Tables::empty(format, org, year);
    let mut unreadable = Vec::new();
    let mut ambiguous = Vec::new();
    let mut warnings = Vec::new();
    let expected = if year >= 2021 { ReportFormat::F2021 } else { ReportFormat::F2019 };
    if expected != format {
        warnings.push(format!(
            "{year} 年度的报告应使用{}格式，页面的表格却是{}格式；已按页面的表格读取",
            format_name(expected),
            format_name(format)
        ));
    }
    // Put a row's cells into the tables: read cells as values, the rest unreadable; a row
    // with several readings keeps the cells they agree on.
    let mut put_row = |t: &mut Tables, codes: Vec<String>, cells: RowCells| match cells {
        RowCells::Read(vals) => {
            for (code, v) in codes.into_iter().zip(vals) {
                match v {
                    Some(v) => {
                        t.cells.insert(code, v);
                    }
                    None => unreadable.push(code),
                }
            }
        }
        RowCells::Readings(readings) => {
            for (i, code) in codes.iter().enumerate() {
                let first = readings[0][i];
                if readings.len() > 1 && readings.iter().all(|r| r[i] == first) {
                    t.cells.insert(code.clone(), first);
                } else {
                    unreadable.push(code.clone());
                }
            }
            ambiguous.push(Ambiguity {
                cells: codes,
                count: readings.len(),
                readings: readings.into_iter().take(SHOWN_READINGS).collect(),
            });
        }
    };
    // Table 二: each block's rows in order (no identity ties its cells together).
    let mut cursor = 0;
    for b in t2_blocks(format) {
        for (r, label) in b.rows {
            let codes: Vec<String> = b.columns.iter().map(|(c, _)| format!("{}.{r}:{c}", b.code)).collect();
            match read_row(toks, cursor, &key(label), b.columns.len(), None) {
                Some((next, cells)) => {
                    put_row(&mut t, codes, cells);
                    cursor = next;
                }
                None => put_row(&mut t, codes, RowCells::Read(vec![None; b.columns.len()])),
            }
        }
    }
    // Table 三: value rows in order, 7 cells each, then the column identities.
    let start = toks.iter().position(|x| key(x).contains("本年新收政府信息公开申请数量")).unwrap_or(cursor);
    let mut cursor = start;
    let mut rows = Vec::new();
    for row in t3_rows(format).into_iter().filter(|r| r.values) {
        match read_row(toks, cursor, &key(row.label), T3_COLUMNS.len(), Some(t3_row_rule)) {
            Some((next, cells)) => {
                rows.push((row.code, cells));
                cursor = next;
            }
            None => rows.push((row.code, RowCells::Read(vec![None; T3_COLUMNS.len()]))),
        }
    }
    settle_t3(&mut rows, format);
    for (code, cells) in rows {
        put_row(&mut t, T3_COLUMNS.iter().map(|(c, _)| format!("{code}:{c}")).collect(), cells);
    }
    // Table 四: the 15 cells after its header (whose labels are skipped).
    let head = toks.iter().rposition(|x| key(x).contains("政府信息公开行政复议行政诉讼情况")).unwrap_or(cursor);
    let mut raw = Vec::new();
    for tok in toks.iter().skip(head + 1) {
        let value = number(tok).is_some() || tok == BLANK;
        if raw.len() == T4_COLUMNS.len() || (!value && is_label(tok) && !raw.is_empty()) {
            break;
        }
        if value || !raw.is_empty() && !is_label(tok) {
            raw.push(tok.clone());
        }
    }
    let codes = T4_COLUMNS.iter().map(|(c, _, _)| format!("t4:{c}")).collect();
    put_row(&mut t, codes, row_cells(&raw, T4_COLUMNS.len(), Some(t4_row_rule)));
    for code in &unreadable {
        t.cells.remove(code);
    }
    Imported { tables: t, unreadable, ambiguous, warnings }
}

fn format_name(f: ReportFormat) -> &'static str {
    match f {
        ReportFormat::F2019 => "2019 年版",
        ReportFormat::F2021 => "2021 年版",
    }
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
    const TITLE: &str = "政府信息公开工作年度报告";
    // Full-width digits are digits (`２０２３年度…`).
    let norm = |t: &str| -> String {
        t.chars()
            .map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c })
            .collect()
    };
    let head: Vec<String> = toks.iter().take(60).map(|t| norm(t)).collect();
    // The title is one token, or a few consecutive ones (a heading over two lines): the
    // first window ending in the title phrase that names a year before it. The body is
    // what precedes the year in that window, so navigation before the heading stays out.
    for end in 0..head.len() {
        for start in (end.saturating_sub(3)..=end).rev() {
            let window = head[start..=end].concat();
            let Some(at) = window.find(TITLE) else { continue };
            let before = window[..at].trim_end();
            let before = before.strip_suffix("年度").or_else(|| before.strip_suffix('年')).unwrap_or("");
            let digits: String =
                before.chars().rev().take_while(|c| c.is_ascii_digit()).collect::<Vec<_>>().into_iter().rev().collect();
            let Some(year) = digits.parse::<i16>().ok().filter(|y| (2008..=2100).contains(y)) else { continue };
            let org = before[..before.len() - digits.len()].trim();
            if org.is_empty() && start > end.saturating_sub(3) && start > 0 {
                // `某市民政局` on the line above `2023年度…报告`: the next window has it.
                continue;
            }
            let org: String = org.chars().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
            return (Some(year), Some(org).filter(|o| !o.is_empty()));
        }
    }
    (None, None)
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
        let (next, cells) = read_row(&t, 0, &key("其他处理"), 7, Some(t3_row_rule)).unwrap();
        assert_eq!(next, 1, "stops at 总计");
        assert_eq!(cells, RowCells::Read(vec![None; 7]));
        let (_, cells) = read_row(&t, next, &key("总计"), 7, Some(t3_row_rule)).unwrap();
        let RowCells::Read(vals) = cells else { panic!("read") };
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
        let (_, cells) = read_row(&t, 0, &key("予以公开"), 4, None).unwrap();
        assert_eq!(
            cells,
            RowCells::Read(vec![Some(Value::Int(3)), None, None, Some(Value::Int(5))]),
            "5 stays in the fourth column"
        );
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
        // Navigation before the heading is not the body; a body on the line above is.
        let (y, org) = title_facts(&toks("首页>政务公开>年报 某区民政局2022年度政府信息公开工作年度报告"));
        assert_eq!((y, org.as_deref()), (Some(2022), Some("某区民政局")));
        let (y, org) = title_facts(&toks("某区民政局 2022年度政府信息公开 工作年度报告 发布时间"));
        assert_eq!((y, org.as_deref()), (Some(2022), Some("某区民政局")));
    }

    fn int(v: &[i64]) -> Vec<Value> {
        v.iter().map(|i| Value::Int(*i)).collect()
    }

    #[test]
    fn labels_split_over_tokens_or_shortened_are_found() {
        let t = toks("（二）部分公开（区分处理的，只计这 一情形，不计其他情形） 1 2 3");
        let label = key("（二）部分公开（区分处理的，只计这一情形，不计其他情形）");
        assert_eq!(find_label(&t, 0, &label), Some(1));
        let t = toks("（二）部分公开 1 0 0 0 0 0 1");
        assert_eq!(find_label(&t, 0, &label), Some(0));
        // A prefix that is a different row's label is not taken: 其他 is not 其他处理.
        let t = toks("其他 5 （六）其他处理 7");
        assert_eq!(find_label(&t, 0, &key("（六）其他处理")), Some(2));
    }

    #[test]
    fn runs_are_split_where_the_row_rule_allows_one_reading() {
        // 自然人 12, 商业企业 3, 总计 15: `123000015` has one reading whose sum holds.
        let raw = toks("123000015");
        assert_eq!(
            row_cells(&raw, 7, Some(t3_row_rule)),
            RowCells::Read(int(&[12, 3, 0, 0, 0, 0, 15]).into_iter().map(Some).collect())
        );
        // Without a rule a run is never guessed at.
        let RowCells::Readings(r) = row_cells(&toks("693665"), 3, None) else { panic!("readings") };
        assert_eq!(r.len(), 10);
        assert!(r.contains(&int(&[69, 3, 665])));
        // Fewer tokens than cells and no run: the blanks could be anywhere.
        assert_eq!(row_cells(&toks("3 3"), 7, Some(t3_row_rule)), RowCells::Read(vec![None; 7]));
    }

    #[test]
    fn column_identities_settle_rows_the_row_rule_leaves_open() {
        // 一: 11 natural persons and 1 company = 12; its run `111000012` fits three ways
        // (11+1, 1+11 and 1+1+10 make 12); 二 and 四 are read, and
        // 一 + 二 = 七 + 四 picks the reading.
        let f = ReportFormat::F2019;
        let mut rows: Vec<(&'static str, RowCells)> = Vec::new();
        let read = |v: &[i64]| RowCells::Read(int(v).into_iter().map(Some).collect());
        let RowCells::Readings(r1) = row_cells(&toks("111000012"), 7, Some(t3_row_rule)) else { panic!("open") };
        assert_eq!(r1.len(), 3, "{r1:?}");
        rows.push(("t3.r1", RowCells::Readings(r1)));
        rows.push(("t3.r2", read(&[0, 0, 0, 0, 0, 0, 0])));
        rows.push(("t3.r3.s7", read(&[11, 1, 0, 0, 0, 0, 12])));
        rows.push(("t3.r4", read(&[0, 0, 0, 0, 0, 0, 0])));
        settle_t3(&mut rows, f);
        assert_eq!(rows[0].1, read(&[11, 1, 0, 0, 0, 0, 12]));
    }
}
