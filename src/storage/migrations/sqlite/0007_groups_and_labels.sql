-- Device labels as rows (src/registry): what selectors query with standard SQL (EXISTS
-- subqueries), kept in step with devices.labels (the JSON object the API shows) by every writer
-- in the same transaction.
CREATE TABLE device_labels (
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (device_id, key)
);
CREATE INDEX device_labels_key_value ON device_labels (key, value);

-- The labels devices have today. json_each is SQLite's; a PostgreSQL migration would use
-- jsonb_each_text. Only string values are labels (the API never wrote anything else).
INSERT INTO device_labels (device_id, key, value)
  SELECT d.id, j.key, j.value
  FROM (SELECT id, labels FROM devices WHERE json_valid(labels) AND json_type(labels) = 'object') AS d,
       json_each(d.labels) AS j
  WHERE j.type = 'text';

-- Static device groups (src/registry).
CREATE TABLE device_groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  created_by TEXT
);

CREATE TABLE device_group_members (
  group_id TEXT NOT NULL REFERENCES device_groups (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (group_id, device_id)
);
CREATE INDEX device_group_members_device ON device_group_members (device_id);
