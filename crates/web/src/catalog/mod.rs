//! Proactive disclosure (主动公开): the portal's home (`home`), portal pages and search (`portal`), the console
//! (`console`), batch import and the search indexer.

pub mod console;
pub mod home;
pub mod import;
pub mod indexer;
pub mod portal;
