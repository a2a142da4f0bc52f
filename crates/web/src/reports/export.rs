//! Exports of the annual report as a whole (core's `document`: the narrative sections with
//! the statistical tables in their places): printable HTML, DOCX (official merged header
//! cells), XLSX (the report on one sheet, then one sheet per table), PDF (CJK fonts
//! embedded) — the tables all from the one grid model of `core::reports::grid`.

use crate::error::AppError;
use crate::http::escape::esc;
use gongkai_core::reports::document::{Block, Document};
use gongkai_core::reports::grid::Grid;

/// A standalone, printable HTML page.
pub fn html(d: &Document) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"><title>{}</title>\n<style>body{{font-family:\"Noto Serif CJK SC\",serif;max-width:60rem;margin:auto;line-height:1.7}}p{{text-indent:2em}}table{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{border:1px solid #000;padding:.2rem .4rem;font-weight:normal}}td{{text-align:center}}</style></head>\n<body>\n<h1>{}</h1>\n",
        esc(&d.title),
        esc(&d.title)
    );
    out.push_str(&fragment(d));
    out.push_str("</body>\n</html>\n");
    out
}

/// The document's body as HTML (headings, paragraphs, tables), for embedding in the
/// published report page and the console preview.
pub fn fragment(d: &Document) -> String {
    let mut out = String::new();
    for b in &d.blocks {
        match b {
            Block::Heading(h) => out.push_str(&format!("<h2>{}</h2>\n", esc(h))),
            Block::Paragraph(p) => out.push_str(&format!("<p>{}</p>\n", esc(p))),
            Block::Table(g) => out.push_str(&table_html(g)),
        }
    }
    out
}

/// One grid as `<h2>` and a `<table>` in a box that scrolls on narrow screens.
fn table_html(g: &Grid) -> String {
    let mut out = format!(
        "<h2>{}</h2>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n<table class=\"report-table\">\n",
        esc(g.title),
        esc(g.title)
    );
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
    out.push_str("</table>\n</div>\n");
    out
}

/// Word: each grid as a table; column spans as gridSpan, row spans as vMerge
/// restart/continue cells, as Word expects.
pub fn docx(d: &Document) -> Result<Vec<u8>, AppError> {
    use docx_rs::{AlignmentType, Docx, Paragraph, Run, Table, TableCell, TableRow, VMergeType};
    let mut doc = Docx::new().add_paragraph(
        Paragraph::new().add_run(Run::new().add_text(&d.title).size(32).bold()).align(AlignmentType::Center),
    );
    for b in &d.blocks {
        let g = match b {
            Block::Heading(h) => {
                doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(h).size(28).bold()));
                continue;
            }
            Block::Paragraph(p) => {
                // 公文 body text: first line indented by two characters (四号, 14 pt).
                doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(p).size(28)).indent(
                    None,
                    Some(docx_rs::SpecialIndentType::FirstLine(560)),
                    None,
                    None,
                ));
                continue;
            }
            Block::Table(g) => g,
        };
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

/// Excel: the whole report on the first sheet (sections, then each table in its place),
/// then one sheet per table with merged ranges as in the official layout, numbers as numbers.
pub fn xlsx(d: &Document) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let write_grid = |ws: &mut Worksheet, g: &Grid, top: u32| -> Result<(), AppError> {
        for c in &g.cells {
            let (r0, c0) = (top + c.row as u32, c.col as u16);
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
        Ok(())
    };
    let width = d.grids().map(|g| g.cols).max().unwrap_or(1).max(1) as u16;
    {
        let ws = wb.add_worksheet();
        ws.set_name("年度报告").map_err(err)?;
        let title = Format::new().set_bold().set_font_size(15).set_align(FormatAlign::Center);
        let head = Format::new().set_bold().set_font_size(12);
        let para = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        ws.merge_range(0, 0, 0, width - 1, &d.title, &title).map_err(err)?;
        let mut row = 2u32;
        for b in &d.blocks {
            match b {
                Block::Heading(h) => {
                    ws.write_string_with_format(row, 0, h, &head).map_err(err)?;
                    row += 1;
                }
                Block::Paragraph(p) => {
                    ws.merge_range(row, 0, row, width - 1, p, &para).map_err(err)?;
                    // Roughly one line per 60 characters across the merged width.
                    let lines = (p.chars().count() / 60 + 1) as f64;
                    ws.set_row_height(row, 15.0 * lines).map_err(err)?;
                    row += 1;
                }
                Block::Table(g) => {
                    ws.write_string_with_format(row, 0, g.title, &head).map_err(err)?;
                    write_grid(ws, g, row + 1)?;
                    row += g.rows as u32 + 2;
                }
            }
        }
        for col in 0..width {
            ws.set_column_width(col, 10.0).map_err(err)?;
        }
    }
    for g in d.grids() {
        let ws = wb.add_worksheet();
        // Titles start with the table's number: 二、… → sheet 表二.
        ws.set_name(format!("表{}", g.title.chars().next().unwrap_or('？'))).map_err(err)?;
        write_grid(ws, g, 0)?;
        for col in 0..g.cols as u16 {
            ws.set_column_width(col, if g.cols == 10 && col < 3 { 18.0 } else { 10.0 }).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// PDF typeset with typst (landscape A4 for the wide table 三), fonts embedded.
pub fn pdf(d: &Document) -> Result<Vec<u8>, AppError> {
    use gongkai_pdf::{serif_families, str_lit};
    let mut src = String::new();
    src.push_str("#set page(paper: \"a4\", flipped: true, margin: 15mm)\n");
    src.push_str(&format!("#set text(font: {}, size: 9pt, lang: \"zh\", region: \"cn\")\n", serif_families()));
    src.push_str("#set par(first-line-indent: (amount: 2em, all: true), leading: 0.9em)\n");
    src.push_str(&format!("#align(center, text(size: 15pt, weight: \"bold\", {}))\n", str_lit(&d.title)));
    for b in &d.blocks {
        let g = match b {
            Block::Heading(h) => {
                src.push_str(&format!("#text(size: 12pt, weight: \"bold\", {})\n\n", str_lit(h)));
                continue;
            }
            Block::Paragraph(p) => {
                src.push_str(&format!("#par(text(size: 11pt, {}))\n", str_lit(p)));
                continue;
            }
            Block::Table(g) => g,
        };
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
