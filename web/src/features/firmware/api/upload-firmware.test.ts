import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getSession, isApiError, setSession } from '../../../lib/api-client';
import { makeLogin, makeUser } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { FakeXhr, sent } from '../testing/fake-xhr';
import { makeFirmware } from '../testing/firmware-fixtures';
import { uploadFirmware, type UploadProgress } from './upload-firmware';

const image = new File([new Uint8Array(2048)], 'thermo-1.4.2.bin', { type: 'application/octet-stream' });

beforeEach(() => {
  FakeXhr.sent = [];
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  setSession(makeLogin(makeUser({ role: 'admin' }), 'token-1'));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('uploadFirmware', () => {
  it('sends the File itself with the metadata in the query, reports progress and resolves to the firmware', async () => {
    const progress: UploadProgress[] = [];
    const done = uploadFirmware(
      { file: image, version: '1.4.2', models: ['Thermo 3', 'Other'], description: 'fixes', signature: 'MEUCIQ==' },
      { onProgress: (p) => progress.push(p) },
    );
    const xhr = await sent(0);
    expect(xhr.method).toBe('POST');
    const url = new URL(xhr.url);
    expect(url.pathname).toBe('/api/v1/firmware');
    expect(url.searchParams.get('version')).toBe('1.4.2');
    expect(url.searchParams.getAll('model')).toEqual(['Thermo 3', 'Other']);
    expect(url.searchParams.get('description')).toBe('fixes');
    expect(url.searchParams.get('filename')).toBe('thermo-1.4.2.bin');
    expect(url.search).toContain('model=Thermo+3');
    expect(xhr.headers).toMatchObject({
      authorization: 'Bearer token-1',
      'content-type': 'application/octet-stream',
      'x-firmware-signature': 'MEUCIQ==',
    });
    // Not read into memory: the browser streams the File object from disk.
    expect(xhr.body).toBe(image);

    xhr.progress(1024, 2048);
    xhr.progress(2048, 2048);
    const stored = makeFirmware({ version: '1.4.2' });
    xhr.respond(201, stored);
    await expect(done).resolves.toEqual(stored);
    expect(progress).toEqual([
      { loaded: 0, total: 2048 },
      { loaded: 1024, total: 2048 },
      { loaded: 2048, total: 2048 },
    ]);
  });

  it('sends no signature header and no description when there are none', async () => {
    const done = uploadFirmware({ file: image, version: '1.0.0', models: ['Thermo'] });
    const xhr = await sent(0);
    expect(xhr.headers['x-firmware-signature']).toBeUndefined();
    expect(new URL(xhr.url).searchParams.has('description')).toBe(false);
    xhr.respond(201, makeFirmware());
    await done;
  });

  it("throws the server's problem with its field errors", async () => {
    const done = uploadFirmware({ file: image, version: '1.0.0', models: ['Nope'] });
    (await sent(0)).respond(
      422,
      {
        type: 'https://mothership.dev/problems/validation',
        title: 'Validation Failed',
        status: 422,
        detail: 'The upload is invalid.',
        errors: [{ field: 'model', message: 'no manufacturing record names Nope' }],
      },
      'application/problem+json',
    );
    const error: unknown = await done.catch((e: unknown) => e);
    expect(isApiError(error)).toBe(true);
    if (!isApiError(error)) return;
    expect(error.status).toBe(422);
    expect(error.detail).toBe('The upload is invalid.');
    expect(error.fieldError('model')).toBe('no manufacturing record names Nope');
  });

  it('refreshes the token once on 401 and sends the image again', async () => {
    server.use(
      http.post('/api/v1/auth/refresh', () => HttpResponse.json(makeLogin(makeUser({ role: 'admin' }), 'token-2'))),
    );
    const done = uploadFirmware({ file: image, version: '1.0.0', models: ['Thermo'] });
    (await sent(0)).respond(401, { type: 'https://mothership.dev/problems/unauthorized', status: 401 }, 'application/problem+json');
    const again = await sent(1);
    expect(again.headers.authorization).toBe('Bearer token-2');
    expect(again.body).toBe(image);
    again.respond(201, makeFirmware());
    await expect(done).resolves.toMatchObject({ version: '1.0.0' });
  });

  it('ends the session when the refresh fails', async () => {
    server.use(http.post('/api/v1/auth/refresh', () => new HttpResponse(null, { status: 401 })));
    const done = uploadFirmware({ file: image, version: '1.0.0', models: ['Thermo'] });
    (await sent(0)).respond(401, { status: 401, detail: 'expired' }, 'application/problem+json');
    await expect(done).rejects.toMatchObject({ status: 401 });
    expect(getSession()).toBeNull();
  });

  it('cancels: aborting the signal aborts the request', async () => {
    const controller = new AbortController();
    const done = uploadFirmware({ file: image, version: '1.0.0', models: ['Thermo'] }, { signal: controller.signal });
    const xhr = await sent(0);
    xhr.progress(512, 2048);
    controller.abort();
    expect(xhr.aborted).toBe(true);
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('says so when the connection breaks off', async () => {
    const done = uploadFirmware({ file: image, version: '1.0.0', models: ['Thermo'] });
    (await sent(0)).onerror?.();
    await expect(done).rejects.toMatchObject({ status: 0, detail: expect.stringContaining('broke off') as unknown });
  });
});
