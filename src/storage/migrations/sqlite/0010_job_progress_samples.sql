-- A job's counts over time, for the portal's chart (jobs/progress_sampler.hpp): one row per
-- sample, at most one per job every ~2 s and one when the job ends; at most 2000 per job
-- (older ones are thinned).
CREATE TABLE job_progress_samples (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  queued BIGINT NOT NULL,
  in_progress BIGINT NOT NULL,
  completed BIGINT NOT NULL,
  failed BIGINT NOT NULL,
  canceled BIGINT NOT NULL,
  PRIMARY KEY (job_id, at)
);
