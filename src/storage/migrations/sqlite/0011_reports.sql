-- Reports people asked for (src/reports): generated in the background into the blob store,
-- offered by a signed link while ready, deleted (blob and row kept as `expired`) after the
-- retention period.
CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  gzip INTEGER NOT NULL DEFAULT 0,
  filters TEXT NOT NULL,  -- canonical JSON
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed', 'expired')),
  rows_written BIGINT NOT NULL DEFAULT 0,
  bytes BIGINT NOT NULL DEFAULT 0,
  blob_id TEXT,
  sha256 TEXT,
  error TEXT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  expires_at BIGINT
);
CREATE INDEX reports_user ON reports (user_id, created_at);
CREATE INDEX reports_status ON reports (status, created_at);
CREATE INDEX reports_blob ON reports (blob_id);
