//! Applicant types and reply outcomes, each mapped to its cell in report table 三
//! (annual-report-format.md §3). The mapping is one-to-one onto the value rows of both
//! formats, except that F2019 has a single 其他处理 row for the three F2021 sub-rows.

use crate::field::FieldError;
use serde::Serialize;

/// The applicant column of table 三 (R2: the type at filing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    NaturalPerson,
    /// 法人或其他组织 — 商业企业
    Commercial,
    /// 科研机构
    Research,
    /// 社会公益组织
    PublicInterest,
    /// 法律服务机构
    LegalService,
    /// 其他
    OtherOrganisation,
}

impl ApplicantKind {
    pub const ALL: [ApplicantKind; 6] = [
        ApplicantKind::NaturalPerson,
        ApplicantKind::Commercial,
        ApplicantKind::Research,
        ApplicantKind::PublicInterest,
        ApplicantKind::LegalService,
        ApplicantKind::OtherOrganisation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicantKind::NaturalPerson => "natural_person",
            ApplicantKind::Commercial => "commercial",
            ApplicantKind::Research => "research",
            ApplicantKind::PublicInterest => "public_interest",
            ApplicantKind::LegalService => "legal_service",
            ApplicantKind::OtherOrganisation => "other_organisation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicantKind::NaturalPerson => "自然人",
            ApplicantKind::Commercial => "商业企业",
            ApplicantKind::Research => "科研机构",
            ApplicantKind::PublicInterest => "社会公益组织",
            ApplicantKind::LegalService => "法律服务机构",
            ApplicantKind::OtherOrganisation => "其他组织",
        }
    }

    /// Column code of table 三.
    pub fn column(self) -> &'static str {
        match self {
            ApplicantKind::NaturalPerson => "c1",
            ApplicantKind::Commercial => "c2.s1",
            ApplicantKind::Research => "c2.s2",
            ApplicantKind::PublicInterest => "c2.s3",
            ApplicantKind::LegalService => "c2.s4",
            ApplicantKind::OtherOrganisation => "c2.s5",
        }
    }

    pub fn is_organisation(self) -> bool {
        self != ApplicantKind::NaturalPerson
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == raw.trim() || k.label() == raw.trim())
            .ok_or_else(|| FieldError::new("applicant_kind", "申请人类型无效"))
    }
}

/// Report format by report year: F2019 for 2019 and 2020, F2021 from 2021.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum ReportFormat {
    F2019,
    F2021,
}

impl ReportFormat {
    pub fn for_year(year: i16) -> Self {
        if year <= 2020 { ReportFormat::F2019 } else { ReportFormat::F2021 }
    }
}

/// The closed set of reply outcomes: exactly one per finished application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 予以公开 (Art. 36(一)(二))
    Disclosed,
    /// 部分公开 — 区分处理 (Art. 37); counted only here
    PartlyDisclosed,
    /// 不予公开 1–8
    #[serde(rename = "secret")]
    SecretWithheld,
    LawProhibited,
    SecurityStability,
    ThirdPartyRights,
    InternalAffairs,
    ProcessInformation,
    EnforcementFile,
    AdministrativeQuery,
    /// 无法提供 1–3
    NotHeld,
    NeedsCreation,
    UnclearAfterCorrection,
    /// 不予处理 1–5
    Petition,
    Repeat,
    Publication,
    Excessive,
    ConfirmationRequest,
    /// 其他处理 1–3
    CorrectionLapsed,
    FeeUnpaid,
    #[serde(rename = "other")]
    OtherHandling,
}

