import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { User } from '../../../lib/api-client';
import { makeDevice, makeGroup, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { Device } from '../api/devices';
import { parseDeviceIds } from './AddGroupDevicesForm';
import { GroupPage } from './GroupPage';

const admin = makeUser({ id: 'usr_admin', username: 'admin', role: 'admin' });
const a = makeDevice({ id: 'dev_a', serial: 'SN-A' });
const b = makeDevice({ id: 'dev_b', serial: 'SN-B' });
const c = makeDevice({ id: 'dev_c', serial: 'SN-C' });

/** The group grp_roof with `initial` as members; records additions and removals. */
function groupServer(initial: Device[]) {
  let members = [...initial];
  const known = [a, b, c];
  const changes: string[] = [];
  const group = () => makeGroup({ id: 'grp_roof', name: 'roof', member_count: members.length });
  server.use(
    http.get('/api/v1/groups/grp_roof', () => HttpResponse.json(group())),
    http.get('/api/v1/groups/grp_roof/devices', () => HttpResponse.json({ items: members, next_cursor: null })),
    http.post('/api/v1/groups/grp_roof/devices', async ({ request }) => {
      const ids = ((await request.json()) as { device_ids: string[] }).device_ids;
      changes.push(`add ${ids.join(' ')}`);
      const unknown = ids.filter((id) => !known.some((d) => d.id === id));
      if (unknown.length > 0)
        return problem(422, 'validation', 'The request has invalid fields.', {
          errors: [{ field: 'device_ids', message: `no device has the id(s) ${unknown.join(', ')}` }],
        });
      const added = ids.filter((id) => !members.some((d) => d.id === id));
      members = [...members, ...known.filter((d) => added.includes(d.id))];
      return HttpResponse.json({ added, group: group() });
    }),
    http.delete('/api/v1/groups/grp_roof/devices/:device', ({ params }) => {
      changes.push(`remove ${String(params.device)}`);
      members = members.filter((d) => d.id !== params.device);
      return new HttpResponse(null, { status: 204 });
    }),
    http.get('/api/v1/groups/grp_gone', () => problem(404, 'not-found', 'No group has this id.')),
    http.get('/api/v1/groups/grp_gone/devices', () => problem(404, 'not-found', 'No group has this id.')),
  );
  return changes;
}

function renderGroup(user: User, id = 'grp_roof') {
  return renderApp({ user, path: `/groups/${id}`, routes: [{ path: '/groups/:id', element: <GroupPage /> }] });
}

describe('GroupPage', () => {
  it('lets an admin add devices by id and remove one', async () => {
    const changes = groupServer([a]);
    renderGroup(admin);
    expect(await screen.findByTestId('member-row-SN-A')).toBeInTheDocument();
    const ui = userEvent.setup();
    await ui.type(screen.getByLabelText(/Device ids to add/), 'dev_b, dev_c dev_b');
    await ui.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByTestId('member-row-SN-C')).toBeInTheDocument();
    expect(screen.getByTestId('member-row-SN-B')).toBeInTheDocument();
    expect(screen.getByLabelText(/Device ids to add/)).toHaveValue('');

    await ui.click(screen.getByRole('button', { name: 'Remove SN-A' }));
    await waitFor(() => {
      expect(screen.queryByTestId('member-row-SN-A')).not.toBeInTheDocument();
    });
    expect(changes).toEqual(['add dev_b dev_c', 'remove dev_a']);
  });

  it('says which ids are not devices', async () => {
    groupServer([a]);
    renderGroup(admin);
    await screen.findByTestId('member-row-SN-A');
    const ui = userEvent.setup();
    await ui.type(screen.getByLabelText(/Device ids to add/), 'dev_nope');
    await ui.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByTestId('add-devices-error')).toBeInTheDocument();
    expect(screen.getByTestId('add-devices-error')).toHaveTextContent('The request has invalid fields.');
  });

  it('shows a viewer the members without the add, remove, edit or delete actions', async () => {
    groupServer([a, b]);
    renderGroup(makeUser({ username: 'vic', role: 'viewer' }));
    const row = await screen.findByTestId('member-row-SN-B');
    expect(within(row).getByRole('link', { name: 'SN-B' })).toHaveAttribute('href', '/devices/dev_b');
    expect(screen.queryByLabelText(/Device ids to add/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Remove|Edit|Delete/ })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Show in device list' })).toHaveAttribute('href', '/devices?group=grp_roof');
  });

  it('says so when the group does not exist', async () => {
    groupServer([]);
    renderGroup(admin, 'grp_gone');
    expect(await screen.findByText(/not found|does not exist/i)).toBeInTheDocument();
  });
});

describe('parseDeviceIds', () => {
  it('splits on commas and white space and drops repeats', () => {
    expect(parseDeviceIds(' dev_a,dev_b\ndev_a  dev_c,, ')).toEqual(['dev_a', 'dev_b', 'dev_c']);
    expect(parseDeviceIds('   ')).toEqual([]);
  });
});
