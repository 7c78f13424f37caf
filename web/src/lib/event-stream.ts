// Keeps one Server-Sent Events stream open: reads it with fetch (so the access token goes in
// the Authorization header, and a 401 refreshes it like any other call), parses it with
// SseParser, and reconnects with exponential backoff and jitter whenever it fails or ends.
// The server ends a stream when the access token it was opened with expires, so an orderly
// end is normal and is followed by a quick reconnect with the current token.
import { authorizedFetch, getSession, isApiError } from './api-client';
import { SseParser, type SseMessage } from './sse';

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000 };

/**
 * The wait before reconnection attempt `attempt` (0-based): doubling from `initialMs` up to
 * `maxMs`, then scaled by a random factor in [0.5, 1) so that many portals restarted at once
 * do not all come back in the same second.
 */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random) {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() / 2));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export interface EventStreamOptions {
  path: string;
  signal: AbortSignal;
  onMessage: (message: SseMessage) => void;
  onStatus?: (status: StreamStatus) => void;
  backoff?: Backoff;
  /** For tests. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** Reads `body` to its end through `parser`; rejects on a network error or abort. */
async function pump(body: ReadableStream<Uint8Array>, parser: SseParser, signal: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const cancel = () => {
    void reader.cancel().catch(() => undefined);
  };
  signal.addEventListener('abort', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    reader.releaseLock();
  }
}

function stopped(signal: AbortSignal): boolean {
  return signal.aborted || getSession() === null;
}

/**
 * Opens the stream and keeps it open until `signal` aborts or the session ends (a refresh that
 * fails). Resolves then, never rejects.
 */
export async function runEventStream(options: EventStreamOptions): Promise<void> {
  const { path, signal, onMessage } = options;
  const onStatus = options.onStatus ?? (() => undefined);
  const wait = options.wait ?? sleep;
  let retryMs: number | undefined;
  const parser = new SseParser({
    onMessage,
    onRetry: (ms) => {
      retryMs = ms;
    },
  });

  let attempt = 0;
  let opened = false;
  while (!signal.aborted) {
    onStatus(opened || attempt > 0 ? 'reconnecting' : 'connecting');
    try {
      const res = await authorizedFetch(path, { signal, accept: 'text/event-stream' });
      const type = res.headers.get('Content-Type') ?? '';
      if (res.ok && res.body && type.startsWith('text/event-stream')) {
        attempt = 0;
        opened = true;
        onStatus('open');
        parser.reset();
        await pump(res.body, parser, signal);
      } else {
        // Not awaited: some fetch implementations settle it only once the body is drained.
        void res.body?.cancel().catch(() => undefined);
      }
    } catch (error) {
      // The refresh failed: the session is gone and the router is on its way to /login.
      if (isApiError(error) && error.status === 401) break;
      // Anything else (network down, server restarting, aborted): try again below.
    }
    // (A function: TypeScript would take `signal.aborted` as still false from the loop test.)
    if (stopped(signal)) break;
    const delay = retryMs !== undefined && attempt === 0 ? retryMs : backoffDelay(attempt, options.backoff, options.random);
    attempt += 1;
    await wait(delay, signal);
  }
  onStatus('closed');
}
