//! `gongkai import`: reading published report pages.

use super::*;

#[derive(Subcommand)]
pub(super) enum ImportCmd {
    /// Read a published annual-report page (HTML tables or flattened text; Simplified or
    /// Traditional; with or without scraped pinyin annotations) and print its tables as JSON
    /// with the format detected, unreadable cells listed and the identity check
    Report {
        file: std::path::PathBuf,
        /// Report year, when the page title does not say
        #[arg(long)]
        year: Option<i16>,
        /// Body name, when the page title does not say
        #[arg(long)]
        org: Option<String>,
    },
}

/// `import report`: exit 0 with the JSON when every cell was read, 3 with the JSON when
/// some cells are unreadable (they are absent, never 0), 2 when the page cannot be read as
/// an annual report.
pub(super) fn import_report(file: &std::path::Path, year: Option<i16>, org: Option<&str>) -> ExitCode {
    use gongkai_core::reports::import;
    let raw = match super::report::read_bounded(file) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Clean the text first: Traditional to Simplified, scraped pinyin removed.
    let cleaned = gongkai_text::clean_legacy(&raw);
    let toks = import::tokens(&cleaned);
    let (title_year, title_org) = import::title_facts(&toks);
    let Some(year) = year.or(title_year) else {
        eprintln!("error: the page does not name its report year; pass --year");
        return ExitCode::from(2);
    };
    if let Some(why) = import::refusal(&toks, year) {
        eprintln!("error: {why}");
        return ExitCode::from(2);
    }
    let format = import::detect_format(&toks);
    let org = org.map(str::to_string).or(title_org).unwrap_or_default();
    let imported = import::read(&toks, &org, year, format);
    let check = gongkai_core::reports::check(&imported.tables, None);
    let out = serde_json::json!({
        "format": imported.tables.format,
        "org": imported.tables.org,
        "year": imported.tables.year,
        "cells": imported.tables.cells,
        "unreadable": imported.unreadable,
        "ambiguous": imported.ambiguous,
        "warnings": imported.warnings,
        "verdict": check.verdict(),
        "check": check,
    });
    match serde_json::to_string_pretty(&out) {
        Ok(json) => {
            println!("{json}");
            for w in &imported.warnings {
                eprintln!("warning: {w}");
            }
            if !imported.ambiguous.is_empty() {
                eprintln!(
                    "warning: {} rows ran their digits together with more than one reading that fits (listed under \"ambiguous\")",
                    imported.ambiguous.len()
                );
            }
            if imported.unreadable.is_empty() {
                ExitCode::SUCCESS
            } else {
                eprintln!("warning: {} cells could not be read (absent, not 0)", imported.unreadable.len());
                ExitCode::from(3)
            }
        }
        Err(e) => {
            eprintln!("error: cannot write the result: {e}");
            ExitCode::FAILURE
        }
    }
}
