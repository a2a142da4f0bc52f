//! gongkai-web: the HTTP face of gongkai, laid out by concept.
//!
//! - `state` (the bottom: what every handler shares) and `app` (the top: the router);
//! - `http`: authentication, CSRF, forms, the clock, reading aids, caches, metrics;
//! - `pages`: the page frame and templates; `console` and `api`: the two shells that merge
//!   each concept's console pages and API;
//! - one folder per concept — `orgs`, `calendar`, `catalog`, `applications`, `appeals`,
//!   `reports`, `audit`, `jobs` — each with its portal, console and API side by side.
//!
//! Every handler parses input into core types at the edge, asks
//! [`gongkai_core::orgs::access::Principal::can`] before touching an organisation's records,
//! and maps errors through one [`error`] module to Chinese pages or JSON.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod app;
pub mod appeals;
pub mod applications;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod channels;
pub mod console;
pub mod consultations;
pub mod error;
pub mod http;
pub mod jobs;
pub mod orgs;
pub mod oversight;
pub mod pages;
pub mod press;
pub mod proposals;
pub mod pushes;
pub mod reports;
pub mod state;

pub use app::{router, serve};
pub use state::{AppState, WebConfig};
