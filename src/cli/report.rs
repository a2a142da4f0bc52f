//! `gongkai report`: tables computed from records, checks of tables files, exports of the whole report.

use super::*;

#[derive(Subcommand)]
pub(super) enum ReportCmd {
    /// Print the tables of one body and year (computed from its records)
    Tables {
        /// Organisation: short code or exact Chinese name
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: i16,
        /// Print JSON: {"format","org","year","cells":{"t3.r1:c1":12,…}}
        #[arg(long)]
        json: bool,
    },
    /// Export the tables of one body and year: html | docx | xlsx | pdf | json
    Export {
        #[arg(long)]
        org: String,
        #[arg(long)]
        year: i16,
        /// html, docx, xlsx, pdf or json
        #[arg(long)]
        to: String,
        /// Output file
        #[arg(short = 'o', long = "output")]
        output: std::path::PathBuf,
    },
    /// Check a tables JSON file: exit 0 when every hard identity holds, 1 otherwise (one line
    /// per failure); warnings go to stderr and do not fail
    Check {
        file: std::path::PathBuf,
        /// Last year's tables of the same body, for the carry-over warning (I4)
        #[arg(long)]
        previous: Option<std::path::PathBuf>,
    },
}

/// The tables of one body and year, computed from its records.
pub(super) async fn computed_tables(
    dbargs: &DbArgs,
    org: &str,
    year: i16,
) -> anyhow::Result<gongkai_core::reports::Tables> {
    if !(2019..=2100).contains(&year) {
        bail!("year {year}: the 2019 regulation's reports start with 2019");
    }
    let db = open(dbargs, false).await?;
    let o =
        orgs::find(&db, org).await.map_err(|_| anyhow::anyhow!("no organisation with short code or name '{org}'"))?;
    Ok(gongkai_store::reports::tables(&db, o.id, year).await?)
}

pub(super) async fn report_export(
    dbargs: &DbArgs,
    org: &str,
    year: i16,
    to: &str,
    output: &std::path::Path,
) -> anyhow::Result<()> {
    use gongkai_web::reports::export as x;
    let t = computed_tables(dbargs, org, year).await?;
    let db = open(dbargs, false).await?;
    let o =
        orgs::find(&db, org).await.map_err(|_| anyhow::anyhow!("no organisation with short code or name '{org}'"))?;
    // The whole report: the narrative as stored (sections not yet written say so).
    let (d, _) = gongkai_web::reports::annual::current_document(&db, o.id, year)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    let bytes = match to {
        "html" => x::html(&d).into_bytes(),
        "json" => serde_json::to_vec_pretty(&t)?,
        "docx" => x::docx(&d).map_err(|e| anyhow::anyhow!("{}", e.message()))?,
        "xlsx" => x::xlsx(&d).map_err(|e| anyhow::anyhow!("{}", e.message()))?,
        "pdf" => x::pdf(&d).map_err(|e| anyhow::anyhow!("{}", e.message()))?,
        other => bail!("unknown export format '{other}': use html, docx, xlsx, pdf or json"),
    };
    std::fs::write(output, bytes).with_context(|| format!("writing {}", output.display()))?;
    let what = if to == "json" { "tables" } else { "report" };
    println!("{} {year} {what} written to {} ({to})", t.org, output.display());
    Ok(())
}

/// The statistical tables of one body and year, from its records.
pub(super) async fn report_tables(dbargs: &DbArgs, org: &str, year: i16, json: bool) -> anyhow::Result<()> {
    use gongkai_core::reports::layout;
    let t = computed_tables(dbargs, org, year).await?;
    let format = t.format;
    if json {
        println!("{}", serde_json::to_string_pretty(&t)?);
        return Ok(());
    }
    println!("{} {year}年政府信息公开工作年度报告统计表（{:?}）", t.org, format);
    println!("三、收到和处理政府信息公开申请情况");
    let cols: Vec<&str> = layout::T3_COLUMNS.iter().map(|c| c.1).collect();
    println!("{:<40}\t{}", "", cols.join("\t"));
    for r in layout::t3_rows(format) {
        if r.values {
            let v: Vec<String> =
                layout::T3_COLUMNS.iter().map(|(c, _)| t.get(&format!("{}:{c}", r.code)).to_string()).collect();
            println!("{:<40}\t{}", r.label, v.join("\t"));
        } else {
            println!("{}", r.label);
        }
    }
    println!("四、政府信息公开行政复议、行政诉讼情况");
    let v: Vec<String> =
        layout::T4_COLUMNS.iter().map(|(c, g, l)| format!("{g}{l}={}", t.get(&format!("t4:{c}")))).collect();
    println!("{}", v.join("  "));
    Ok(())
}

/// Largest page or tables file read (a real report page is well under 2 MB).
const MAX_INPUT: u64 = 20 * 1024 * 1024;

/// Read at most [`MAX_INPUT`] bytes of `path`; a longer input is refused, not truncated.
pub(super) fn read_bounded(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut buf = Vec::new();
    f.take(MAX_INPUT + 1).read_to_end(&mut buf).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if buf.len() as u64 > MAX_INPUT {
        return Err(format!("{} is larger than {} MB", path.display(), MAX_INPUT / 1024 / 1024));
    }
    Ok(buf)
}

pub(super) fn read_tables(path: &std::path::Path) -> Result<gongkai_core::reports::Tables, String> {
    let bytes = read_bounded(path)?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))?;
    let raw: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    if !raw.is_object() {
        return Err(format!(
            "{}: not a tables file (expected a JSON object {{\"format\",\"year\",\"cells\"}})",
            path.display()
        ));
    }
    // The format may be omitted: it follows from the report year.
    let mut raw = raw;
    if raw.get("format").is_none()
        && let Some(y) = raw.get("year").and_then(|y| y.as_i64())
    {
        let f = if y <= 2020 { "F2019" } else { "F2021" };
        raw["format"] = serde_json::Value::String(f.into());
    }
    if raw.get("org").is_none() {
        raw["org"] = serde_json::Value::String(String::new());
    }
    serde_json::from_value(raw)
        .map_err(|e| format!("{}: not a tables file ({{\"format\",\"year\",\"cells\"}}): {e}", path.display()))
}

/// `report check`: exit 0 when every hard identity holds, 1 when one fails, 3 when cells
/// are missing (inconclusive, never "ok"), 2 on bad input.
pub(super) fn report_check(file: &std::path::Path, previous: Option<&std::path::Path>) -> ExitCode {
    let t = match read_tables(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let prev = match previous.map(read_tables).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let r = gongkai_core::reports::check(&t, prev.as_ref());
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    for f in &r.failures {
        println!("{f}");
    }
    match r.verdict() {
        gongkai_core::reports::Verdict::Holds => {
            println!("ok: {} {} {:?} — all identities hold", t.org, t.year, t.format);
            ExitCode::SUCCESS
        }
        gongkai_core::reports::Verdict::Fails => ExitCode::from(1),
        gongkai_core::reports::Verdict::Inconclusive => {
            for f in &r.inconclusive {
                println!("undecided (missing cells): {f}");
            }
            println!(
                "inconclusive: {} cells missing (e.g. {}) — the identities cannot be vouched for",
                r.missing.len(),
                r.missing.first().map_or("", String::as_str)
            );
            ExitCode::from(3)
        }
    }
}
