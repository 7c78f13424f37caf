import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './permissions';

// The table as ARCHITECTURE.md §8 and the API contract state it.
const expected = {
  admin: [...PERMISSIONS],
  technician: [
    'devices.read',
    'firmware.read',
    'jobs.read',
    'telemetry.read',
    'devices.onboard',
    'registry.read',
    'alerts.read',
    'alerts.ack',
  ],
  viewer: [
    'devices.read',
    'firmware.read',
    'jobs.read',
    'telemetry.read',
    'audit.read',
    'reports.create',
    'reports.download',
    'alerts.read',
  ],
};

describe('permissions', () => {
  it('has exactly the documented permissions per role', () => {
    for (const role of ROLES) {
      expect([...ROLE_PERMISSIONS[role]].sort()).toEqual([...expected[role]].sort());
    }
  });

  it.each(ROLES.flatMap((role) => PERMISSIONS.map((permission) => [role, permission] as const)))(
    'can(%s, %s) follows the table',
    (role, permission) => {
      expect(can(role, permission)).toBe(expected[role].includes(permission));
    },
  );

  it('gives admins everything and only admins users.manage', () => {
    expect(PERMISSIONS.every((p) => can('admin', p))).toBe(true);
    expect(ROLES.filter((r) => can(r, 'users.manage'))).toEqual(['admin']);
    expect(ROLES.filter((r) => can(r, 'rules.manage'))).toEqual(['admin']);
  });

  it('lets every role read alerts, and only admins and technicians acknowledge them', () => {
    expect(ROLES.filter((r) => can(r, 'alerts.read'))).toEqual(['admin', 'technician', 'viewer']);
    expect(ROLES.filter((r) => can(r, 'alerts.ack'))).toEqual(['admin', 'technician']);
  });

  it('treats public and authenticated like the server', () => {
    expect(can(null, 'public')).toBe(true);
    expect(can(null, 'authenticated')).toBe(false);
    for (const role of ROLES) expect(can(role, 'authenticated')).toBe(true);
  });

  it('denies everything to no role or an unknown one', () => {
    expect(can(null, 'devices.read')).toBe(false);
    expect(can(undefined, 'devices.read')).toBe(false);
    // A role the portal does not know (e.g. from a newer server) gets nothing.
    expect(can('superuser' as never, 'devices.read')).toBe(false);
  });
});
