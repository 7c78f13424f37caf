import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { makeRecord, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { Firmware } from '../api/firmware';
import { makeFirmware } from '../testing/firmware-fixtures';
import { FirmwarePage } from './FirmwarePage';

function renderFirmware(role: 'admin' | 'technician' | 'viewer', path = '/firmware') {
  return renderApp({ user: makeUser({ role }), path, routes: [{ path: '/firmware', element: <FirmwarePage /> }] });
}

const signedBy = 'ab12cd34'.padEnd(64, 'e');
const catalog: Firmware[] = [
  makeFirmware({
    id: 'fw_2',
    version: '2.0.0-rc.1',
    models: ['Thermo 3', 'Thermo 4'],
    size: 12.5 * 1024 * 1024,
    sha256: '0123456789abcdef'.repeat(4),
    signature: 'MEUCIQ==',
    signed_by: signedBy,
    description: 'Faster boot',
    release_notes: '## Changes\n- faster boot',
  }),
  makeFirmware({ id: 'fw_1', version: '1.0.0', size: 512 }),
];

function listHandler(items: Firmware[] = catalog, queries: URLSearchParams[] = []) {
  return http.get('/api/v1/firmware', ({ request }) => {
    queries.push(new URL(request.url).searchParams);
    return HttpResponse.json({ items, next_cursor: null });
  });
}

const registryHandler = http.get('/api/v1/registry', () =>
  HttpResponse.json({ items: [makeRecord({ model: 'Thermo 3' }), makeRecord({ serial: 'SN-2', model: 'Thermo 3' })], next_cursor: null }),
);

describe('FirmwarePage', () => {
  it('shows a viewer the catalog with sizes, hashes and signatures but no upload, download or delete', async () => {
    server.use(listHandler());
    renderFirmware('viewer');
    const row = await screen.findByTestId('firmware-row-fw_2');
    expect(row).toHaveTextContent('2.0.0-rc.1');
    expect(row).toHaveTextContent('Thermo 3');
    expect(row).toHaveTextContent('Thermo 4');
    expect(row).toHaveTextContent('12.5 MiB');
    expect(within(row).getByTestId('firmware-sha256')).toHaveTextContent('0123456789ab…');
    expect(within(row).getByTestId('firmware-signature-state')).toHaveTextContent('signed · ab12cd34');
    expect(row).toHaveTextContent('Faster boot');
    expect(within(screen.getByTestId('firmware-row-fw_1')).getByTestId('firmware-signature-state')).toHaveTextContent(
      'unsigned',
    );
    expect(screen.getByTestId('firmware-row-fw_1')).toHaveTextContent('512 B');
    expect(screen.queryByTestId('firmware-upload')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Download' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();

    // The details show the whole hash and the release notes, with no way to edit them.
    const ui = userEvent.setup();
    await ui.click(within(row).getByRole('button', { name: 'Show the details of 2.0.0-rc.1' }));
    const details = await screen.findByTestId('firmware-details');
    expect(within(details).getByTestId('firmware-details-sha256')).toHaveTextContent('0123456789abcdef'.repeat(4));
    expect(within(details).getByTestId('firmware-release-notes')).toHaveTextContent('## Changes - faster boot');
    expect(within(details).queryByRole('button', { name: 'Edit notes' })).not.toBeInTheDocument();
  });

  it('shows a technician the catalog read only', async () => {
    server.use(listHandler());
    renderFirmware('technician');
    await screen.findByTestId('firmware-row-fw_2');
    expect(screen.queryByTestId('firmware-upload')).not.toBeInTheDocument();
    expect(screen.queryByTestId('firmware-delete')).not.toBeInTheDocument();
    expect(screen.queryByTestId('firmware-download')).not.toBeInTheDocument();
  });

  it('copies the whole SHA-256', async () => {
    server.use(listHandler());
    const ui = userEvent.setup();
    renderFirmware('viewer');
    const row = await screen.findByTestId('firmware-row-fw_2');
    await ui.click(within(row).getByRole('button', { name: 'Copy the SHA-256 of 2.0.0-rc.1' }));
    expect(await navigator.clipboard.readText()).toBe('0123456789abcdef'.repeat(4));
    expect(within(row).getByTestId('firmware-copy-sha256')).toHaveTextContent('Copied');
  });

  it('filters by model through the URL and pages with next_cursor', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('/api/v1/firmware', ({ request }) => {
        const params = new URL(request.url).searchParams;
        queries.push(params);
        if (params.get('cursor') === 'page-2') {
          return HttpResponse.json({ items: [makeFirmware({ id: 'fw_old', version: '0.9.0' })], next_cursor: null });
        }
        return HttpResponse.json({ items: catalog, next_cursor: 'page-2' });
      }),
    );
    const { router } = renderFirmware('viewer');
    await screen.findByTestId('firmware-row-fw_2');
    expect(queries[0]?.get('limit')).toBe('50');

    const ui = userEvent.setup();
    await ui.click(screen.getByTestId('firmware-load-more'));
    expect(await screen.findByTestId('firmware-row-fw_old')).toBeInTheDocument();
    expect(queries.at(-1)?.get('cursor')).toBe('page-2');
    expect(screen.queryByTestId('firmware-load-more')).not.toBeInTheDocument();

    await ui.type(screen.getByTestId('firmware-filter-model'), 'Thermo 4');
    await ui.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => {
      expect(queries.at(-1)?.get('model')).toBe('Thermo 4');
    });
    expect(router.state.location.search).toBe('?model=Thermo+4');
  });

  it('says when no firmware fits the model', async () => {
    server.use(listHandler([]));
    renderFirmware('viewer', '/firmware?model=Kettle');
    expect(await screen.findByTestId('firmware-empty')).toHaveTextContent('No firmware fits Kettle.');
  });

  it('lets an admin delete after confirming, and shows why a firmware in use cannot be', async () => {
    const deleted: string[] = [];
    server.use(
      listHandler(),
      registryHandler,
      http.delete('/api/v1/firmware/:id', ({ params }) => {
        if (params.id === 'fw_2') {
          return problem(409, 'firmware-in-use', 'firmware 2.0.0-rc.1 is delivered by an active job');
        }
        deleted.push(String(params.id));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderFirmware('admin');
    const ui = userEvent.setup();
    await ui.click(within(await screen.findByTestId('firmware-row-fw_2')).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete firmware' });
    expect(dialog).toHaveTextContent('Delete firmware 2.0.0-rc.1 for Thermo 3, Thermo 4?');
    await ui.click(within(dialog).getByRole('button', { name: 'Delete' }));
    const error = await within(dialog).findByTestId('delete-firmware-error');
    expect(error).toHaveTextContent('Firmware in use');
    expect(error).toHaveTextContent('firmware 2.0.0-rc.1 is delivered by an active job');
    await ui.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Delete firmware' })).not.toBeInTheDocument();
    });

    await ui.click(within(screen.getByTestId('firmware-row-fw_1')).getByRole('button', { name: 'Delete' }));
    const again = await screen.findByRole('dialog', { name: 'Delete firmware' });
    expect(within(again).queryByTestId('delete-firmware-error')).not.toBeInTheDocument();
    await ui.click(within(again).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Firmware 1.0.0 was deleted.')).toBeInTheDocument();
    expect(deleted).toEqual(['fw_1']);
  });

  it('downloads through a signed link', async () => {
    const opened: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      opened.push({ href: this.href, download: this.download });
    });
    server.use(
      listHandler(),
      registryHandler,
      http.post('/api/v1/firmware/:id/download-link', ({ params }) =>
        HttpResponse.json({ url: `http://localhost:3000/dl/tok-${String(params.id)}?name=x.bin`, expires_at: '2025-03-01T10:15:00Z' }),
      ),
    );
    renderFirmware('admin');
    const ui = userEvent.setup();
    await ui.click(within(await screen.findByTestId('firmware-row-fw_1')).getByRole('button', { name: 'Download' }));
    await waitFor(() => {
      expect(opened).toEqual([{ href: 'http://localhost:3000/dl/tok-fw_1?name=x.bin', download: 'firmware-1.0.0.bin' }]);
    });
    // The link is not left in the page.
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('lets an admin edit the release notes', async () => {
    const patches: unknown[] = [];
    let items = catalog;
    server.use(
      http.get('/api/v1/firmware', () => HttpResponse.json({ items, next_cursor: null })),
      registryHandler,
      http.patch('/api/v1/firmware/:id', async ({ request }) => {
        const patch = (await request.json()) as { release_notes: string };
        patches.push(patch);
        const [first, ...rest] = catalog;
        if (!first) throw new Error('empty catalog');
        const updated = { ...first, release_notes: patch.release_notes };
        items = [updated, ...rest];
        return HttpResponse.json(updated);
      }),
    );
    renderFirmware('admin');
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Show the details of 2.0.0-rc.1' }));
    await ui.click(await screen.findByRole('button', { name: 'Edit notes' }));
    const notes = screen.getByLabelText('Release notes (Markdown)');
    await ui.clear(notes);
    await ui.type(notes, 'Fixes the boot loop');
    await ui.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByTestId('firmware-release-notes')).toHaveTextContent('Fixes the boot loop');
    // Only what changed is sent.
    expect(patches).toEqual([{ release_notes: 'Fixes the boot loop' }]);
  });

  it('shows the problem when the list cannot be read', async () => {
    server.use(http.get('/api/v1/firmware', () => problem(500, 'internal', 'database is locked')));
    renderFirmware('viewer');
    expect(await screen.findByTestId('error-alert')).toHaveTextContent('Could not list firmware: database is locked');
  });
});
