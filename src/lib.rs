//! The `gongkai` binary's library half: the command line and the demo organisation
//! (a library so that the integration tests can seed and drive the same code).

pub mod cli;
pub mod demo;
