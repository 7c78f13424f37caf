import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeDevice, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { JobRequest } from '../api/jobs';
import { makeJob, makePlan } from '../testing/job-fixtures';
import { DeploymentsPage } from './DeploymentsPage';

const firmware = {
  id: 'fw_2',
  version: '2.0.0',
  models: ['Thermo'],
  description: '',
  release_notes: '',
  filename: 'fw.bin',
  size: 10,
  sha256: 'a'.repeat(64),
  signature: null,
  signed_by: null,
  uploaded_by: 'usr_admin1',
  created_at: '2025-03-01T10:00:00Z',
};

function renderDeployments(role: 'admin' | 'technician' | 'viewer') {
  return renderApp({
    user: makeUser({ role }),
    path: '/deployments',
    routes: [
      { path: '/deployments', element: <DeploymentsPage /> },
      { path: '/deployments/:id', element: <p data-testid="job-page-stub">job page</p> },
    ],
  });
}

function catalogHandlers(jobs = [makeJob()]) {
  return [
    // `jobs` read at each request: a test changes it as the server's state would change.
    http.get('/api/v1/jobs', () => HttpResponse.json({ items: jobs, next_cursor: null })),
    http.get('/api/v1/firmware', () => HttpResponse.json({ items: [firmware], next_cursor: null })),
    http.get('/api/v1/groups', () => HttpResponse.json({ items: [], next_cursor: null })),
    http.get('/api/v1/devices', ({ request }) => {
      const q = new URL(request.url).searchParams.get('q') ?? '';
      const all = [makeDevice({ id: 'dev_a', serial: 'SN-A' }), makeDevice({ id: 'dev_b', serial: 'SN-B' })];
      return HttpResponse.json({ items: all.filter((d) => d.serial.includes(q)), next_cursor: null });
    }),
  ];
}

