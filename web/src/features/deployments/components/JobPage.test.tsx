import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeUser } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { Job } from '../api/jobs';
import { makeExecution, makeJob } from '../testing/job-fixtures';
import { JobPage } from './JobPage';

function renderJob(role: 'admin' | 'technician' | 'viewer') {
  return renderApp({ user: makeUser({ role }), path: '/deployments/job_1', routes: [{ path: '/deployments/:id', element: <JobPage /> }] });
}

function jobHandlers(job: Job = makeJob(), statuses: (string | null)[] = []) {
  return [
    http.get('/api/v1/jobs/job_1', () => HttpResponse.json(job)),
    http.get('/api/v1/firmware', () => HttpResponse.json({ items: [], next_cursor: null })),
    http.get('/api/v1/jobs/job_1/progress', () =>
      HttpResponse.json({
        items: [
          { at: '2025-03-01T10:00:00Z', queued: 3, in_progress: 0, completed: 0, failed: 0, canceled: 0 },
          { at: '2025-03-01T10:00:02Z', queued: 1, in_progress: 1, completed: 1, failed: 0, canceled: 0 },
        ],
      }),
    ),
    http.get('/api/v1/jobs/job_1/executions', ({ request }) => {
      const status = new URL(request.url).searchParams.get('status');
      statuses.push(status);
      const all = [
        makeExecution(),
        makeExecution({
          device_id: 'dev_b',
          status: 'FAILED',
          group: 'failed',
          step: 'rollback',
          percent: null,
          status_details: { step: 'rollback', reason: 'health check failed' },
        }),
      ];
      return HttpResponse.json({ items: all.filter((e) => !status || e.status === status), next_cursor: null });
    }),
  ];
}

describe('JobPage', () => {
  it.each(['viewer', 'technician'] as const)('shows a %s the counts, chart and executions but no buttons', async (role) => {
    server.use(...jobHandlers());
    renderJob(role);
    expect(await screen.findByTestId('job-count-completed')).toHaveTextContent('1');
    expect(screen.getByTestId('job-count-queued')).toHaveTextContent('1');
    expect(await screen.findByTestId('execution-row-dev_b')).toHaveTextContent('health check failed');
    expect(screen.getByTestId('execution-row-dev_a')).toHaveTextContent('download');
    expect(screen.getByTestId('execution-row-dev_a')).toHaveTextContent('40%');
    expect(within(screen.getByTestId('execution-row-dev_a')).getByRole('link', { name: 'dev_a' })).toHaveAttribute(
      'href',
      '/devices/dev_a',
    );
    await waitFor(() => {
      expect(screen.getByTestId('progress-chart')).toHaveAttribute('data-points', '2');
    });
    for (const id of ['job-pause', 'job-resume', 'job-cancel']) expect(screen.queryByTestId(id)).not.toBeInTheDocument();
  });

  it('draws the history and appends each live update without a reload', async () => {
    server.use(...jobHandlers());
    const { events } = renderJob('viewer');
    await waitFor(() => {
      expect(screen.getByTestId('progress-chart')).toHaveAttribute('data-points', '2');
    });
    events.emit('job.updated', {
      job_id: 'job_1',
      counts: { queued: 0, in_progress: 1, completed: 2, failed: 0, canceled: 0 },
      by_status: { IN_PROGRESS: 1, SUCCEEDED: 2 },
    });
    events.emit('job.updated', {
      job_id: 'job_other',
      counts: { queued: 9, in_progress: 0, completed: 0, failed: 0, canceled: 0 },
      by_status: { QUEUED: 9 },
    });
    await waitFor(() => {
      expect(screen.getByTestId('job-count-completed')).toHaveTextContent('2');
    });
    expect(screen.getByTestId('progress-chart')).toHaveAttribute('data-points', '3');
    expect(screen.getByTestId('progress-chart')).toHaveTextContent('Completed 2');
  });

  it('filters the executions by state on the server', async () => {
    const statuses: (string | null)[] = [];
    server.use(...jobHandlers(makeJob(), statuses));
    const ui = userEvent.setup();
    renderJob('viewer');
    await screen.findByTestId('execution-row-dev_a');
    await ui.selectOptions(screen.getByTestId('executions-filter'), 'FAILED');
    await waitFor(() => {
      expect(screen.queryByTestId('execution-row-dev_a')).not.toBeInTheDocument();
    });
    expect(screen.getByTestId('execution-row-dev_b')).toBeInTheDocument();
    expect(statuses).toContain('FAILED');
  });

  it('lets an admin pause, and cancel with force', async () => {
    const calls: { path: string; body: unknown }[] = [];
    server.use(
      ...jobHandlers(),
      http.post('/api/v1/jobs/job_1/:action', async ({ request, params }) => {
        const text = await request.text();
        calls.push({ path: String(params.action), body: text ? JSON.parse(text) : null });
        return HttpResponse.json(makeJob({ status: params.action === 'pause' ? 'paused' : 'canceled' }));
      }),
    );
    const ui = userEvent.setup();
    renderJob('admin');
    await ui.click(await screen.findByTestId('job-pause'));
    expect(await screen.findByTestId('job-resume')).toBeInTheDocument();
    await ui.click(screen.getByTestId('job-cancel'));
    await ui.click(await screen.findByTestId('job-cancel-force'));
    await ui.click(screen.getByTestId('job-cancel-confirm'));
    await waitFor(() => {
      expect(calls.map((c) => c.path)).toEqual(['pause', 'cancel']);
    });
    expect(calls[1]?.body).toEqual({ force: true });
  });
});
