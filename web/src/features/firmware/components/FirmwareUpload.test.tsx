import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeRecord, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { Firmware } from '../api/firmware';
import { FakeXhr, sent } from '../testing/fake-xhr';
import { makeFirmware } from '../testing/firmware-fixtures';
import { FirmwarePage } from './FirmwarePage';

interface Received {
  query: URLSearchParams;
  contentType: string | null;
  signature: string | null;
  authorization: string | null;
  body: Uint8Array;
}

/** The firmware list, the registry (for model suggestions) and an upload answered by `answer`. */
function handlers(answer: (received: Received) => Response | Promise<Response>) {
  let items: Firmware[] = [];
  const received: Received[] = [];
  server.use(
    http.get('/api/v1/firmware', () => HttpResponse.json({ items, next_cursor: null })),
    http.get('/api/v1/registry', () =>
      HttpResponse.json({ items: [makeRecord({ model: 'Thermo 3' }), makeRecord({ serial: 'SN-9', model: 'Kettle' })], next_cursor: null }),
    ),
    http.post('/api/v1/firmware', async ({ request }) => {
      const entry: Received = {
        query: new URL(request.url).searchParams,
        contentType: request.headers.get('Content-Type'),
        signature: request.headers.get('X-Firmware-Signature'),
        authorization: request.headers.get('Authorization'),
        body: new Uint8Array(await request.arrayBuffer()),
      };
      received.push(entry);
      const res = await answer(entry);
      if (res.status === 201) items = [(await res.clone().json()) as Firmware, ...items];
      return res;
    }),
  );
  return received;
}

function renderUpload() {
  renderApp({ user: makeUser({ role: 'admin' }), path: '/firmware', routes: [{ path: '/firmware', element: <FirmwarePage /> }] });
}

function fileInput(testId: string): HTMLInputElement {
  const input = screen.getByTestId(testId).querySelector('input[type="file"]') ?? screen.getByTestId(testId);
  if (!(input instanceof HTMLInputElement)) throw new Error(`no file input in ${testId}`);
  return input;
}

const image = () => new File([new Uint8Array([1, 2, 3, 4, 5])], 'thermo-1.4.2.bin', { type: 'application/octet-stream' });
const der = new Uint8Array([0x30, 0x45, 0x02, 0x21, 0x00, 0xff]);

