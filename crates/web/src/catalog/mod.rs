//! Proactive disclosure (主动公开): portal pages and search (`portal`), the console
//! (`console`), batch import, the search indexer and rich-text handling.

pub mod console;
pub mod import;
pub mod indexer;
pub mod portal;
pub mod rich;
