-- The jobs engine (src/jobs). A job delivers a document (today a firmware) to its targets,
-- released at the rollout's pace; each target device has one execution row, whose
-- execution_number grows with each retry and whose version_number grows with each change
-- (a device's expectedVersion is checked against it).
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('firmware')),
  firmware_id TEXT NOT NULL,  -- kept after the firmware is deleted: the history names it
  status TEXT NOT NULL CHECK (status IN ('in_progress', 'paused', 'completed', 'canceled', 'aborted')),
  targets TEXT NOT NULL,           -- JSON: {"devices": [...], "groups": [...], "selector": "..."}
  continuous INTEGER NOT NULL DEFAULT 0,  -- devices that match later get the job too
  rollout TEXT NOT NULL,           -- JSON rollout configuration (jobs/rollout.hpp)
  description TEXT NOT NULL DEFAULT '',
  wave INTEGER NOT NULL DEFAULT 0,          -- the wave being released
  wave_opens_at BIGINT,                     -- after the previous wave's soak time
  reason TEXT,                              -- why it was aborted or canceled
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  completed_at BIGINT
);
CREATE INDEX jobs_by_status ON jobs (status);
CREATE INDEX jobs_by_created ON jobs (created_at, id);

CREATE TABLE job_executions (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'TIMED_OUT',
                                         'REJECTED', 'CANCELED', 'REMOVED')),
  seq INTEGER NOT NULL,                     -- order of release within the job
  execution_number INTEGER NOT NULL DEFAULT 1,
  version_number INTEGER NOT NULL DEFAULT 1,
  released_at BIGINT,                       -- NULL: not yet offered to the device (rollout pace)
  started_at BIGINT,
  timeout_at BIGINT,                        -- IN_PROGRESS only: TIMED_OUT after this
  status_details TEXT NOT NULL DEFAULT '{}',
  step TEXT,
  percent INTEGER,
  queued_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT,
  PRIMARY KEY (job_id, device_id)
);
CREATE INDEX job_executions_by_device ON job_executions (device_id, status);
CREATE INDEX job_executions_by_status ON job_executions (job_id, status, seq);
CREATE INDEX job_executions_timeouts ON job_executions (timeout_at) WHERE timeout_at IS NOT NULL;

-- The clientTokens of updates already applied: a repeated update is answered, not applied again.
CREATE TABLE job_update_tokens (
  job_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  client_token TEXT NOT NULL,
  version_number INTEGER NOT NULL,  -- the execution's version after that update
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, device_id, client_token)
);
