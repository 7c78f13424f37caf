import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDownload } from '../../../lib/open-download';
import type { Report } from '../../../lib/reports';
import { makeReport, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import { ReportsPage } from './ReportsPage';

vi.mock('../../../lib/open-download', () => ({ openDownload: vi.fn() }));

const viewer = makeUser({ role: 'viewer' });

/**
 * A server whose reports advance one step per GET of the list: queued, running with rows,
 * then ready with a link. Records the create requests and the list requests.
 */
function reportsServer(initial: Report[] = []) {
  let reports = [...initial];
  const created: unknown[] = [];
  const listed = { count: 0 };
  const advance = (r: Report): Report => {
    if (r.status === 'queued') return { ...r, status: 'running', rows_written: 40 };
    if (r.status === 'running')
      return {
        ...r,
        status: 'ready',
        rows_written: 120,
        bytes: 4096,
        expires_at: '2025-03-08T10:00:00Z',
        download_url: `/dl/${r.id}-from-list`,
      };
    return r;
  };
  server.use(
    http.get('/api/v1/reports', () => {
      listed.count += 1;
      const answer = reports;
      reports = reports.map(advance);
      return HttpResponse.json({ items: answer, next_cursor: null });
    }),
    http.post('/api/v1/reports', async ({ request }) => {
      const body = (await request.json()) as { kind: string; format: 'csv' };
      created.push(body);
      if (body.kind === 'telemetry')
        return problem(422, 'validation', 'The filters are not valid.', {
          errors: [{ field: 'filters.to', message: 'to must be after from' }],
        });
      const report = makeReport({ id: `rep_${created.length}`, kind: body.kind, format: body.format });
      reports = [report, ...reports];
      return HttpResponse.json(report, { status: 202 });
    }),
    http.get('/api/v1/reports/:id', ({ params }) =>
      HttpResponse.json(
        makeReport({ id: String(params.id), status: 'ready', download_url: `/dl/${String(params.id)}-fresh` }),
      ),
    ),
  );
  return { created, listed };
}

function renderReports(user = viewer) {
  return renderApp({ user, path: '/reports', routes: [{ path: '/reports', element: <ReportsPage /> }] });
}

describe('ReportsPage', () => {
  afterEach(() => {
    vi.mocked(openDownload).mockClear();
  });

  it('shows an empty list and the create form', async () => {
    reportsServer();
    renderReports();
    expect(await screen.findByTestId('reports-empty')).toBeInTheDocument();
    expect(screen.getByRole('form', { name: 'Create report' })).toBeInTheDocument();
  });

  it('shows the filters of the chosen kind only', async () => {
    reportsServer();
    renderReports();
    const ui = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Create report' });
    expect(within(form).getByLabelText('Model')).toBeInTheDocument();
    expect(within(form).queryByLabelText('Keys')).not.toBeInTheDocument();
    await ui.selectOptions(within(form).getByLabelText('Kind'), 'telemetry');
    expect(within(form).getByLabelText('Device id')).toBeInTheDocument();
    expect(within(form).getByLabelText('Keys')).toBeInTheDocument();
    expect(within(form).getByLabelText('From')).toBeInTheDocument();
    expect(within(form).queryByLabelText('Model')).not.toBeInTheDocument();
    await ui.selectOptions(within(form).getByLabelText('Kind'), 'audit');
    expect(within(form).getByLabelText('Actor id')).toBeInTheDocument();
    expect(within(form).getByLabelText('Result')).toBeInTheDocument();
    await ui.selectOptions(within(form).getByLabelText('Kind'), 'jobs');
    expect(within(form).getByLabelText('Job status')).toBeInTheDocument();
  });

  it('creates a report, shows its progress while polling every second, and stops once it is ready', async () => {
    const { created, listed } = reportsServer();
    renderReports();
    const ui = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Create report' });
    await screen.findByTestId('reports-empty');
    await ui.type(within(form).getByLabelText('Model'), 'Thermo');
    await ui.selectOptions(within(form).getByLabelText('Status'), 'online');
    await ui.click(within(form).getByRole('button', { name: 'Create report' }));
    expect(created).toEqual([{ kind: 'devices', format: 'csv', gzip: false, filters: { model: 'Thermo', status: 'online' } }]);

    const row = await screen.findByTestId('report-row-rep_1');
    await waitFor(
      () => {
        expect(within(row).getByTestId('report-progress')).toHaveTextContent('40 rows so far');
      },
      { timeout: 3000 },
    );
    expect(within(row).getByTestId('report-status')).toHaveTextContent('running');
    expect(within(row).queryByRole('button', { name: /Download/ })).not.toBeInTheDocument();
    await waitFor(
      () => {
        expect(within(row).getByTestId('report-status')).toHaveTextContent('ready');
      },
      { timeout: 3000 },
    );
    expect(within(row).getByTestId('report-rows')).toHaveTextContent('120');
    expect(row).toHaveTextContent('2025-03-08');

    // Ready: no more polling.
    const after = listed.count;
    await act(() => new Promise((resolve) => setTimeout(resolve, 2200)));
    expect(listed.count).toBe(after);
  }, 10_000);

  it('downloads a ready report through a freshly signed link', async () => {
    reportsServer([makeReport({ id: 'rep_9', status: 'ready', rows_written: 3, download_url: '/dl/old' })]);
    renderReports();
    await userEvent.click(await screen.findByRole('button', { name: 'Download report rep_9' }));
    await waitFor(() => {
      expect(openDownload).toHaveBeenCalledWith('/dl/rep_9-fresh');
    });
  });

  it("shows the server's reasons when it refuses the report", async () => {
    reportsServer();
    renderReports();
    const ui = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Create report' });
    await ui.selectOptions(within(form).getByLabelText('Kind'), 'telemetry');
    await ui.click(within(form).getByRole('button', { name: 'Create report' }));
    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent('The filters are not valid.');
    expect(alert).toHaveTextContent('filters.to: to must be after from');
  });
});
