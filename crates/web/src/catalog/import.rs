//! Bulk import of catalog items from CSV or JSON, optionally inside a ZIP with the
//! attachment files. Every row goes through the same parsing as the console form; a dry
//! run reports every row that would be refused, and why, without writing anything. A
//! real run writes the rows that pass and lists the rest.

use crate::catalog::console::{ImportReport, ItemForm, attachment_from};
use crate::error::AppError;
use crate::state::AppState;
use gongkai_core::catalog::{ItemKind, Validity};
use gongkai_core::ids::{ItemId, OrgId};
use gongkai_store::Actor;
use gongkai_store::catalog::{self, Entry};
use std::collections::HashMap;
use std::io::Read;

/// Largest total size of the files inside one ZIP.
const MAX_UNPACKED: usize = 200 * 1024 * 1024;

/// Largest number of rows in one import.
const MAX_ROWS: usize = 20_000;

fn fatal(dry_run: bool, m: impl Into<String>) -> ImportReport {
    ImportReport { dry_run, rows: 0, accepted: 0, refused: vec![], fatal: Some(m.into()) }
}

/// Rows of a CSV (header names = the form's field names, or their Chinese labels) or a
/// JSON array of objects.
fn read_rows(name: &str, data: &[u8]) -> Result<Vec<ItemForm>, String> {
    let text = std::str::from_utf8(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data))
        .map_err(|_| "文件不是 UTF-8 编码（请用 UTF-8 保存 CSV）".to_string())?;
    if name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('[') {
        return serde_json::from_str::<Vec<ItemForm>>(text).map_err(|e| format!("JSON 无法解析：{e}"));
    }
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| format!("CSV 表头无法读取：{e}"))?
        .iter()
        .map(|h| header_name(h.trim()).to_string())
        .collect();
    let mut rows = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("CSV 第 {} 行无法读取：{e}", n + 2))?;
        let mut map = serde_json::Map::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            map.insert(h.clone(), serde_json::Value::String(v.to_string()));
        }
        rows.push(serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| format!("第 {} 行：{e}", n + 2))?);
    }
    Ok(rows)
}

/// Chinese column labels accepted in CSV headers.
fn header_name(h: &str) -> &str {
    match h {
        "栏目" => "column",
        "类型" | "信息类型" => "kind",
        "标题" | "名称" => "title",
        "内容概述" | "摘要" => "summary",
        "正文" => "body",
        "发布机构" => "issuer",
        "联合发文单位" => "co_issuers",
        "文号" | "发文字号" => "doc_number",
        "体裁" => "genre",
        "主题分类" => "subject",
        "关键词" => "keywords",
        "公开属性" => "attribute",
        "不公开理由" => "withhold_reason",
        "成文日期" => "formed_on",
        "生效日期" => "effective_on",
        "发布日期" => "published_on",
        "有效性" => "validity",
        "有效性日期" => "validity_on",
        "解读的文件" => "interprets",
        "附件" => "attachments",
        other => other,
    }
}

