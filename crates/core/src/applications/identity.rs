//! Applicants' identity documents and contact data, with masking for every view except
//! the handling screen.

use crate::field::FieldError;
use jiff::civil::Date;
use serde::Serialize;

/// A resident identity card number (居民身份证号码, GB 11643-1999): 6-digit address code,
/// 8-digit birth date, 3-digit sequence, and an ISO 7064 MOD 11-2 check character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ResidentId(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

impl ResidentId {
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = first17.bytes().zip(ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        Some(ID_CHECK[(sum % 11) as usize] as char)
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_uppercase();
        let err = |m: &str| FieldError::new("id_number", format!("居民身份证号码{m}"));
        if s.len() != 18 {
            return Err(err("应为18位"));
        }
        if !s[..17].bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("前17位应为数字"));
        }
        let birth = &s[6..14];
        let date = format!("{}-{}-{}", &birth[..4], &birth[4..6], &birth[6..]);
        match date.parse::<Date>() {
            Ok(d) if d.year() >= 1900 => {}
            _ => return Err(err("中的出生日期无效")),
        }
        let expected = Self::check_char(&s[..17]).ok_or_else(|| err("格式错误"))?;
        if s.as_bytes()[17] as char != expected {
            return Err(err("校验位错误，请核对"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The kinds of identity document an applicant may show (条例 Art. 29: 身份证明).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// 居民身份证 (checked with its check digit)
    ResidentId,
    /// 护照
    Passport,
    /// 统一社会信用代码 (legal persons)
    CreditCode,
    /// 其他证件 (港澳台居民来往内地通行证, 军官证 …)
    Other,
}

impl IdKind {
    pub const ALL: [IdKind; 4] = [IdKind::ResidentId, IdKind::Passport, IdKind::CreditCode, IdKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            IdKind::ResidentId => "resident_id",
            IdKind::Passport => "passport",
            IdKind::CreditCode => "credit_code",
            IdKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IdKind::ResidentId => "居民身份证",
            IdKind::Passport => "护照",
            IdKind::CreditCode => "统一社会信用代码",
            IdKind::Other => "其他证件",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == raw.trim() || k.label() == raw.trim())
            .ok_or_else(|| FieldError::new("id_kind", "证件类型无效"))
    }
}

/// A validated identity document number.
pub fn parse_id_number(kind: IdKind, raw: &str) -> Result<String, FieldError> {
    match kind {
        IdKind::ResidentId => ResidentId::parse(raw).map(|r| r.0),
        IdKind::CreditCode => crate::orgs::CreditCode::parse(raw)
            .map(|c| c.to_string())
            .map_err(|e| FieldError::new("id_number", e.message)),
        IdKind::Passport | IdKind::Other => {
            let s = raw.trim();
            let ok = (5..=30).contains(&s.chars().count())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '(' || c == ')');
            if ok {
                Ok(s.to_ascii_uppercase())
            } else {
                Err(FieldError::new("id_number", "证件号码应为5至30位字母或数字"))
            }
        }
    }
}

/// Mask an identity number for display: keep the first 4 and last 4 characters
/// (`4401**********1234`); short numbers keep only their last two.
pub fn mask_id(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n > 10 {
        chars[..4].iter().chain(std::iter::repeat_n(&'*', n - 8)).chain(&chars[n - 4..]).collect()
    } else if n > 2 {
        std::iter::repeat_n('*', n - 2).chain(chars[n - 2..].iter().copied()).collect()
    } else {
        "*".repeat(n)
    }
}

/// Mask a telephone number: keep the first 3 and last 4 digits (`138****5678`).
pub fn mask_phone(s: &str) -> String {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    if digits <= 7 {
        return "*".repeat(s.chars().count());
    }
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen > 3 && seen <= digits - 4 { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// A mobile or fixed-line number as an applicant types it.
pub fn parse_contact_phone(raw: &str) -> Result<String, FieldError> {
    let s: String = raw.trim().chars().filter(|c| !c.is_whitespace()).collect();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let ok = (7..=15).contains(&digits) && s.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+');
    if ok { Ok(s) } else { Err(FieldError::new("phone", "联系电话格式不正确")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid_id(body: &str) -> String {
        format!("{body}{}", ResidentId::check_char(body).unwrap())
    }

    #[test]
    fn resident_id_check_digit() {
        // The standard's worked example.
        assert!(ResidentId::parse("11010519491231002X").is_ok());
        assert!(ResidentId::parse("11010519491231002x").is_ok());
        assert_eq!(ResidentId::parse("110105194912310021").unwrap_err().field, "id_number");
        assert!(ResidentId::parse("110105194912310021").unwrap_err().message.contains("校验位"));
        assert!(ResidentId::parse(&valid_id("44010419901332123")).unwrap_err().message.contains("出生日期"));
        assert!(ResidentId::parse("4401041990").unwrap_err().message.contains("18位"));
    }

    #[test]
    fn masks() {
        assert_eq!(mask_id("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_id("E12345678"), "*******78");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("020-83331234"), "020-****1234");
        assert_eq!(mask_phone("12345"), "*****");
    }

    proptest! {
        #[test]
        fn any_digit_change_breaks_the_check(body in "[1-6][0-9]{5}19[5-9][0-9]0[1-9]1[0-9][0-9]{3}", pos in 0usize..17, delta in 1u8..10) {
            let id = valid_id(&body);
            prop_assert!(ResidentId::parse(&id).is_ok());
            let mut bytes = id.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            // A single changed digit always changes the MOD 11-2 check (weights are non-zero mod 11).
            let still_valid = ResidentId::parse(&changed).is_ok();
            prop_assert!(!still_valid);
        }

        #[test]
        fn masked_ids_hide_the_middle(body in "[1-6][0-9]{5}19[5-9][0-9]0[1-9]1[0-9][0-9]{3}") {
            let id = valid_id(&body);
            let m = mask_id(&id);
            prop_assert_eq!(m.len(), 18);
            prop_assert_eq!(&m[4..14], "**********");
        }
    }
}

/// Mask personal data inside free text for public views: 18-character resident ID
/// numbers (17 digits and a digit or X) and 11-digit mainland mobile numbers standing
/// alone (not part of a longer number such as an index number or an amount).
pub fn mask_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let run = j - i;
            let id_end = if run == 17 && j < chars.len() && matches!(chars[j], 'X' | 'x') { j + 1 } else { j };
            let alone = id_end >= chars.len() || !chars[id_end].is_ascii_alphanumeric();
            let token: String = chars[i..id_end].iter().collect();
            if alone && (id_end - i == 18) {
                out.push_str(&mask_id(&token));
            } else if alone && run == 11 && chars[i] == '1' && ('3'..='9').contains(&chars[i + 1]) {
                out.push_str(&mask_phone(&token));
            } else {
                out.push_str(&token);
            }
            i = id_end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod mask_tests {
    use super::mask_in_text;

    #[test]
    fn masks_ids_and_mobiles_but_not_other_numbers() {
        assert_eq!(
            mask_in_text("张三，身份证440106199001011234，电话13812345678。"),
            "张三，身份证4401**********1234，电话138****5678。"
        );
        assert_eq!(mask_in_text("44010619900101123X"), "4401**********123X");
        // Index numbers, amounts and dates stay.
        for keep in ["11440100MB2C92340X/2020-00007", "金额 12345678901234 元", "2020-10-29", "电话 020-83123456"]
        {
            assert_eq!(mask_in_text(keep), keep);
        }
    }
}
