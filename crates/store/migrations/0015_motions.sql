-- Deputies' suggestions and members' proposals assigned to a body (建议提案办理), with the
-- body's handling: reply, the proposer's rating, re-handling and publication of the reply.
-- Dates are civil dates (YYYY-MM-DD); due_on is derived (core::proposals) and stored for lists.
CREATE TABLE motions (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    -- 'npc' or 'cppcc'
    kind TEXT NOT NULL,
    session TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    proposers TEXT NOT NULL,
    content TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_on TEXT NOT NULL,
    -- 'lead', 'co_handler', 'separate' or 'reference'
    role TEXT NOT NULL,
    other_units TEXT NOT NULL,
    urgent_due TEXT,
    due_on TEXT NOT NULL,
    first_reply_on TEXT,
    replied_on TEXT,
    classification TEXT,
    reply_text TEXT,
    satisfaction TEXT,
    rated_on TEXT,
    rehandle_due TEXT,
    -- 'full', 'summary' or 'not_published', with the reason for the last two
    disclosure TEXT,
    disclosure_reason TEXT,
    published_on TEXT,
    -- the published text (full or summary), contact details redacted
    published_text TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX motions_number_key ON motions (org_id, kind, session, number);
CREATE INDEX motions_org_assigned_idx ON motions (org_id, assigned_on);
