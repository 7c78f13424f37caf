-- Provisioning templates (src/provisioning): what a newly registered device of a model starts
-- with. Today its labels (a JSON object of string values).
CREATE TABLE provisioning_templates (
  model TEXT PRIMARY KEY,
  labels TEXT NOT NULL DEFAULT '{}',
  updated_by TEXT,
  updated_at BIGINT NOT NULL
);
