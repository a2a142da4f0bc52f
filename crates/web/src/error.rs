//! One error type for every handler, rendered as a Chinese HTML page (portal, console)
//! or as JSON (API). Internal errors are logged with the request id and shown as a
//! generic message, never with their cause.

use crate::pages::{ErrorPage, render};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_core::{FieldError, FieldErrors};
use gongkai_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub enum AppError {
    /// 400/422: invalid input, one message per field.
    Invalid(FieldErrors),
    /// 400 with a plain message.
    BadRequest(String),
    /// Not logged in (console: redirect to the login page).
    LoginRequired {
        next: String,
    },
    /// 401 for the API.
    Unauthorized,
    /// 403: logged in but not allowed (also a failed CSRF check).
    Forbidden(String),
    NotFound,
    PayloadTooLarge,
    Conflict(String),
    Internal(anyhow::Error),
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e.into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<gongkai_store::orgs::WriteError> for AppError {
    fn from(e: gongkai_store::orgs::WriteError) -> Self {
        match e {
            gongkai_store::orgs::WriteError::Invalid(f) => AppError::Invalid(f),
            gongkai_store::orgs::WriteError::Store(s) => s.into(),
        }
    }
}

impl From<gongkai_store::orgs::users::UserWriteError> for AppError {
    fn from(e: gongkai_store::orgs::users::UserWriteError) -> Self {
        match e {
            gongkai_store::orgs::users::UserWriteError::Invalid(f) => AppError::Invalid(f.into()),
            gongkai_store::orgs::users::UserWriteError::Store(s) => s.into(),
        }
    }
}

impl From<gongkai_store::applications::AppendError> for AppError {
    fn from(e: gongkai_store::applications::AppendError) -> Self {
        match e {
            gongkai_store::applications::AppendError::Refused(w) => {
                AppError::Invalid(FieldError::new("event", w.to_string()).into())
            }
            gongkai_store::applications::AppendError::Store(s) => s.into(),
        }
    }
}

impl From<gongkai_store::catalog::CatalogError> for AppError {
    fn from(e: gongkai_store::catalog::CatalogError) -> Self {
        match e {
            gongkai_store::catalog::CatalogError::Refused(m) => AppError::Conflict(m),
            gongkai_store::catalog::CatalogError::Store(s) => s.into(),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::LoginRequired { .. } | AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid_input",
            AppError::BadRequest(_) => "bad_request",
            AppError::LoginRequired { .. } | AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    /// The Chinese message shown to the user.
    pub fn message(&self) -> String {
        match self {
            AppError::Invalid(e) => format!("提交的内容有误：{e}"),
            AppError::BadRequest(m) | AppError::Conflict(m) => m.clone(),
            AppError::LoginRequired { .. } => "请先登录".into(),
            AppError::Unauthorized => "未登录或令牌无效，请在请求头 Authorization 中提供有效的 Bearer 令牌".into(),
            AppError::Forbidden(m) => m.clone(),
            AppError::NotFound => "您访问的页面或记录不存在".into(),
            AppError::PayloadTooLarge => "提交的内容过大，超出了系统允许的上限".into(),
            AppError::Internal(_) => "系统内部错误，请稍后再试；如问题持续，请联系系统管理员".into(),
        }
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden("您没有权限执行此操作".into())
    }

    fn log(&self) {
        if let AppError::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
    }
}

/// HTML rendering (portal and console).
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if let AppError::LoginRequired { next } = &self {
            let to = format!("/console/login?next={}", crate::http::escape::url_encode(next));
            return Redirect::to(&to).into_response();
        }
        let fields = match &self {
            AppError::Invalid(e) => e.0.iter().map(|f| f.message.clone()).collect(),
            _ => vec![],
        };
        let page = ErrorPage::new(self.status().as_u16(), self.message(), fields);
        (self.status(), render(&page)).into_response()
    }
}

/// A record that may be missing: `None` when it is not there, an error when the
/// database fails — never one taken for the other.
pub fn optional<T>(r: gongkai_store::Result<T>) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(gongkai_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The same error for the JSON API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `invalid_input`.
    pub error: String,
    /// Message in Simplified Chinese.
    pub message: String,
    /// Per-field messages for `invalid_input`.
    pub fields: Vec<FieldMessage>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let fields = match &e {
            AppError::Invalid(f) => {
                f.0.iter().map(|x| FieldMessage { field: x.field.to_string(), message: x.message.clone() }).collect()
            }
            _ => vec![],
        };
        let status = match e {
            AppError::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            _ => e.status(),
        };
        let body = ErrorBody { error: e.code().into(), message: e.message(), fields };
        let mut resp = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

pub type PageResult<T> = Result<T, AppError>;
pub type ApiResult<T> = Result<T, ApiError>;
