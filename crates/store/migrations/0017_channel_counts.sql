-- Items published per month through each new-media channel (政务微博, 政务微信 …), entered
-- on the console or posted by the platform through the API; the portal's own counts come
-- from the catalog. One row per body, channel and month (a new count replaces the old).
CREATE TABLE channel_counts (
    id {{identity}},
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    channel TEXT NOT NULL,
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    item_count BIGINT NOT NULL,
    -- who or what entered it: a staff account, or an API token's owner
    entered_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX channel_counts_key ON channel_counts (org_id, channel, year, month);
