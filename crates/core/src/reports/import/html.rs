//! An HTML page as a token stream: text outside tables split at whitespace, every data
//! table laid out on its grid (rowspan and colspan honoured) and read row by row, one
//! token per cell.
//!
//! Published report pages are mostly Word exports and CMS templates: cells wrap their text
//! in `<p>`/`<span>` (a label can be split over several spans), blank cells are `&nbsp;` or
//! empty, merged cells carry rowspan/colspan, tags are often left unclosed, and the whole
//! article may sit inside a layout table. The reader is lenient the way browsers are: a new
//! cell closes the open one, a new row closes the open cell and row.

use super::BLANK;

/// Largest span honoured; larger values (typos such as `rowspan="2000"`) are clipped.
const MAX_SPAN: usize = 64;

#[derive(Debug, Clone)]
struct RawCell {
    /// The cell's text as found, tags as spaces (block tags) or nothing (inline tags).
    raw: String,
    /// The cell as one token, set when it closes.
    text: String,
    rowspan: usize,
    colspan: usize,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Vec<RawCell>>,
    row: Option<Vec<RawCell>>,
    cell: Option<RawCell>,
    /// A table that holds another table is layout, not data: its cells pass through as text.
    layout: bool,
}

impl Table {
    fn close_cell(&mut self) {
        if let Some(mut c) = self.cell.take() {
            c.text = cell_text(&c.raw);
            self.row.get_or_insert_with(Vec::new).push(c);
        }
    }
    fn close_row(&mut self) {
        self.close_cell();
        if let Some(r) = self.row.take() {
            self.rows.push(r);
        }
    }
}

/// Whether a cell's text is a row label (as opposed to a value, a blank or a smudge).
fn is_label(text: &str) -> bool {
    super::is_label(text)
}

/// The tokens of a laid-out table, row by row. A blank cell gives one [`BLANK`] per column
/// it spans; a value spanning columns is one value. Rows covered by a cell from above get
/// a [`BLANK`] per covered column unless the cell is a label (a group label spanning its
/// rows says nothing about their values).
fn grid_tokens(rows: &[Vec<RawCell>], out: &mut Vec<String>) {
    type Slot = (usize, usize, usize, usize);
    // slots[r][c] = the cell covering it: its row, its index in that row, and how far
    // below and right of its origin this slot is.
    let mut slots: Vec<Vec<Option<Slot>>> = vec![Vec::new(); rows.len()];
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        for (k, cell) in row.iter().enumerate() {
            while slots[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            for dr in 0..cell.rowspan {
                let Some(line) = slots.get_mut(r + dr) else { break };
                for dc in 0..cell.colspan {
                    if line.len() <= c + dc {
                        line.resize(c + dc + 1, None);
                    }
                    line[c + dc] = Some((r, k, dr, dc));
                }
            }
            c += cell.colspan;
        }
    }
    for line in &slots {
        for (r, k, dr, dc) in line.iter().flatten().copied() {
            let cell = &rows[r][k];
            let blank = cell.text.is_empty();
            if dr == 0 && dc == 0 {
                out.push(if blank { BLANK.to_string() } else { cell.text.clone() });
            } else if blank || (dr > 0 && !is_label(&cell.text)) {
                out.push(BLANK.to_string());
            }
        }
    }
}

