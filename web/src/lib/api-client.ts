// The one fetch wrapper of the portal.
//
// - The access token lives in this module's memory only (never in storage); the refresh
//   token is an httpOnly cookie the browser sends to /api/v1/auth/* by itself.
// - A 401 from any authenticated call triggers one POST /api/v1/auth/refresh (concurrent
//   callers share it: refresh tokens are single-use, and presenting one twice revokes the
//   whole family), then the call is retried once with the new token. If the refresh fails,
//   the session is cleared, and the router sends the user to /login.
// - Every non-2xx answer is thrown as an ApiError carrying the problem+json fields.
import type { components } from './api-types';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['FieldError'];
export type User = components['schemas']['User'];
export type LoginResponse = components['schemas']['LoginResponse'];

const PROBLEM_BASE = 'https://mothership.dev/problems/';
const REFRESH_PATH = '/api/v1/auth/refresh';

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly errors: readonly FieldError[];
  /** Seconds from the Retry-After header (429), when present. */
  readonly retryAfter: number | undefined;
  /** The whole problem document, for members beyond RFC 7807's (e.g. `attempts_left`). */
  readonly body: Readonly<Record<string, unknown>>;

  constructor(init: {
    status: number;
    type?: string;
    title?: string;
    detail?: string;
    requestId?: string;
    errors?: readonly FieldError[];
    retryAfter?: number;
    body?: Record<string, unknown>;
  }) {
    const detail = init.detail ?? init.title ?? `HTTP ${init.status}`;
    super(detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type ?? 'about:blank';
    this.title = init.title ?? `HTTP ${init.status}`;
    this.detail = detail;
    this.requestId = init.requestId;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter;
    this.body = init.body ?? {};
  }

  /** The problem slug, e.g. `conflict` for https://mothership.dev/problems/conflict. */
  get slug(): string {
    return this.type.startsWith(PROBLEM_BASE) ? this.type.slice(PROBLEM_BASE.length) : this.type;
  }

  /** The message of the field error for `field`, if the server sent one. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

// ---------------------------------------------------------------------------------------
// Session (in memory only)

export interface Session {
  accessToken: string;
  user: User;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
}

type SessionListener = (session: Session | null) => void;

let session: Session | null = null;
/** Set when a session ended because it could not be refreshed (not by logging out). */
let expired = false;
const listeners = new Set<SessionListener>();

export function getSession(): Session | null {
  return session;
}

export function sessionExpired(): boolean {
  return expired;
}

export function subscribeSession(listener: SessionListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function emit(): void {
  for (const listener of listeners) listener(session);
}

/** Starts a session from a login or refresh answer. */
export function setSession(login: LoginResponse): Session {
  session = {
    accessToken: login.access_token,
    user: login.user,
    expiresAt: Date.now() + login.expires_in * 1000,
  };
  expired = false;
  emit();
  return session;
}

/** Replaces the user of the current session (e.g. after /me). */
export function updateSessionUser(user: User): void {
  if (!session) return;
  session = { ...session, user };
  emit();
}

/** Ends the session in memory. `reason: 'expired'` lets the login page say why. */
export function clearSession(reason: 'logout' | 'expired' = 'logout'): void {
  const had = session !== null;
  session = null;
  expired = reason === 'expired';
  if (had || expired) emit();
}

// ---------------------------------------------------------------------------------------
// Refresh

let refreshing: Promise<Session | null> | null = null;

async function doRefresh(): Promise<Session | null> {
  let res: Response;
  try {
    res = await fetch(toUrl(REFRESH_PATH), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
  } catch {
    return null;
  }
  if (!res.ok) return null;
  try {
    return setSession((await res.json()) as LoginResponse);
  } catch {
    return null;
  }
}

/**
 * Trades the refresh cookie for a new access token. Concurrent calls share one request.
 * Resolves to the new session, or null when there is no valid refresh token.
 */
export function refreshSession(): Promise<Session | null> {
  refreshing ??= doRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

let restoring: Promise<Session | null> | null = null;

/** On app start: restore the session from the refresh cookie, once per page load. */
export function restoreSession(): Promise<Session | null> {
  if (session) return Promise.resolve(session);
  restoring ??= refreshSession().finally(() => {
    restoring = null;
  });
  return restoring;
}

// ---------------------------------------------------------------------------------------
// Requests

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  /** JSON-encoded when present, unless `contentType` is given and it is a string (sent as is). */
  body?: unknown;
  /** Content type of a string `body` sent as is, e.g. `text/csv`. */
  contentType?: string;
  /** Default `application/json`. */
  accept?: string;
  signal?: AbortSignal;
  /**
   * Whether to send the access token and refresh on 401 (default true). Login and refresh
   * are called with `auth: false`; logout sends the token so that the server revokes it.
   */
  auth?: boolean;
}

function toUrl(path: string, query?: Record<string, QueryValue>): string {
  // Absolute, so the same code runs in the browser and in tests (Node's fetch).
  const origin = typeof window === 'undefined' ? 'http://localhost' : window.location.origin;
  const url = new URL(path, origin);
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      url.searchParams.set(key, String(value));
    }
  }
  return url.toString();
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds an ApiError from a non-2xx response, problem+json or not. */
export async function toApiError(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  let body: unknown = undefined;
  const contentType = res.headers.get('Content-Type') ?? '';
  if (contentType.includes('json')) {
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
  }
  if (isRecord(body)) {
    const str = (key: string): string | undefined => (typeof body[key] === 'string' ? body[key] : undefined);
    const errors = Array.isArray(body.errors)
      ? body.errors
          .filter(isRecord)
          .map((e) => ({
            field: typeof e.field === 'string' ? e.field : '',
            message: typeof e.message === 'string' ? e.message : '',
          }))
      : undefined;
    return new ApiError({
      status: res.status,
      type: str('type'),
      title: str('title') ?? (res.statusText || undefined),
      detail: str('detail'),
      requestId: str('request_id'),
      errors,
      retryAfter,
      body,
    });
  }
  return new ApiError({
    status: res.status,
    title: res.statusText || `HTTP ${res.status}`,
    detail: `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`,
    retryAfter,
  });
}

async function send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const raw = options.contentType !== undefined && typeof options.body === 'string';
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = raw ? (options.contentType ?? '') : 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const init: RequestInit = {
    method: options.method ?? 'GET',
    headers,
    credentials: 'same-origin',
  };
  if (options.body !== undefined) init.body = raw ? (options.body as string) : JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  try {
    return await fetch(toUrl(path, options.query), init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      type: 'network-error',
      title: 'Network error',
      detail: 'Could not reach the Mothership server.',
    });
  }
}

