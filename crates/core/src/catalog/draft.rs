//! An item as drafted: the form as typed (also a row of a CSV/JSON import), parsed into a
//! [`Draft`] without the database — the one value it needs from the records, the document
//! an interpretation explains, is looked up by the caller and passed in.

use super::{Attribute, Disclosure, DocNumber, InterpretationForm, ItemKind, WithholdReason};
use crate::field::{FieldError, FieldErrors, optional_text, required_multiline, required_text};
use crate::ids::{ColumnId, ItemId};
use jiff::civil::Date;

/// What the caller found for the form's `interprets` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interprets {
    /// The field is empty.
    NotGiven,
    /// The item of this organisation with that index number or id.
    Found(ItemId),
    /// No such item of this organisation.
    NotFound,
}

/// Plain text as paragraphs of HTML (one per line), escaped.
pub fn paragraphs(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            format!(
                "<p>{}</p>",
                l.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The validated content of an item as drafted.
#[derive(Debug, Clone)]
pub struct Draft {
    pub column_id: ColumnId,
    pub kind: ItemKind,
    pub title: String,
    pub summary: String,
    /// Already sanitised HTML, and its plain text.
    pub body_html: String,
    pub body_text: String,
    pub issuer: String,
    pub co_issuers: String,
    pub doc_number: Option<String>,
    pub genre: String,
    pub subject: String,
    pub keywords: String,
    pub disclosure: Disclosure,
    pub formed_on: Date,
    pub effective_on: Option<Date>,
    pub interprets_id: Option<ItemId>,
    pub interp_form: Option<InterpretationForm>,
    pub media_url: Option<String>,
}

/// The item form as typed (also one row of a CSV/JSON import).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ItemInput {
    pub column: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// Rich text (sanitised on save).
    pub body: String,
    pub issuer: String,
    pub co_issuers: String,
    pub doc_number: String,
    pub genre: String,
    pub subject: String,
    pub keywords: String,
    pub attribute: String,
    pub withhold_reason: String,
    pub formed_on: String,
    pub effective_on: String,
    /// Index number or id of the document an interpretation explains.
    pub interprets: String,
    pub interp_form: String,
    pub media_url: String,
    /// Import only: the publication date of an item published before (then it is
    /// imported as published, with its index number allocated for that date).
    pub published_on: String,
    /// Import only: validity, and its date.
    pub validity: String,
    pub validity_on: String,
    /// Import only: attachment file names inside the uploaded ZIP, separated by `;`.
    pub attachments: String,
}

/// An optional date field (`YYYY-MM-DD`), named in its error.
pub fn date(field: &'static str, label: &str, raw: &str) -> Result<Option<Date>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| FieldError::new(field, format!("{label}应为有效日期（年-月-日）")))
}

impl ItemInput {
    /// Parse into a draft, collecting every error: `columns` are the organisation's columns
    /// as (id, slug); `interprets` what the caller found for the `interprets` field (the
    /// only part that needs the records); `sanitize` turns the body's HTML into safe HTML
    /// and its plain text.
    pub fn parse(
        &self,
        columns: &[(ColumnId, &str)],
        interprets: Interprets,
        sanitize: impl Fn(&str) -> (String, String),
    ) -> Result<Draft, FieldErrors> {
        let mut e = FieldErrors::new();
        let column = columns
            .iter()
            .find(|(id, slug)| *slug == self.column.trim() || id.to_string() == self.column.trim())
            .map(|(id, _)| *id)
            .ok_or_else(|| FieldError::new("column", "请选择本机构的栏目"));
        let column_id = e.take(column);
        let kind = e.take(ItemKind::parse(if self.kind.trim().is_empty() { "general" } else { &self.kind }));
        let title = e.take(required_text("title", "标题", &self.title, 200));
        let summary = e.take(required_multiline("summary", "内容概述", &self.summary, 1000));
        let issuer = e.take(required_text("issuer", "发布机构", &self.issuer, 100));
        let doc_number = match self.doc_number.trim() {
            "" => Some(None),
            raw => e.take(DocNumber::parse(raw).map(|d| Some(d.as_str().to_string()))),
        };
        let attribute = e.take(Attribute::parse(&self.attribute));
        let reason = match self.withhold_reason.trim() {
            "" => Some(None),
            raw => e.take(WithholdReason::parse(raw).map(Some)),
        };
        let disclosure = match (attribute, reason) {
            (Some(a), Some(r)) => e.take(Disclosure::new(a, r)),
            _ => None,
        };
        let formed_on = match e.take(date("formed_on", "成文日期", &self.formed_on)) {
            Some(None) => {
                e.push(FieldError::new("formed_on", "成文日期不能为空"));
                None
            }
            Some(Some(d)) => Some(d),
            None => None,
        };
        let effective_on = e.take(date("effective_on", "生效日期", &self.effective_on));
        let interp_form = match self.interp_form.trim() {
            "" => Some(None),
            raw => e.take(InterpretationForm::parse(raw).map(Some)),
        };
        let media_url = match self.media_url.trim() {
            "" => Some(None),
            u if (u.starts_with("https://") || u.starts_with("http://"))
                && u.len() <= 500
                && !u.contains(['"', '<', '>', ' ']) =>
            {
                Some(Some(u.to_string()))
            }
            _ => {
                e.push(FieldError::new("media_url", "视频链接应为 http:// 或 https:// 开头的网址"));
                None
            }
        };
        let small = |field: &'static str, label: &str, raw: &str| {
            optional_text(field, label, raw, 200).map(Option::unwrap_or_default)
        };
        let co_issuers = e.take(small("co_issuers", "联合发文单位", &self.co_issuers));
        let genre = e.take(small("genre", "体裁", &self.genre));
        let subject = e.take(small("subject", "主题分类", &self.subject));
        let keywords = e.take(small("keywords", "关键词", &self.keywords));
        let interprets_id = match (self.interprets.trim(), interprets) {
            ("", _) | (_, Interprets::NotGiven) => Some(None),
            (_, Interprets::Found(id)) => Some(Some(id)),
            (raw, Interprets::NotFound) => {
                e.push(FieldError::new("interprets", format!("找不到所解读的文件“{raw}”（填写索引号或编号）")));
                None
            }
        };
        if kind == Some(ItemKind::Interpretation) && interprets_id == Some(None) {
            e.push(FieldError::new("interprets", "政策解读必须填写所解读文件的索引号"));
        }
        if self.body.len() > 2_000_000 {
            e.push(FieldError::new("body", "正文过长（上限约 200 万字符）"));
        }
        // Every field parsed, or its error is in `e`: either all values are here or the errors go back.
        let (
            Some(column_id),
            Some(kind),
            Some(title),
            Some(summary),
            Some(issuer),
            Some(co_issuers),
            Some(doc_number),
            Some(genre),
            Some(subject),
            Some(keywords),
            Some(disclosure),
            Some(formed_on),
            Some(effective_on),
            Some(interprets_id),
            Some(interp_form),
            Some(media_url),
            true,
        ) = (
            column_id,
            kind,
            title,
            summary,
            issuer,
            co_issuers,
            doc_number,
            genre,
            subject,
            keywords,
            disclosure,
            formed_on,
            effective_on,
            interprets_id,
            interp_form,
            media_url,
            e.0.is_empty(),
        )
        else {
            e.into_result()?;
            return Err(FieldErrors(vec![FieldError::new("form", "表单内容不完整")]));
        };
        let html = if self.body.contains('<') { self.body.clone() } else { paragraphs(&self.body) };
        let (body_html, body_text) = sanitize(&html);
        Ok(Draft {
            column_id,
            kind,
            title,
            summary,
            body_html,
            body_text,
            issuer,
            co_issuers,
            doc_number,
            genre,
            subject,
            keywords,
            disclosure,
            formed_on,
            effective_on,
            interprets_id,
            interp_form,
            media_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ItemInput {
        ItemInput {
            column: "normative".into(),
            kind: "normative".into(),
            title: "广州市临时救助办法".into(),
            summary: "规范临时救助".into(),
            body: "第一条 为规范临时救助，制定本办法。\n第二条 本办法自印发之日起施行。".into(),
            issuer: "广州市民政局".into(),
            doc_number: "穗民规字[2026]3号".into(),
            attribute: "proactive".into(),
            formed_on: "2026-03-02".into(),
            ..Default::default()
        }
    }

    fn plain(html: &str) -> (String, String) {
        (html.to_string(), html.replace("<p>", "").replace("</p>", "\n"))
    }

    #[test]
    fn a_form_parses_without_the_database() {
        let cols = [(ColumnId(7), "normative"), (ColumnId(8), "interpretation")];
        let d = form().parse(&cols, Interprets::NotGiven, plain).unwrap();
        assert_eq!(
            (d.column_id, d.kind, d.doc_number.as_deref()),
            (ColumnId(7), ItemKind::Normative, Some("穗民规字〔2026〕3号"))
        );
        assert_eq!(d.body_html.matches("<p>").count(), 2, "one paragraph per line");
        let mut bad = form();
        bad.column = "nosuch".into();
        bad.title.clear();
        bad.kind = "interpretation".into();
        bad.interprets = "X-1".into();
        let errs = bad.parse(&cols, Interprets::NotFound, plain).unwrap_err();
        let fields: Vec<&str> = errs.0.iter().map(|e| e.field).collect();
        assert!(
            fields.contains(&"column") && fields.contains(&"title") && fields.contains(&"interprets"),
            "{fields:?}"
        );
        assert!(errs.0.iter().any(|e| e.message.contains("找不到所解读的文件“X-1”")));
    }
}
