// POST /api/v1/firmware through XMLHttpRequest rather than the api-client's fetch: fetch
// reports no upload progress. The File itself is the body, so the browser streams it from
// disk; the image is never read into memory. The session rules are api-client's: the access
// token is sent, and a 401 refreshes once and sends again.
import {
  ApiError,
  clearSession,
  getSession,
  refreshSession,
  toApiError,
  type Session,
} from '../../../lib/api-client';
import type { Firmware } from './firmware';

export interface UploadFirmwareInput {
  file: File;
  version: string;
  models: readonly string[];
  description?: string | undefined;
  /** Base64 DER ECDSA P-256 signature over the image's SHA-256 (sent as X-Firmware-Signature). */
  signature?: string | undefined;
}

export interface UploadProgress {
  /** Bytes of the image sent so far. */
  loaded: number;
  total: number;
}

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting it cancels the upload (xhr.abort()); the promise rejects with an AbortError. */
  signal?: AbortSignal | undefined;
}

/** A token this close to its expiry is refreshed before a large body is sent with it. */
const REFRESH_MARGIN_MS = 30_000;

export function uploadUrl(input: UploadFirmwareInput): string {
  const url = new URL('/api/v1/firmware', window.location.origin);
  url.searchParams.set('version', input.version);
  for (const model of input.models) url.searchParams.append('model', model);
  if (input.description) url.searchParams.set('description', input.description);
  url.searchParams.set('filename', input.file.name);
  return url.toString();
}

interface Answer {
  status: number;
  statusText: string;
  body: string;
  contentType: string | null;
  retryAfter: string | null;
}

function abortError(): DOMException {
  return new DOMException('The upload was cancelled.', 'AbortError');
}

function sendOnce(input: UploadFirmwareInput, token: string | null, options: UploadOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { signal, onProgress } = options;
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => {
      xhr.abort();
    };
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', uploadUrl(input));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    if (input.signature) xhr.setRequestHeader('X-Firmware-Signature', input.signature);
    xhr.upload.onprogress = (event) => {
      onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : input.file.size });
    };
    xhr.onload = () => {
      done();
      resolve({
        status: xhr.status,
        statusText: xhr.statusText,
        body: xhr.responseText,
        contentType: xhr.getResponseHeader('Content-Type'),
        retryAfter: xhr.getResponseHeader('Retry-After'),
      });
    };
    xhr.onerror = () => {
      done();
      reject(
        new ApiError({
          status: 0,
          type: 'network-error',
          title: 'Network error',
          detail: 'The upload broke off: the connection to the Mothership server was lost.',
        }),
      );
    };
    xhr.onabort = () => {
      done();
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort);
    onProgress?.({ loaded: 0, total: input.file.size });
    xhr.send(input.file);
  });
}

function toError(answer: Answer): Promise<ApiError> {
  const headers = new Headers();
  if (answer.contentType) headers.set('Content-Type', answer.contentType);
  if (answer.retryAfter) headers.set('Retry-After', answer.retryAfter);
  return toApiError(new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers }));
}

async function freshSession(): Promise<Session | null> {
  const session = getSession();
  if (session && session.expiresAt - Date.now() > REFRESH_MARGIN_MS) return session;
  return (await refreshSession()) ?? session;
}

/** Uploads one firmware image; resolves to the stored Firmware or throws ApiError / AbortError. */
export async function uploadFirmware(input: UploadFirmwareInput, options: UploadOptions = {}): Promise<Firmware> {
  const token = (await freshSession())?.accessToken ?? null;
  let answer = await sendOnce(input, token, options);
  if (answer.status === 401) {
    const next = await refreshSession();
    if (next) answer = await sendOnce(input, next.accessToken, options);
    if (!next || answer.status === 401) {
      const error = await toError(answer);
      clearSession(token !== null ? 'expired' : 'logout');
      throw error;
    }
  }
  if (answer.status < 200 || answer.status >= 300) throw await toError(answer);
  return JSON.parse(answer.body) as Firmware;
}
