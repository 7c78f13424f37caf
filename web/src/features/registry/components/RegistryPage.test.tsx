import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeRecord, makeUser } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import { RegistryPage } from './RegistryPage';

function renderRegistry(role: 'admin' | 'technician', path = '/registry') {
  return renderApp({ user: makeUser({ role }), path, routes: [{ path: '/registry', element: <RegistryPage /> }] });
}

const records = [
  makeRecord({ serial: 'SN-1' }),
  makeRecord({ serial: 'SN-2', locked: true, locked_until: '2025-03-01T10:15:00Z', claim_failures: 5 }),
  makeRecord({ serial: 'SN-3', status: 'decommissioned', device_id: 'dev_3' }),
];

describe('RegistryPage', () => {
  it('shows a technician a searchable list without import or actions', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('/api/v1/registry', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: records, next_cursor: null });
      }),
    );
    renderRegistry('technician');
    expect(await screen.findByTestId('registry-row-SN-2')).toHaveTextContent('locked until');
    expect(screen.queryByTestId('registry-import')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Unlock' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Re-enable' })).not.toBeInTheDocument();

    const ui = userEvent.setup();
    await ui.type(screen.getByLabelText('Search'), 'batch-7');
    await ui.selectOptions(screen.getByLabelText('Status'), 'registered');
    await ui.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => {
      expect(queries.at(-1)?.get('q')).toBe('batch-7');
    });
    expect(queries.at(-1)?.get('status')).toBe('registered');
    // The same search again shows what is there now.
    const before = queries.length;
    await ui.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => {
      expect(queries.length).toBe(before + 1);
    });
  });

  it('lets an admin unlock a locked record and re-enable a decommissioned one', async () => {
    const calls: string[] = [];
    server.use(
      http.get('/api/v1/registry', () => HttpResponse.json({ items: records, next_cursor: null })),
      http.post('/api/v1/registry/:serial/:action', ({ params }) => {
        calls.push(`${String(params.serial)} ${String(params.action)}`);
        return HttpResponse.json(makeRecord({ serial: String(params.serial) }));
      }),
    );
    renderRegistry('admin');
    const ui = userEvent.setup();
    const locked = await screen.findByTestId('registry-row-SN-2');
    expect(within(screen.getByTestId('registry-row-SN-1')).queryByRole('button')).not.toBeInTheDocument();
    await ui.click(within(locked).getByRole('button', { name: 'Unlock' }));
    await ui.click(within(screen.getByTestId('registry-row-SN-3')).getByRole('button', { name: 'Re-enable' }));
    await waitFor(() => {
      expect(calls).toEqual(['SN-2 unlock', 'SN-3 re-enable']);
    });
  });

  it('imports a CSV file an admin picks and shows every bad line of a rejected one', async () => {
    const bodies: { type: string | null; text: string; batch: string | null }[] = [];
    server.use(
      http.get('/api/v1/registry', () => HttpResponse.json({ items: [], next_cursor: null })),
      http.post('/api/v1/registry/import', async ({ request }) => {
        const text = await request.text();
        bodies.push({
          type: request.headers.get('Content-Type'),
          text,
          batch: new URL(request.url).searchParams.get('batch'),
        });
        if (text.includes('bad')) {
          return HttpResponse.json(
            {
              type: 'https://mothership.dev/problems/import-rejected',
              title: 'Import rejected',
              status: 422,
              detail: '2 line(s) are wrong; nothing was imported.',
              errors: [
                { line: 2, reason: 'claim_code is empty' },
                { line: 3, reason: 'duplicate serial SN-1' },
              ],
            },
            { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
          );
        }
        return HttpResponse.json({ imported: 2, batch: 'factory-7' });
      }),
    );
    renderRegistry('admin');
    await screen.findByTestId('registry-empty');
    const ui = userEvent.setup();
    const input = screen.getByTestId('registry-import').querySelector('input[type="file"]');
    if (!(input instanceof HTMLInputElement)) throw new Error('no file input');

    await ui.upload(input, new File(['SN-1,Thermo,rev1,C1\nbad,Thermo,rev1,\nSN-1,Thermo,rev1,C2\n'], 'batch.csv', { type: 'text/csv' }));
    expect(await screen.findByTestId('registry-file')).toHaveTextContent('batch.csv: 3 non-empty line(s)');
    await ui.click(screen.getByRole('button', { name: 'Import' }));
    const error = await screen.findByTestId('registry-import-error');
    expect(error).toHaveTextContent('Nothing was imported');
    const lines = within(error).getAllByTestId('registry-import-line-error');
    expect(lines.map((l) => l.textContent)).toEqual(['2claim_code is empty', '3duplicate serial SN-1']);
    expect(bodies[0]?.type).toBe('text/csv');

    await ui.upload(input, new File(['SN-1,Thermo,rev1,C1\nSN-2,Thermo,rev1,C2\n'], 'good.csv', { type: 'text/csv' }));
    expect(screen.queryByTestId('registry-import-error')).not.toBeInTheDocument();
    await ui.type(screen.getByLabelText('Batch name (optional)'), 'factory-7');
    await ui.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/Imported 2 record\(s\) from good.csv as batch factory-7/)).toBeInTheDocument();
    expect(bodies[1]).toEqual({ type: 'text/csv', text: 'SN-1,Thermo,rev1,C1\nSN-2,Thermo,rev1,C2\n', batch: 'factory-7' });
  });

  it('is forbidden to a viewer', async () => {
    renderApp({ user: makeUser({ role: 'viewer' }), path: '/registry' });
    expect(await screen.findByTestId('forbidden')).toHaveTextContent('You do not have permission to view the registry.');
    expect(screen.queryByRole('link', { name: 'Registry' })).not.toBeInTheDocument();
  });
});
