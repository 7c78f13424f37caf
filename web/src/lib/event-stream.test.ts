import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeLogin, makeUser, problem } from '../testing/fixtures';
import { server } from '../testing/msw-server';
import { getSession, setSession } from './api-client';
import { backoffDelay, runEventStream, type StreamStatus } from './event-stream';
import type { SseMessage } from './sse';

const encoder = new TextEncoder();

/** An event-stream response that sends `chunks` and then ends (or stays open). */
function sseResponse(chunks: string[], { end = true } = {}) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (end) controller.close();
    },
  });
  return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

function harness({ stopAfterMessages = Infinity, maxAttempts = 10 } = {}) {
  const controller = new AbortController();
  const messages: SseMessage[] = [];
  const statuses: StreamStatus[] = [];
  const waits: number[] = [];
  const done = runEventStream({
    path: '/api/v1/events',
    signal: controller.signal,
    onMessage: (m) => {
      messages.push(m);
      if (messages.length >= stopAfterMessages) controller.abort();
    },
    onStatus: (s) => statuses.push(s),
    random: () => 1 - 1e-9,
    wait: (ms) => {
      waits.push(ms);
      if (waits.length >= maxAttempts) controller.abort();
      return Promise.resolve();
    },
  });
  return { controller, messages, statuses, waits, done };
}

describe('backoffDelay', () => {
  it('doubles from 1 s up to 30 s, with jitter between half and all of it', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((a) => backoffDelay(a, undefined, top))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(backoffDelay(3, undefined, () => 0)).toBe(4000);
  });
});

describe('runEventStream', () => {
  it('sends the access token and reads events split across chunks', async () => {
    setSession(makeLogin(makeUser({ role: 'technician' }), 'tok-1'));
    let auth: string | null = null;
    server.use(
      http.get('/api/v1/events', ({ request }) => {
        auth = request.headers.get('Authorization');
        return sseResponse(['event: device.upd', 'ated\ndata: {"id":"dev_1"', '}\n', '\n: keep-alive\n\n', 'data: 2\n\n'], {
          end: false,
        });
      }),
    );
    const h = harness({ stopAfterMessages: 2 });
    await h.done;
    expect(auth).toBe('Bearer tok-1');
    expect(h.messages).toEqual([
      { event: 'device.updated', data: '{"id":"dev_1"}', id: undefined },
      { event: 'message', data: '2', id: undefined },
    ]);
    expect(h.statuses).toEqual(['connecting', 'open', 'closed']);
  });

  it('reconnects after the stream ends, quickly again after each successful open', async () => {
    setSession(makeLogin(makeUser()));
    let opens = 0;
    server.use(
      http.get('/api/v1/events', () => {
        opens += 1;
        return sseResponse([`data: ${opens}\n\n`]);
      }),
    );
    const h = harness({ stopAfterMessages: 3 });
    await h.done;
    expect(h.messages.map((m) => m.data)).toEqual(['1', '2', '3']);
    expect(h.waits).toEqual([1000, 1000]);
    expect(h.statuses).toEqual(['connecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open', 'closed']);
  });

  it('backs off exponentially while the server refuses or is away, and drops a half message', async () => {
    setSession(makeLogin(makeUser()));
    let calls = 0;
    server.use(
      http.get('/api/v1/events', () => {
        calls += 1;
        if (calls === 1) return problem(503, 'unavailable', 'starting');
        if (calls === 2) return HttpResponse.error();
        if (calls === 3) return HttpResponse.json({ not: 'a stream' });
        if (calls === 4) return sseResponse(['event: device.updated\ndata: {"half":']);
        return sseResponse(['data: whole\n\n']);
      }),
    );
    const h = harness({ stopAfterMessages: 1 });
    await h.done;
    expect(h.waits).toEqual([1000, 2000, 4000, 1000]);
    expect(h.messages).toEqual([{ event: 'message', data: 'whole', id: undefined }]);
  });

  it('refreshes the access token on 401 and opens the stream with the new one', async () => {
    setSession(makeLogin(makeUser({ username: 'tess', role: 'technician' }), 'old'));
    const seen: (string | null)[] = [];
    server.use(
      http.get('/api/v1/events', ({ request }) => {
        seen.push(request.headers.get('Authorization'));
        return request.headers.get('Authorization') === 'Bearer new'
          ? sseResponse(['data: ok\n\n'], { end: false })
          : problem(401, 'unauthorized', 'token expired');
      }),
      http.post('/api/v1/auth/refresh', () => HttpResponse.json(makeLogin(makeUser({ username: 'tess' }), 'new'))),
    );
    const h = harness({ stopAfterMessages: 1 });
    await h.done;
    expect(seen).toEqual(['Bearer old', 'Bearer new']);
    expect(h.waits).toEqual([]);
  });

  it('stops for good when the session cannot be refreshed', async () => {
    setSession(makeLogin(makeUser(), 'old'));
    server.use(
      http.get('/api/v1/events', () => problem(401, 'unauthorized', 'token expired')),
      http.post('/api/v1/auth/refresh', () => problem(401, 'unauthorized', 'refresh token reused')),
    );
    const h = harness();
    await h.done;
    expect(getSession()).toBeNull();
    expect(h.waits).toEqual([]);
    expect(h.statuses.at(-1)).toBe('closed');
  });

  it('uses the retry delay the server asked for', async () => {
    setSession(makeLogin(makeUser()));
    server.use(http.get('/api/v1/events', () => sseResponse(['retry: 250\ndata: x\n\n'])));
    const h = harness({ stopAfterMessages: 2 });
    await h.done;
    expect(h.waits).toEqual([250]);
  });
});
