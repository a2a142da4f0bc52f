//! Letters to applicants: values from the application's records, the organisation's
//! template, and the three output forms (printable HTML, DOCX, PDF).

use crate::error::AppError;
use crate::state::AppState;
use gongkai_core::applications::letters::{Letter, LetterKind, outcome_statement, render};
use gongkai_core::applications::{Case, Event};
use gongkai_store::applications::{self as store, Application};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// `2024年9月27日`, as dates are written in official documents.
pub fn cn_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn cn(s: Option<&str>) -> String {
    s.and_then(|d| d.parse::<Date>().ok()).map(cn_date).unwrap_or_default()
}

/// Render `kind` for an application, or 404 when the application has no such letter yet
/// (no reply, no correction notice …).
pub async fn letter_for(state: &AppState, a: &Application, kind: LetterKind) -> Result<Letter, AppError> {
    let org = gongkai_store::orgs::get(&state.db, a.org_id).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let s = crate::applications::ops::settings();
    let case: Case = store::case(&state.db, a.id, &s, &cal).await?;
    let events: Vec<Event> = store::events(&state.db, a.id).await?.into_iter().map(|r| r.event).collect();
    // A date counted through a year without a loaded holiday notice says so in the letter.
    let provisional = |d: jiff::civil::Date, marked: bool| {
        if marked {
            format!("{}（暂定，以国务院办公厅公布的节假日安排为准）", cn_date(d))
        } else {
            cn_date(d)
        }
    };
    let cal_err = |e: gongkai_core::calendar::CalendarError| AppError::BadRequest(e.message_zh());
    let correction_due = match events.iter().find_map(|e| match e {
        Event::CorrectionRequested { on, period_wd, .. } => Some((*on, *period_wd)),
        _ => None,
    }) {
        Some((on, n)) => {
            let last = cal.add_working_days(on, n).map_err(cal_err)?;
            provisional(last, cal.provisional_year_in(on, last).is_some())
        }
        None => String::new(),
    };
    let new_due = match case.due(&s, &cal).map_err(cal_err)? {
        Some(d) => provisional(d, case.due_provisional(&s, &cal).map_err(cal_err)?.is_some()),
        None => String::new(),
    };
    let mut v: BTreeMap<&str, String> = BTreeMap::new();
    v.insert("申请人", a.applicant_name.clone());
    v.insert("受理编号", a.serial.clone());
    v.insert("收到日期", cn(a.received_on.as_deref().or(Some(a.submitted_on.as_str()))));
    v.insert("所需信息", a.info_title.clone());
    v.insert("机关名称", org.name.clone());
    let date = match kind {
        LetterKind::Reply => events.iter().find_map(|e| match e {
            Event::Replied { on, outcome, summary } => {
                v.insert("答复结果", outcome.label().to_string());
                v.insert("答复说明", outcome_statement(*outcome).to_string());
                v.insert("答复要点", summary.clone());
                v.insert("法律依据", outcome.legal_basis().to_string());
                Some(*on)
            }
            _ => None,
        }),
        LetterKind::Correction => events.iter().find_map(|e| match e {
            Event::CorrectionRequested { on, items, .. } => {
                v.insert("补正事项", items.clone());
                v.insert("补正期限", correction_due.clone());
                Some(*on)
            }
            _ => None,
        }),
        LetterKind::Extension => events.iter().find_map(|e| match e {
            Event::ExtensionApproved { on, days, reason, .. } => {
                v.insert("延长天数", days.to_string());
                v.insert("延期理由", reason.clone());
                v.insert("新期限", new_due.clone());
                Some(*on)
            }
            _ => None,
        }),
        LetterKind::Consultation => events.iter().rev().find_map(|e| match e {
            Event::ConsultationOpened { on, with, .. } => {
                v.insert("征求对象", with.clone());
                Some(*on)
            }
            _ => None,
        }),
        LetterKind::Fee => events.iter().find_map(|e| match e {
            Event::FeeNoticed { on, basis, amount_yuan } => {
                v.insert("计收方式", basis.describe());
                v.insert("收费金额", amount_yuan.to_string());
                Some(*on)
            }
            _ => None,
        }),
    };
    let Some(date) = date else { return Err(AppError::NotFound) };
    v.insert("日期", cn_date(date));
    let template = gongkai_store::applications::letters::template(&state.db, a.org_id, kind).await?;
    // A stored template was validated on save; fall back to the default if a placeholder
    // has no value for this letter (e.g. a reply placeholder in a fee notice).
    render(kind, &template, &v).or_else(|_| render(kind, kind.default_template(), &v)).map_err(AppError::from)
}

