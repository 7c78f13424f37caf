-- Alert rules and the alerts they raise (src/rules). An alert is raised once for a (rule,
-- device), may be acknowledged by a person, and is cleared once when its condition ends (or
-- its rule changes or goes); cleared alerts stay as history.
CREATE TABLE alert_rules (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  condition TEXT NOT NULL,  -- canonical text (rules::describe)
  severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  enabled INTEGER NOT NULL DEFAULT 1,
  heartbeat_interval_s INTEGER NOT NULL DEFAULT 60,
  scope_model TEXT,
  scope_group_id TEXT,
  scope_selector TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  device_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('raised', 'acknowledged', 'cleared')),
  summary TEXT NOT NULL,
  value TEXT,  -- JSON of the sample that raised it, for telemetry rules
  raised_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by TEXT,
  note TEXT,
  cleared_at BIGINT,
  clear_summary TEXT
);
-- At most one open alert per rule and device (partial indexes: SQLite and PostgreSQL).
CREATE UNIQUE INDEX alerts_open_pair ON alerts (rule_id, device_id) WHERE state <> 'cleared';
CREATE INDEX alerts_by_time ON alerts (raised_at, id);
CREATE INDEX alerts_by_state ON alerts (state, raised_at, id);
CREATE INDEX alerts_by_device ON alerts (device_id, raised_at, id);
CREATE INDEX alerts_by_rule ON alerts (rule_id, raised_at, id);
