-- Hand-entered figures of the annual report for matters the platform does not track
-- (licensing, penalty and compulsion decisions, fee items and amounts, procurement):
-- one row per cell, with who entered it, when, and from what source.
-- Kept in lockstep with ../{{other}}/0006_report_figures.sql.
CREATE TABLE report_figures (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    year BIGINT NOT NULL,
    -- a table-二 cell code, e.g. t2.i5.r1:c3
    cell TEXT NOT NULL,
    -- integer, or decimal for money (万元), as text
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (org_id, year, cell)
);
