//! tantivy with a character-bigram tokenizer: the embedded Chinese full-text index.

use crate::grams::{self, BigramTokenizer};
use crate::synonyms::Synonyms;
use crate::{Facets, SearchDoc, SearchError, SearchHit, SearchIndex, SearchQuery, SearchResults};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tantivy::collector::{Collector, Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

/// Memory budget of the single writer (tantivy splits it across its threads).
const WRITER_HEAP: usize = 100_000_000;
/// Matches counted exactly, with exact facets; beyond it the count and the facets are
/// extrapolated from the segments read so far and shown as "约…条" (a query matching
/// most of a million items would otherwise count and facet all of them per request).
pub const EXACT_COUNT: usize = 20_000;
/// Result pages kept per index generation (any applied change or synonym edit clears
/// them by moving the generation on).
const CACHE_ENTRIES: usize = 512;
/// The most words of a query that are searched (the rest are ignored).
const MAX_WORDS: usize = 8;

struct Fields {
    id: Field,
    org: Field,
    column: Field,
    year: Field,
    kind: Field,
    validity: Field,
    published_on: Field,
    title: Field,
    doc_number: Field,
    index_no: Field,
    issuer: Field,
    summary: Field,
    body: Field,
    /// Everything searchable in one indexed field: one phrase query per word instead of
    /// one per field (the title is matched again, only to rank).
    all: Field,
    facet: Field,
}

/// Facet counts of the segments read, and how many documents those held of all.
struct Counted {
    counts: tantivy::collector::FacetCounts,
    all_docs: u64,
    seen: u64,
}

impl Counted {
    /// A count over the segments read, scaled to the whole index.
    fn scale(&self, n: u64) -> u64 {
        if self.seen >= self.all_docs { n } else { n * self.all_docs / self.seen }
    }
}

struct Cache {
    generation: u64,
    tick: u64,
    entries: HashMap<SearchQuery, (u64, Arc<SearchResults>)>,
}

pub struct TantivyIndex {
    index: Index,
    reader: IndexReader,
    /// `None` after a failed write dropped a dead writer; the next write opens a new one.
    writer: Mutex<Option<IndexWriter>>,
    f: Fields,
    synonyms: RwLock<Arc<Synonyms>>,
    generation: AtomicU64,
    cache: Mutex<Cache>,
    /// [`EXACT_COUNT`] unless changed (tests use a small one).
    exact_count: std::sync::atomic::AtomicUsize,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(grams::NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing.clone()).set_stored();
    let indexed_only = TextOptions::default().set_indexing_options(indexing);
    let f = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        org: b.add_i64_field("org", INDEXED | STORED | FAST),
        column: b.add_i64_field("column", INDEXED | STORED),
        year: b.add_u64_field("year", INDEXED | FAST),
        kind: b.add_text_field("kind", STRING | STORED),
        validity: b.add_text_field("validity", STRING | STORED),
        published_on: b.add_text_field("published_on", STRING | STORED),
        title: b.add_text_field("title", text),
        doc_number: b.add_text_field("doc_number", STORED),
        index_no: b.add_text_field("index_no", STRING | STORED),
        issuer: b.add_text_field("issuer", STORED),
        summary: b.add_text_field("summary", STORED),
        body: b.add_text_field("body", STORED),
        all: b.add_text_field("all", indexed_only),
        facet: b.add_facet_field("facet", FacetOptions::default()),
    };
    (b.build(), f)
}

