import { HttpResponse } from 'msw';
import type { LoginResponse, User } from '../lib/api-client';
import type { components } from '../lib/api-types';
import type { Role } from '../lib/permissions';

export function makeUser(overrides: Partial<User> & { role?: Role } = {}): User {
  const username = overrides.username ?? `${overrides.role ?? 'admin'}1`;
  return {
    id: `usr_${username}`,
    username,
    display_name: `${username.charAt(0).toUpperCase()}${username.slice(1)} Person`,
    role: 'admin',
    disabled: false,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

export function makeLogin(user: User, token = `token-${user.username}`): LoginResponse {
  return { access_token: token, token_type: 'Bearer', expires_in: 900, user };
}

/** A problem+json response like the server's. */
export function problem(status: number, slug: string, detail: string, extra: Record<string, unknown> = {}) {
  const titles: Record<string, string> = {
    unauthorized: 'Unauthorized',
    forbidden: 'Forbidden',
    'not-found': 'Not Found',
    conflict: 'Conflict',
    validation: 'Validation Failed',
    'rate-limited': 'Too Many Requests',
  };
  return HttpResponse.json(
    {
      type: `https://mothership.dev/problems/${slug}`,
      title: titles[slug] ?? slug,
      status,
      detail,
      request_id: 'req_test',
      ...extra,
    },
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

type Schemas = components['schemas'];

export function makeDevice(overrides: Partial<Schemas['Device']> = {}): Schemas['Device'] {
  const serial = overrides.serial ?? 'SN-0001';
  return {
    id: `dev_${serial.toLowerCase()}`,
    serial,
    model: 'Thermo',
    hw_revision: 'rev1',
    status: 'offline',
    lifecycle: 'active',
    firmware_version: '1.0.0',
    labels: {},
    last_seen: '2025-03-01T12:00:00Z',
    first_connected_at: '2025-03-01T11:00:00Z',
    onboarded_by: 'usr_tech1',
    created_at: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}

export function makeDeviceDetail(
  overrides: Partial<Schemas['DeviceDetail']> = {},
): Schemas['DeviceDetail'] {
  return {
    ...makeDevice(overrides),
    reported_state: { temperature: 21.5 },
    certificates: [
      {
        serial: '4f1a',
        sha256: 'ab'.repeat(32),
        not_before: '2025-03-01T10:00:00Z',
        not_after: '2026-03-01T10:00:00Z',
        status: 'active',
        revoked_at: null,
        issued_at: '2025-03-01T10:00:00Z',
      },
    ],
    groups: [],
    ...overrides,
  };
}

export function makeGroup(overrides: Partial<Schemas['Group']> = {}): Schemas['Group'] {
  const name = overrides.name ?? 'roof';
  return {
    id: `grp_${name.replace(/\W/g, '_')}`,
    name,
    description: '',
    member_count: 0,
    created_by: 'usr_admin',
    created_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}

export function makeRecord(overrides: Partial<Schemas['ManufacturingRecord']> = {}): Schemas['ManufacturingRecord'] {
  return {
    serial: 'SN-0001',
    model: 'Thermo',
    hw_revision: 'rev1',
    batch: 'batch-1',
    status: 'manufactured',
    device_id: null,
    has_claim_code: true,
    factory_cert_sha256: null,
    claim_failures: 0,
    locked: false,
    locked_until: null,
    imported_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}

export function makeAlert(overrides: Partial<Schemas['Alert']> = {}): Schemas['Alert'] {
  return {
    id: 'alr_1',
    rule_id: 'rul_hot',
    rule_name: 'Overheating',
    device_id: 'dev_1',
    severity: 'critical',
    state: 'raised',
    summary: 'temperature 91.2 > 85',
    value: 91.2,
    raised_at: '2025-03-01T10:00:00Z',
    acknowledged_at: null,
    acknowledged_by: null,
    note: null,
    cleared_at: null,
    clear_summary: null,
    ...overrides,
  };
}

export function makeRule(overrides: Partial<Schemas['AlertRule']> = {}): Schemas['AlertRule'] {
  return {
    id: 'rul_hot',
    name: 'Overheating',
    condition: 'temperature > 85 for 1m',
    kind: 'telemetry',
    severity: 'critical',
    enabled: true,
    heartbeat_interval_s: 60,
    scope: { model: null, group_id: null, selector: null },
    open_alerts: 0,
    created_by: 'usr_admin',
    created_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}

export function makeReport(overrides: Partial<Schemas['Report']> = {}): Schemas['Report'] {
  return {
    id: 'rep_1',
    kind: 'devices',
    format: 'csv',
    gzip: false,
    filters: {},
    status: 'queued',
    rows_written: 0,
    bytes: 0,
    sha256: null,
    error: null,
    created_at: '2025-03-01T10:00:00Z',
    started_at: null,
    finished_at: null,
    expires_at: null,
    download_url: null,
    download_url_expires_at: null,
    ...overrides,
  };
}
