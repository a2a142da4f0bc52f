-- A covering index for the annual-report query (table 三 grouped by applicant column,
-- start and end): an index-only scan instead of a table lookup per application.
-- Kept in lockstep with ../{{other}}/0007_report_index.sql.
CREATE INDEX applications_report_idx ON applications (org_id, received_on, finished_on, applicant_kind, outcome);
-- The report index covers (org_id, received_on) too, so the narrower index goes.
DROP INDEX applications_org_received_idx;
