-- Replies and extensions drafted by staff, waiting for an approver (审核人) to approve
-- them into the event log or return them with a note. At most one is pending per
-- application. Kept in lockstep with ../{{other}}/0012_application_proposals.sql.
CREATE TABLE application_proposals (
    id {{identity}},
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    -- the event kind proposed: 'replied' or 'extension_approved'
    kind TEXT NOT NULL,
    -- the proposed core::applications::Event as JSON
    data TEXT NOT NULL,
    proposed_by BIGINT,
    proposed_by_label TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    -- NULL while pending, then 'approved' or 'returned'
    decision TEXT,
    decided_by_label TEXT,
    decided_at TEXT,
    note TEXT
);
CREATE INDEX application_proposals_app_idx ON application_proposals (application_id, decision);
