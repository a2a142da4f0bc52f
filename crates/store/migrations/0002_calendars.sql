-- Holiday-notice data loaded by system admins (each autumn's State Council notice).
-- The newest row is the active calendar; without rows the compiled-in copy is used.
-- Kept in lockstep with ../{{other}}/0002_calendars.sql.
CREATE TABLE calendars (
    id {{identity}},
    -- content fingerprint from core::calendar (recorded with every deadline computed)
    version TEXT NOT NULL,
    -- the notices file as loaded (TOML)
    content TEXT NOT NULL,
    -- covered years, e.g. "2019-2027"
    years TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);
CREATE INDEX calendars_version_idx ON calendars (version);
