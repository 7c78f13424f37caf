import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../lib/permissions';
import { makeUser } from '../testing/fixtures';
import { freshInstallHandlers } from '../testing/landing-handlers';
import { server } from '../testing/msw-server';
import { renderApp } from '../testing/render';
import { navItemsFor } from './nav';

const expected: Record<Role, string[]> = {
  admin: [
    'Dashboard',
    'Devices',
    'Groups',
    'Onboard',
    'Registry',
    'Firmware',
    'Deployments',
    'Alerts',
    'Rules',
    'Audit',
    'Reports',
    'Users',
  ],
  technician: ['Dashboard', 'Devices', 'Groups', 'Onboard', 'Registry', 'Firmware', 'Deployments', 'Alerts'],
  viewer: ['Dashboard', 'Devices', 'Groups', 'Firmware', 'Deployments', 'Alerts', 'Audit', 'Reports'],
};

describe('navigation', () => {
  it.each(Object.entries(expected) as [Role, string[]][])('navItemsFor(%s)', (role, labels) => {
    expect(navItemsFor(role).map((i) => i.label)).toEqual(labels);
  });

  it('shows nothing to no role', () => {
    expect(navItemsFor(null)).toEqual([]);
  });

  it.each(Object.entries(expected) as [Role, string[]][])(
    'the shell shows %s exactly its nav items, name and role',
    async (role, labels) => {
      const user = makeUser({ username: `${role}1`, role, display_name: `The ${role}` });
      server.use(...freshInstallHandlers());
      renderApp({ user, path: '/' });
      const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
      const links = within(nav).getAllByRole('link');
      expect(links.map((l) => l.textContent)).toEqual(labels);
      expect(screen.getByTestId('user-display-name')).toHaveTextContent(`The ${role}`);
      expect(screen.getByTestId('user-role')).toHaveTextContent(new RegExp(role, 'i'));
      expect(screen.getByRole('button', { name: 'Logout' })).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Change password' })).toBeInTheDocument();
    },
  );
});
