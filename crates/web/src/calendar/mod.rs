//! The working-day calendar on the console.

pub mod console;
