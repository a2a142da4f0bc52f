-- Uploaded files may keep their bytes in a file store (a folder, or an S3-compatible bucket)
-- instead of in the row: `stored` says where ('db': the bytes are in `data`; 'files': `data`
-- is empty and the bytes are in the store under the row's sha256). Rows written before keep 'db'.
ALTER TABLE catalog_attachments ADD COLUMN stored TEXT NOT NULL DEFAULT 'db';
ALTER TABLE task_evidence ADD COLUMN stored TEXT NOT NULL DEFAULT 'db';
-- A stored file is deleted when no row refers to its hash any more.
CREATE INDEX catalog_attachments_sha256_idx ON catalog_attachments (sha256);
CREATE INDEX task_evidence_sha256_idx ON task_evidence (sha256);