/**
 * Sends one request with the access token, refreshing once on 401. Resolves to the response,
 * whatever its status; throws ApiError only when the session could not be refreshed.
 */
export async function authorizedFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const auth = options.auth ?? true;
  const token = auth ? (session?.accessToken ?? null) : null;
  let res = await send(path, options, token);

  if (res.status === 401 && auth) {
    // Another call may have refreshed while this one was in flight: use its token.
    const current = session?.accessToken ?? null;
    const next = current && current !== token ? session : await refreshSession();
    if (next) {
      res = await send(path, options, next.accessToken);
    }
    if (!next || res.status === 401) {
      const error = await toApiError(res);
      clearSession(token !== null ? 'expired' : 'logout');
      throw error;
    }
  }
  return res;
}

/** Sends one API request; resolves to the JSON body (undefined for 204) or throws ApiError. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await authorizedFetch(path, options);
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204 || res.headers.get('Content-Length') === '0') return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...options, method: 'POST', body }),
  patch: <T>(path: string, body: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...options, method: 'PATCH', body }),
  delete: <T = undefined>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...options, method: 'DELETE' }),
};

/** For tests only: forget the session and any refresh in flight. */
export function resetApiClientForTests(): void {
  session = null;
  expired = false;
  refreshing = null;
  restoring = null;
  listeners.clear();
}