impl TantivyIndex {
    /// Open (or create) the index in `dir`, or in memory when `dir` is `None`.
    pub fn open(dir: Option<&Path>) -> Result<Self, SearchError> {
        let (schema, f) = schema();
        let index = match dir {
            None => Index::create_in_ram(schema),
            Some(d) => {
                std::fs::create_dir_all(d)
                    .map_err(|e| SearchError::Index(format!("cannot create {}: {e}", d.display())))?;
                let mmap = tantivy::directory::MmapDirectory::open(d)
                    .map_err(|e| SearchError::Index(format!("cannot open {}: {e}", d.display())))?;
                let existing = match Index::exists(&mmap) {
                    Ok(true) => Index::open(mmap.clone()).ok(),
                    _ => None,
                };
                match existing {
                    Some(index) if index.schema() == schema => index,
                    Some(_) => {
                        // The index is a cache: one built by another version is thrown away
                        // and rebuilt from the change log (its position starts again at 0).
                        tracing::warn!(dir = %d.display(), "search index built by another version: rebuilding");
                        drop(mmap);
                        std::fs::remove_dir_all(d)
                            .and_then(|_| std::fs::create_dir_all(d))
                            .map_err(|e| SearchError::Index(format!("cannot reset {}: {e}", d.display())))?;
                        let mmap = tantivy::directory::MmapDirectory::open(d)
                            .map_err(|e| SearchError::Index(format!("cannot open {}: {e}", d.display())))?;
                        Index::create(mmap, schema, tantivy::IndexSettings::default())?
                    }
                    None => Index::create(mmap, schema, tantivy::IndexSettings::default())?,
                }
            }
        };
        index.tokenizers().register(grams::NAME, TextAnalyzer::from(BigramTokenizer));
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer(WRITER_HEAP)?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(Some(writer)),
            f,
            synonyms: RwLock::new(Arc::new(Synonyms::default_list())),
            generation: AtomicU64::new(0),
            cache: Mutex::new(Cache { generation: 0, tick: 0, entries: HashMap::new() }),
            exact_count: std::sync::atomic::AtomicUsize::new(EXACT_COUNT),
        })
    }

    /// Count exactly up to `n` matches (see [`EXACT_COUNT`]).
    pub fn set_exact_count(&self, n: usize) {
        self.exact_count.store(n, Ordering::Relaxed);
        self.changed();
    }

    fn to_document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.f;
        let year = d.year();
        let mut doc = doc!(
            f.id => d.id,
            f.org => d.org_id,
            f.column => d.column_id,
            f.year => year,
            f.kind => d.kind.as_str(),
            f.validity => d.validity.as_str(),
            f.published_on => d.published_on.as_str(),
            f.title => d.title.as_str(),
            f.doc_number => d.doc_number.as_str(),
            f.index_no => d.index_no.as_str(),
            f.issuer => d.issuer.as_str(),
            f.summary => d.summary.as_str(),
            f.body => d.body.as_str(),
            f.all => format!("{}\n{}\n{}\n{}\n{}", d.title, d.doc_number, d.summary, d.issuer, d.body),
        );
        for path in [
            format!("/year/{year}"),
            format!("/kind/{}", d.kind),
            format!("/org/{}", d.org_id),
            format!("/validity/{}", d.validity),
        ] {
            if let Ok(facet) = Facet::from_text(&path) {
                doc.add_facet(f.facet, facet);
            }
        }
        doc
    }

    /// `text` as one phrase of its bigrams on `field` (a term query for one token);
    /// `None` when it has nothing searchable (punctuation only).
    fn phrase(field: Field, text: &str) -> Option<Box<dyn Query>> {
        let tokens = grams::query_tokens(text);
        match tokens.as_slice() {
            [] => None,
            [one] => {
                Some(Box::new(TermQuery::new(Term::from_field_text(field, &one.text), IndexRecordOption::WithFreqs)))
            }
            _ => Some(Box::new(PhraseQuery::new_with_offset(
                tokens.iter().map(|t| (t.position, Term::from_field_text(field, &t.text))).collect(),
            ))),
        }
    }

    /// The query that decides what matches (every word, in any of its spellings, as a
    /// substring of the item) and the one that only ranks (the words in the title).
    /// Words are separated by spaces; `OR` between two words makes either enough.
    fn text_queries(&self, text: &str) -> Option<(Box<dyn Query>, Box<dyn Query>)> {
        let synonyms = self.synonyms.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let mut clauses: Vec<Vec<&str>> = Vec::new();
        let mut or_next = false;
        for word in text.split_whitespace().take(MAX_WORDS * 2) {
            if word == "OR" || word == "|" {
                or_next = !clauses.is_empty();
                continue;
            }
            match clauses.last_mut() {
                Some(last) if or_next => last.push(word),
                _ => clauses.push(vec![word]),
            }
            or_next = false;
        }
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut rank: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for clause in clauses.into_iter().take(MAX_WORDS) {
            let mut either: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for word in clause {
                for v in synonyms.variants(word) {
                    if let Some(q) = Self::phrase(self.f.all, &v) {
                        either.push((Occur::Should, q));
                    }
                    if let Some(q) = Self::phrase(self.f.title, &v) {
                        rank.push((Occur::Should, q));
                    }
                }
            }
            match either.len() {
                0 => {}
                1 => must.push((Occur::Must, either.remove(0).1)),
                _ => must.push((Occur::Must, Box::new(BooleanQuery::new(either)))),
            }
        }
        if must.is_empty() {
            return None;
        }
        Some((Box::new(BooleanQuery::new(must)), Box::new(BoostQuery::new(Box::new(BooleanQuery::new(rank)), 3.0))))
    }

    /// A snippet generator for a stored-only field, from the terms the query matched in `all`.
    fn snippets(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        field: Field,
        max: usize,
    ) -> Result<SnippetGenerator, SearchError> {
        let mut terms = std::collections::BTreeMap::new();
        query.query_terms(&mut |term, _| {
            if term.field() == self.f.all
                && let Some(t) = term.value().as_str()
            {
                let df = searcher.doc_freq(term).unwrap_or(0);
                terms.insert(t.to_string(), 1.0 / (1.0 + df as f32));
            }
        });
        let analyzer = self
            .index
            .tokenizers()
            .get(grams::NAME)
            .ok_or_else(|| SearchError::Index(format!("tokenizer {} is not registered", grams::NAME)))?;
        Ok(SnippetGenerator::new(terms, analyzer, field, max))
    }

    /// The number of matches and the facet counts: exact up to [`EXACT_COUNT`], else
    /// extrapolated from the smaller segments read until then (`true` = estimated).
    fn count_and_facets(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> Result<(usize, Counted, bool), SearchError> {
        let mut facets = FacetCollector::for_field("facet");
        for root in ["/year", "/kind", "/org", "/validity"] {
            facets.add_facet(root);
        }
        let collector = (Count, facets);
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut segments: Vec<(u32, &tantivy::SegmentReader)> =
            searcher.segment_readers().iter().enumerate().map(|(i, r)| (i as u32, r)).collect();
        segments.sort_by_key(|(_, r)| r.num_docs());
        let all_docs: u64 = segments.iter().map(|(_, r)| u64::from(r.num_docs())).sum();
        let (mut fruits, mut count, mut seen) = (Vec::new(), 0usize, 0u64);
        for (ord, reader) in segments {
            let fruit = collector.collect_segment(weight.as_ref(), ord, reader)?;
            count += fruit.0;
            seen += u64::from(reader.num_docs());
            fruits.push(fruit);
            if count > self.exact_count.load(Ordering::Relaxed) && seen < all_docs {
                break;
            }
        }
        let (count, counts) = collector.merge_fruits(fruits)?;
        let c = Counted { counts, all_docs, seen: seen.max(1) };
        Ok((c.scale(count as u64) as usize, c, seen < all_docs))
    }

    fn cached(&self, q: &SearchQuery) -> Option<Arc<SearchResults>> {
        let generation = self.generation.load(Ordering::Acquire);
        let mut c = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if c.generation != generation {
            c.entries.clear();
            c.generation = generation;
            return None;
        }
        c.tick += 1;
        let tick = c.tick;
        let hit = c.entries.get_mut(q)?;
        hit.0 = tick;
        Some(hit.1.clone())
    }

    fn remember(&self, q: &SearchQuery, generation: u64, r: &SearchResults) {
        let mut c = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if c.generation != generation {
            return;
        }
        if c.entries.len() >= CACHE_ENTRIES {
            // Least recently used out (a scan of a few hundred entries, off the hot path).
            if let Some(oldest) = c.entries.iter().min_by_key(|(_, (t, _))| *t).map(|(k, _)| k.clone()) {
                c.entries.remove(&oldest);
            }
        }
        c.tick += 1;
        let tick = c.tick;
        c.entries.insert(q.clone(), (tick, Arc::new(r.clone())));
    }

    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The search itself, without the cache.
    pub fn search_uncached(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        let f = &self.f;
        // Simplified is the stored form: a query typed in Traditional finds the same text.
        let text = gongkai_text::to_simplified(q.text.trim());
        let Some((text_query, rank_query)) = self.text_queries(&text) else {
            return Ok(SearchResults::default());
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, text_query.box_clone()), (Occur::Should, rank_query)];
        let mut filters: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        if let Some(o) = q.org_id {
            filters.push((Occur::Must, term(Term::from_field_i64(f.org, o))));
        }
        if let Some(y) = q.year {
            filters.push((Occur::Must, term(Term::from_field_u64(f.year, y))));
        }
        if let Some(k) = &q.kind {
            filters.push((Occur::Must, term(Term::from_field_text(f.kind, k))));
        }
        if let Some(v) = &q.validity {
            filters.push((Occur::Must, term(Term::from_field_text(f.validity, v))));
        }
        clauses.extend(filters.iter().skip(1).map(|(o, q)| (*o, q.box_clone())));
        let query = BooleanQuery::new(clauses);
        let matching = BooleanQuery::new(filters);
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 100);
        // Ranking and counting each read every match of a broad query: on two threads a
        // single search takes the time of the slower of the two, not their sum.
        let (top, counted) = std::thread::scope(|scope| {
            let counting = scope.spawn(|| self.count_and_facets(&searcher, &matching));
            let top = searcher.search(&query, &TopDocs::with_limit(limit).and_offset(q.offset).order_by_score());
            (top, counting.join())
        });
        let top = top?;
        let (total, counts, approximate) =
            counted.map_err(|_| SearchError::Index("counting the matches panicked".into()))??;
        let body_snippets = self.snippets(&searcher, &*text_query, f.body, 160)?;
        let summary_snippets = self.snippets(&searcher, &*text_query, f.summary, 160)?;
        let title_snippets = self.snippets(&searcher, &*text_query, f.title, 400)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let addr: DocAddress = addr;
            let doc: TantivyDocument = searcher.doc(addr)?;
            let mark = |mut s: tantivy::snippet::Snippet| {
                s.set_snippet_prefix_postfix("<mark>", "</mark>");
                s
            };
            let title = mark(title_snippets.snippet_from_doc(&doc));
            let title_html =
                if title.highlighted().is_empty() { escape(&first_str(&doc, f.title)) } else { title.to_html() };
            let mut snippet = mark(body_snippets.snippet_from_doc(&doc));
            if snippet.highlighted().is_empty() {
                snippet = mark(summary_snippets.snippet_from_doc(&doc));
            }
            let snippet_html = if snippet.fragment().is_empty() {
                escape(&first_str(&doc, f.summary).chars().take(160).collect::<String>())
            } else {
                snippet.to_html()
            };
            hits.push(SearchHit {
                id: first_i64(&doc, f.id),
                score,
                title_html,
                snippet_html,
                org_id: first_i64(&doc, f.org),
                published_on: first_str(&doc, f.published_on),
                doc_number: first_str(&doc, f.doc_number),
                index_no: first_str(&doc, f.index_no),
                kind: first_str(&doc, f.kind),
                validity: first_str(&doc, f.validity),
            });
        }
        let facet_values = |root: &str| -> Vec<(String, u64)> {
            counts
                .counts
                .get(root)
                .map(|(facet, n)| {
                    let s = facet.to_path_string();
                    (s.rsplit('/').next().unwrap_or_default().to_string(), counts.scale(n))
                })
                .collect()
        };
        let mut years: Vec<(u64, u64)> =
            facet_values("/year").into_iter().filter_map(|(y, n)| Some((y.parse().ok()?, n))).collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        let mut kinds = facet_values("/kind");
        kinds.sort_by_key(|x| std::cmp::Reverse(x.1));
        let mut orgs: Vec<(i64, u64)> =
            facet_values("/org").into_iter().filter_map(|(o, n)| Some((o.parse().ok()?, n))).collect();
        orgs.sort_by_key(|x| std::cmp::Reverse(x.1));
        let mut validity = facet_values("/validity");
        validity.sort_by_key(|x| std::cmp::Reverse(x.1));
        Ok(SearchResults { total, approximate, hits, facets: Facets { years, kinds, orgs, validity } })
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn first_str(doc: &TantivyDocument, f: Field) -> String {
    doc.get_first(f).and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

fn first_i64(doc: &TantivyDocument, f: Field) -> i64 {
    doc.get_first(f).and_then(|v| v.as_i64()).unwrap_or_default()
}

impl TantivyIndex {
    /// Run `f` with the writer. A failed write may leave the writer dead for good (tantivy
    /// kills it when one of its threads fails, e.g. out of file descriptors): it is dropped,
    /// releasing the index lock, and the next write opens a fresh one, so the indexer
    /// recovers by itself once the cause is gone.
    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>) -> Result<T, SearchError> {
        let mut slot = self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(self.index.writer(WRITER_HEAP)?);
        }
        let Some(w) = slot.as_mut() else { return Err(SearchError::Index("no index writer".into())) };
        let r = f(w);
        if r.is_err()
            && let Some(mut dead) = slot.take()
        {
            let _ = dead.rollback();
        }
        r
    }
}

