//! The tables as grids of cells with their merges, as printed in the official format:
//! the one model behind the HTML, DOCX, XLSX and PDF exports.

use super::layout::{T3_COLUMNS, T4_COLUMNS, t2_blocks, t3_rows};
use super::tables::Tables;

/// One cell; cells covered by another's span are simply absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub text: String,
    pub header: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub title: &'static str,
    pub rows: usize,
    pub cols: usize,
    pub cells: Vec<Cell>,
}

impl Grid {
    fn new(title: &'static str, rows: usize, cols: usize) -> Self {
        Self { title, rows, cols, cells: vec![] }
    }
    fn put(&mut self, row: usize, col: usize, rowspan: usize, colspan: usize, text: impl Into<String>, header: bool) {
        self.cells.push(Cell { row, col, rowspan, colspan, text: text.into(), header });
    }
    /// Cells of row `r`, in column order.
    pub fn row(&self, r: usize) -> Vec<&Cell> {
        let mut v: Vec<&Cell> = self.cells.iter().filter(|c| c.row == r).collect();
        v.sort_by_key(|c| c.col);
        v
    }
}

/// Table 二 (主动公开政府信息情况): per block a title row, a header row, the value rows.
pub fn table2(t: &Tables) -> Grid {
    let blocks = t2_blocks(t.format);
    let cols = 1 + blocks.iter().map(|b| b.columns.len()).max().unwrap_or(1);
    let rows: usize = blocks.iter().map(|b| 2 + b.rows.len()).sum();
    let mut g = Grid::new("二、主动公开政府信息情况", rows, cols);
    let mut r = 0;
    for b in blocks {
        g.put(r, 0, 1, cols, b.label, true);
        r += 1;
        g.put(r, 0, 1, 1, "信息内容", true);
        let span = |i: usize| if i + 1 == b.columns.len() { cols - 1 - i } else { 1 };
        for (i, (_, label)) in b.columns.iter().enumerate() {
            g.put(r, 1 + i, 1, span(i), *label, true);
        }
        r += 1;
        for (rc, rl) in b.rows {
            g.put(r, 0, 1, 1, *rl, true);
            for (i, (cc, _)) in b.columns.iter().enumerate() {
                let v =
                    t.cells.get(&format!("{}.{rc}:{cc}", b.code)).map(|v| v.to_string()).unwrap_or_else(|| "0".into());
                g.put(r, 1 + i, 1, span(i), v, false);
            }
            r += 1;
        }
    }
    g
}

/// Table 三 with its three header rows and the merged label columns.
pub fn table3(t: &Tables) -> Grid {
    let rows = t3_rows(t.format);
    let value_rows: Vec<_> = rows.iter().filter(|r| r.values).collect();
    let mut g = Grid::new("三、收到和处理政府信息公开申请情况", 3 + value_rows.len(), 3 + 7);
    g.put(0, 0, 3, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", true);
    g.put(0, 3, 1, 7, "申请人情况", true);
    g.put(1, 3, 2, 1, "自然人", true);
    g.put(1, 4, 1, 5, "法人或其他组织", true);
    g.put(1, 9, 2, 1, "总计", true);
    for (i, (_, label)) in T3_COLUMNS[1..6].iter().enumerate() {
        g.put(2, 4 + i, 1, 1, *label, true);
    }
    let result_rows = value_rows.iter().filter(|r| r.code.starts_with("t3.r3.")).count();
    let mut r = 3;
    let mut i = 0;
    while i < rows.len() {
        let row = rows[i];
        match row.code {
            "t3.r3" => {
                g.put(r, 0, result_rows, 1, row.label, true);
                i += 1;
                continue;
            }
            code if !row.values => {
                // A group label (（三）…): spans its numbered items in the second column.
                let items = rows[i + 1..].iter().take_while(|x| x.code.starts_with(&format!("{code}."))).count();
                g.put(r, 1, items, 1, row.label, true);
                for item in &rows[i + 1..i + 1 + items] {
                    g.put(r, 2, 1, 1, item.label, true);
                    values(&mut g, t, r, item.code);
                    r += 1;
                }
                i += 1 + items;
                continue;
            }
            code if code.starts_with("t3.r3.") => g.put(r, 1, 1, 2, row.label, true),
            _ => g.put(r, 0, 1, 3, row.label, true),
        }
        values(&mut g, t, r, row.code);
        r += 1;
        i += 1;
    }
    g
}

fn values(g: &mut Grid, t: &Tables, r: usize, code: &str) {
    for (j, (c, _)) in T3_COLUMNS.iter().enumerate() {
        g.put(r, 3 + j, 1, 1, t.get(&format!("{code}:{c}")).to_string(), false);
    }
}

/// Table 四: two header rows for 行政复议, three for 行政诉讼, one value row.
pub fn table4(t: &Tables) -> Grid {
    let mut g = Grid::new("四、政府信息公开行政复议、行政诉讼情况", 4, 15);
    g.put(0, 0, 2, 5, "行政复议", true);
    g.put(0, 5, 1, 10, "行政诉讼", true);
    g.put(1, 5, 1, 5, "未经复议直接起诉", true);
    g.put(1, 10, 1, 5, "复议后起诉", true);
    for (j, (c, _, label)) in T4_COLUMNS.iter().enumerate() {
        g.put(2, j, 1, 1, *label, true);
        g.put(3, j, 1, 1, t.get(&format!("t4:{c}")).to_string(), false);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::ReportFormat;

    /// Every grid position is covered exactly once.
    fn assert_tiled(g: &Grid) {
        let mut seen = vec![vec![0u8; g.cols]; g.rows];
        for c in &g.cells {
            for r in c.row..c.row + c.rowspan {
                for k in c.col..c.col + c.colspan {
                    seen[r][k] += 1;
                }
            }
        }
        for (r, row) in seen.iter().enumerate() {
            assert!(row.iter().all(|&n| n == 1), "{}: row {r} coverage {row:?}", g.title);
        }
    }

    #[test]
    fn grids_tile_exactly_in_both_formats() {
        for f in [ReportFormat::F2019, ReportFormat::F2021] {
            let t = Tables::empty(f, "x", 2021);
            let t3 = table3(&t);
            assert_eq!(t3.rows, 3 + if f == ReportFormat::F2019 { 23 } else { 25 });
            assert_tiled(&t3);
            assert_tiled(&table4(&t));
            assert_tiled(&table2(&t));
            let label = t3.cells.iter().find(|c| c.text == "三、本年度办理结果").unwrap();
            assert_eq!(label.rowspan, if f == ReportFormat::F2019 { 20 } else { 22 });
        }
    }
}
