-- Whether an application's stored deadline was counted through a year whose State Council
-- holiday notice was not loaded yet (暂定, 1); re-derived when a notice is loaded.
-- Kept in lockstep with ../{{other}}/0011_provisional_deadlines.sql.
ALTER TABLE applications ADD COLUMN due_provisional BIGINT NOT NULL DEFAULT 0;
