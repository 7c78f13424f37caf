-- Manufacturing records (src/registry): what the factory made. The claim code is kept only as
-- an HMAC-SHA256 under the server's claim key (keys/claim-code.key), never in plain text.
CREATE TABLE manufacturing_records (
  serial TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  hw_revision TEXT NOT NULL,
  claim_code_hash TEXT,
  factory_cert_sha256 TEXT,
  batch TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('manufactured', 'registered', 'decommissioned')),
  device_id TEXT,
  claim_failures INTEGER NOT NULL DEFAULT 0,
  locked_at BIGINT,
  imported_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX manufacturing_records_factory_cert
  ON manufacturing_records (factory_cert_sha256) WHERE factory_cert_sha256 IS NOT NULL;
CREATE INDEX manufacturing_records_batch ON manufacturing_records (batch);

-- Registered devices (src/registry). lifecycle: awaiting_certificate (approved, the device has
-- not sent its CSR or not connected with its certificate yet) | active | decommissioned.
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  serial TEXT NOT NULL,
  model TEXT NOT NULL,
  hw_revision TEXT NOT NULL,
  labels TEXT NOT NULL DEFAULT '{}',
  lifecycle TEXT NOT NULL CHECK (lifecycle IN ('awaiting_certificate', 'active', 'decommissioned')),
  firmware_version TEXT,
  reported_state TEXT,
  onboarded_by TEXT,
  online INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  first_connected_at BIGINT,
  last_seen_at BIGINT
);
CREATE INDEX devices_serial ON devices (serial);
CREATE INDEX devices_model ON devices (model);
CREATE INDEX devices_online ON devices (online, id);

-- Every certificate the CA issued to a device (src/pki).
CREATE TABLE certificates (
  serial TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  device_id TEXT NOT NULL,
  not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'superseded', 'revoked')),
  revoked_at BIGINT,
  revocation_reason TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX certificates_device ON certificates (device_id);

-- Onboarding in progress (src/provisioning): one row per serial between the first of (device
-- hello, technician approval) and the device's first connection with its certificate.
CREATE TABLE onboarding_requests (
  serial TEXT PRIMARY KEY,
  csr TEXT,
  model TEXT,
  firmware_version TEXT,
  hello_at BIGINT,
  source TEXT,
  approved_by TEXT,
  approved_at BIGINT,
  device_id TEXT,
  certificate_serial TEXT,
  issued_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
