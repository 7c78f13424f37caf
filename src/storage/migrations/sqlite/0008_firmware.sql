-- The firmware catalog (src/ota). The image is in the blob store (blob_id); a firmware fits
-- one or more models, and a model has each version at most once (firmware_models' key).
CREATE TABLE firmware (
  id TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  release_notes TEXT NOT NULL DEFAULT '',
  filename TEXT NOT NULL DEFAULT '',
  blob_id TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  signature TEXT,
  signed_by TEXT,
  uploaded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX firmware_by_created ON firmware (created_at, id);

CREATE TABLE firmware_models (
  firmware_id TEXT NOT NULL REFERENCES firmware (id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  PRIMARY KEY (model, version)
);
CREATE INDEX firmware_models_by_firmware ON firmware_models (firmware_id);
