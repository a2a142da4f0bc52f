-- Foundation: organisations, staff accounts, sessions, API tokens, audit log, settings.
-- Kept in lockstep with ../{{other}}/0001_foundation.sql (a test compares the schemas).
-- Conventions (both databases): integers are 64-bit, booleans are 0/1 integers,
-- instants are RFC 3339 UTC text with microseconds (sorts lexically), civil dates are
-- YYYY-MM-DD text.

-- Each row is one disclosing agency (政府信息公开主体) with the facts its guide must show.
CREATE TABLE organisations (
    id {{identity}},
    parent_id BIGINT REFERENCES organisations(id),
    -- the organisation that carries out this one's disclosure work, except applications
    hosted_by_id BIGINT REFERENCES organisations(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    short_code TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    address TEXT,
    office_hours TEXT,
    phone TEXT,
    fax TEXT,
    email TEXT,
    website TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (name);
CREATE UNIQUE INDEX organisations_short_code_key ON organisations (short_code);
CREATE UNIQUE INDEX organisations_credit_code_key ON organisations (credit_code);
CREATE INDEX organisations_parent_idx ON organisations (parent_id);

CREATE TABLE users (
    id {{identity}},
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    -- argon2id PHC string; never logged, never exported
    password_hash TEXT NOT NULL,
    is_system_admin BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    -- consecutive failures since the last successful login (lock-out back-off)
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_login_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username);

-- A role held in one organisation; a supervisor role covers the whole subtree.
CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, org_id, role)
);
CREATE INDEX user_roles_org_idx ON user_roles (org_id);

-- Server-side sessions; the cookie holds a random token, the table only its SHA-256.
-- (CSRF tokens are derived from that hash with the server secret, so no column here.)
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Bearer tokens for the JSON API; only the SHA-256 of the secret is kept.
CREATE TABLE api_tokens (
    id {{identity}},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    -- first characters of the secret, shown so a user can tell tokens apart
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Every write: who, when, which record, what changed (JSON {"field":[old,new]}).
-- No foreign keys, so history outlives the rows it describes.
CREATE TABLE audit_log (
    id {{identity}},
    at TEXT NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    org_id BIGINT,
    changes TEXT NOT NULL,
    request_id TEXT
);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, at);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
