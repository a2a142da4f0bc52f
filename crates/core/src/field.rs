//! Field-level validation errors, carried to the edge and shown in Chinese.

use std::fmt;

/// One invalid input field: which field (machine name), and a Chinese message that
/// names it for the user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// All field errors of one form, so the user sees every problem at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record the error of `result` (if any) and hand back its value.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msgs: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&msgs.join("；"))
    }
}

impl std::error::Error for FieldErrors {}

impl From<FieldError> for FieldErrors {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}

/// Trim and require a non-empty string of at most `max` characters.
pub fn required_text(field: &'static str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, format!("{label}不能为空")));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(field, format!("{label}不能超过{max}个字符")));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(field, format!("{label}含有不可见的控制字符")));
    }
    refuse_invisible(field, label, s)?;
    Ok(s.to_string())
}

/// Direction overrides and zero-width characters: invisible, they can make a name or title
/// read differently from what is stored (`U+202E fdp.exe`) or make two look-alike entries differ.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

fn refuse_invisible(field: &'static str, label: &str, s: &str) -> Result<(), FieldError> {
    if s.chars().any(is_invisible_format) {
        return Err(FieldError::new(
            field,
            format!("{label}含有不可见的格式字符（如文字方向控制符、零宽字符），请删除后重新输入"),
        ));
    }
    Ok(())
}

/// Like [`required_text`] for a multi-line box: line breaks (CRLF from browsers, CR, LF)
/// are kept as `\n` and tabs allowed; other control and invisible format characters are
/// refused.
pub fn required_multiline(field: &'static str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let s = raw.replace("\r\n", "\n").replace('\r', "\n");
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, format!("{label}不能为空")));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(field, format!("{label}不能超过{max}个字符")));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new(field, format!("{label}含有不可见的控制字符")));
    }
    refuse_invisible(field, label, s)?;
    Ok(s.to_string())
}

/// [`required_multiline`] where empty becomes `None`.
pub fn optional_multiline(
    field: &'static str,
    label: &str,
    raw: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() { Ok(None) } else { required_multiline(field, label, raw, max).map(Some) }
}

/// Trim; empty becomes `None`; otherwise at most `max` characters.
pub fn optional_text(field: &'static str, label: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() { Ok(None) } else { required_text(field, label, raw, max).map(Some) }
}

/// An enum of stored codes with Chinese labels: `ALL`, `code()`, `label()` and `parse()`
/// (from the code or the label; anything else is a field error naming `$field`).
macro_rules! codes {
    ($(#[$doc:meta])* $name:ident, $field:literal, $what:literal { $($v:ident = $code:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)*];
            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code,)* }
            }
            pub fn label(self) -> &'static str {
                match self { $($name::$v => $label,)* }
            }
            /// From its code or its Chinese label.
            pub fn parse(raw: &str) -> Result<Self, $crate::field::FieldError> {
                let raw = raw.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|k| k.code() == raw || k.label() == raw)
                    .ok_or_else(|| $crate::field::FieldError::new($field, concat!("请选择", $what)))
            }
        }
    };
}
pub(crate) use codes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_from_a_textarea_are_kept_and_other_controls_refused() {
        let s = required_multiline("d", "描述", "第一行\r\n第二行\r第三行\n\t缩进", 100).unwrap();
        assert_eq!(s, "第一行\n第二行\n第三行\n\t缩进");
        assert!(required_multiline("d", "描述", "a\u{7}b", 100).unwrap_err().message.contains("控制字符"));
        assert!(required_text("t", "标题", "第一行\r\n第二行", 100).is_err(), "single-line fields stay single-line");
        assert_eq!(optional_multiline("d", "描述", " \r\n ", 100).unwrap(), None);
    }

    #[test]
    fn direction_overrides_and_zero_width_characters_are_refused() {
        for bad in ["报告\u{202E}fdp.exe", "民政\u{200B}局", "\u{2066}名称\u{2069}", "\u{FEFF}标题"] {
            let e = required_text("t", "名称", bad, 100).unwrap_err();
            assert!(e.message.contains("格式字符"), "{bad:?}: {}", e.message);
            assert!(required_multiline("t", "名称", bad, 100).is_err(), "{bad:?}");
        }
        assert!(required_text("t", "名称", "广州市民政局（2024年）", 100).is_ok());
    }
}
