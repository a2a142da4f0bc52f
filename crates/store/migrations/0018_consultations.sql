-- Public consultations on drafts (意见征集), the meetings held about them, and the public's
-- comments with their moderation and adoption (意见采纳情况).
CREATE TABLE consultations (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    purpose TEXT NOT NULL,
    draft TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    normative BIGINT NOT NULL,
    channels TEXT NOT NULL,
    -- the adoption report's publication, and the final document it links to
    report_published_on TEXT,
    report_summary TEXT,
    final_item_id BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX consultations_org_idx ON consultations (org_id, opens_on);
CREATE TABLE consultation_meetings (
    id {{identity}},
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    participants TEXT NOT NULL,
    minutes TEXT NOT NULL
);
CREATE INDEX consultation_meetings_idx ON consultation_meetings (consultation_id);
CREATE TABLE consultation_comments (
    id {{identity}},
    consultation_id BIGINT NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    -- as given (optional); the portal shows only its first character
    name TEXT,
    article TEXT,
    body TEXT NOT NULL,
    -- 'pending', 'shown' or 'hidden'
    moderation TEXT NOT NULL,
    -- NULL until decided: 'adopted', 'partly_adopted', 'not_adopted'
    adoption TEXT,
    reason TEXT,
    submitted_at TEXT NOT NULL
);
CREATE INDEX consultation_comments_idx ON consultation_comments (consultation_id, moderation);
