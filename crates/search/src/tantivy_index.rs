//! tantivy with a jieba tokenizer: the embedded Chinese full-text index.

use crate::{Facets, SearchDoc, SearchError, SearchHit, SearchIndex, SearchQuery, SearchResults};
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

const TOKENIZER: &str = "jieba";
/// Memory budget of the single writer (tantivy splits it across its threads).
const WRITER_HEAP: usize = 100_000_000;

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

pub struct TantivyIndex {
    index: Index,
    reader: IndexReader,
    /// `None` after a failed write dropped a dead writer; the next write opens a new one.
    writer: Mutex<Option<IndexWriter>>,
    f: Fields,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let indexed_only = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
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
        index.tokenizers().register(TOKENIZER, tantivy_jieba::JiebaTokenizer::new());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer(WRITER_HEAP)?;
        Ok(Self { index, reader, writer: Mutex::new(Some(writer)), f })
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

    /// The query on one field (`all` to match, `title` to rank).
    fn parse_on(&self, field: Field, text: &str) -> Box<dyn Query> {
        let mut parser = QueryParser::for_index(&self.index, vec![field]);
        parser.set_conjunction_by_default();
        // Readers type plain words: keep query syntax characters from turning into errors.
        let cleaned: String = text
            .chars()
            .map(|c| {
                if matches!(c, ':' | '^' | '[' | ']' | '{' | '}' | '(' | ')' | '~' | '\\' | '!' | '*') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        parser.parse_query_lenient(&cleaned).0
    }

    fn parse(&self, text: &str) -> Box<dyn Query> {
        self.parse_on(self.f.all, text)
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
            .get(TOKENIZER)
            .ok_or_else(|| SearchError::Index(format!("tokenizer {TOKENIZER} is not registered")))?;
        Ok(SnippetGenerator::new(terms, analyzer, field, max))
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
        Ok(())
    }

    fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        let f = &self.f;
        // Simplified is the stored form: a query typed in Traditional finds the same text.
        let text = gongkai_text::to_simplified(q.text.trim());
        if text.is_empty() {
            return Ok(SearchResults::default());
        }
        let text_query = self.parse(&text);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, text_query.box_clone()),
            (Occur::Should, Box::new(tantivy::query::BoostQuery::new(self.parse_on(f.title, &text), 3.0))),
        ];
        if let Some(o) = q.org_id {
            clauses.push((Occur::Must, term(Term::from_field_i64(f.org, o))));
        }
        if let Some(y) = q.year {
            clauses.push((Occur::Must, term(Term::from_field_u64(f.year, y))));
        }
        if let Some(k) = &q.kind {
            clauses.push((Occur::Must, term(Term::from_field_text(f.kind, k))));
        }
        if let Some(v) = &q.validity {
            clauses.push((Occur::Must, term(Term::from_field_text(f.validity, v))));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 100);
        let mut facets = FacetCollector::for_field("facet");
        for root in ["/year", "/kind", "/org", "/validity"] {
            facets.add_facet(root);
        }
        let (top, total, counts) = searcher
            .search(&query, &(TopDocs::with_limit(limit).and_offset(q.offset).order_by_score(), Count, facets))?;
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
                .get(root)
                .map(|(facet, n)| {
                    let s = facet.to_path_string();
                    (s.rsplit('/').next().unwrap_or_default().to_string(), n)
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
        Ok(SearchResults { total, hits, facets: Facets { years, kinds, orgs, validity } })
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