/// Decode the character references that occur in report pages.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "ldquo" => '“',
                "rdquo" => '”',
                "mdash" => '—',
                _ => {
                    let n = if let Some(h) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    n.and_then(char::from_u32)?
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of attribute `name` in a tag's text (`td rowspan="3" style=…`), as a span.
fn span_attr(tag: &str, name: &str) -> usize {
    let Some(at) = tag.find(name) else { return 1 };
    let rest = tag[at + name.len()..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else { return 1 };
    let digits: String =
        rest.trim_start().trim_start_matches(['"', '\'']).chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<usize>().ok().filter(|n| *n >= 1).unwrap_or(1).min(MAX_SPAN)
}

fn split_text(text: &str, out: &mut Vec<String>) {
    out.extend(
        text.split(|c: char| c.is_whitespace() || matches!(c, '|' | '｜'))
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    );
}

/// A cell's text: everything inside it joined, whitespace (including full-width spaces
/// and `&nbsp;`) removed, so a label split over spans or lines is one token.
fn cell_text(raw: &str) -> String {
    decode(raw).chars().filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}' | '\u{feff}')).collect()
}

/// The page's tokens in reading order.
pub(super) fn tokens(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    // Text outside any cell of a data table, waiting to be split.
    let mut loose = String::new();
    let mut i = 0;
    let flush_loose = |loose: &mut String, out: &mut Vec<String>| {
        split_text(&decode(loose), out);
        loose.clear();
    };
    while i < html.len() {
        let Some(lt) = html[i..].find('<').map(|k| i + k) else {
            push_text(&mut tables, &mut loose, &html[i..]);
            break;
        };
        push_text(&mut tables, &mut loose, &html[i..lt]);
        let rest = &lower[lt..];
        // Comments (Word pages carry long conditional comments) and skipped elements.
        let skip_to = if rest.starts_with("<!--") {
            Some("-->")
        } else if rest.starts_with("<script") {
            Some("</script>")
        } else if rest.starts_with("<style") {
            Some("</style>")
        } else {
            None
        };
        if let Some(end) = skip_to {
            // Offsets in `lower` are those of `html` (ASCII lower-casing keeps lengths), and
            // the end marker is ASCII, so this lands on a character boundary.
            i = lower[lt..].find(end).map_or(html.len(), |k| lt + k + end.len());
            continue;
        }
        let gt = lower[lt..].find('>').map_or(html.len(), |k| lt + k + 1);
        let tag = &lower[lt + 1..gt.saturating_sub(1).max(lt + 1)];
        i = gt;
        let (closing, tag) = match tag.strip_prefix('/') {
            Some(t) => (true, t),
            None => (false, tag),
        };
        let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect();
        match (closing, name.as_str()) {
            (false, "table") => {
                if let Some(outer) = tables.last_mut()
                    && !outer.layout
                {
                    // The outer table is layout: what it holds so far is text.
                    outer.close_row();
                    for row in outer.rows.drain(..) {
                        for c in row {
                            loose.push(' ');
                            loose.push_str(&c.raw);
                        }
                    }
                    outer.layout = true;
                }
                flush_loose(&mut loose, &mut out);
                tables.push(Table::default());
            }
            (true, "table") => {
                if let Some(mut t) = tables.pop() {
                    t.close_row();
                    if t.layout {
                        flush_loose(&mut loose, &mut out);
                    } else {
                        grid_tokens(&t.rows, &mut out);
                    }
                }
            }
            (false, "tr") | (true, "tr") => {
                if let Some(t) = tables.last_mut().filter(|t| !t.layout) {
                    t.close_row();
                } else {
                    loose.push(' ');
                }
            }
            (false, "td" | "th") => match tables.last_mut().filter(|t| !t.layout) {
                Some(t) => {
                    t.close_cell();
                    t.cell = Some(RawCell {
                        raw: String::new(),
                        text: String::new(),
                        rowspan: span_attr(tag, "rowspan"),
                        colspan: span_attr(tag, "colspan"),
                    });
                }
                None => loose.push(' '),
            },
            (true, "td" | "th") => match tables.last_mut().filter(|t| !t.layout) {
                Some(t) => t.close_cell(),
                None => loose.push(' '),
            },
            // Inline elements do not separate words: `<span>（一）予以</span><span>公开</span>`.
            (_, "span" | "font" | "b" | "strong" | "i" | "em" | "u" | "a" | "sub" | "sup" | "o") => {}
            _ => push_text(&mut tables, &mut loose, " "),
        }
    }
    // Unclosed tables at the end of the page.
    while let Some(mut t) = tables.pop() {
        t.close_row();
        if t.layout {
            flush_loose(&mut loose, &mut out);
        } else {
            grid_tokens(&t.rows, &mut out);
        }
    }
    flush_loose(&mut loose, &mut out);
    out.retain(|t| !t.is_empty());
    out
}

/// Text goes to the open cell of a data table, or else to the loose text.
fn push_text(tables: &mut [Table], loose: &mut String, text: &str) {
    match tables.last_mut().filter(|t| !t.layout) {
        // Text between cells (stray whitespace, a caption) is not a cell.
        Some(t) => {
            if let Some(c) = &mut t.cell {
                c.raw.push_str(text);
            }
        }
        None => loose.push_str(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_cells_are_laid_out_on_the_grid() {
        let page = r#"<table>
            <tr><td rowspan="3">三、本年度办理结果</td><td colspan="2"><p><span>（一）予以</span><span>公开</span></p></td><td>4</td><td colspan="2">&nbsp;</td><td>4</td></tr>
            <tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>0</td><td>0<td>0</td><td>0</td>
            <tr><td>2.其他法律行政法规禁止公开</td><td rowspan=2>7</td><td>&#160;</td><td>1</td><td>8</td></tr>
            <tr><td colspan=3>（四）无法提供</td><td>x</td><td>1</td><td>8</td></tr>
        </table>"#;
        let t = tokens(page);
        assert_eq!(
            t,
            [
                "三、本年度办理结果",
                "（一）予以公开",
                "4",
                BLANK,
                BLANK,
                "4",
                "（三）不予公开",
                "1.属于国家秘密",
                "0",
                "0",
                "0",
                "0",
                "2.其他法律行政法规禁止公开",
                "7",
                BLANK,
                "1",
                "8",
                "（四）无法提供",
                BLANK,
                "x",
                "1",
                "8"
            ],
            "a blank spanning two columns is two blanks, a value spanning two rows is unreadable in the second"
        );
    }

    #[test]
    fn layout_tables_pass_their_text_through() {
        let page = "<table><tr><td><h1>某局2023年度政府信息公开工作年度报告</h1><p>一、总体 情况</p>\
            <table><tr><td>规章</td><td>1</td></tr></table><p>结语</p></td></tr></table>";
        assert_eq!(tokens(page), ["某局2023年度政府信息公开工作年度报告", "一、总体", "情况", "规章", "1", "结语"]);
    }

    #[test]
    fn comments_entities_and_spans() {
        assert_eq!(decode("a&nbsp;b&amp;c&#x41;&#66;&bogus"), "a b&cAB&bogus");
        assert_eq!(span_attr("td rowspan=\"22\" style", "rowspan"), 22);
        assert_eq!(span_attr("td colspan='0'", "colspan"), 1);
        assert_eq!(span_attr("td colspan=9999", "colspan"), MAX_SPAN);
        assert_eq!(tokens("<!--[if gte mso 9]><xml>表</xml><![endif]--><p>甲</p>乙"), ["甲", "乙"]);
    }
}
