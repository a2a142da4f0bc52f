-- Background jobs (core::jobs::Job as JSON), claimed by any instance's worker with a
-- conditional UPDATE … RETURNING. dedup_key is set while the job is queued or running and
-- cleared when it ends, so equal work is enqueued once while pending (NULLs never collide).
-- Finished jobs are deleted; dead ones (attempts used up) stay for the console.
-- Kept in lockstep with ../{{other}}/0013_jobs.sql.
CREATE TABLE jobs (
    id {{identity}},
    name TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedup_key TEXT,
    -- 'queued', 'running' or 'dead'
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    -- RFC 3339 UTC instants, as everywhere
    run_after TEXT NOT NULL,
    locked_by TEXT,
    locked_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX jobs_dedup_key ON jobs (dedup_key);
CREATE INDEX jobs_ready_idx ON jobs (state, run_after);
