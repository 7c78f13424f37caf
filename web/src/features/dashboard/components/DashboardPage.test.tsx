import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../lib/permissions';
import { giveElementsASize } from '../../../testing/chart-size';
import { makeAlert, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { FleetTelemetry } from '../api/fleet';
import { EMPTY_FLEET, makeFleet } from '../testing/fleet-fixtures';
import { DashboardPage } from './DashboardPage';

const job = {
  id: 'job_7',
  kind: 'firmware',
  firmware_id: 'fw_2',
  status: 'in_progress',
  targets: { selector: 'model=Thermo' },
  rollout: {},
  description: 'Thermo 2.0',
  created_at: '2025-03-01T10:00:00Z',
  counts: { groups: { queued: 1, in_progress: 0, completed: 2, failed: 1, canceled: 0 }, total: 4 },
};

const onboarding = {
  serial: 'SN-NEW',
  stage: 'awaiting_approval',
  model: 'Thermo',
  updated_at: '2025-03-01T10:00:00Z',
};

/** The server's answers, and the fleet queries the page sent. */
function serve({
  fleet = makeFleet(),
  jobs = [job],
  pending = [onboarding],
  alerts = () => HttpResponse.json({ items: [], next_cursor: null }),
}: {
  fleet?: FleetTelemetry;
  jobs?: unknown[];
  pending?: unknown[];
  alerts?: () => Response;
} = {}) {
  const fleetQueries: URLSearchParams[] = [];
  const alertQueries: URLSearchParams[] = [];
  const calls = { onboarding: 0, alerts: 0 };
  server.use(
    http.get('/api/v1/telemetry/fleet', ({ request }) => {
      fleetQueries.push(new URL(request.url).searchParams);
      return HttpResponse.json(fleet);
    }),
    http.get('/api/v1/jobs', () => HttpResponse.json({ items: jobs, next_cursor: null })),
    http.get('/api/v1/onboarding', () => {
      calls.onboarding += 1;
      return HttpResponse.json({ items: pending });
    }),
    http.get('/api/v1/alerts', ({ request }) => {
      alertQueries.push(new URL(request.url).searchParams);
      calls.alerts += 1;
      return alerts();
    }),
  );
  return { fleetQueries, alertQueries, calls };
}

function renderDashboard(role: Role) {
  return renderApp({ user: makeUser({ role }), path: '/', routes: [{ path: '/', element: <DashboardPage /> }] });
}

function span(query: URLSearchParams | undefined): number {
  return Number(query?.get('to')) - Number(query?.get('from'));
}

describe('DashboardPage', () => {
  beforeEach(() => {
    giveElementsASize();
  });

  it('shows the counts and draws the charts of the fleet answer', async () => {
    const { fleetQueries } = serve();
    renderDashboard('technician');

    expect(await screen.findByTestId('stat-total')).toHaveTextContent('12');
    expect(screen.getByTestId('stat-online')).toHaveTextContent('9');
    expect(screen.getByTestId('stat-offline')).toHaveTextContent('3');
    expect(span(fleetQueries[0])).toBe(86_400_000);

    const online = screen.getByTestId('fleet-online-chart');
    expect(online).toHaveAttribute('data-points', '4');
    expect(online).toHaveTextContent('per 5 min');
    await waitFor(() => {
      expect(online.querySelector('.recharts-area path[d]')).not.toBeNull();
    });
    expect(screen.getByTestId('fleet-messages-chart')).toHaveAttribute('data-points', '4');
    expect(screen.getByTestId('fleet-models-chart')).toHaveAttribute('data-bars', '2');
    await waitFor(() => {
      expect(screen.getByTestId('fleet-models-chart').querySelectorAll('.recharts-bar-rectangle').length).toBe(4);
    });
    const firmware = screen.getAllByTestId('fleet-firmware-chart-item').map((item) => item.textContent);
    expect(firmware).toEqual(['2.0.07', '1.9.34', 'unknown1']);
    expect(screen.getAllByTestId('fleet-health-chart-item').map((item) => item.textContent)).toEqual([
      'ok10',
      'degraded2',
    ]);

    const rollout = await screen.findByTestId('recent-job-job_7');
    expect(rollout).toHaveTextContent('2 of 4 completed · 1 failed · 1 queued');
    expect(within(rollout).getByRole('link', { name: 'job_7' })).toHaveAttribute('href', '/deployments/job_7');
    const pending = await screen.findByTestId('recent-onboarding-SN-NEW');
    expect(pending).toHaveTextContent('Waiting for a technician');
    expect(within(pending).getByRole('link', { name: 'SN-NEW' })).toHaveAttribute('href', '/onboard');
  });

  it('asks for the range picked, and refetches when a device comes online', async () => {
    const { fleetQueries } = serve();
    const { events } = renderDashboard('viewer');
    await screen.findByTestId('fleet-history');
    await userEvent.click(within(screen.getByTestId('fleet-range')).getByText('1 h'));
    await waitFor(() => {
      expect(span(fleetQueries.at(-1))).toBe(3_600_000);
    });
    const before = fleetQueries.length;
    events.emit('device.updated', { id: 'dev_1', serial: 'SN-1', model: 'Thermo', status: 'online', lifecycle: 'active' });
    await waitFor(() => {
      expect(fleetQueries.length).toBeGreaterThan(before);
    });
  });

  it('explains an empty fleet instead of drawing empty charts', async () => {
    serve({ fleet: EMPTY_FLEET, jobs: [], pending: [] });
    renderDashboard('admin');
    expect(await screen.findByTestId('fleet-empty')).toHaveTextContent('No devices yet');
    expect(screen.getByTestId('stat-total')).toHaveTextContent('0');
    expect(screen.getByRole('link', { name: 'Import records' })).toHaveAttribute('href', '/registry');
    expect(screen.getByRole('link', { name: 'Onboard a device' })).toHaveAttribute('href', '/onboard');
    expect(screen.queryByTestId('fleet-history')).not.toBeInTheDocument();
    expect(screen.queryByTestId('fleet-models')).not.toBeInTheDocument();
    expect(await screen.findByTestId('recent-rollouts-empty')).toHaveTextContent('No rollouts yet');
    expect(await screen.findByTestId('recent-onboarding-empty')).toHaveTextContent('No device is being onboarded');
  });

  it('shows a viewer no onboarding (they may not read it) and no way to add devices', async () => {
    const { calls } = serve({ fleet: EMPTY_FLEET });
    renderDashboard('viewer');
    expect(await screen.findByTestId('fleet-empty')).toBeInTheDocument();
    await screen.findByTestId('recent-job-job_7');
    expect(screen.queryByTestId('recent-onboarding')).not.toBeInTheDocument();
    expect(calls.onboarding).toBe(0);
    expect(screen.queryByRole('link', { name: 'Import records' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Onboard a device' })).not.toBeInTheDocument();
  });

  it('says so when no alert is open', async () => {
    serve();
    renderDashboard('viewer');
    expect(await screen.findByTestId('active-alerts-empty')).toHaveTextContent('No alerts are open.');
    expect(screen.queryByTestId('error-alert')).not.toBeInTheDocument();
  });

  it('lists the open alerts', async () => {
    const { alertQueries } = serve({
      alerts: () =>
        HttpResponse.json({
          items: [makeAlert(), makeAlert({ id: 'alr_2', state: 'acknowledged', rule_name: 'Quiet' })],
          next_cursor: null,
        }),
    });
    renderDashboard('viewer');
    const alert = await screen.findByTestId('alert-alr_1');
    expect(alert).toHaveTextContent('Overheating');
    expect(alert).toHaveTextContent('temperature 91.2 > 85');
    expect(within(alert).getByRole('link', { name: 'dev_1' })).toHaveAttribute('href', '/devices/dev_1');
    expect(screen.getByTestId('alert-alr_2')).toHaveTextContent('acknowledged');
    expect(screen.getByTestId('active-alerts-count')).toHaveTextContent('2');
    expect(alertQueries[0]?.get('state')).toBe('open');
  });

  it('shows an alert raised while it is open (alert.raised), and drops one that cleared', async () => {
    let open = [makeAlert()];
    serve({ alerts: () => HttpResponse.json({ items: open, next_cursor: null }) });
    const { events } = renderDashboard('viewer');
    await screen.findByTestId('alert-alr_1');
    const raised = makeAlert({ id: 'alr_2', rule_name: 'Offline', summary: 'offline for 10m' });
    open = [raised, ...open];
    events.emit('alert.raised', raised);
    expect(await screen.findByTestId('alert-alr_2')).toHaveTextContent('offline for 10m');
    open = [raised];
    events.emit('alert.cleared', makeAlert({ state: 'cleared' }));
    await waitFor(() => {
      expect(screen.queryByTestId('alert-alr_1')).not.toBeInTheDocument();
    });
  });

  it('shows why the fleet could not be loaded', async () => {
    serve();
    server.use(http.get('/api/v1/telemetry/fleet', () => problem(500, 'internal', 'database is locked')));
    renderDashboard('viewer');
    expect(await screen.findByTestId('error-alert')).toHaveTextContent('database is locked');
  });
});
