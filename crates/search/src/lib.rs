//! gongkai-search: the full-text index behind a small trait.
//!
//! The platform's source of truth is the database; the index is a rebuildable cache fed
//! from a change log, so each server instance keeps its own. This crate defines the
//! contract every index implements; the Chinese implementation (tantivy with a jieba
//! tokenizer, Traditional queries converted to Simplified first) arrives with the
//! catalog module, the first thing that is searched.

/// One searchable record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// Stable key, e.g. `catalog:123`.
    pub key: String,
    /// Organisation the record belongs to (results are always filtered by it or by the
    /// public flag, never mixed across organisations' private records).
    pub org_id: i64,
    pub public: bool,
    pub title: String,
    pub body: String,
}

/// A query: free text plus the filters every caller must state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    /// `None` = public records of every organisation (the portal).
    pub org_id: Option<i64>,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub key: String,
    pub score: f32,
    /// Snippet with matches marked by `<mark>`.
    pub snippet: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index error: {0}")]
    Index(String),
}

/// What the application needs from a full-text index.
pub trait SearchIndex: Send + Sync {
    /// Add or replace documents (by key).
    fn upsert(&self, docs: &[SearchDoc]) -> Result<(), SearchError>;
    fn delete(&self, keys: &[String]) -> Result<(), SearchError>;
    fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>, SearchError>;
}
