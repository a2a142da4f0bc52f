//! Organisations, users and roles: the access check every route makes (`access`), the
//! console pages, the account page and the API.

pub mod access;
pub mod account;
pub mod api;
pub mod console;
pub mod users;
