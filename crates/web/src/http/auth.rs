//! Authentication: password hashing, random tokens, the console session and the API
//! bearer token, each as an axum extractor that yields a [`Principal`].

pub use super::secrets::{hex, random_hex, sha256_hex};
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use gongkai_core::orgs::access::Principal;
use gongkai_core::orgs::accounts::NewPassword;
use gongkai_store::Actor;
use gongkai_store::orgs::{sessions, tokens, users};

pub const SESSION_COOKIE: &str = "gk_session";

/// Hash a password with Argon2id (random salt, PHC string). CPU-heavy: call from
/// `spawn_blocking` in request handlers.
pub fn hash_password(pw: &NewPassword) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(pw.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

pub fn verify_password(pw: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default().verify_password(pw.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A valid hash of a random password, verified against when the user name is unknown so
/// that failed logins take the same time whether or not the account exists.
#[allow(clippy::expect_used)] // A fixed-form password that meets the policy, hashed once at the first login.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        let pw = NewPassword::parse(&format!("Dummy-{}", random_hex(16)), None).expect("policy-conform");
        hash_password(&pw).expect("hashing works")
    })
}

/// Read one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the attributes every gongkai cookie carries.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

pub fn request_id(parts: &Parts) -> Option<String> {
    parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// A logged-in staff member on a console page.
pub struct ConsoleUser {
    pub principal: Principal,
    /// SHA-256 of the session token: binds CSRF tokens to this session.
    pub session_hash: String,
    pub request_id: Option<String>,
}

impl ConsoleUser {
    pub fn actor(&self) -> Actor {
        Actor::user(self.principal.user_id, &self.principal.username, self.request_id.clone())
    }
}

impl FromRequestParts<AppState> for ConsoleUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/console".into());
        let login = || AppError::LoginRequired { next: next.clone() };
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(login)?;
        let hash = sha256_hex(token);
        let session = sessions::lookup(&state.db, &hash, state.config.session_ttl).await?.ok_or_else(login)?;
        let principal = users::principal(&state.db, session.user_id).await?.ok_or_else(login)?;
        Ok(ConsoleUser { principal, session_hash: hash, request_id: request_id(parts) })
    }
}

/// The caller of the JSON API, authenticated by `Authorization: Bearer <token>`.
pub struct ApiUser {
    pub principal: Principal,
    pub request_id: Option<String>,
}

impl ApiUser {
    pub fn actor(&self) -> Actor {
        Actor::user(self.principal.user_id, &self.principal.username, self.request_id.clone())
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError(AppError::Unauthorized))?;
        let user =
            tokens::authenticate(&state.db, &sha256_hex(token)).await?.ok_or(ApiError(AppError::Unauthorized))?;
        let principal = users::principal(&state.db, user).await?.ok_or(ApiError(AppError::Unauthorized))?;
        Ok(ApiUser { principal, request_id: request_id(parts) })
    }
}
