-- Oversight of subordinate bodies and feeding host portals: standard catalogs (templates
-- published by a supervising body, adopted by each subordinate body with local items),
-- the links from published records to the matters they fulfil, name lists, public-notice
-- periods, supervision tasks, inspections and village-affairs records, and the feed
-- sequence that host portals mirror the catalog by.

CREATE TABLE standard_domains (
    id {{identity}},
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX standard_domains_name_key ON standard_domains (name);
-- The two national standard-catalog domains of civil affairs (民办函〔2019〕52号).
INSERT INTO standard_domains (name, position, created_at) VALUES ('社会救助', 0, '2026-12-03T00:00:00Z');
INSERT INTO standard_domains (name, position, created_at) VALUES ('养老服务', 10, '2026-12-03T00:00:00Z');

CREATE TABLE standard_catalogs (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    domain_id BIGINT NOT NULL REFERENCES standard_domains(id),
    name TEXT NOT NULL,
    -- the template this catalog adopted; NULL for a template of its own
    template_id BIGINT REFERENCES standard_catalogs(id),
    -- a template can be adopted once published; an adopted catalog: its adoption day
    published_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX standard_catalogs_org_domain_key ON standard_catalogs (org_id, domain_id);

CREATE TABLE standard_items (
    id {{identity}},
    catalog_id BIGINT NOT NULL REFERENCES standard_catalogs(id),
    -- the template's item this one was adopted from; NULL for a template item or a local one
    template_item_id BIGINT REFERENCES standard_items(id),
    position BIGINT NOT NULL,
    -- core::oversight::standards::StandardItem as JSON
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX standard_items_catalog_idx ON standard_items (catalog_id, position);

-- A published record fulfils one matter of its body's catalog.
CREATE TABLE standard_links (
    catalog_item_id BIGINT PRIMARY KEY REFERENCES catalog_items(id),
    standard_item_id BIGINT NOT NULL REFERENCES standard_items(id),
    linked_by TEXT NOT NULL,
    linked_at TEXT NOT NULL
);
CREATE INDEX standard_links_item_idx ON standard_links (standard_item_id);

-- A name list published with a record: only the fields its matter lists.
CREATE TABLE catalog_rosters (
    item_id BIGINT PRIMARY KEY REFERENCES catalog_items(id),
    -- core::oversight::standards::Roster as JSON
    data TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);

-- The last day a public notice stays on the portal; the worker takes it down after.
ALTER TABLE catalog_items ADD COLUMN notice_until TEXT;
-- Position in the host-portal feed: set from feed_clock on every change of an item that is
-- or was public, in commit order (the clock's row lock serialises writers on PostgreSQL).
ALTER TABLE catalog_items ADD COLUMN feed_seq BIGINT;
ALTER TABLE catalog_items ADD COLUMN feed_at TEXT;
CREATE INDEX catalog_items_feed_idx ON catalog_items (org_id, feed_seq);
CREATE INDEX catalog_items_column_feed_idx ON catalog_items (column_id, feed_seq);
CREATE INDEX catalog_items_notice_idx ON catalog_items (status, notice_until);
UPDATE catalog_items SET feed_seq = id, feed_at = updated_at WHERE status = 'published' AND attribute = 'proactive';
CREATE TABLE feed_clock (
    id BIGINT PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
INSERT INTO feed_clock (id, last_seq) SELECT 1, COALESCE(MAX(id), 0) FROM catalog_items;

CREATE TABLE supervision_tasks (
    id {{identity}},
    -- the supervising body
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    due_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX supervision_tasks_org_idx ON supervision_tasks (org_id, due_on);

CREATE TABLE task_assignments (
    id {{identity}},
    task_id BIGINT NOT NULL REFERENCES supervision_tasks(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    -- core::oversight::supervision::AssignmentStatus
    status TEXT NOT NULL,
    -- the first report's day (a return does not reset it)
    reported_on TEXT,
    summary TEXT,
    evidence_item_id BIGINT REFERENCES catalog_items(id),
    reported_by TEXT,
    reviewed_by TEXT,
    review_note TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX task_assignments_key ON task_assignments (task_id, org_id);
CREATE INDEX task_assignments_org_idx ON task_assignments (org_id, status);

-- A file a body reports with (a scanned report, the list it made), checked by content on upload.
CREATE TABLE task_evidence (
    assignment_id BIGINT PRIMARY KEY REFERENCES task_assignments(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data {{blob}} NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);

CREATE TABLE inspections (
    id {{identity}},
    supervisor_org_id BIGINT NOT NULL REFERENCES organisations(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL,
    inspected_on TEXT NOT NULL,
    findings TEXT,
    rectification TEXT,
    rectify_by TEXT,
    rectified_on TEXT,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX inspections_org_idx ON inspections (supervisor_org_id, inspected_on);

CREATE TABLE village_records (
    id {{identity}},
    supervisor_org_id BIGINT NOT NULL REFERENCES organisations(id),
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    year BIGINT NOT NULL,
    work_points TEXT NOT NULL,
    committees BIGINT NOT NULL,
    on_schedule BIGINT NOT NULL,
    inspected BIGINT NOT NULL,
    problems BIGINT NOT NULL,
    rectified BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX village_records_key ON village_records (org_id, year);
