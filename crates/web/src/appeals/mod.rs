//! Administrative reconsideration and litigation records.

pub mod api;
pub mod console;
