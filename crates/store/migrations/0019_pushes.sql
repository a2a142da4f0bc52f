-- Targeted policy push (定向推送): recipient groups, the people who consented to pushes
-- (their e-mail, phone, address and personal-link token sealed like applicants' data), the
-- body's gateway for SMS/WeChat, campaigns, and one delivery per campaign, person and
-- channel (the unique key is what makes a campaign send to a person at most once).
CREATE TABLE push_groups (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    -- the default groups' codes (dibao, tekun …); NULL for groups staff added
    code TEXT,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    retired BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX push_groups_name_idx ON push_groups (org_id, name);
CREATE UNIQUE INDEX push_groups_code_idx ON push_groups (org_id, code);
CREATE TABLE push_recipients (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    address TEXT,
    channels TEXT NOT NULL,
    -- 'portal' (registered by the person) or 'staff' (consent taken offline)
    source TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    consent_at TEXT NOT NULL,
    withdrawn_at TEXT,
    -- the personal link's token, sealed (messages carry it) and hashed (the link finds it)
    token TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX push_recipients_token_idx ON push_recipients (token_hash);
CREATE INDEX push_recipients_org_idx ON push_recipients (org_id);
-- keyed hashes of a recipient's e-mail and phone, so the same person is found again
CREATE TABLE push_contact_keys (
    org_id BIGINT NOT NULL,
    contact_key TEXT NOT NULL,
    recipient_id BIGINT NOT NULL REFERENCES push_recipients(id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, contact_key)
);
CREATE TABLE push_memberships (
    recipient_id BIGINT NOT NULL REFERENCES push_recipients(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES push_groups(id),
    PRIMARY KEY (recipient_id, group_id)
);
CREATE INDEX push_memberships_group_idx ON push_memberships (group_id);
CREATE TABLE push_gateways (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id),
    url TEXT NOT NULL,
    -- signs each post (HMAC-SHA-256); sealed
    secret TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE push_campaigns (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    -- item ids, group ids and channel codes, comma-separated
    items TEXT NOT NULL,
    groups_chosen TEXT NOT NULL,
    channels TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- the portal's address when launched, for the links in the messages
    base_url TEXT,
    launched_at TEXT,
    launched_by TEXT
);
CREATE INDEX push_campaigns_org_idx ON push_campaigns (org_id, created_at);
CREATE TABLE push_deliveries (
    id {{identity}},
    campaign_id BIGINT NOT NULL REFERENCES push_campaigns(id),
    recipient_id BIGINT NOT NULL REFERENCES push_recipients(id),
    channel TEXT NOT NULL,
    -- 'queued', 'sent', 'failed', 'withdrawn'
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX push_deliveries_once_idx ON push_deliveries (campaign_id, recipient_id, channel);
CREATE INDEX push_deliveries_inbox_idx ON push_deliveries (recipient_id, channel, status);
