//! Oversight of subordinate bodies (spec catalog-and-portal.md §A.6): base-level standard
//! catalogs and their compliance (`standards`), supervision tasks, inspections and
//! village-affairs records, and the figures of the supervisor's dashboard (`supervision`).

pub mod standards;
pub mod supervision;
