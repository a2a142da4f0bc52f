//! The application form (条例 Art. 29): who applies, how to reach them, what they ask
//! for, and in which form and way they want it.

use super::identity::{IdKind, parse_contact_phone, parse_id_number};
use super::outcome::ApplicantKind;
use crate::field::{FieldError, FieldErrors, optional_multiline, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// Forms of provision an applicant may ask for (Art. 29(三), Art. 40).
pub const DELIVERY_FORMS: [&str; 3] = ["纸质文本", "电子数据", "其他"];
/// Ways of obtaining the information.
pub const DELIVERY_METHODS: [&str; 5] = ["邮寄", "电子邮件", "自行领取", "网上获取", "传真"];

/// The raw form as typed (portal, console or API).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub applicant_kind: String,
    pub applicant_name: String,
    pub contact_person: String,
    pub id_kind: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub info_title: String,
    pub info_doc_number: String,
    pub info_description: String,
    pub delivery_form: String,
    pub delivery_method: String,
}

/// A validated application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationFacts {
    pub applicant_kind: ApplicantKind,
    pub applicant_name: String,
    pub contact_person: Option<String>,
    pub id_kind: IdKind,
    pub id_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub info_title: String,
    pub info_doc_number: Option<String>,
    pub info_description: Option<String>,
    pub delivery_form: String,
    pub delivery_method: String,
}

fn one_of(field: &'static str, label: &str, raw: &str, allowed: &[&str]) -> Result<String, FieldError> {
    let s = raw.trim();
    if allowed.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(field, format!("请选择{label}（{}）", allowed.join("、"))))
    }
}

impl ApplicationInput {
    pub fn parse(&self) -> Result<ApplicationFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = e.take(ApplicantKind::parse(&self.applicant_kind));
        let name_label =
            if kind.is_some_and(ApplicantKind::is_organisation) { "单位名称" } else { "申请人姓名" };
        let applicant_name = e.take(required_text("applicant_name", name_label, &self.applicant_name, 100));
        let contact_person = match kind {
            Some(k) if k.is_organisation() => {
                e.take(required_text("contact_person", "联系人", &self.contact_person, 50)).map(Some)
            }
            _ => e.take(optional_text("contact_person", "联系人", &self.contact_person, 50)),
        };
        let id_kind = e.take(IdKind::parse(&self.id_kind));
        if let (Some(k), Some(ik)) = (kind, id_kind)
            && !k.is_organisation()
            && ik == IdKind::CreditCode
        {
            e.push(FieldError::new("id_kind", "自然人申请请提供居民身份证、护照或其他身份证件"));
        }
        let id_number = match id_kind {
            Some(ik) => e.take(parse_id_number(ik, &self.id_number)),
            None => None,
        };
        let phone =
            if self.phone.trim().is_empty() { Some(None) } else { e.take(parse_contact_phone(&self.phone)).map(Some) };
        let email = if self.email.trim().is_empty() {
            Some(None)
        } else {
            e.take(crate::orgs::parse_email("email", &self.email)).map(Some)
        };
        let address = e.take(optional_text("address", "通信地址", &self.address, 200));
        if self.phone.trim().is_empty() && self.email.trim().is_empty() && self.address.trim().is_empty() {
            e.push(FieldError::new("phone", "请至少填写一种联系方式（联系电话、电子邮箱或通信地址）"));
        }
        let info_title = e.take(required_text("info_title", "所需政府信息的名称", &self.info_title, 200));
        let info_doc_number = e.take(optional_text("info_doc_number", "文号", &self.info_doc_number, 60));
        let info_description =
            e.take(optional_multiline("info_description", "所需信息的描述", &self.info_description, 2000));
        let delivery_form = e.take(one_of("delivery_form", "提供形式", &self.delivery_form, &DELIVERY_FORMS));
        let delivery_method = e.take(one_of("delivery_method", "获取方式", &self.delivery_method, &DELIVERY_METHODS));
        if self.delivery_method.trim() == "邮寄" && self.address.trim().is_empty() {
            e.push(FieldError::new("address", "选择邮寄方式的，请填写通信地址"));
        }
        if self.delivery_method.trim() == "电子邮件" && self.email.trim().is_empty() {
            e.push(FieldError::new("email", "选择电子邮件方式的，请填写电子邮箱"));
        }
        // A field left `None` by `take` has its error recorded in `e`.
        let (
            Some(applicant_kind),
            Some(applicant_name),
            Some(id_kind),
            Some(id_number),
            Some(info_title),
            Some(delivery_form),
            Some(delivery_method),
        ) = (kind, applicant_name, id_kind, id_number, info_title, delivery_form, delivery_method)
        else {
            return Err(e);
        };
        e.into_result()?;
        Ok(ApplicationFacts {
            applicant_kind,
            applicant_name,
            contact_person: contact_person.flatten(),
            id_kind,
            id_number,
            phone: phone.flatten(),
            email: email.flatten(),
            address: address.flatten(),
            info_title,
            info_doc_number: info_doc_number.flatten(),
            info_description: info_description.flatten(),
            delivery_form,
            delivery_method,
        })
    }
}

/// Normalise a requested title for duplicate detection: drop spaces and punctuation so
/// that 《关于…的通知》 and 关于…的通知 match.
pub fn normalise_title(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Does a new request ask for what an earlier one asked (same title after normalising,
/// or the same document number)?
pub fn same_request(a_title: &str, a_docno: Option<&str>, b_title: &str, b_docno: Option<&str>) -> bool {
    let (na, nb) = (normalise_title(a_title), normalise_title(b_title));
    let docs = matches!((a_docno, b_docno), (Some(x), Some(y)) if normalise_title(x) == normalise_title(y) && !x.trim().is_empty());
    (!na.is_empty() && na == nb) || docs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> ApplicationInput {
        ApplicationInput {
            applicant_kind: "natural_person".into(),
            applicant_name: "张三".into(),
            id_kind: "resident_id".into(),
            id_number: "11010519491231002X".into(),
            phone: "13812345678".into(),
            info_title: "2024年最低生活保障资金发放情况".into(),
            delivery_form: "电子数据".into(),
            delivery_method: "电子邮件".into(),
            email: "zhang@example.com".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let f = person().parse().unwrap();
        assert_eq!(f.applicant_kind, ApplicantKind::NaturalPerson);
        assert_eq!(f.id_number, "11010519491231002X");
    }

    #[test]
    fn every_problem_is_named() {
        let mut i = person();
        i.id_number = "110105194912310021".into();
        i.info_title = " ".into();
        i.delivery_method = "飞鸽".into();
        let e = i.parse().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["id_number", "info_title", "delivery_method"]);
    }

    #[test]
    fn organisations_need_a_contact_person_and_delivery_needs_its_address() {
        let mut i = person();
        i.applicant_kind = "legal_service".into();
        i.applicant_name = "某律师事务所".into();
        i.id_kind = "credit_code".into();
        i.id_number =
            crate::orgs::CreditCode::check_char("31440000MD0000001").map(|c| format!("31440000MD0000001{c}")).unwrap();
        i.delivery_method = "邮寄".into();
        let e = i.parse().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["contact_person", "address"]);
    }

    #[test]
    fn duplicate_matching() {
        assert!(same_request("《关于2024年低保标准的通知》", None, "关于2024年低保标准的通知", None));
        assert!(same_request("甲", Some("穗民〔2024〕12号"), "乙", Some("穗民〔2024〕12号")));
        assert!(!same_request("甲", Some(""), "乙", Some("")));
        assert!(!same_request("2024年低保", None, "2023年低保", None));
    }
}
