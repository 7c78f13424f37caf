// The role → permission table, mirroring the server's (src/auth rbac, ARCHITECTURE.md §8).
// The portal uses it only to hide what a role cannot do; the server refuses regardless.
import type { components } from './api-types';

export type Role = components['schemas']['Role'];

export const ROLES: readonly Role[] = ['admin', 'technician', 'viewer'];

export const PERMISSIONS = [
  'devices.read',
  'firmware.read',
  'jobs.read',
  'telemetry.read',
  'devices.onboard',
  'registry.read',
  'registry.import',
  'devices.manage',
  'firmware.manage',
  'jobs.manage',
  'audit.read',
  'reports.create',
  'reports.download',
  'users.manage',
  'alerts.read',
  'alerts.ack',
  'rules.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** Route-level pseudo permissions: `public` needs no token, `authenticated` any valid one. */
export type RoutePermission = Permission | 'public' | 'authenticated';

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
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

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether a user with `role` may do what `permission` guards. Unknown roles may do nothing. */
export function can(role: Role | null | undefined, permission: RoutePermission): boolean {
  if (permission === 'public') return true;
  if (!role || !isRole(role)) return false;
  if (permission === 'authenticated') return true;
  return ROLE_PERMISSIONS[role].includes(permission);
}

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'Admin',
  technician: 'Technician',
  viewer: 'Viewer',
};
