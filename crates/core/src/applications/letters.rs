//! Letters to applicants (告知书 and notices), rendered from editable templates.
//!
//! A template is plain text with `{{名称}}` placeholders; paragraphs are separated by a
//! blank line. Each organisation may replace the default text of each kind; a template
//! that names an unknown placeholder is refused when it is saved, so a letter can never
//! go out with a hole in it.

use super::outcome::Outcome;
use crate::field::FieldError;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LetterKind {
    /// 政府信息公开申请答复告知书 (every outcome)
    Reply,
    /// 补正申请告知书 (Art. 30)
    Correction,
    /// 延长答复期限告知书 (Art. 33)
    Extension,
    /// 征求意见函 (Art. 32, 34)
    Consultation,
    /// 收费通知 (国办函〔2020〕109号)
    Fee,
}

impl LetterKind {
    pub const ALL: [LetterKind; 5] =
        [LetterKind::Reply, LetterKind::Correction, LetterKind::Extension, LetterKind::Consultation, LetterKind::Fee];

    pub fn code(self) -> &'static str {
        match self {
            LetterKind::Reply => "reply",
            LetterKind::Correction => "correction",
            LetterKind::Extension => "extension",
            LetterKind::Consultation => "consultation",
            LetterKind::Fee => "fee",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            LetterKind::Reply => "政府信息公开申请答复告知书",
            LetterKind::Correction => "政府信息公开申请补正告知书",
            LetterKind::Extension => "延长政府信息公开答复期限告知书",
            LetterKind::Consultation => "政府信息公开征求意见函",
            LetterKind::Fee => "政府信息公开信息处理费收费通知",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|k| k.code() == raw.trim()).ok_or_else(|| FieldError::new("kind", "文书类型无效"))
    }

    /// The default text.
    pub fn default_template(self) -> &'static str {
        match self {
            LetterKind::Reply => {
                "{{申请人}}：\n\n本机关于{{收到日期}}收到您（单位）提出的政府信息公开申请（受理编号：{{受理编号}}），申请获取“{{所需信息}}”。经审查，现答复如下：\n\n{{答复说明}}\n\n{{答复要点}}\n\n依据：{{法律依据}}。\n\n如对本答复不服，可以在收到本告知书之日起60日内依法申请行政复议，或者在6个月内依法向人民法院提起行政诉讼。"
            }
            LetterKind::Correction => {
                "{{申请人}}：\n\n本机关于{{收到日期}}收到您（单位）提出的政府信息公开申请（受理编号：{{受理编号}}）。经审查，您的申请内容不明确，根据《中华人民共和国政府信息公开条例》第三十条的规定，请您对以下内容作出补正：\n\n{{补正事项}}\n\n请您在{{补正期限}}前补正。答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。"
            }
            LetterKind::Extension => {
                "{{申请人}}：\n\n本机关于{{收到日期}}收到您（单位）提出的政府信息公开申请（受理编号：{{受理编号}}）。因{{延期理由}}，不能在规定期限内作出答复。根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长{{延长天数}}个工作日，本机关将于{{新期限}}前作出答复。"
            }
            LetterKind::Consultation => {
                "{{征求对象}}：\n\n本机关于{{收到日期}}收到政府信息公开申请（受理编号：{{受理编号}}），申请获取“{{所需信息}}”。该信息的公开可能涉及贵方合法权益（或需征求贵机关意见）。根据《中华人民共和国政府信息公开条例》第三十二条、第三十四条的规定，现书面征求贵方意见，请于收到本函之日起15个工作日内提出意见。逾期未提出意见的，由本机关依照条例的规定决定是否公开。"
            }
            LetterKind::Fee => {
                "{{申请人}}：\n\n本机关于{{收到日期}}收到您（单位）提出的政府信息公开申请（受理编号：{{受理编号}}）。根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关决定对该申请收取信息处理费：{{计收方式}}，金额{{收费金额}}元。\n\n请您自收到本通知次日起20个工作日内缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。"
            }
        }
    }
}

/// Every placeholder a template may use, with what it stands for.
pub const PLACEHOLDERS: [(&str, &str); 18] = [
    ("申请人", "申请人姓名或单位名称"),
    ("受理编号", "申请的受理编号"),
    ("收到日期", "收到申请之日"),
    ("所需信息", "申请获取的政府信息名称"),
    ("机关名称", "本机关名称"),
    ("日期", "文书日期"),
    ("答复结果", "答复结果（如“予以公开”）"),
    ("答复说明", "与答复结果对应的标准说明"),
    ("答复要点", "承办人填写的答复要点"),
    ("法律依据", "答复结果的法律依据"),
    ("补正事项", "需要补正的事项"),
    ("补正期限", "补正期限届满日"),
    ("延长天数", "延长的工作日数"),
    ("延期理由", "延期理由"),
    ("新期限", "延长后的答复期限"),
    ("征求对象", "第三方或其他机关名称"),
    ("计收方式", "按件或按量计收的说明"),
    ("收费金额", "收费金额（元）"),
];

/// Find every `{{name}}` in `text`; an unclosed `{{` is an error.
fn placeholders(text: &str) -> Result<Vec<&str>, FieldError> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let j = after.find("}}").ok_or_else(|| FieldError::new("body", "模板中有未闭合的“{{”"))?;
        out.push(after[..j].trim());
        rest = &after[j + 2..];
    }
    Ok(out)
}

