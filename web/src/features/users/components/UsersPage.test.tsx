import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { User } from '../../../lib/api-client';
import { makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import { UsersPage } from './UsersPage';

const admin = makeUser({ id: 'usr_admin', username: 'admin', display_name: 'Ada Admin', role: 'admin' });
const tech = makeUser({ id: 'usr_tech', username: 'tom', display_name: 'Tom Tech', role: 'technician' });

function usersHandler(users: User[]) {
  return http.get('/api/v1/users', () => HttpResponse.json({ items: users, next_cursor: null }));
}

/** Renders the page itself, without the route guard, to check what it shows per role. */
function renderUsersPage(user: User) {
  return renderApp({ user, path: '/', routes: [{ path: '/', element: <UsersPage /> }] });
}

describe('UsersPage', () => {
  it('lists users with their role and status', async () => {
    server.use(usersHandler([admin, { ...tech, disabled: true }]));
    renderUsersPage(admin);
    const row = await screen.findByTestId('user-row-tom');
    expect(row).toHaveTextContent('Tom Tech');
    expect(row).toHaveTextContent('Disabled');
    expect(within(row).getByRole('combobox', { name: 'Role of tom' })).toHaveValue('technician');
    expect(within(row).getByRole('link', { name: 'Audit trail of tom' })).toHaveAttribute(
      'href',
      '/audit?actor_type=user&actor_id=usr_tech',
    );
  });

  it('renders the management actions for admins', async () => {
    server.use(usersHandler([admin, tech]));
    renderUsersPage(admin);
    await screen.findByTestId('user-row-tom');
    expect(screen.getByRole('button', { name: 'Create user' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Disable tom' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reset password of tom' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete tom' })).toBeInTheDocument();
  });

  it('renders no management actions for other roles', async () => {
    server.use(usersHandler([admin, tech]));
    const viewer = makeUser({ username: 'vic', role: 'viewer' });
    renderUsersPage(viewer);
    await screen.findByTestId('user-row-tom');
    expect(screen.queryByRole('button', { name: 'Create user' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Disable|Enable|Delete|Reset password/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox')).not.toBeInTheDocument();
  });

  it('creates a user through the modal', async () => {
    const created: unknown[] = [];
    let users = [admin];
    server.use(
      http.get('/api/v1/users', () => HttpResponse.json({ items: users, next_cursor: null })),
      http.post('/api/v1/users', async ({ request }) => {
        const body = (await request.json()) as { username: string; display_name: string; role: User['role'] };
        created.push(body);
        const user = makeUser({ id: 'usr_new', username: body.username, display_name: body.display_name, role: body.role });
        users = [...users, user];
        return HttpResponse.json(user, { status: 201 });
      }),
    );
    renderUsersPage(admin);
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Create user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create user' });
    await ui.type(within(dialog).getByLabelText(/Username/), 'terry');
    await ui.type(within(dialog).getByLabelText(/Display name/), 'Terry Tech');
    await ui.selectOptions(within(dialog).getByLabelText('Role'), 'technician');
    await ui.type(within(dialog).getByLabelText(/Initial password/), 'correct horse battery');
    await ui.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await screen.findByTestId('user-row-terry')).toBeInTheDocument();
    expect(created).toEqual([
      { username: 'terry', display_name: 'Terry Tech', role: 'technician', password: 'correct horse battery' },
    ]);
  });

  it('shows the problem detail when the server refuses to create (409)', async () => {
    server.use(
      usersHandler([admin]),
      http.post('/api/v1/users', () => problem(409, 'conflict', 'username already taken')),
    );
    renderUsersPage(admin);
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Create user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create user' });
    await ui.type(within(dialog).getByLabelText(/Username/), 'admin');
    await ui.type(within(dialog).getByLabelText(/Display name/), 'Another');
    await ui.type(within(dialog).getByLabelText(/Initial password/), 'long enough password');
    await ui.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByTestId('create-user-error')).toHaveTextContent('username already taken');
  });

  it('shows a 409 for demoting the last admin in a notification', async () => {
    server.use(
      usersHandler([admin, tech]),
      http.patch('/api/v1/users/usr_admin', () => problem(409, 'conflict', 'cannot demote the last admin')),
    );
    renderUsersPage(admin);
    const ui = userEvent.setup();
    await ui.selectOptions(await screen.findByRole('combobox', { name: 'Role of admin' }), 'viewer');
    expect(await screen.findByText('cannot demote the last admin')).toBeInTheDocument();
    // The select goes back to what the server holds.
    await waitFor(() => {
      expect(screen.getByRole('combobox', { name: 'Role of admin' })).toHaveValue('admin');
    });
  });

  it('disables, resets the password of and deletes a user', async () => {
    const patches: unknown[] = [];
    let deleted = '';
    server.use(
      usersHandler([admin, tech]),
      http.patch('/api/v1/users/usr_tech', async ({ request }) => {
        const patch = (await request.json()) as Partial<User>;
        patches.push(patch);
        return HttpResponse.json({ ...tech, ...patch });
      }),
      http.delete('/api/v1/users/usr_tech', () => {
        deleted = 'usr_tech';
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderUsersPage(admin);
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Disable tom' }));
    await waitFor(() => {
      expect(patches).toEqual([{ disabled: true }]);
    });

    await ui.click(screen.getByRole('button', { name: 'Reset password of tom' }));
    const resetDialog = await screen.findByRole('dialog', { name: 'Reset password' });
    await ui.type(within(resetDialog).getByLabelText(/New password/), 'brand new password');
    await ui.click(within(resetDialog).getByRole('button', { name: 'Reset password' }));
    await waitFor(() => {
      expect(patches).toEqual([{ disabled: true }, { password: 'brand new password' }]);
    });

    await ui.click(screen.getByRole('button', { name: 'Delete tom' }));
    const deleteDialog = await screen.findByRole('dialog', { name: 'Delete user' });
    await ui.click(within(deleteDialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => {
      expect(deleted).toBe('usr_tech');
    });
  });
});
