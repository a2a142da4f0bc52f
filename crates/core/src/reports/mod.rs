//! The annual report's statistical tables (政府信息公开工作年度报告): the official layout,
//! the computation of tables 三 and 四 from application and appeal records, and the
//! identities every table must satisfy (annual-report-format.md §3.3, §4).

pub mod document;
pub mod grid;
pub mod import;
pub mod layout;
pub mod narrative;
pub mod tables;

pub use crate::applications::ReportFormat;
pub use tables::{
    AppFact, AppealFact, CheckResult, Failure, Group, Tables, Value, Verdict, check, check_figure, compute,
    compute_groups, sum, with_figures,
};
