-- Staff e-mail addresses, for deadline alerts when SMTP is configured.
-- Kept in lockstep with ../{{other}}/0005_user_email.sql.
ALTER TABLE users ADD COLUMN email TEXT;
