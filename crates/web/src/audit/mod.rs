//! The audit log on the console.

pub mod console;