/// The letter as a Word document: title centred in a heading size, body paragraphs with a
/// two-character first-line indent, signature and date right-aligned (GB/T 9704 habits;
/// font names can be replaced by the agency's licensed 公文 fonts).
pub fn docx(l: &Letter) -> Result<Vec<u8>, AppError> {
    use docx_rs::{AlignmentType, Docx, LineSpacing, Paragraph, Run, RunFonts, SpecialIndentType};
    let body_font = RunFonts::new().east_asia("FangSong").ascii("FangSong");
    let title_font = RunFonts::new().east_asia("SimSun").ascii("SimSun");
    let mut doc = Docx::new().add_paragraph(
        Paragraph::new()
            .add_run(Run::new().add_text(&l.title).size(44).bold().fonts(title_font))
            .align(AlignmentType::Center),
    );
    doc = doc
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(&l.serial).size(28)).align(AlignmentType::Right));
    for (i, p) in l.paragraphs.iter().enumerate() {
        let mut para = Paragraph::new()
            .add_run(Run::new().add_text(p).size(32).fonts(body_font.clone()))
            .line_spacing(LineSpacing::new().line(560));
        if i > 0 {
            para = para.indent(None, Some(SpecialIndentType::FirstLine(640)), None, None);
        }
        doc = doc.add_paragraph(para);
    }
    for line in [&l.org_name, &l.date] {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(line).size(32).fonts(body_font.clone()))
                .align(AlignmentType::Right),
        );
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| AppError::Internal(anyhow::anyhow!("docx: {e}")))?;
    Ok(buf.into_inner())
}

/// The letter as PDF, typeset with typst on A4 with 公文-like margins and the system's
/// Chinese fonts (embedded). User text enters only as string literals, never as markup.
pub fn pdf(l: &Letter) -> Result<Vec<u8>, AppError> {
    use gongkai_pdf::{serif_families, str_lit};
    let mut src = String::new();
    src.push_str("#set page(paper: \"a4\", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm))\n");
    src.push_str(&format!("#set text(font: {}, size: 15pt, lang: \"zh\", region: \"cn\")\n", serif_families()));
    src.push_str(
        "#set par(justify: true, leading: 0.9em, spacing: 0.9em, first-line-indent: (amount: 2em, all: true))\n",
    );
    src.push_str(&format!(
        "#align(center, text(size: 20pt, weight: \"bold\", {}))\n",
        str_lit(&format!("{}\n{}", l.org_name, l.title))
    ));
    src.push_str(&format!("#align(right, text({}))\n", str_lit(&l.serial)));
    for (i, p) in l.paragraphs.iter().enumerate() {
        let indent = if i == 0 { "0em" } else { "2em" };
        src.push_str(&format!("#par(first-line-indent: (amount: {indent}, all: true), {})\n", str_lit(p)));
    }
    src.push_str(&format!("#v(2em)\n#align(right, {})\n", str_lit(&format!("{}\n{}", l.org_name, l.date))));
    gongkai_pdf::compile(&src).map_err(|e| match e {
        gongkai_pdf::PdfError::NoFonts => AppError::Conflict(e.to_string()),
        other => AppError::Internal(anyhow::anyhow!("{other}")),
    })
}