async function fillForm(ui: ReturnType<typeof userEvent.setup>, { version = '1.4.2', models = ['Thermo 3'] } = {}) {
  await ui.upload(fileInput('firmware-dropzone'), image());
  expect(await screen.findByTestId('firmware-file')).toHaveTextContent('thermo-1.4.2.bin: 5 B');
  await ui.type(screen.getByLabelText(/^Version/), version);
  for (const model of models) await ui.type(screen.getByTestId('firmware-models'), `${model}{Enter}`);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('FirmwareUpload', () => {
  it('checks the form before sending anything', async () => {
    const received = handlers(() => HttpResponse.json(makeFirmware(), { status: 201 }));
    renderUpload();
    const ui = userEvent.setup();
    await screen.findByTestId('firmware-empty');
    await ui.click(screen.getByRole('button', { name: 'Upload' }));
    const form = screen.getByTestId('firmware-upload');
    expect(form).toHaveTextContent('Drop the firmware image here or choose it.');
    expect(form).toHaveTextContent('Give the version, e.g. 1.4.2.');
    expect(form).toHaveTextContent('Name at least one model the image fits.');

    await ui.type(screen.getByLabelText(/^Version/), 'v1.4');
    await ui.tab();
    expect(form).toHaveTextContent('Must be a semantic version such as 1.4.2 or 2.0.0-rc.1.');
    await ui.click(screen.getByRole('button', { name: 'Upload' }));
    expect(received).toEqual([]);
  });

  it('suggests the models of the manufacturing records', async () => {
    handlers(() => HttpResponse.json(makeFirmware(), { status: 201 }));
    renderUpload();
    const ui = userEvent.setup();
    await ui.click(await screen.findByTestId('firmware-models'));
    expect(await screen.findByRole('option', { name: 'Kettle' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Thermo 3' })).toBeInTheDocument();
  });

  it('uploads the dropped image with its metadata and signature, then lists it', async () => {
    const stored = makeFirmware({ id: 'fw_new', version: '1.4.2', models: ['Thermo 3', 'Kettle'], sha256: 'f00d'.repeat(16) });
    const received = handlers(() => HttpResponse.json(stored, { status: 201 }));
    renderUpload();
    const ui = userEvent.setup();
    await screen.findByTestId('firmware-empty');
    await fillForm(ui, { models: ['Thermo 3', 'Kettle'] });
    await ui.type(screen.getByLabelText('Description'), 'Fixes the boot loop');
    await ui.upload(screen.getByLabelText('Signature file'), new File([der], 'thermo-1.4.2.sig'));
    await ui.click(screen.getByRole('button', { name: 'Upload' }));

    expect(await screen.findByText('Uploaded firmware 1.4.2 for Thermo 3, Kettle.')).toBeInTheDocument();
    const [sent] = received;
    expect(sent?.query.get('version')).toBe('1.4.2');
    expect(sent?.query.getAll('model')).toEqual(['Thermo 3', 'Kettle']);
    expect(sent?.query.get('description')).toBe('Fixes the boot loop');
    expect(sent?.query.get('filename')).toBe('thermo-1.4.2.bin');
    expect(sent?.contentType).toBe('application/octet-stream');
    expect(sent?.authorization).toBe('Bearer token-admin1');
    expect(sent?.signature).toBe(btoa(String.fromCharCode(...der)));
    expect(sent?.body).toEqual(new Uint8Array([1, 2, 3, 4, 5]));

    const row = await screen.findByTestId('firmware-row-fw_new');
    expect(within(row).getByTestId('firmware-sha256')).toHaveTextContent('f00df00df00d…');
    // The form is ready for the next image.
    expect(screen.queryByTestId('firmware-file')).not.toBeInTheDocument();
    expect(screen.getByLabelText(/^Version/)).toHaveValue('');
  });

  it("shows the server's field errors at their fields and its detail", async () => {
    handlers(() =>
      problem(422, 'validation', 'The upload is invalid.', {
        errors: [
          { field: 'model', message: 'no manufacturing record names Toaster' },
          { field: 'signature', message: 'does not verify against any signing key' },
        ],
      }),
    );
    renderUpload();
    const ui = userEvent.setup();
    await screen.findByTestId('firmware-empty');
    await fillForm(ui, { models: ['Toaster'] });
    await ui.click(screen.getByRole('button', { name: 'Upload' }));
    const error = await screen.findByTestId('firmware-upload-error');
    expect(error).toHaveTextContent('Could not upload the firmware');
    expect(error).toHaveTextContent('The upload is invalid.');
    const form = screen.getByTestId('firmware-upload');
    expect(form).toHaveTextContent('no manufacturing record names Toaster');
    expect(form).toHaveTextContent('does not verify against any signing key');
  });

  it('shows a version that is taken', async () => {
    handlers(() => problem(409, 'version-taken', 'Thermo 3 already has firmware 1.4.2'));
    renderUpload();
    const ui = userEvent.setup();
    await screen.findByTestId('firmware-empty');
    await fillForm(ui);
    await ui.click(screen.getByRole('button', { name: 'Upload' }));
    expect(await screen.findByTestId('firmware-upload-error')).toHaveTextContent('Thermo 3 already has firmware 1.4.2');
  });

  it('shows the progress of an upload and cancels it', async () => {
    const received = handlers(() => HttpResponse.json(makeFirmware(), { status: 201 }));
    renderUpload();
    const ui = userEvent.setup();
    await screen.findByTestId('firmware-empty');
    await fillForm(ui);
    // MSW cannot abort an XMLHttpRequest it holds: this one is answered by hand.
    FakeXhr.sent = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    await ui.click(screen.getByRole('button', { name: 'Upload' }));
    const xhr = await sent(0);
    expect(screen.getByTestId('firmware-upload-percent')).toHaveTextContent('0%');
    act(() => {
      xhr.progress(2, 5);
    });
    expect(screen.getByTestId('firmware-upload-percent')).toHaveTextContent('40%');
    expect(screen.getByTestId('firmware-upload-progress')).toHaveTextContent('Uploading thermo-1.4.2.bin: 2 B of 5 B');
    expect(screen.getByRole('progressbar', { name: 'Upload progress' })).toHaveAttribute('aria-valuenow', '40');

    await ui.click(screen.getByRole('button', { name: 'Cancel upload' }));
    expect(xhr.aborted).toBe(true);
    expect(await screen.findByTestId('firmware-upload-cancelled')).toHaveTextContent('The upload was cancelled');
    expect(screen.queryByTestId('firmware-upload-progress')).not.toBeInTheDocument();
    expect(screen.queryByTestId('firmware-upload-error')).not.toBeInTheDocument();
    // What was chosen stays, so the upload can be tried again.
    expect(screen.getByTestId('firmware-file')).toHaveTextContent('thermo-1.4.2.bin');
    expect(received).toEqual([]);
  });
});
