import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeLogin, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';

function noSession() {
  return http.post('/api/v1/auth/refresh', () => problem(401, 'unauthorized', 'no refresh token'));
}

async function logIn(username: string, password: string) {
  const ui = userEvent.setup();
  await ui.type(await screen.findByLabelText(/Username/), username);
  await ui.type(screen.getByLabelText(/^Password/), password);
  await ui.click(screen.getByRole('button', { name: 'Log in' }));
}

describe('LoginPage', () => {
  it('logs in and lands where the user wanted to go', async () => {
    const admin = makeUser({ username: 'root', role: 'admin', display_name: 'Root Admin' });
    let sent: unknown;
    server.use(
      noSession(),
      http.post('/api/v1/auth/login', async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json(makeLogin(admin));
      }),
    );
    const { router } = renderApp({ path: '/devices' });
    await logIn('root', 'secret password');
    expect(await screen.findByTestId('user-display-name')).toHaveTextContent('Root Admin');
    expect(router.state.location.pathname).toBe('/devices');
    expect(sent).toEqual({ username: 'root', password: 'secret password' });
  });

  it('shows the problem detail on bad credentials', async () => {
    server.use(
      noSession(),
      http.post('/api/v1/auth/login', () => problem(401, 'unauthorized', 'invalid username or password')),
    );
    renderApp({ path: '/login' });
    await logIn('root', 'wrong');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('invalid username or password');
  });

  it('says when to try again after a 429', async () => {
    server.use(
      noSession(),
      http.post('/api/v1/auth/login', () =>
        HttpResponse.json(
          {
            type: 'https://mothership.dev/problems/rate-limited',
            title: 'Too Many Requests',
            status: 429,
            detail: 'too many failed logins',
            request_id: 'r1',
          },
          { status: 429, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '30' } },
        ),
      ),
    );
    renderApp({ path: '/login' });
    await logIn('root', 'wrong');
    expect(await screen.findByTestId('login-error')).toHaveTextContent('too many failed logins');
    // The button counts down the Retry-After seconds and stays disabled until then.
    expect(screen.getByTestId('login-retry-after')).toHaveTextContent(/Try again in (30|29) s/);
    expect(screen.getByRole('button', { name: /Try again in/ })).toBeDisabled();
  });
});