impl Outcome {
    pub const ALL: [Outcome; 21] = [
        Outcome::Disclosed,
        Outcome::PartlyDisclosed,
        Outcome::SecretWithheld,
        Outcome::LawProhibited,
        Outcome::SecurityStability,
        Outcome::ThirdPartyRights,
        Outcome::InternalAffairs,
        Outcome::ProcessInformation,
        Outcome::EnforcementFile,
        Outcome::AdministrativeQuery,
        Outcome::NotHeld,
        Outcome::NeedsCreation,
        Outcome::UnclearAfterCorrection,
        Outcome::Petition,
        Outcome::Repeat,
        Outcome::Publication,
        Outcome::Excessive,
        Outcome::ConfirmationRequest,
        Outcome::CorrectionLapsed,
        Outcome::FeeUnpaid,
        Outcome::OtherHandling,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Disclosed => "disclosed",
            Outcome::PartlyDisclosed => "partly_disclosed",
            Outcome::SecretWithheld => "secret",
            Outcome::LawProhibited => "law_prohibited",
            Outcome::SecurityStability => "security_stability",
            Outcome::ThirdPartyRights => "third_party_rights",
            Outcome::InternalAffairs => "internal_affairs",
            Outcome::ProcessInformation => "process_information",
            Outcome::EnforcementFile => "enforcement_file",
            Outcome::AdministrativeQuery => "administrative_query",
            Outcome::NotHeld => "not_held",
            Outcome::NeedsCreation => "needs_creation",
            Outcome::UnclearAfterCorrection => "unclear_after_correction",
            Outcome::Petition => "petition",
            Outcome::Repeat => "repeat",
            Outcome::Publication => "publication",
            Outcome::Excessive => "excessive",
            Outcome::ConfirmationRequest => "confirmation_request",
            Outcome::CorrectionLapsed => "correction_lapsed",
            Outcome::FeeUnpaid => "fee_unpaid",
            Outcome::OtherHandling => "other",
        }
    }

    /// The row label of table 三 (F2021 wording).
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Disclosed => "予以公开",
            Outcome::PartlyDisclosed => "部分公开",
            Outcome::SecretWithheld => "不予公开：属于国家秘密",
            Outcome::LawProhibited => "不予公开：其他法律行政法规禁止公开",
            Outcome::SecurityStability => "不予公开：危及“三安全一稳定”",
            Outcome::ThirdPartyRights => "不予公开：保护第三方合法权益",
            Outcome::InternalAffairs => "不予公开：属于三类内部事务信息",
            Outcome::ProcessInformation => "不予公开：属于四类过程性信息",
            Outcome::EnforcementFile => "不予公开：属于行政执法案卷",
            Outcome::AdministrativeQuery => "不予公开：属于行政查询事项",
            Outcome::NotHeld => "无法提供：本机关不掌握相关政府信息",
            Outcome::NeedsCreation => "无法提供：没有现成信息需要另行制作",
            Outcome::UnclearAfterCorrection => "无法提供：补正后申请内容仍不明确",
            Outcome::Petition => "不予处理：信访举报投诉类申请",
            Outcome::Repeat => "不予处理：重复申请",
            Outcome::Publication => "不予处理：要求提供公开出版物",
            Outcome::Excessive => "不予处理：无正当理由大量反复申请",
            Outcome::ConfirmationRequest => "不予处理：要求行政机关确认或重新出具已获取信息",
            Outcome::CorrectionLapsed => "其他处理：申请人无正当理由逾期不补正",
            Outcome::FeeUnpaid => "其他处理：申请人逾期未按收费通知要求缴纳费用",
            Outcome::OtherHandling => "其他处理：其他",
        }
    }

    /// The legal basis cited in the reply letter.
    pub fn legal_basis(self) -> &'static str {
        match self {
            Outcome::Disclosed => "《中华人民共和国政府信息公开条例》第三十六条第（一）项、第（二）项",
            Outcome::PartlyDisclosed => "《中华人民共和国政府信息公开条例》第三十七条",
            Outcome::SecretWithheld | Outcome::LawProhibited | Outcome::SecurityStability => {
                "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"
            }
            Outcome::ThirdPartyRights => "《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第（三）项",
            Outcome::InternalAffairs | Outcome::ProcessInformation | Outcome::EnforcementFile => {
                "《中华人民共和国政府信息公开条例》第十六条、第三十六条第（三）项"
            }
            Outcome::AdministrativeQuery => "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
            Outcome::NotHeld => "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项",
            Outcome::NeedsCreation => "《中华人民共和国政府信息公开条例》第三十八条",
            Outcome::UnclearAfterCorrection => "《中华人民共和国政府信息公开条例》第三十条",
            Outcome::Petition => "《中华人民共和国政府信息公开条例》第三十九条第一款",
            Outcome::Repeat => "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
            Outcome::Publication => "《中华人民共和国政府信息公开条例》第三十九条第二款",
            Outcome::Excessive => "《中华人民共和国政府信息公开条例》第三十五条",
            Outcome::ConfirmationRequest => "《中华人民共和国政府信息公开条例》第三十九条",
            Outcome::CorrectionLapsed => "《中华人民共和国政府信息公开条例》第三十条",
            Outcome::FeeUnpaid => "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
            Outcome::OtherHandling => "《中华人民共和国政府信息公开条例》",
        }
    }

    /// Row code of table 三 in `format`.
    pub fn row(self, format: ReportFormat) -> &'static str {
        use Outcome::*;
        match self {
            Disclosed => "t3.r3.s1",
            PartlyDisclosed => "t3.r3.s2",
            SecretWithheld => "t3.r3.s3.i1",
            LawProhibited => "t3.r3.s3.i2",
            SecurityStability => "t3.r3.s3.i3",
            ThirdPartyRights => "t3.r3.s3.i4",
            InternalAffairs => "t3.r3.s3.i5",
            ProcessInformation => "t3.r3.s3.i6",
            EnforcementFile => "t3.r3.s3.i7",
            AdministrativeQuery => "t3.r3.s3.i8",
            NotHeld => "t3.r3.s4.i1",
            NeedsCreation => "t3.r3.s4.i2",
            UnclearAfterCorrection => "t3.r3.s4.i3",
            Petition => "t3.r3.s5.i1",
            Repeat => "t3.r3.s5.i2",
            Publication => "t3.r3.s5.i3",
            Excessive => "t3.r3.s5.i4",
            ConfirmationRequest => "t3.r3.s5.i5",
            CorrectionLapsed | FeeUnpaid | OtherHandling if format == ReportFormat::F2019 => "t3.r3.s6",
            CorrectionLapsed => "t3.r3.s6.i1",
            FeeUnpaid => "t3.r3.s6.i2",
            OtherHandling => "t3.r3.s6.i3",
        }
    }

    /// Outcomes staff choose in a reply; the two lapse outcomes are recorded by the
    /// workflow itself when a period runs out.
    pub fn is_reply(self) -> bool {
        !matches!(self, Outcome::CorrectionLapsed | Outcome::FeeUnpaid)
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|o| o.code() == raw.trim()).ok_or_else(|| FieldError::new("outcome", "答复结果无效"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn outcomes_map_one_to_one_onto_f2021_rows() {
        let rows: HashSet<_> = Outcome::ALL.iter().map(|o| o.row(ReportFormat::F2021)).collect();
        assert_eq!(rows.len(), 21, "21 result value rows in F2021");
        let rows19: HashSet<_> = Outcome::ALL.iter().map(|o| o.row(ReportFormat::F2019)).collect();
        assert_eq!(rows19.len(), 19, "19 result value rows in F2019 (其他处理 is one row)");
        assert!(rows19.contains("t3.r3.s6"));
    }

    #[test]
    fn format_by_year() {
        assert_eq!(ReportFormat::for_year(2019), ReportFormat::F2019);
        assert_eq!(ReportFormat::for_year(2020), ReportFormat::F2019);
        assert_eq!(ReportFormat::for_year(2021), ReportFormat::F2021);
    }

    #[test]
    fn columns_are_distinct() {
        let cols: HashSet<_> = ApplicantKind::ALL.iter().map(|k| k.column()).collect();
        assert_eq!(cols.len(), 6);
        for k in ApplicantKind::ALL {
            assert_eq!(ApplicantKind::parse(k.code()).unwrap(), k);
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.code()).unwrap(), o);
            assert_eq!(serde_json::to_string(&o).unwrap(), format!("\"{}\"", o.code()), "stored name = code");
        }
    }
}
