-- Each organisation's own wording of its letters to applicants (defaults live in core).
-- Kept in lockstep with ../{{other}}/0004_letter_templates.sql.
CREATE TABLE letter_templates (
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    -- reply | correction | extension | consultation | fee
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_id, kind)
);
