-- The annual report's narrative, workflow state and published versions. A published
-- version is an immutable snapshot; a correction is a new version with a public change
-- note. Kept in lockstep with ../{{other}}/0009_annual_reports.sql.
CREATE TABLE annual_reports (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    year BIGINT NOT NULL,
    status TEXT NOT NULL,
    -- sections 一, 五 and 六 as sanitised HTML with {{placeholders}}
    s1 TEXT NOT NULL DEFAULT '',
    s5 TEXT NOT NULL DEFAULT '',
    s6 TEXT NOT NULL DEFAULT '',
    -- an earlier local deadline than the statutory one, if set
    local_deadline TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE annual_report_versions (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    year BIGINT NOT NULL,
    version BIGINT NOT NULL,
    published_on TEXT NOT NULL,
    published_by TEXT NOT NULL,
    change_note TEXT NOT NULL DEFAULT '',
    html TEXT NOT NULL,
    tables_json TEXT NOT NULL
);
CREATE UNIQUE INDEX annual_report_versions_key ON annual_report_versions (org_id, year, version);
