-- Personal data of applicants is sealed at rest (store::crypto): id_number, phone, email and
-- address hold `gk1:<key id>:<hex>`; rows from before are sealed at the next start.
-- applicant_key is a keyed hash of the ID kind and number, so that duplicate detection and
-- the monthly fee count find an applicant's earlier applications without the number in clear.
ALTER TABLE applications ADD COLUMN applicant_key TEXT;
DROP INDEX applications_applicant_idx;
CREATE INDEX applications_applicant_key_idx ON applications (org_id, applicant_key);
