//! Applications for disclosure (依申请公开): identity, outcomes, fees, and the workflow
//! with its statutory clock.

pub mod alerts;
pub mod decide;
pub mod event_input;
pub mod fees;
pub mod identity;
pub mod intake;
pub mod letters;
pub mod outcome;
pub mod public;
pub mod workflow;

#[cfg(test)]
mod tests;

pub use fees::FeeBasis;
pub use outcome::{ApplicantKind, Outcome, ReportFormat};
pub use workflow::{Case, Channel, Clock, ClockSettings, Event, Party, Status, WorkflowError};