pub async fn run(
    state: &AppState,
    actor: &Actor,
    org: OrgId,
    filename: &str,
    data: &[u8],
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    // A ZIP carries items.csv or items.json plus the attachment files.
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    let (name, table) = if data.starts_with(b"PK\x03\x04") {
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(data)) else {
            return Ok(fatal(dry_run, "ZIP 文件无法打开"));
        };
        let mut table = None;
        // Bounded in total too, so a ZIP of many highly compressed files cannot exhaust memory.
        let mut unpacked: usize = 0;
        for i in 0..zip.len() {
            let Ok(mut f) = zip.by_index(i) else { continue };
            if f.is_dir() {
                continue;
            }
            let fname = f.name().rsplit('/').next().unwrap_or("").to_string();
            let mut buf = Vec::new();
            if f.by_ref().take(crate::http::rich::MAX_ATTACHMENT as u64 + 1).read_to_end(&mut buf).is_err() {
                return Ok(fatal(dry_run, format!("ZIP 中的文件 {fname} 无法读取")));
            }
            unpacked += buf.len();
            if unpacked > MAX_UNPACKED {
                return Ok(fatal(dry_run, "ZIP 解压后的内容超过 200 MB，请分批导入"));
            }
            if fname == "items.csv" || fname == "items.json" {
                table = Some((fname, buf));
            } else {
                files.insert(fname, buf);
            }
        }
        match table {
            Some(t) => t,
            None => return Ok(fatal(dry_run, "ZIP 中应有 items.csv 或 items.json")),
        }
    } else {
        (filename.to_string(), data.to_vec())
    };
    let rows = match read_rows(&name, &table) {
        Ok(r) => r,
        Err(m) => return Ok(fatal(dry_run, m)),
    };
    if rows.len() > MAX_ROWS {
        return Ok(fatal(dry_run, format!("一次最多导入 {MAX_ROWS} 行，本文件有 {} 行", rows.len())));
    }
    let cols = catalog::columns(&state.db, org).await?;
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let today = state.today();
    let mut report = ImportReport { dry_run, rows: rows.len(), accepted: 0, refused: vec![], fatal: None };
    // Documents of earlier rows, by document number, for interpretations in the same file.
    let mut earlier: HashMap<String, Option<ItemId>> = HashMap::new();
    for (n, row) in rows.into_iter().enumerate() {
        let line = n + 1;
        let mut errors = Vec::new();
        let mut form = row.clone();
        let mut interprets_earlier = None;
        if let Some(target) = earlier.get(form.interprets.trim()) {
            interprets_earlier = Some(*target);
            form.interprets.clear();
        }
        let needs_target = ItemKind::parse(&form.kind).ok() == Some(ItemKind::Interpretation);
        if needs_target && interprets_earlier.is_some() {
            // Parsed as "general" so that the missing link (made below) is not an error.
            form.kind = "general".into();
        }
        let mut draft = match crate::catalog::console::parse_form(state, org, &cols, &form).await? {
            Ok(d) => Some(d),
            Err(e) => {
                errors.extend(e.0.into_iter().map(|x| x.message));
                None
            }
        };
        if let Some(d) = draft.as_mut()
            && let Some(target) = interprets_earlier
        {
            d.kind = ItemKind::Interpretation;
            d.interprets_id = target;
        }
        let published_on = match row.published_on.trim() {
            "" => None,
            s => match s.parse::<jiff::civil::Date>() {
                Ok(d) if d <= today => Some(d),
                Ok(_) => {
                    errors.push("发布日期不能晚于今天".into());
                    None
                }
                Err(_) => {
                    errors.push("发布日期应为有效日期（年-月-日）".into());
                    None
                }
            },
        };
        if let (Some(p), Some(d)) = (published_on, &draft)
            && p < d.formed_on
        {
            errors.push("发布日期不能早于成文日期".into());
        }
        let validity = match row.validity.trim() {
            "" => None,
            s => match Validity::parse(s) {
                Ok(v) => {
                    let on = row.validity_on.trim().parse::<jiff::civil::Date>().ok();
                    if on.is_none() && v != Validity::Valid {
                        errors.push("有效性不是“有效”时应填写有效性日期".into());
                    }
                    if published_on.is_none() && v != Validity::Valid {
                        errors.push("只有已发布的信息才能导入有效性".into());
                    }
                    on.map(|d| (v, d))
                }
                Err(e) => {
                    errors.push(e.message);
                    None
                }
            },
        };
        let mut attachments = Vec::new();
        for a in row.attachments.split(';').map(str::trim).filter(|a| !a.is_empty()) {
            match files.get(a) {
                None => errors.push(format!("附件“{a}”不在上传的 ZIP 中")),
                Some(bytes) => match attachment_from(a, bytes.clone()) {
                    Ok(x) => attachments.push(x),
                    Err(m) => errors.push(format!("附件“{a}”：{m}")),
                },
            }
        }
        let (true, Some(draft)) = (errors.is_empty(), draft) else {
            report.refused.push((line, errors.join("；")));
            continue;
        };
        if dry_run {
            if let Some(dn) = &draft.doc_number {
                earlier.insert(dn.clone(), None);
            }
            report.accepted += 1;
            continue;
        }
        let entry = match published_on {
            Some(on) => Entry::Published { on, approved_by: format!("{}（导入）", actor.label) },
            None => Entry::Draft,
        };
        match catalog::create(&state.db, &cal, actor, org, &draft, entry).await {
            Ok(id) => {
                for a in &attachments {
                    catalog::add_attachment(&state.db, actor, org, id, a).await?;
                }
                if let Some((v, on)) = validity
                    && v != Validity::Valid
                {
                    catalog::set_validity(&state.db, actor, org, id, v, on, "导入时的有效性")
                        .await
                        .map_err(|e| AppError::Conflict(e.to_string()))?;
                }
                if let Some(dn) = &draft.doc_number {
                    earlier.insert(dn.clone(), Some(id));
                }
                report.accepted += 1;
            }
            Err(catalog::CatalogError::Refused(m)) => report.refused.push((line, m)),
            Err(catalog::CatalogError::Store(e)) => return Err(e.into()),
        }
    }
    Ok(report)
}
