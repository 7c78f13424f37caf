import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { User } from '../../../lib/api-client';
import { makeGroup, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { Group } from '../api/groups';
import { GroupsPage } from './GroupsPage';

const admin = makeUser({ id: 'usr_admin', username: 'admin', role: 'admin' });
const roof = makeGroup({ id: 'grp_roof', name: 'roof', description: 'On the roof', member_count: 3 });
const lab = makeGroup({ id: 'grp_lab', name: 'lab' });

/** A server that keeps groups in memory and records what it was asked to change. */
function groupsServer(initial: Group[]) {
  let groups = [...initial];
  const changes: { method: string; path: string; body: unknown }[] = [];
  server.use(
    http.get('/api/v1/groups', () => HttpResponse.json({ items: groups, next_cursor: null })),
    http.post('/api/v1/groups', async ({ request }) => {
      const body = (await request.json()) as { name: string; description: string };
      changes.push({ method: 'POST', path: '/api/v1/groups', body });
      if (groups.some((g) => g.name === body.name)) return problem(409, 'conflict', 'Another group already has this name.');
      const group = makeGroup({ id: `grp_${body.name}`, name: body.name, description: body.description });
      groups = [...groups, group];
      return HttpResponse.json(group, { status: 201 });
    }),
    http.patch('/api/v1/groups/:id', async ({ request, params }) => {
      const body = (await request.json()) as { name: string; description: string };
      changes.push({ method: 'PATCH', path: `/api/v1/groups/${String(params.id)}`, body });
      groups = groups.map((g) => (g.id === params.id ? { ...g, ...body } : g));
      return HttpResponse.json(groups.find((g) => g.id === params.id));
    }),
    http.delete('/api/v1/groups/:id', ({ params }) => {
      changes.push({ method: 'DELETE', path: `/api/v1/groups/${String(params.id)}`, body: null });
      groups = groups.filter((g) => g.id !== params.id);
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return changes;
}

function renderGroups(user: User) {
  return renderApp({ user, path: '/groups', routes: [{ path: '/groups', element: <GroupsPage /> }] });
}

describe('GroupsPage', () => {
  it('lists the groups with their description and device count, linked to the group and the filtered list', async () => {
    groupsServer([lab, roof]);
    renderGroups(admin);
    const row = await screen.findByTestId('group-row-roof');
    expect(row).toHaveTextContent('On the roof');
    expect(within(row).getByRole('link', { name: 'roof' })).toHaveAttribute('href', '/groups/grp_roof');
    expect(within(row).getByRole('link', { name: '3' })).toHaveAttribute('href', '/devices?group=grp_roof');
  });

  it('gives admins the create, edit and delete actions', async () => {
    groupsServer([lab, roof]);
    renderGroups(admin);
    await screen.findByTestId('group-row-roof');
    expect(screen.getByRole('button', { name: 'Create group' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Edit roof' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete roof' })).toBeInTheDocument();
  });

  it.each(['technician', 'viewer'] as const)('shows a %s the groups without any action', async (role) => {
    groupsServer([lab, roof]);
    renderGroups(makeUser({ username: `${role}1`, role }));
    await screen.findByTestId('group-row-roof');
    expect(screen.queryByRole('button', { name: 'Create group' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Edit|Delete/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).not.toBeInTheDocument();
  });

  it('creates a group, and shows the conflict when the name is taken', async () => {
    const changes = groupsServer([roof]);
    renderGroups(admin);
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Create group' }));
    let dialog = await screen.findByRole('dialog', { name: 'Create group' });
    await ui.type(within(dialog).getByLabelText(/Name/), 'basement');
    await ui.type(within(dialog).getByLabelText('Description'), 'Below');
    await ui.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await screen.findByTestId('group-row-basement')).toBeInTheDocument();
    expect(changes).toEqual([{ method: 'POST', path: '/api/v1/groups', body: { name: 'basement', description: 'Below' } }]);

    await ui.click(screen.getByRole('button', { name: 'Create group' }));
    dialog = await screen.findByRole('dialog', { name: 'Create group' });
    await ui.type(within(dialog).getByLabelText(/Name/), 'roof');
    await ui.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Another group already has this name.');
  });

  it('renames and deletes a group', async () => {
    const changes = groupsServer([lab, roof]);
    renderGroups(admin);
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Edit roof' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit group' });
    const name = within(dialog).getByLabelText(/Name/);
    expect(name).toHaveValue('roof');
    await ui.clear(name);
    await ui.type(name, 'rooftop');
    await ui.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await screen.findByTestId('group-row-rooftop')).toBeInTheDocument();
    expect(changes[0]).toEqual({
      method: 'PATCH',
      path: '/api/v1/groups/grp_roof',
      body: { name: 'rooftop', description: 'On the roof' },
    });

    await ui.click(screen.getByRole('button', { name: 'Delete lab' }));
    await ui.click(await screen.findByTestId('delete-group-confirm'));
    await waitFor(() => {
      expect(screen.queryByTestId('group-row-lab')).not.toBeInTheDocument();
    });
    expect(changes[1]).toEqual({ method: 'DELETE', path: '/api/v1/groups/grp_lab', body: null });
  });
});
