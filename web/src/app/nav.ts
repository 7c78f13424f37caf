import { can, type Permission, type Role } from '../lib/permissions';

export type NavKey =
  | 'dashboard'
  | 'devices'
  | 'groups'
  | 'onboard'
  | 'registry'
  | 'firmware'
  | 'deployments'
  | 'alerts'
  | 'rules'
  | 'audit'
  | 'reports'
  | 'users';

export interface NavItem {
  key: NavKey;
  label: string;
  path: string;
  /** Needed to see the item and to open its page. */
  permission: Permission;
  /** Completes "You do not have permission to …" on the page's forbidden message. */
  action: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'dashboard', label: 'Dashboard', path: '/', permission: 'devices.read', action: 'view the dashboard' },
  { key: 'devices', label: 'Devices', path: '/devices', permission: 'devices.read', action: 'view devices' },
  { key: 'groups', label: 'Groups', path: '/groups', permission: 'devices.read', action: 'view device groups' },
  { key: 'onboard', label: 'Onboard', path: '/onboard', permission: 'devices.onboard', action: 'onboard devices' },
  { key: 'registry', label: 'Registry', path: '/registry', permission: 'registry.read', action: 'view the registry' },
  { key: 'firmware', label: 'Firmware', path: '/firmware', permission: 'firmware.read', action: 'view firmware' },
  { key: 'deployments', label: 'Deployments', path: '/deployments', permission: 'jobs.read', action: 'view deployments' },
  { key: 'alerts', label: 'Alerts', path: '/alerts', permission: 'alerts.read', action: 'view alerts' },
  { key: 'rules', label: 'Rules', path: '/rules', permission: 'rules.manage', action: 'manage alert rules' },
  { key: 'audit', label: 'Audit', path: '/audit', permission: 'audit.read', action: 'read the audit log' },
  { key: 'reports', label: 'Reports', path: '/reports', permission: 'reports.download', action: 'use reports' },
  { key: 'users', label: 'Users', path: '/users', permission: 'users.manage', action: 'manage users' },
];

/** The navigation items `role` may see, in menu order. */
export function navItemsFor(role: Role | null | undefined): NavItem[] {
  return NAV_ITEMS.filter((item) => can(role, item.permission));
}

export function navItem(key: NavKey): NavItem {
  const item = NAV_ITEMS.find((i) => i.key === key);
  if (!item) throw new Error(`unknown nav item ${key}`);
  return item;
}
