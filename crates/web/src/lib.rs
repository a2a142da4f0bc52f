//! gongkai-web: the HTTP face of gongkai.
//!
//! - `portal`: public pages (no login);
//! - `console`: staff pages, server-rendered, usable without JavaScript, CSRF-protected;
//! - `api`: the JSON API under `/api/v1` (bearer tokens) and its OpenAPI document.
//!
//! Every handler parses input into core types at the edge, asks
//! [`gongkai_core::access::Principal::can`] before touching an organisation's records,
//! and maps errors through one [`error`] module to Chinese pages or JSON.

pub mod annual;
pub mod api;
pub mod apps;
pub mod auth;
mod cache;
mod catalog_import;
pub mod clock;
pub mod console;
pub mod csrf;
pub mod error;
pub mod forms;
pub mod indexer;
pub mod letters;
pub mod mail;
mod metrics;
pub mod ops;
pub mod portal;
mod portal_apply;
mod portal_catalog;
pub mod report_export;
pub mod rich;
pub mod server;
mod templates;
pub mod worker;
pub mod zh;

pub use server::{AppState, WebConfig, router, serve};
