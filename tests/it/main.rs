//! The one integration-test binary: repository tests, HTTP tests through a real
//! listening server and CLI tests, each on SQLite and on PostgreSQL.

mod files;
mod harness;
mod instances;
mod jobs;
mod layout;
mod oversight;
mod press;
mod proposals;
mod pushes;
mod reports;

mod annual;
mod api;
mod applications;
mod browser;
mod catalog;
mod cli;
mod console;
mod consultations;
mod crawl;
mod dates;
mod desk;
mod schema;
mod sealed;
mod store;
mod transfer;
