//! Exports of the annual report's statistical tables: printable HTML, DOCX (official
//! merged header cells), XLSX (one sheet per table, same layout), PDF (CJK fonts
//! embedded) and JSON — all from the one grid model of `core::reports::grid`.

use crate::error::AppError;
use gongkai_core::reports::Tables;
use gongkai_core::reports::grid::{self, Grid};

fn grids(t: &Tables) -> [Grid; 3] {
    [grid::table2(t), grid::table3(t), grid::table4(t)]
}

fn title(t: &Tables) -> String {
    format!("{}{}年政府信息公开工作年度报告统计表", t.org, t.year)
}

/// Escape text for HTML or XML (element content and double-quoted attributes).
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A standalone, printable HTML page.
pub fn html(t: &Tables) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"><title>{}</title>\n<style>body{{font-family:\"Noto Serif CJK SC\",serif;max-width:60rem;margin:auto}}table{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{border:1px solid #000;padding:.2rem .4rem;font-weight:normal}}td{{text-align:center}}</style></head>\n<body>\n<h1>{}</h1>\n",
        esc(&title(t)),
        esc(&title(t))
    );
    out.push_str(&tables_fragment(t));
    out.push_str("</body>\n</html>\n");
    out
}

/// The three tables as HTML (`<h2>` and `<table>` per table), for embedding in the
/// published report page.
pub fn tables_fragment(t: &Tables) -> String {
    let mut out = String::new();
    for g in grids(t) {
        out.push_str(&format!("<h2>{}</h2>\n<table>\n", esc(g.title)));
        for r in 0..g.rows {
            out.push_str("<tr>");
            for c in g.row(r) {
                let tag = if c.header { "th" } else { "td" };
                let mut attrs = String::new();
                if c.rowspan > 1 {
                    attrs.push_str(&format!(" rowspan=\"{}\"", c.rowspan));
                }
                if c.colspan > 1 {
                    attrs.push_str(&format!(" colspan=\"{}\"", c.colspan));
                }
                out.push_str(&format!("<{tag}{attrs}>{}</{tag}>", esc(&c.text)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    out
}

/// Word: each grid as a table; column spans as gridSpan, row spans as vMerge
/// restart/continue cells, as Word expects.
pub fn docx(t: &Tables) -> Result<Vec<u8>, AppError> {
    use docx_rs::{AlignmentType, Docx, Paragraph, Run, Table, TableCell, TableRow, VMergeType};
    let mut doc = Docx::new().add_paragraph(
        Paragraph::new().add_run(Run::new().add_text(title(t)).size(32).bold()).align(AlignmentType::Center),
    );
    for g in grids(t) {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(g.title).size(28).bold()));
        let mut rows = Vec::new();
        for r in 0..g.rows {
            let mut cells = Vec::new();
            let mut col = 0;
            while col < g.cols {
                let text_cell = |text: &str| {
                    Paragraph::new().add_run(Run::new().add_text(text).size(20)).align(AlignmentType::Center)
                };
                if let Some(c) = g.cells.iter().find(|c| c.row == r && c.col == col) {
                    let mut tc = TableCell::new().add_paragraph(text_cell(&c.text)).grid_span(c.colspan);
                    if c.rowspan > 1 {
                        tc = tc.vertical_merge(VMergeType::Restart);
                    }
                    cells.push(tc);
                    col += c.colspan;
                } else if let Some(c) = g.cells.iter().find(|c| c.col == col && c.row < r && r < c.row + c.rowspan) {
                    cells.push(
                        TableCell::new()
                            .add_paragraph(Paragraph::new())
                            .grid_span(c.colspan)
                            .vertical_merge(VMergeType::Continue),
                    );
                    col += c.colspan;
                } else {
                    col += 1;
                }
            }
            rows.push(TableRow::new(cells));
        }
        doc = doc.add_table(Table::new(rows));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| AppError::Internal(anyhow::anyhow!("docx: {e}")))?;
    Ok(buf.into_inner())
}

/// Excel: one sheet per table, merged ranges as in the official layout, numbers as numbers.
pub fn xlsx(t: &Tables) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    for (i, g) in grids(t).iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(["表二", "表三", "表四"][i]).map_err(err)?;
        for c in &g.cells {
            let (r0, c0) = (c.row as u32, c.col as u16);
            if c.rowspan > 1 || c.colspan > 1 {
                ws.merge_range(r0, c0, r0 + c.rowspan as u32 - 1, c0 + c.colspan as u16 - 1, &c.text, &fmt)
                    .map_err(err)?;
                if !c.header
                    && let Ok(n) = c.text.parse::<f64>()
                {
                    ws.write_number_with_format(r0, c0, n, &fmt).map_err(err)?;
                }
            } else if let (false, Ok(n)) = (c.header, c.text.parse::<f64>()) {
                ws.write_number_with_format(r0, c0, n, &fmt).map_err(err)?;
            } else {
                ws.write_string_with_format(r0, c0, &c.text, &fmt).map_err(err)?;
            }
        }
        for col in 0..g.cols as u16 {
            ws.set_column_width(col, if i == 1 && col < 3 { 18.0 } else { 10.0 }).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// PDF typeset with typst (landscape A4 for the wide table 三), fonts embedded.
pub fn pdf(t: &Tables) -> Result<Vec<u8>, AppError> {
    use gongkai_pdf::{serif_families, str_lit};
    let mut src = String::new();
    src.push_str("#set page(paper: \"a4\", flipped: true, margin: 15mm)\n");
    src.push_str(&format!("#set text(font: {}, size: 9pt, lang: \"zh\", region: \"cn\")\n", serif_families()));
    src.push_str(&format!("#align(center, text(size: 15pt, weight: \"bold\", {}))\n", str_lit(&title(t))));
    for g in grids(t) {
        src.push_str(&format!("#text(size: 12pt, weight: \"bold\", {})\n", str_lit(g.title)));
        src.push_str(&format!("#table(columns: {}, align: center + horizon,\n", g.cols));
        for r in 0..g.rows {
            for c in g.row(r) {
                src.push_str(&format!(
                    "  table.cell(rowspan: {}, colspan: {}, {}),\n",
                    c.rowspan,
                    c.colspan,
                    str_lit(&c.text)
                ));
            }
        }
        src.push_str(")\n");
    }
    gongkai_pdf::compile(&src).map_err(|e| match e {
        gongkai_pdf::PdfError::NoFonts => AppError::Conflict(e.to_string()),
        other => AppError::Internal(anyhow::anyhow!("{other}")),
    })
}