describe('DeploymentsPage', () => {
  it('shows a viewer the jobs with firmware and counts, live, and no way to start one', async () => {
    const jobs = [makeJob()];
    server.use(...catalogHandlers(jobs));
    const { events } = renderDeployments('viewer');
    const row = await screen.findByTestId('job-row-job_1');
    expect(row).toHaveTextContent('In progress');
    await waitFor(() => {
      expect(row).toHaveTextContent('2.0.0');
    });
    expect(within(row).getByTestId('job-progress')).toHaveTextContent('1 of 3 completed');
    expect(screen.queryByTestId('new-job-button')).not.toBeInTheDocument();

    // The counts come with the event; the status from the refetch it starts (the server's
    // answer has the event's counts too, so this checks the patch only while the refetch waits).
    const gate: { open: (() => void) | null } = { open: null };
    server.use(
      http.get('/api/v1/jobs', async () => {
        await new Promise<void>((resolve) => {
          gate.open = resolve;
        });
        return HttpResponse.json({ items: jobs, next_cursor: null });
      }),
    );
    const done = { queued: 0, in_progress: 0, completed: 3, failed: 0, canceled: 0 };
    jobs[0] = makeJob({ status: 'completed', counts: { groups: done, by_status: { SUCCEEDED: 3 }, total: 3 } });
    events.emit('job.updated', { job_id: 'job_1', counts: done, by_status: { SUCCEEDED: 3 } });
    await waitFor(() => {
      expect(within(row).getByTestId('job-progress')).toHaveTextContent('3 of 3 completed');
    });
    expect(row).toHaveTextContent('In progress');
    await waitFor(() => {
      expect(gate.open).not.toBeNull();
    });
    gate.open?.();
    await waitFor(() => {
      expect(row).toHaveTextContent('Completed');
    });
  });

  it('shows a technician the jobs read only', async () => {
    server.use(...catalogHandlers());
    renderDeployments('technician');
    await screen.findByTestId('job-row-job_1');
    expect(screen.queryByTestId('new-job-button')).not.toBeInTheDocument();
  });

  it('lets an admin create a rollout only after a preview of the same inputs', async () => {
    const previews: JobRequest[] = [];
    const created: JobRequest[] = [];
    server.use(
      ...catalogHandlers([]),
      http.post('/api/v1/jobs', async ({ request }) => {
        const body = (await request.json()) as JobRequest;
        if (new URL(request.url).searchParams.get('dry_run') === 'true') {
          previews.push(body);
          return HttpResponse.json(makePlan({ waves: [1, 1] }));
        }
        created.push(body);
        return HttpResponse.json(makeJob({ id: 'job_new' }), { status: 201 });
      }),
    );
    const ui = userEvent.setup();
    const { router } = renderDeployments('admin');
    expect(await screen.findByTestId('jobs-empty')).toBeInTheDocument();
    await ui.click(screen.getByTestId('new-job-button'));

    // Nothing chosen: the form says what is missing and asks the server nothing.
    await ui.click(screen.getByTestId('job-preview'));
    expect(await screen.findByText('Choose the firmware to roll out.')).toBeInTheDocument();
    expect(screen.getByTestId('job-targets-error')).toHaveTextContent('Choose devices, groups or a selector.');
    expect(previews).toHaveLength(0);

    await waitFor(() => {
      expect(screen.getByRole('option', { name: '2.0.0 · Thermo' })).toBeInTheDocument();
    });
    await ui.selectOptions(screen.getByTestId('job-firmware'), 'fw_2');
    await ui.type(screen.getByRole('textbox', { name: 'Devices' }), 'SN-A');
    await ui.click(await screen.findByRole('option', { name: 'SN-A (Thermo)' }));
    await ui.type(screen.getByTestId('job-waves'), '50, 100');
    expect(screen.getByTestId('job-create')).toBeDisabled();

    await ui.click(screen.getByTestId('job-preview'));
    const plan = await screen.findByTestId('job-plan');
    expect(plan).toHaveTextContent('1 device gets the firmware');
    expect(plan).toHaveTextContent('dev_old: a model the firmware does not fit');
    expect(plan).toHaveTextContent('Waves: 1: 1 · 2: 1');
    expect(previews[0]?.targets).toEqual({ devices: ['dev_a'] });
    expect(previews[0]?.rollout?.waves).toEqual([
      { percent: 50, soak_s: 0 },
      { percent: 100, soak_s: 0 },
    ]);

    // A change after the preview: preview again first.
    await ui.type(screen.getByTestId('job-description'), 'x');
    expect(screen.getByTestId('job-create')).toBeDisabled();
    expect(screen.getByTestId('job-preview-stale')).toBeInTheDocument();
    await ui.click(screen.getByTestId('job-preview'));
    await screen.findByTestId('job-plan');
    await ui.click(screen.getByTestId('job-create'));
    expect(await screen.findByTestId('job-page-stub')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/deployments/job_new');
    expect(created).toEqual([previews[1]]);
  });

  it('shows the position of a selector syntax error and the problem detail', async () => {
    server.use(
      ...catalogHandlers([]),
      http.post('/api/v1/jobs', () =>
        problem(422, 'validation', 'The targets.selector is not well formed: expected a value at position 6.', {
          errors: [{ field: 'targets.selector', message: 'expected a value at position 6' }],
          position: 6,
        }),
      ),
    );
    const ui = userEvent.setup();
    renderDeployments('admin');
    await ui.click(await screen.findByTestId('new-job-button'));
    await waitFor(() => {
      expect(screen.getByRole('option', { name: '2.0.0 · Thermo' })).toBeInTheDocument();
    });
    await ui.selectOptions(screen.getByTestId('job-firmware'), 'fw_2');
    await ui.type(screen.getByTestId('job-selector'), 'model=');
    await ui.click(screen.getByTestId('job-preview'));
    expect(await screen.findByText('expected a value at position 6')).toBeInTheDocument();
    expect(screen.getByTestId('job-error')).toHaveTextContent('not well formed: expected a value at position 6');
    expect(screen.getByTestId('job-create')).toBeDisabled();
  });
});
