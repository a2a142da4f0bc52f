//! Background jobs: the worker and the console page.

pub mod console;
pub mod worker;
