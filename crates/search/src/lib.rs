//! gongkai-search: the full-text index behind a small trait.
//!
//! The platform's source of truth is the database; the index is a rebuildable cache fed
//! from a change log (`search_changes`), so each server instance keeps its own and
//! catches up by itself. [`TantivyIndex`] is the Chinese implementation: tantivy over
//! character bigrams (any substring of two or more characters is found), queries in
//! Traditional characters converted to Simplified (the stored form), synonyms expanded
//! at query time, snippets with the matches marked, counts above a threshold estimated,
//! and a small cache of result pages per index generation.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod grams;
pub mod synonyms;
mod tantivy_index;

pub use synonyms::Synonyms;
pub use tantivy_index::{EXACT_COUNT, TantivyIndex};

/// One searchable record (a published catalog item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    pub id: i64,
    pub org_id: i64,
    pub column_id: i64,
    /// Item kind code (`normative`, `interpretation`, …).
    pub kind: String,
    /// Validity code (`valid`, `repealed`, …).
    pub validity: String,
    /// Publication date `YYYY-MM-DD`.
    pub published_on: String,
    pub title: String,
    pub doc_number: String,
    pub index_no: String,
    pub issuer: String,
    pub summary: String,
    /// Body text plus the text of the attachments.
    pub body: String,
}

impl SearchDoc {
    pub fn year(&self) -> u64 {
        self.published_on.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }
}

/// A query: free text plus filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchQuery {
    pub text: String,
    pub org_id: Option<i64>,
    pub year: Option<u64>,
    pub kind: Option<String>,
    pub validity: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub id: i64,
    pub score: f32,
    /// Title with matches marked by `<mark>` (HTML-escaped otherwise).
    pub title_html: String,
    /// Snippet of the body with matches marked by `<mark>` (HTML-escaped otherwise).
    pub snippet_html: String,
    pub org_id: i64,
    pub published_on: String,
    pub doc_number: String,
    pub index_no: String,
    pub kind: String,
    pub validity: String,
}

/// Counts of the matching documents per value of a filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub years: Vec<(u64, u64)>,
    pub kinds: Vec<(String, u64)>,
    pub orgs: Vec<(i64, u64)>,
    pub validity: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// Matching items; an estimate when `approximate` (above [`EXACT_COUNT`]).
    pub total: usize,
    /// The total and the facet counts were extrapolated ("约…条").
    pub approximate: bool,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index error: {0}")]
    Index(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

/// What the application needs from a full-text index.
pub trait SearchIndex: Send + Sync {
    /// Add or replace documents (by id), delete others, and record `seq` as the last
    /// change-log entry applied, all in one commit.
    fn apply(&self, upserts: &[SearchDoc], deletes: &[i64], seq: i64) -> Result<(), SearchError>;
    /// The last change-log entry applied (0 for a new index).
    fn applied_seq(&self) -> i64;
    fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError>;
    /// Number of documents in the index.
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Remove everything (before a rebuild).
    fn clear(&self) -> Result<(), SearchError>;
    /// Use these synonym groups for the queries from now on.
    fn set_synonyms(&self, synonyms: Synonyms);
}
