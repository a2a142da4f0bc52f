//! Proactive disclosure (主动公开): the portal's home (`home`), portal pages and search (`portal`), the console
//! (`console`), batch import, the search indexer, and what host portals take: cursor feeds
//! (`feeds`) and embeddable fragments (`embed`).

pub mod console;
pub mod embed;
pub mod feeds;
pub mod home;
pub mod import;
pub mod indexer;
pub mod portal;
pub mod synonyms;
