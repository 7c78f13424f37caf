import { HttpResponse } from 'msw';
import type { LoginResponse, User } from '../lib/api-client';
import type { Role } from '../lib/permissions';

export function makeUser(overrides: Partial<User> & { role?: Role } = {}): User {
  const username = overrides.username ?? `${overrides.role ?? 'admin'}1`;
  return {
    id: `usr_${username}`,
    username,
    display_name: `${username.charAt(0).toUpperCase()}${username.slice(1)} Person`,
    role: 'admin',
    disabled: false,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

export function makeLogin(user: User, token = `token-${user.username}`): LoginResponse {
  return { access_token: token, token_type: 'Bearer', expires_in: 900, user };
}

/** A problem+json response like the server's. */
export function problem(status: number, slug: string, detail: string, extra: Record<string, unknown> = {}) {
  const titles: Record<string, string> = {
    unauthorized: 'Unauthorized',
    forbidden: 'Forbidden',
    'not-found': 'Not Found',
    conflict: 'Conflict',
    validation: 'Validation Failed',
    'rate-limited': 'Too Many Requests',
  };
  return HttpResponse.json(
    {
      type: `https://mothership.dev/problems/${slug}`,
      title: titles[slug] ?? slug,
      status,
      detail,
      request_id: 'req_test',
      ...extra,
    },
    { status, headers: { 'Content-Type': 'application/problem+json' } },
  );
}
