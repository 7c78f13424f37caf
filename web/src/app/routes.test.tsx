import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeLogin, makeUser, problem } from '../testing/fixtures';
import { freshInstallHandlers } from '../testing/landing-handlers';
import { server } from '../testing/msw-server';
import { renderApp } from '../testing/render';

describe('routes', () => {
  it('sends a visitor without a session to the login page', async () => {
    server.use(http.post('/api/v1/auth/refresh', () => problem(401, 'unauthorized', 'no refresh token')));
    const { router } = renderApp({ path: '/audit' });
    expect(await screen.findByRole('button', { name: 'Log in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('restores the session from the refresh cookie at start', async () => {
    const viewer = makeUser({ username: 'vic', role: 'viewer' });
    server.use(
      http.post('/api/v1/auth/refresh', () => HttpResponse.json(makeLogin(viewer))),
      http.get('/api/v1/audit', () => HttpResponse.json({ items: [], next_cursor: null })),
    );
    renderApp({ path: '/audit' });
    expect(await screen.findByRole('heading', { name: 'Audit log' })).toBeInTheDocument();
  });

  it('shows a readable forbidden message for a route the role cannot use', async () => {
    renderApp({ user: makeUser({ role: 'viewer' }), path: '/users' });
    const forbidden = await screen.findByTestId('forbidden');
    expect(forbidden).toHaveTextContent('You do not have permission to manage users.');
    // The shell stays, so the user can go elsewhere.
    expect(screen.getByRole('link', { name: 'Dashboard' })).toBeInTheDocument();
  });

  it('shows the forbidden message with the problem detail when the API answers 403', async () => {
    server.use(http.get('/api/v1/audit', () => problem(403, 'forbidden', 'missing permission: audit.read')));
    // A stale role in the token: the portal thinks "viewer", the server disagrees.
    renderApp({ user: makeUser({ role: 'viewer' }), path: '/audit' });
    const forbidden = await screen.findByTestId('forbidden');
    expect(forbidden).toHaveTextContent('You do not have permission to read the audit log.');
    expect(forbidden).toHaveTextContent('missing permission: audit.read');
  });

  it('shows a 404 page for unknown routes', async () => {
    renderApp({ user: makeUser({ role: 'technician' }), path: '/no/such/page' });
    expect(await screen.findByText('Page not found')).toBeInTheDocument();
  });

  it.each([
    ['technician', '/reports', 'You do not have permission to use reports.'],
    ['technician', '/rules', 'You do not have permission to manage alert rules.'],
    ['viewer', '/rules', 'You do not have permission to manage alert rules.'],
  ] as const)('refuses a %s the page %s', async (role, path, text) => {
    renderApp({ user: makeUser({ role }), path });
    expect(await screen.findByTestId('forbidden')).toHaveTextContent(text);
  });

  it('logs out: revokes the cookie and returns to the login page', async () => {
    let loggedOut = false;
    server.use(
      http.post('/api/v1/auth/logout', () => {
        loggedOut = true;
        return new HttpResponse(null, { status: 204 });
      }),
      ...freshInstallHandlers(),
    );
    const { router } = renderApp({ user: makeUser({ role: 'admin' }), path: '/' });
    await userEvent.click(await screen.findByRole('button', { name: 'Logout' }));
    expect(await screen.findByRole('button', { name: 'Log in' })).toBeInTheDocument();
    expect(loggedOut).toBe(true);
    expect(router.state.location.pathname).toBe('/login');
  });

  it('goes to the login page when a call gets 401 and the refresh fails', async () => {
    server.use(
      http.get('/api/v1/users', () => problem(401, 'unauthorized', 'token expired')),
      http.post('/api/v1/auth/refresh', () => problem(401, 'unauthorized', 'refresh token reused')),
    );
    const { router } = renderApp({ user: makeUser({ role: 'admin' }), path: '/users' });
    expect(await screen.findByTestId('session-expired')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });
});
