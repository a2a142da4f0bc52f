-- Proactive disclosure: each organisation's column tree, catalog items with their
-- validity history, attachments, index-number serials, and the change log that feeds
-- each server instance's search index. Kept in lockstep with ../{{other}}/0008_catalog.sql.

CREATE TABLE catalog_columns (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    parent_id BIGINT REFERENCES catalog_columns(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL DEFAULT 0,
    -- a shorter publication limit than Art. 26's 20 working days, if set
    limit_wd BIGINT
);
CREATE UNIQUE INDEX catalog_columns_slug_key ON catalog_columns (org_id, slug);

-- Per-organisation settings of the catalog (index-number pattern).
CREATE TABLE catalog_settings (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id),
    index_pattern TEXT NOT NULL
);

-- Serials of index numbers per organisation and period: only ever incremented, so an
-- index number is never reused, even when an item is later withdrawn.
CREATE TABLE catalog_serials (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    last_serial BIGINT NOT NULL,
    PRIMARY KEY (org_id, period)
);

CREATE TABLE catalog_items (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    column_id BIGINT NOT NULL REFERENCES catalog_columns(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    -- sanitised HTML
    body_html TEXT NOT NULL,
    -- plain text of the body and of the attachments, for search and snippets
    body_text TEXT NOT NULL,
    issuer TEXT NOT NULL,
    co_issuers TEXT NOT NULL DEFAULT '',
    doc_number TEXT,
    genre TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    attribute TEXT NOT NULL,
    withhold_reason TEXT,
    status TEXT NOT NULL,
    index_no TEXT,
    formed_on TEXT NOT NULL,
    published_on TEXT,
    effective_on TEXT,
    repealed_on TEXT,
    validity TEXT NOT NULL,
    -- Art. 26: last day to publish, and whether publication came later
    publish_by TEXT,
    late BIGINT NOT NULL DEFAULT 0,
    interprets_id BIGINT REFERENCES catalog_items(id),
    interp_form TEXT,
    media_url TEXT,
    drafted_by TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    review_note TEXT,
    -- next periodic assessment of attribute and validity
    assessed_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX catalog_items_index_no_key ON catalog_items (index_no);
-- column pages and the catalog: newest first within one column / organisation
CREATE INDEX catalog_items_column_idx ON catalog_items (column_id, status, attribute, published_on, id);
CREATE INDEX catalog_items_org_idx ON catalog_items (org_id, status, attribute, published_on, id);
CREATE INDEX catalog_items_interprets_idx ON catalog_items (interprets_id);
-- the portal home: newest public items of every organisation
CREATE INDEX catalog_items_public_idx ON catalog_items (status, attribute, published_on, id);

CREATE TABLE catalog_validity (
    id {{identity}},
    item_id BIGINT NOT NULL REFERENCES catalog_items(id),
    validity TEXT NOT NULL,
    on_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX catalog_validity_item_idx ON catalog_validity (item_id, on_date);

-- Attachments live in the database, never under a served folder; their text is extracted
-- on upload for search.
CREATE TABLE catalog_attachments (
    id {{identity}},
    item_id BIGINT NOT NULL REFERENCES catalog_items(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data {{blob}} NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX catalog_attachments_item_idx ON catalog_attachments (item_id);

-- Change log of searchable records: every instance's index applies it in order.
CREATE TABLE search_changes (
    seq {{identity}},
    item_id BIGINT NOT NULL,
    changed_at TEXT NOT NULL
);
