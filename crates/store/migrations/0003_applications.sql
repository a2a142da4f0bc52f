-- Applications for disclosure (依申请公开), their event log, console alerts, and appeals.
-- Kept in lockstep with ../{{other}}/0003_applications.sql.

-- One row per application; the event log is the source of truth, the derived columns
-- (status, dates, outcome, due_on) are stored for querying and re-derived on each event.
CREATE TABLE applications (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    -- 受理编号, e.g. GZMZ-2024-00012 (unique per organisation and year)
    serial TEXT NOT NULL,
    -- SHA-256 of the applicant's 查询码 (the code itself is shown once, on the receipt)
    query_code_hash TEXT NOT NULL,
    channel TEXT NOT NULL,
    applicant_kind TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    -- contact person of an organisation applicant
    contact_person TEXT,
    id_kind TEXT NOT NULL,
    -- personal data: shown unmasked on the handling screen only
    id_number TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    address TEXT,
    info_title TEXT NOT NULL,
    info_doc_number TEXT,
    info_description TEXT,
    -- 纸质 / 电子 …, and 邮寄 / 电子邮件 / 自行领取 / 网上获取 …
    delivery_form TEXT NOT NULL,
    delivery_method TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    received_on TEXT,
    finished_on TEXT,
    status TEXT NOT NULL,
    outcome TEXT,
    due_on TEXT,
    -- calendar version the stored due_on was computed with
    calendar_version TEXT NOT NULL,
    handler_id BIGINT,
    -- an earlier, answered application of the same applicant for the same information
    duplicate_of BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX applications_serial_key ON applications (serial);
CREATE UNIQUE INDEX applications_query_code_key ON applications (query_code_hash);
CREATE INDEX applications_org_status_idx ON applications (org_id, status, due_on);
CREATE INDEX applications_org_received_idx ON applications (org_id, received_on);
CREATE INDEX applications_applicant_idx ON applications (org_id, id_number);

CREATE TABLE application_events (
    id {{identity}},
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    -- position in the log; the unique key makes concurrent appends fail instead of interleave
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    -- the core::applications::Event as JSON
    data TEXT NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE UNIQUE INDEX application_events_seq_key ON application_events (application_id, seq);

-- Console inbox alerts; `key` makes the sweep idempotent (one alert per deadline and kind).
CREATE TABLE alerts (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    application_id BIGINT REFERENCES applications(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    alert_key TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    emailed_at TEXT
);
CREATE UNIQUE INDEX alerts_key ON alerts (alert_key);
CREATE INDEX alerts_org_idx ON alerts (org_id, created_at);

-- Administrative reconsideration and litigation about disclosure (report table 四).
CREATE TABLE appeals (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    application_id BIGINT REFERENCES applications(id),
    -- reconsideration | litigation_direct | litigation_after_reconsideration
    kind TEXT NOT NULL,
    -- 复议机关 or court
    body TEXT NOT NULL,
    case_number TEXT,
    filed_on TEXT NOT NULL,
    decided_on TEXT,
    -- upheld | corrected | other (NULL while pending)
    result TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX appeals_org_idx ON appeals (org_id, filed_on);
