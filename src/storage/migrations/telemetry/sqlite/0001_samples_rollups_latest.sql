-- Telemetry: one series per device and key; its raw samples; 1-minute and 1-hour rollups
-- kept longer than the raw rows; and the latest value on the series row itself (the device
-- list reads it without touching the samples).
CREATE TABLE telemetry_series (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  key TEXT NOT NULL,
  kind TEXT NOT NULL,  -- number | boolean | string: of the latest value
  last_ts BIGINT,
  last_received_at BIGINT,
  last_number DOUBLE PRECISION,
  last_text TEXT,
  UNIQUE (device_id, key)
);

-- Keyed by (series, device time): a message resent after a lost PUBACK, with its own ts,
-- lands on the same rows instead of doubling them. Numbers and booleans (0/1) in `number`,
-- strings in `text`.
CREATE TABLE telemetry_samples (
  series_id BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  number DOUBLE PRECISION,
  text TEXT,
  PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;

CREATE TABLE telemetry_rollup_1m (
  series_id BIGINT NOT NULL,
  bucket BIGINT NOT NULL,  -- start of the minute, Unix ms
  count BIGINT NOT NULL,
  sum DOUBLE PRECISION NOT NULL,
  min DOUBLE PRECISION NOT NULL,
  max DOUBLE PRECISION NOT NULL,
  last DOUBLE PRECISION NOT NULL,
  last_ts BIGINT NOT NULL,
  PRIMARY KEY (series_id, bucket)
) WITHOUT ROWID;

CREATE TABLE telemetry_rollup_1h (
  series_id BIGINT NOT NULL,
  bucket BIGINT NOT NULL,  -- start of the hour, Unix ms
  count BIGINT NOT NULL,
  sum DOUBLE PRECISION NOT NULL,
  min DOUBLE PRECISION NOT NULL,
  max DOUBLE PRECISION NOT NULL,
  last DOUBLE PRECISION NOT NULL,
  last_ts BIGINT NOT NULL,
  PRIMARY KEY (series_id, bucket)
) WITHOUT ROWID;
