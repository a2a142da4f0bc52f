//! gongkai-core: the pure domain of the platform.
//!
//! Everything here is plain data and plain functions: no I/O, no async, no SQL, no
//! clocks read behind the caller's back. Values that reach this crate have been parsed
//! into types that can only hold valid values; rules (access decisions, lock-out
//! back-off, and later deadlines and report statistics) are functions over them.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod appeals;
pub mod applications;
pub mod calendar;
pub mod catalog;
pub mod channels;
pub mod consultations;
pub mod field;
pub mod ids;
pub mod jobs;
pub mod orgs;
pub mod oversight;
pub mod press;
pub mod proposals;
pub mod pushes;
pub mod reports;
pub mod time;

pub use field::{FieldError, FieldErrors};
