-- Press work and responses to public concerns (回应关切): conferences held or attended,
-- releases, media coverage (a record may stand for a batch, with its national share),
-- responses to hot topics. The annual report's narrative counts them.
CREATE TABLE press_records (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    -- core::press::PressKind code
    kind TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    title TEXT NOT NULL,
    level TEXT NOT NULL,
    who TEXT NOT NULL,
    summary TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    national_count BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX press_records_org_day_idx ON press_records (org_id, happened_on);
