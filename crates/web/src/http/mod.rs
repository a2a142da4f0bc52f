//! HTTP plumbing shared by every concept: authentication, CSRF, forms and query strings,
//! the clock, the reading aids, caches and metrics.

pub mod auth;
pub mod cache;
pub mod clock;
pub mod csrf;
pub mod escape;
pub mod forms;
pub mod limits;
pub mod listen;
pub mod metrics;
pub mod rich;
pub mod secrets;
pub mod zh;