impl SearchIndex for TantivyIndex {
    fn apply(&self, upserts: &[SearchDoc], deletes: &[i64], seq: i64) -> Result<(), SearchError> {
        self.with_writer(|w| {
            for id in deletes.iter().copied().chain(upserts.iter().map(|d| d.id)) {
                w.delete_term(Term::from_field_i64(self.f.id, id));
            }
            for d in upserts {
                w.add_document(self.to_document(d))?;
            }
            let mut commit = w.prepare_commit()?;
            commit.set_payload(&seq.to_string());
            commit.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        self.changed();
        Ok(())
    }

    fn applied_seq(&self) -> i64 {
        self.index.load_metas().ok().and_then(|m| m.payload).and_then(|p| p.parse().ok()).unwrap_or(0)
    }

    fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn clear(&self) -> Result<(), SearchError> {
        self.with_writer(|w| {
            w.delete_all_documents()?;
            let mut commit = w.prepare_commit()?;
            commit.set_payload("0");
            commit.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        self.changed();
        Ok(())
    }

    fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        if let Some(hit) = self.cached(q) {
            return Ok((*hit).clone());
        }
        let generation = self.generation.load(Ordering::Acquire);
        let r = self.search_uncached(q)?;
        self.remember(q, generation, &r);
        Ok(r)
    }

    fn set_synonyms(&self, synonyms: Synonyms) {
        let mut slot = self.synonyms.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if **slot != synonyms {
            *slot = Arc::new(synonyms);
            self.changed();
        }
    }
}

fn term(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::Basic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_drops_the_writer_and_the_next_write_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let ix = TantivyIndex::open(Some(dir.path())).unwrap();
        ix.apply(&[doc(1, "低保标准", "正文", "2024")], &[], 1).unwrap();
        // A write that fails half-way (as when tantivy kills its writer).
        let r: Result<(), SearchError> = ix.with_writer(|w| {
            w.add_document(ix.to_document(&doc(2, "半途", "正文", "2024")))?;
            Err(SearchError::Index("An index writer was killed".into()))
        });
        assert!(r.is_err());
        assert!(ix.writer.lock().unwrap().is_none(), "the dead writer is gone, its lock released");
        // The next batch opens a fresh writer and lands; nothing of the failed one does.
        ix.apply(&[doc(3, "特困供养", "正文", "2024")], &[], 2).unwrap();
        assert_eq!((ix.len(), ix.applied_seq()), (2, 2));
    }

    fn doc(id: i64, title: &str, body: &str, year: &str) -> SearchDoc {
        SearchDoc {
            id,
            org_id: 1,
            column_id: 1,
            kind: "normative".into(),
            validity: "valid".into(),
            published_on: format!("{year}-05-01"),
            title: title.into(),
            doc_number: format!("穗民规字〔{year}〕{id}号"),
            index_no: format!("X/{year}-{id:05}"),
            issuer: "广州市民政局".into(),
            summary: String::new(),
            body: body.into(),
        }
    }

    fn index() -> TantivyIndex {
        let idx = TantivyIndex::open(None).unwrap();
        idx.apply(
            &[
                doc(1, "广州市最低生活保障办法", "为规范社会救助工作，保障困难群众基本生活，制定本办法。", "2020"),
                doc(2, "关于做好养老服务工作的通知", "各区民政局：现就养老服务机构备案有关事项通知如下。", "2021"),
                doc(3, "殡葬服务收费公示", "殡葬服务收费项目、收费标准和减免政策。<script>", "2021"),
            ],
            &[],
            3,
        )
        .unwrap();
        idx
    }

    fn ids(r: &SearchResults) -> Vec<i64> {
        r.hits.iter().map(|h| h.id).collect()
    }

    #[test]
    fn finds_words_and_phrases_with_marks() {
        let idx = index();
        let r = idx.search(&SearchQuery { text: "社会救助".into(), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&r), vec![1]);
        assert!(r.hits[0].snippet_html.contains("<mark>"), "{}", r.hits[0].snippet_html);
        let r = idx.search(&SearchQuery { text: "养老服务".into(), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&r), vec![2]);
        assert!(r.hits[0].title_html.contains("<mark>"));
        assert_eq!(idx.applied_seq(), 3);
    }

    #[test]
    fn traditional_query_finds_simplified_text() {
        let idx = index();
        let r = idx.search(&SearchQuery { text: "養老服務".into(), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&r), vec![2]);
        let r = idx.search(&SearchQuery { text: "殯葬".into(), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(ids(&r), vec![3]);
    }

    #[test]
    fn filters_facets_escaping_and_deletes() {
        let idx = index();
        let all = SearchQuery { text: "民政局 OR 殡葬 OR 救助".into(), limit: 10, ..Default::default() };
        let r = idx.search(&all).unwrap();
        assert_eq!(r.total, 3);
        assert_eq!(r.facets.years, vec![(2021, 2), (2020, 1)]);
        let r = idx.search(&SearchQuery { year: Some(2020), ..all.clone() }).unwrap();
        assert_eq!(ids(&r), vec![1]);
        let r = idx.search(&SearchQuery { text: "殡葬".into(), limit: 10, ..Default::default() }).unwrap();
        assert!(!r.hits[0].snippet_html.contains("<script>"), "{}", r.hits[0].snippet_html);
        // Query syntax typed by a reader is not an error.
        assert!(idx.search(&SearchQuery { text: "养老)(:".into(), limit: 10, ..Default::default() }).is_ok());
        idx.apply(&[], &[2], 4).unwrap();
        let r = idx.search(&SearchQuery { text: "养老服务".into(), limit: 10, ..Default::default() }).unwrap();
        assert!(r.hits.is_empty());
        assert_eq!(idx.len(), 2);
        assert_eq!(idx.applied_seq(), 4);
    }

    #[test]
    fn an_index_of_another_schema_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut b = Schema::builder();
            b.add_text_field("old", STRING);
            let mmap = tantivy::directory::MmapDirectory::open(dir.path()).unwrap();
            let old = Index::create(mmap, b.build(), tantivy::IndexSettings::default()).unwrap();
            let mut w: IndexWriter = old.writer(15_000_000).unwrap();
            let mut c = w.prepare_commit().unwrap();
            c.set_payload("99");
            c.commit().unwrap();
        }
        let idx = TantivyIndex::open(Some(dir.path())).unwrap();
        assert_eq!((idx.applied_seq(), idx.len()), (0, 0), "starts again from the change log");
        idx.apply(&[doc(1, "临时救助", "临时救助", "2022")], &[], 1).unwrap();
        assert_eq!(idx.len(), 1);
    }

    #[test]
    fn any_substring_of_two_characters_is_found_and_synonyms_widen() {
        let idx = TantivyIndex::open(None).unwrap();
        idx.apply(
            &[
                doc(1, "老年人助餐点名录附表", "各区助餐点的地址和开放时间。", "2024"),
                doc(2, "最低生活保障标准调整", "城乡最低生活保障标准统一调整。", "2024"),
                doc(3, "低保边缘家庭认定", "低保边缘家庭的认定条件。", "2024"),
                doc(4, "关于征求意见的公告", "现公开征求意见。", "2024"),
                doc(5, "2020年度报告", "政府信息公开工作年度报告。", "2020"),
            ],
            &[],
            5,
        )
        .unwrap();
        let find = |t: &str| {
            let mut v = ids(&idx.search(&SearchQuery { text: t.into(), limit: 10, ..Default::default() }).unwrap());
            v.sort();
            v
        };
        // Word boundaries no longer decide: a segmenter splits these differently.
        assert_eq!(find("助餐点名录"), vec![1]);
        assert_eq!(find("点名"), vec![1]);
        assert_eq!(find("2020年"), vec![5]);
        assert_eq!(find("度报告"), vec![5]);
        // Synonyms both ways, also inside a longer word.
        assert_eq!(find("低保"), vec![2, 3]);
        assert_eq!(find("最低生活保障"), vec![2, 3]);
        assert_eq!(find("低保标准"), vec![2]);
        assert_eq!(find("意见征集"), vec![4]);
        // An edited list replaces the default at once (the cache moves on with it).
        idx.set_synonyms(Synonyms::parse("助餐点 长者饭堂").unwrap());
        assert_eq!(find("低保"), vec![3]);
        assert_eq!(find("长者饭堂"), vec![1]);
        // Punctuation alone searches nothing; words must all match.
        assert!(find("！！").is_empty());
        assert_eq!(find("低保 认定"), vec![3]);
        assert_eq!(find("低保 OR 征求意见"), vec![3, 4]);
    }

    #[test]
    fn counts_above_the_threshold_are_estimated_and_cached_pages_follow_changes() {
        let idx = TantivyIndex::open(None).unwrap();
        // The five segments must stay five: a background merge would make the count exact.
        idx.with_writer(|w| {
            w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
            Ok(())
        })
        .unwrap();
        // Five segments of 100 items each, every one matching.
        for batch in 0..5 {
            let docs: Vec<SearchDoc> =
                (0..100).map(|i| doc(batch * 100 + i + 1, "养老服务通知", "养老服务", "2024")).collect();
            idx.apply(&docs, &[], batch + 1).unwrap();
        }
        let q = SearchQuery { text: "养老服务".into(), limit: 10, ..Default::default() };
        let exact = idx.search(&q).unwrap();
        assert_eq!((exact.total, exact.approximate), (500, false));
        assert_eq!(exact.facets.years, vec![(2024, 500)]);
        idx.set_exact_count(150);
        let r = idx.search(&q).unwrap();
        assert!(r.approximate);
        assert_eq!(r.hits.len(), 10);
        // Whole segments are read, so the estimate of a uniform index is exact here.
        assert_eq!((r.total, r.facets.years.clone()), (500, vec![(2024, 500)]));
        // A change reaches the next search even though the page was cached.
        idx.apply(&[], &(1..=400).collect::<Vec<_>>(), 6).unwrap();
        let r = idx.search(&q).unwrap();
        assert_eq!((r.total, r.approximate), (100, false));
    }

    #[test]
    fn reopened_index_keeps_documents_and_position() {
        let dir = tempfile::tempdir().unwrap();
        {
            let idx = TantivyIndex::open(Some(dir.path())).unwrap();
            idx.apply(&[doc(7, "临时救助", "临时救助对象名单公示", "2022")], &[], 42).unwrap();
        }
        let idx = TantivyIndex::open(Some(dir.path())).unwrap();
        assert_eq!(idx.applied_seq(), 42);
        let r = idx.search(&SearchQuery { text: "临时救助".into(), limit: 5, ..Default::default() }).unwrap();
        assert_eq!(ids(&r), vec![7]);
    }
}
