//! Organisations: the disclosing agencies and the facts their disclosure guide must show
//! (条例 Art. 12: name, office address, office hours, telephone, fax, internet contact).

pub mod access;
pub mod accounts;

use crate::field::{FieldError, FieldErrors, optional_text, required_text};
use serde::Serialize;
use std::fmt;

pub use crate::ids::OrgId;

/// What kind of body an organisation is; drives e.g. the annual-report deadline
/// (条例 Art. 49: departments by 31 January, governments by 31 March).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 人民政府
    PeoplesGovernment,
    /// 政府工作部门 (e.g. 市民政局)
    GovernmentDepartment,
    /// 区（县）政府工作部门 (e.g. 区民政局)
    DistrictBureau,
    /// 部门管理机构 / 直属单位 (e.g. 市社会组织管理局)
    AffiliatedBody,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] =
        [OrgKind::PeoplesGovernment, OrgKind::GovernmentDepartment, OrgKind::DistrictBureau, OrgKind::AffiliatedBody];

    /// Stable machine code (stored in the database and used by the API).
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::PeoplesGovernment => "peoples_government",
            OrgKind::GovernmentDepartment => "government_department",
            OrgKind::DistrictBureau => "district_bureau",
            OrgKind::AffiliatedBody => "affiliated_body",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::PeoplesGovernment => "人民政府",
            OrgKind::GovernmentDepartment => "政府工作部门",
            OrgKind::DistrictBureau => "区（县）政府工作部门",
            OrgKind::AffiliatedBody => "部门管理机构",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.code() == raw || k.label() == raw)
            .ok_or_else(|| FieldError::new("kind", format!("机构类型“{raw}”无效")))
    }
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet
/// (digits and upper-case letters without I, O, Z, S, V); the 18th is a check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights 3^(i) mod 31 for positions 1..=17, as listed in GB 32100-2015 §4.2.
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

