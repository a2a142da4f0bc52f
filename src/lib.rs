//! The `gongkai` binary's library half: the command line and the demo organisation
//! (a library so that the integration tests can seed and drive the same code).

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod cli;
pub mod demo;