/// A template may only use known placeholders and must not be empty.
pub fn validate(text: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new("body", "模板内容不能为空"));
    }
    if text.chars().count() > 10_000 {
        return Err(FieldError::new("body", "模板内容不能超过10000个字符"));
    }
    for p in placeholders(text)? {
        if !PLACEHOLDERS.iter().any(|(n, _)| *n == p) {
            return Err(FieldError::new("body", format!("模板中的占位符“{{{{{p}}}}}”不存在")));
        }
    }
    Ok(())
}

/// A rendered letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub title: String,
    pub org_name: String,
    pub serial: String,
    pub paragraphs: Vec<String>,
    pub date: String,
}

/// Fill the template; placeholders without a value render as an empty string only if
/// the value map says so explicitly, otherwise rendering fails naming the placeholder.
pub fn render(kind: LetterKind, template: &str, values: &BTreeMap<&str, String>) -> Result<Letter, FieldError> {
    validate(template)?;
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            return Err(FieldError::new("body", "占位符“{{”没有对应的“}}”"));
        };
        let name = after[..j].trim();
        let v = values.get(name).ok_or_else(|| FieldError::new("body", format!("该文书没有“{name}”的内容")))?;
        out.push_str(v);
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    let paragraphs = out.split("\n\n").map(|p| p.trim().replace('\n', "")).filter(|p| !p.is_empty()).collect();
    Ok(Letter {
        title: kind.title().to_string(),
        org_name: values.get("机关名称").cloned().unwrap_or_default(),
        serial: values.get("受理编号").cloned().unwrap_or_default(),
        paragraphs,
        date: values.get("日期").cloned().unwrap_or_default(),
    })
}

/// The standard sentence for each outcome (条例 Art. 36–39), used as 答复说明.
pub fn outcome_statement(o: Outcome) -> &'static str {
    use Outcome::*;
    match o {
        Disclosed => {
            "您申请获取的政府信息属于公开范围，本机关予以公开，现按您要求的形式提供（或告知获取的方式、途径和时间）。"
        }
        PartlyDisclosed => {
            "您申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。本机关向您提供可以公开的部分，对不予公开的部分说明理由如下。"
        }
        SecretWithheld => "您申请获取的政府信息属于国家秘密，依法不予公开。",
        LawProhibited => "您申请获取的政府信息属于法律、行政法规禁止公开的信息，依法不予公开。",
        SecurityStability => "您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，依法不予公开。",
        ThirdPartyRights => {
            "您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，第三方不同意公开，本机关决定不予公开。"
        }
        InternalAffairs => "您申请获取的信息属于人事管理、后勤管理、内部工作流程等内部事务信息，本机关决定不予公开。",
        ProcessInformation => {
            "您申请获取的信息属于讨论记录、过程稿、磋商信函、请示报告等过程性信息，本机关决定不予公开。"
        }
        EnforcementFile => "您申请获取的信息属于行政执法案卷信息，本机关决定不予公开。",
        AdministrativeQuery => {
            "您申请获取的信息，有关法律、行政法规对信息的获取有特别规定，请按照有关法律、行政法规的规定办理。"
        }
        NotHeld => {
            "经检索，本机关没有制作或者获取您申请获取的政府信息（或该信息不属于本机关负责公开，负责公开的机关见答复要点）。"
        }
        NeedsCreation => "您申请获取的信息需要本机关对现有政府信息进行加工、分析，本机关没有现成信息可以提供。",
        UnclearAfterCorrection => "经补正后，您的申请内容仍不明确，本机关无法提供。",
        Petition => {
            "您提出的事项属于信访、投诉、举报，不属于政府信息公开申请，本机关不作为政府信息公开申请处理，请通过相应渠道提出。"
        }
        Repeat => "您重复申请公开相同政府信息，本机关已作出答复，本次不予重复处理。",
        Publication => "您要求提供的是政府公报、报刊、书籍等公开出版物，请通过公开渠道获取。",
        Excessive => "您申请的数量、频次明显超过合理范围，且未说明理由或理由不合理，本机关不予处理。",
        ConfirmationRequest => {
            "您要求本机关确认或者重新出具已获取的信息，不属于政府信息公开申请的处理范围，本机关不予处理。"
        }
        CorrectionLapsed => "您无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。",
        FeeUnpaid => "您逾期未按收费通知要求缴纳费用，视为放弃申请，本机关不再处理该政府信息公开申请。",
        OtherHandling => "本机关对您的申请作出如下处理。",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_templates_are_valid_and_render() {
        let values: BTreeMap<&str, String> = PLACEHOLDERS.iter().map(|(n, _)| (*n, format!("<{n}>"))).collect();
        for k in LetterKind::ALL {
            validate(k.default_template()).unwrap();
            let l = render(k, k.default_template(), &values).unwrap();
            assert!(l.paragraphs.len() >= 2, "{k:?}");
            assert!(!l.paragraphs.iter().any(|p| p.contains("{{")), "{k:?}");
        }
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_refused() {
        assert!(validate("{{申请人}}：{{不存在}}").unwrap_err().message.contains("不存在"));
        assert!(validate("{{申请人").unwrap_err().message.contains("未闭合"));
        assert!(validate("  ").is_err());
        let mut values = BTreeMap::new();
        values.insert("申请人", "张三".to_string());
        assert!(
            render(LetterKind::Reply, "{{申请人}}：{{受理编号}}", &values).unwrap_err().message.contains("受理编号")
        );
        let l = render(LetterKind::Reply, "{{申请人}}：\n\n你好\n\n", &values).unwrap();
        assert_eq!(l.paragraphs, ["张三：", "你好"]);
    }

    #[test]
    fn every_outcome_has_a_statement() {
        for o in Outcome::ALL {
            assert!(!outcome_statement(o).is_empty());
        }
    }
}