impl CreditCode {
    /// The check character for the first 17 characters (which must be in the alphabet).
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.len() != 17 {
            return None;
        }
        let mut sum = 0u32;
        for (i, b) in first17.bytes().enumerate() {
            let v = CREDIT_ALPHABET.iter().position(|&a| a == b)? as u32;
            sum += v * CREDIT_WEIGHTS[i];
        }
        let c = (31 - sum % 31) % 31;
        Some(CREDIT_ALPHABET[c as usize] as char)
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw.trim().to_ascii_uppercase();
        let err = |m: &str| FieldError::new("credit_code", format!("统一社会信用代码{m}"));
        if s.chars().count() != 18 {
            return Err(err("应为18位"));
        }
        if let Some(bad) = s.bytes().find(|b| !CREDIT_ALPHABET.contains(b)) {
            return Err(err(&format!("含有不允许的字符“{}”", bad as char)));
        }
        let expected = Self::check_char(&s[..17]).ok_or_else(|| err("格式错误"))?;
        if s.as_bytes()[17] as char != expected {
            return Err(err("校验位错误"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Short machine code of an organisation (used in URLs and on the command line),
/// e.g. `gzmz`, `gzmz-yuexiu`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ShortCode(String);

impl ShortCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok_len = (2..=32).contains(&s.len());
        let ok_chars = s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_ends = !s.starts_with('-') && !s.ends_with('-');
        if ok_len && ok_chars && ok_ends {
            Ok(Self(s))
        } else {
            Err(FieldError::new("short_code", "机构简码应为2至32位小写字母、数字或连字符（不以连字符开头或结尾）"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, checked for shape only (one `@`, a dotted domain, no spaces).
pub fn parse_email(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    let err = || FieldError::new(field, format!("电子邮箱“{s}”格式不正确"));
    let (local, domain) = s.split_once('@').ok_or_else(err)?;
    let valid = !local.is_empty()
        && s.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid { Ok(s.to_string()) } else { Err(err()) }
}

/// A telephone or fax number as printed in a guide: digits with optional `+`, `-`,
/// spaces, parentheses, and `、` or `/` between several numbers.
pub fn parse_phone(field: &'static str, label: &str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    let allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '（' | '）' | '、' | '/' | ','));
    if allowed && (7..=40).contains(&digits) && s.chars().count() <= 60 {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(field, format!("{label}“{s}”格式不正确，应为数字、区号与连字符")))
    }
}

/// A website address: `http://` or `https://` followed by a host.
pub fn parse_website(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !s.chars().any(char::is_whitespace) && s.len() <= 300 => {
            Ok(s.to_string())
        }
        _ => Err(FieldError::new(field, format!("网站地址“{s}”应以 http:// 或 https:// 开头"))),
    }
}

/// The facts of an organisation as entered by staff, fully validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgFacts {
    pub name: String,
    pub short_code: ShortCode,
    pub kind: OrgKind,
    pub credit_code: CreditCode,
    pub parent_id: Option<OrgId>,
    /// The organisation that carries out this one's disclosure work (all of it except the
    /// handling of applications, which always stays with the organisation itself).
    pub hosted_by_id: Option<OrgId>,
    pub address: Option<String>,
    pub office_hours: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

/// The raw form of an organisation, as typed into a form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OrgInput {
    pub name: String,
    pub short_code: String,
    pub kind: String,
    pub credit_code: String,
    pub parent_id: Option<i64>,
    pub hosted_by_id: Option<i64>,
    pub address: String,
    pub office_hours: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub website: String,
}

impl OrgInput {
    /// The structure lock for organisation admins: they change the facts their guide shows,
    /// while the structure — name, codes, kind, parent and host — stays as `current` has it
    /// (kept by system admins), so that no organisation moves itself out of its
    /// supervisor's subtree.
    pub fn with_structure_of(&self, current: &OrgInput) -> OrgInput {
        OrgInput {
            name: current.name.clone(),
            short_code: current.short_code.clone(),
            kind: current.kind.clone(),
            credit_code: current.credit_code.clone(),
            parent_id: current.parent_id,
            hosted_by_id: current.hosted_by_id,
            ..self.clone()
        }
    }

    /// The structural fields this input would change from `current` (labels, for the
    /// message): a field left empty is "unchanged" (a console form does not send the
    /// read-only fields); a different value is a change an organisation admin may not make.
    pub fn structure_changes(&self, current: &OrgInput) -> Vec<&'static str> {
        let text = |new: &str, old: &str| !new.trim().is_empty() && new.trim() != old.trim();
        let mut out = Vec::new();
        if text(&self.name, &current.name) {
            out.push("机构名称");
        }
        if text(&self.short_code, &current.short_code) {
            out.push("机构代码");
        }
        if text(&self.kind, &current.kind) {
            out.push("机构类型");
        }
        if text(&self.credit_code, &current.credit_code) {
            out.push("统一社会信用代码");
        }
        if self.parent_id.is_some() && self.parent_id != current.parent_id {
            out.push("上级机构");
        }
        if self.hosted_by_id.is_some() && self.hosted_by_id != current.hosted_by_id {
            out.push("承载门户");
        }
        out
    }

    /// Parse every field, collecting all errors.
    pub fn parse(&self) -> Result<OrgFacts, FieldErrors> {
        let mut errs = FieldErrors::new();
        let name = errs.take(required_text("name", "机构名称", &self.name, 64));
        let short_code = errs.take(ShortCode::parse(&self.short_code));
        let kind = errs.take(OrgKind::parse(&self.kind));
        let credit_code = errs.take(CreditCode::parse(&self.credit_code));
        let address = errs.take(optional_text("address", "办公地址", &self.address, 200));
        let office_hours = errs.take(optional_text("office_hours", "办公时间", &self.office_hours, 200));
        let phone = errs.take(opt(&self.phone, |s| parse_phone("phone", "联系电话", s)));
        let fax = errs.take(opt(&self.fax, |s| parse_phone("fax", "传真", s)));
        let email = errs.take(opt(&self.email, |s| parse_email("email", s)));
        let website = errs.take(opt(&self.website, |s| parse_website("website", s)));
        // A field left `None` by `take` has its error recorded in `errs`.
        let (Some(name), Some(short_code), Some(kind), Some(credit_code)) = (name, short_code, kind, credit_code)
        else {
            return Err(errs);
        };
        errs.into_result()?;
        Ok(OrgFacts {
            name,
            short_code,
            kind,
            credit_code,
            parent_id: self.parent_id.map(OrgId),
            hosted_by_id: self.hosted_by_id.map(OrgId),
            address: address.flatten(),
            office_hours: office_hours.flatten(),
            phone: phone.flatten(),
            fax: fax.flatten(),
            email: email.flatten(),
            website: website.flatten(),
        })
    }
}

fn opt(raw: &str, f: impl Fn(&str) -> Result<String, FieldError>) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() { Ok(None) } else { f(raw).map(Some) }
}

/// A minimal view of the organisation tree, enough for access decisions and for the
/// structural rules below. `parent` and `hosted_by` are looked up by id.
pub trait OrgTree {
    fn parent_of(&self, org: OrgId) -> Option<OrgId>;
    fn hosted_by(&self, org: OrgId) -> Option<OrgId>;

    /// `org` itself, then its parent, grandparent … up to the root. Stops on a cycle.
    fn ancestors_or_self(&self, org: OrgId) -> Vec<OrgId> {
        let mut out = vec![org];
        let mut cur = org;
        while let Some(p) = self.parent_of(cur) {
            if out.contains(&p) {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }
}

/// Structural checks for placing `org` (None when creating) under `parent` and hosting
/// it by `host`: no cycles, no self-hosting, no hosting chains (a host is not itself
/// hosted, so responsibility is never passed on twice).
pub fn check_structure(
    tree: &impl OrgTree,
    org: Option<OrgId>,
    parent: Option<OrgId>,
    host: Option<OrgId>,
) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::new();
    if let (Some(o), Some(p)) = (org, parent)
        && tree.ancestors_or_self(p).contains(&o)
    {
        errs.push(FieldError::new("parent_id", "上级机构不能是本机构或其下级机构"));
    }
    if let Some(h) = host {
        if Some(h) == org {
            errs.push(FieldError::new("hosted_by_id", "机构不能由自身托管"));
        } else if tree.hosted_by(h).is_some() {
            errs.push(FieldError::new("hosted_by_id", "托管机构本身已由其他机构托管，不能再托管其他机构"));
        }
    }
    errs.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn credit_code_check_character() {
        // Build a code from a 17-character body and its computed check character.
        let body = "11440100MB2C9L8X2";
        let c = CreditCode::check_char(body).unwrap();
        let full = format!("{body}{c}");
        assert_eq!(CreditCode::parse(&full).unwrap().as_str(), full);
        assert_eq!(CreditCode::parse(&full.to_lowercase()).unwrap().as_str(), full);
        // Any other final character is refused.
        for other in CREDIT_ALPHABET.iter().map(|&b| b as char).filter(|&o| o != c) {
            let e = CreditCode::parse(&format!("{body}{other}")).unwrap_err();
            assert_eq!(e.field, "credit_code");
            assert!(e.message.contains("校验位"), "{}", e.message);
        }
    }

    #[test]
    fn credit_code_known_published_example() {
        // Worked example printed in GB 32100-2015 explanatory material.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("91350100M000100Y44").is_err());
    }

    #[test]
    fn credit_code_shape_errors() {
        assert!(CreditCode::parse("1144010").unwrap_err().message.contains("18位"));
        assert!(CreditCode::parse("11440100MB2C9L8XIO").unwrap_err().message.contains("字符"));
    }

    #[test]
    fn short_code_rules() {
        assert_eq!(ShortCode::parse(" GZMZ-Yuexiu ").unwrap().as_str(), "gzmz-yuexiu");
        assert!(ShortCode::parse("a").is_err());
        assert!(ShortCode::parse("-ab").is_err());
        assert!(ShortCode::parse("广州").is_err());
    }

    #[test]
    fn contact_fields() {
        assert!(parse_phone("phone", "联系电话", "020-83330000").is_ok());
        assert!(parse_phone("phone", "联系电话", "（020）83330000、12345").is_ok());
        assert!(parse_phone("phone", "联系电话", "call me").is_err());
        assert!(parse_email("email", "gkb@mz.gz.gov.cn").is_ok());
        assert!(parse_email("email", "gkb@localhost").is_err());
        assert!(parse_website("website", "https://mzj.gz.gov.cn/").is_ok());
        assert!(parse_website("website", "mzj.gz.gov.cn").is_err());
    }

    #[test]
    fn org_input_collects_every_error() {
        let input = OrgInput { name: " ".into(), short_code: "x".into(), kind: "bad".into(), ..Default::default() };
        let errs = input.parse().unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "short_code", "kind", "credit_code"]);
    }

    struct T(HashMap<i64, (Option<i64>, Option<i64>)>);
    impl OrgTree for T {
        fn parent_of(&self, o: OrgId) -> Option<OrgId> {
            self.0.get(&o.0).and_then(|x| x.0).map(OrgId)
        }
        fn hosted_by(&self, o: OrgId) -> Option<OrgId> {
            self.0.get(&o.0).and_then(|x| x.1).map(OrgId)
        }
    }

    #[test]
    fn structure_rules() {
        // 1 is the root, 2 under 1, 3 under 2 and hosted by 1.
        let t = T(HashMap::from([(1, (None, None)), (2, (Some(1), None)), (3, (Some(2), Some(1)))]));
        assert_eq!(t.ancestors_or_self(OrgId(3)), [OrgId(3), OrgId(2), OrgId(1)]);
        assert!(check_structure(&t, Some(OrgId(1)), Some(OrgId(3)), None).is_err());
        assert!(check_structure(&t, Some(OrgId(2)), Some(OrgId(2)), None).is_err());
        assert!(check_structure(&t, Some(OrgId(2)), Some(OrgId(1)), Some(OrgId(2))).is_err());
        assert!(check_structure(&t, None, Some(OrgId(1)), Some(OrgId(3))).is_err());
        assert!(check_structure(&t, None, Some(OrgId(1)), Some(OrgId(1))).is_ok());
    }
}

#[cfg(test)]
mod structure_lock_tests {
    use super::*;

    #[test]
    fn organisation_admins_keep_the_structure() {
        let current = OrgInput {
            name: "广州市民政局".into(),
            short_code: "gzmz".into(),
            parent_id: Some(1),
            ..Default::default()
        };
        let typed = OrgInput {
            name: "改名局".into(),
            short_code: "hijack".into(),
            parent_id: None,
            address: "新址".into(),
            ..Default::default()
        };
        let kept = typed.with_structure_of(&current);
        assert_eq!((kept.name.as_str(), kept.short_code.as_str(), kept.parent_id), ("广州市民政局", "gzmz", Some(1)));
        assert_eq!(kept.address, "新址", "the guide's facts change");
    }
}
