//! Request-body extractors with Chinese errors: CSRF-checked forms and JSON.

use crate::error::{ApiError, AppError};
use crate::http::csrf;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

async fn body_bytes(req: Request, state: &AppState) -> Result<Bytes, AppError> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest("无法读取提交的内容".into())
        }
    })
}

/// An `application/x-www-form-urlencoded` body whose `_csrf` field has been verified.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let bytes = body_bytes(req, state).await?;
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest("表单内容无法解析".into()))?;
        let token = pairs.iter().find(|(k, _)| k == csrf::FIELD).map(|(_, v)| v.as_str());
        csrf::verify(&state.secret, &headers, token, state.site_host())?;
        let value = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| AppError::BadRequest(format!("表单内容无法解析：{}", describe(&e.to_string()))))?;
        Ok(CsrfForm(value))
    }
}

/// A JSON body for the API.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let json_ct = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json_ct {
            return Err(ApiError(AppError::BadRequest("请求体应为 JSON（Content-Type: application/json）".into())));
        }
        let bytes = body_bytes(req, state).await?;
        // One rule for every endpoint: a field the endpoint does not know is refused, never
        // dropped (a client that misspells `name` must not get 200 with nothing changed).
        let mut unknown = Vec::new();
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_ignored::deserialize(&mut de, |path| unknown.push(path.to_string()))
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| ApiError(AppError::BadRequest(format!("JSON 内容无法解析：{}", describe(&e.to_string())))))?;
        if !unknown.is_empty() {
            return Err(ApiError(AppError::BadRequest(format!("JSON 中有本接口不认识的字段：{}", unknown.join("、")))));
        }
        Ok(ApiJson(value))
    }
}

/// The query string of a page, parsed into `T`; a malformed one (`?page=abc`) is a
/// Chinese 400 page rather than axum's English text.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Params(v)),
            Err(e) => {
                let text = e.body_text();
                let detail = text.strip_prefix("Failed to deserialize query string: ").unwrap_or(&text);
                Err(AppError::BadRequest(format!("网址中的参数有误：{}", describe(detail))))
            }
        }
    }
}

/// Turn serde's English wording for the usual cases into Chinese, keeping field names
/// (`page: invalid digit found in string` → `page 应为数字`).
fn describe(msg: &str) -> String {
    if let Some((field, what)) = msg.split_once(": ")
        && !field.contains(' ')
    {
        let what = match what {
            m if m.starts_with("invalid digit") => "应为数字".to_string(),
            m if m.starts_with("number too large") || m.starts_with("number too small") => "数字超出范围".into(),
            m if m.starts_with("cannot parse integer from empty string") => "不能为空".into(),
            m if m.starts_with("unknown variant") => "取值无效".into(),
            m if m.starts_with("invalid type") => "类型不正确".into(),
            m => describe(m),
        };
        return format!("{field} {what}");
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        return format!("缺少字段 {field}");
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        return format!("不认识的字段 {field}");
    }
    if msg.starts_with("invalid digit") {
        return "应为数字".into();
    }
    if msg.starts_with("invalid type") || msg.contains("invalid value") {
        return "字段类型不正确".into();
    }
    if msg.starts_with("unknown variant") {
        return "取值无效".into();
    }
    // Anything else from serde is English: say what kind of problem it is, not the text.
    "格式不正确".into()
}

#[cfg(test)]
mod describe_tests {
    #[test]
    fn serde_messages_in_chinese() {
        assert_eq!(super::describe("page: invalid digit found in string"), "page 应为数字");
        assert_eq!(super::describe("missing field `title`"), "缺少字段 title");
        assert_eq!(super::describe("year: number too large to fit in target type"), "year 数字超出范围");
        assert_eq!(super::describe("expected value at line 1 column 1"), "格式不正确");
    }
}

/// Parse an id from the path, as a 404 when it is not a number.
pub fn path_id<T: std::str::FromStr>(raw: &str) -> Result<T, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// A form with no fields but the CSRF token (buttons).
#[derive(serde::Deserialize, Default)]
pub struct Empty {}

/// Empty form strings as `None` for optional numeric ids.
pub fn opt_id<T: std::str::FromStr>(raw: &Option<String>) -> Result<Option<T>, gongkai_core::FieldError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse::<T>()
            .map(Some)
            .map_err(|_| gongkai_core::FieldError::new("id", format!("编号“{s}”不是有效的数字"))),
    }
}

/// One uploaded file of a multipart form.
pub struct Upload {
    pub field: String,
    pub filename: String,
    pub data: Vec<u8>,
}

/// A `multipart/form-data` body (file uploads) whose `_csrf` field has been verified.
/// The route sets the size limit; an oversized body is a Chinese 413.
pub struct CsrfMultipart {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl CsrfMultipart {
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let mut mp = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("请以文件上传表单提交".into()))?;
        let too_large = |e: axum::extract::multipart::MultipartError| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest("上传的内容无法读取".into())
            }
        };
        let mut out = CsrfMultipart { fields: Vec::new(), files: Vec::new() };
        while let Some(field) = mp.next_field().await.map_err(too_large)? {
            let name = field.name().unwrap_or("").to_string();
            match field.file_name().map(str::to_string) {
                Some(filename) => {
                    let data = field.bytes().await.map_err(too_large)?.to_vec();
                    if !data.is_empty() {
                        out.files.push(Upload { field: name, filename, data });
                    }
                }
                None => {
                    let text = field.text().await.map_err(too_large)?;
                    out.fields.push((name, text));
                }
            }
        }
        csrf::verify(
            &state.secret,
            &headers,
            Some(out.field(csrf::FIELD)).filter(|s| !s.is_empty()),
            state.site_host(),
        )?;
        Ok(out)
    }
}

/// `?year=YYYY` on the console's yearly pages (registers, record books, channel counts).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

/// The year asked for: this year when empty, else one from 2000 to `today`'s year plus
/// `ahead`; anything else is a Chinese 400.
pub fn year_param(today: jiff::civil::Date, raw: &str, ahead: i16) -> Result<i16, AppError> {
    if raw.trim().is_empty() {
        return Ok(today.year());
    }
    raw.trim()
        .parse::<i16>()
        .ok()
        .filter(|y| (2000..=today.year() + ahead).contains(y))
        .ok_or_else(|| AppError::BadRequest("年度无效".into()))
}

/// The Chinese messages of a form's field errors, for the page that shows the form again.
pub fn messages(e: gongkai_core::FieldErrors) -> Vec<String> {
    e.0.into_iter().map(|x| x.message).collect()
}

/// The first value of `key` in a form read as pairs (forms with repeated ticks), or "".
pub fn pair<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}
