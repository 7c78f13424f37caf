import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeLogin, makeUser } from '../testing/fixtures';
import {
  api,
  ApiError,
  getSession,
  refreshSession,
  restoreSession,
  sessionExpired,
  setSession,
  subscribeSession,
} from './api-client';

const admin = makeUser({ username: 'admin', role: 'admin' });

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

function problemBody(status: number, slug: string, detail: string, extra: Record<string, unknown> = {}) {
  return { type: `https://mothership.dev/problems/${slug}`, title: slug, status, detail, request_id: 'req_1', ...extra };
}

/** A fake server: a token is valid while it is the latest one issued by "refresh". */
function fakeServer({ refreshOk = true }: { refreshOk?: boolean } = {}) {
  let validToken = 'fresh-1';
  let refreshes = 0;
  const calls: { url: string; auth: string | null; method: string }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    await Promise.resolve();
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    calls.push({ url: url.pathname + url.search, auth: headers.get('Authorization'), method: init?.method ?? 'GET' });
    if (url.pathname === '/api/v1/auth/refresh') {
      refreshes += 1;
      if (!refreshOk) return json(401, problemBody(401, 'unauthorized', 'refresh token missing'));
      validToken = `fresh-${refreshes + 1}`;
      return json(200, makeLogin(admin, validToken));
    }
    if (headers.get('Authorization') !== `Bearer ${validToken}`) {
      return json(401, problemBody(401, 'unauthorized', 'token expired'));
    }
    if (url.pathname === '/api/v1/me') return json(200, admin);
    if (url.pathname === '/api/v1/users/x' && init?.method === 'DELETE') return new Response(null, { status: 204 });
    return json(404, problemBody(404, 'not-found', 'no such thing'));
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock, refreshes: () => refreshes };
}

describe('api-client', () => {
  beforeEach(() => {
    vi.unstubAllGlobals();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends the in-memory access token as a bearer token', async () => {
    const server = fakeServer();
    setSession(makeLogin(admin, 'fresh-1'));
    await expect(api.get('/api/v1/me')).resolves.toEqual(admin);
    expect(server.calls).toEqual([{ url: '/api/v1/me', auth: 'Bearer fresh-1', method: 'GET' }]);
    expect(server.refreshes()).toBe(0);
  });

  it('on 401 refreshes once and retries the request with the new token', async () => {
    const server = fakeServer();
    setSession(makeLogin(admin, 'stale'));
    await expect(api.get('/api/v1/me')).resolves.toEqual(admin);
    expect(server.refreshes()).toBe(1);
    expect(server.calls.map((c) => [c.url, c.auth])).toEqual([
      ['/api/v1/me', 'Bearer stale'],
      ['/api/v1/auth/refresh', null],
      ['/api/v1/me', 'Bearer fresh-2'],
    ]);
    expect(getSession()?.accessToken).toBe('fresh-2');
  });

  it('deduplicates concurrent refreshes (refresh tokens are single-use)', async () => {
    const server = fakeServer();
    setSession(makeLogin(admin, 'stale'));
    const results = await Promise.all([api.get('/api/v1/me'), api.get('/api/v1/me'), api.get('/api/v1/me')]);
    expect(results).toEqual([admin, admin, admin]);
    expect(server.refreshes()).toBe(1);
    expect(server.calls.filter((c) => c.url === '/api/v1/me' && c.auth === 'Bearer fresh-2')).toHaveLength(3);
  });

  it('a 401 arriving after another call refreshed retries with that token, without a second refresh', async () => {
    const server = fakeServer();
    setSession(makeLogin(admin, 'stale'));
    // While this request is in flight, another call refreshes the session to fresh-1.
    server.fetchMock.mockImplementationOnce(async () => {
      await Promise.resolve();
      setSession(makeLogin(admin, 'fresh-1'));
      return json(401, problemBody(401, 'unauthorized', 'token expired'));
    });
    await expect(api.get('/api/v1/me')).resolves.toEqual(admin);
    expect(server.refreshes()).toBe(0);
    expect(server.calls).toEqual([{ url: '/api/v1/me', auth: 'Bearer fresh-1', method: 'GET' }]);
  });

  it('clears the session and throws when the refresh fails', async () => {
    const server = fakeServer({ refreshOk: false });
    setSession(makeLogin(admin, 'stale'));
    const seen: (string | null)[] = [];
    subscribeSession((s) => seen.push(s?.accessToken ?? null));
    const error = await api.get('/api/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(getSession()).toBeNull();
    expect(sessionExpired()).toBe(true);
    expect(seen).toEqual([null]);
    expect(server.refreshes()).toBe(1);
  });

  it('does not try to refresh for calls made without auth (login)', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(json(401, problemBody(401, 'unauthorized', 'invalid username or password'))));
    vi.stubGlobal('fetch', fetchMock);
    const error = await api.post('/api/v1/auth/login', { username: 'a', password: 'b' }, { auth: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).detail).toBe('invalid username or password');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('throws ApiError with the problem fields, field errors and Retry-After', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          json(
            429,
            problemBody(429, 'rate-limited', 'too many login attempts', {
              errors: [{ field: 'username', message: 'locked' }],
            }),
            { 'Retry-After': '42' },
          ),
        ),
      ),
    );
    const error = (await api.post('/api/v1/auth/login', {}, { auth: false }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(429);
    expect(error.slug).toBe('rate-limited');
    expect(error.detail).toBe('too many login attempts');
    expect(error.requestId).toBe('req_1');
    expect(error.retryAfter).toBe(42);
    expect(error.fieldError('username')).toBe('locked');
  });

  it('turns a non-JSON error into an ApiError too', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }))));
    const error = (await api.get('/api/v1/me', { auth: false }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(error.detail).toContain('502');
  });

  it('returns undefined for 204 and encodes query parameters, skipping empty ones', async () => {
    const server = fakeServer();
    setSession(makeLogin(admin, 'fresh-1'));
    await expect(api.delete('/api/v1/users/x')).resolves.toBeUndefined();
    await api.get('/api/v1/nothing', { query: { a: 'x y', b: undefined, c: '', d: 3 } }).catch(() => undefined);
    expect(server.calls[1]?.url).toBe('/api/v1/nothing?a=x+y&d=3');
  });

  it('restores the session from the refresh cookie once, even if asked twice at start', async () => {
    const server = fakeServer();
    const [a, b] = await Promise.all([restoreSession(), restoreSession()]);
    expect(a?.accessToken).toBe('fresh-2');
    expect(b?.accessToken).toBe('fresh-2');
    expect(server.refreshes()).toBe(1);
    // Already signed in: no further refresh.
    await restoreSession();
    expect(server.refreshes()).toBe(1);
  });

  it('refreshSession resolves null when there is no valid refresh cookie', async () => {
    fakeServer({ refreshOk: false });
    await expect(refreshSession()).resolves.toBeNull();
    expect(getSession()).toBeNull();
  });
});
