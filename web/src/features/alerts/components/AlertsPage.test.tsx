import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../lib/permissions';
import { makeAlert, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { Alert } from '../api/alerts';
import { AlertsPage } from './AlertsPage';

/** A server holding `initial` alerts; answers the state filter and acknowledgements like the real one. */
function alertsServer(initial: Alert[]) {
  const state = { alerts: [...initial] };
  const queries: URLSearchParams[] = [];
  const acks: { id: string; body: unknown }[] = [];
  server.use(
    http.get('/api/v1/alerts', ({ request }) => {
      const params = new URL(request.url).searchParams;
      queries.push(params);
      const wanted = params.get('state');
      const items = state.alerts.filter((a) =>
        wanted === 'open' ? a.state !== 'cleared' : wanted ? a.state === wanted : true,
      );
      return HttpResponse.json({ items, next_cursor: null });
    }),
    http.post('/api/v1/alerts/:id/ack', async ({ params, request }) => {
      const id = String(params.id);
      const body: unknown = await request.json().catch(() => null);
      acks.push({ id, body });
      const alert = state.alerts.find((a) => a.id === id);
      if (!alert) return problem(404, 'not-found', 'No such alert.');
      if (alert.state === 'cleared') return problem(409, 'alert-cleared', 'The alert has cleared already.');
      const note = (body as { note?: string } | null)?.note ?? null;
      const acknowledged: Alert = {
        ...alert,
        state: 'acknowledged',
        acknowledged_at: '2025-03-01T10:05:00Z',
        acknowledged_by: 'usr_tech1',
        note,
      };
      state.alerts = state.alerts.map((a) => (a.id === id ? acknowledged : a));
      return HttpResponse.json(acknowledged);
    }),
  );
  return { state, queries, acks };
}

function renderAlerts(role: Role, path = '/alerts') {
  return renderApp({
    user: makeUser({ role }),
    path,
    routes: [
      { path: '/alerts', element: <AlertsPage /> },
      { path: '/devices/:id', element: <p>device page</p> },
    ],
  });
}

describe('AlertsPage', () => {
  it('lists the open alerts by default with severity, rule, device link, summary, times and state', async () => {
    const { queries } = alertsServer([makeAlert(), makeAlert({ id: 'alr_old', state: 'cleared', rule_name: 'Gone' })]);
    renderAlerts('viewer');
    const row = await screen.findByTestId('alert-row-alr_1');
    expect(queries[0]?.get('state')).toBe('open');
    expect(within(row).getByTestId('severity-badge')).toHaveTextContent('critical');
    expect(row).toHaveTextContent('Overheating');
    expect(row).toHaveTextContent('temperature 91.2 > 85');
    expect(row).toHaveTextContent(/ago/);
    expect(row).toHaveTextContent(/2025-03-01 \d\d:00:00/);
    expect(within(row).getByTestId('alert-state')).toHaveTextContent('raised');
    expect(within(row).getByRole('link', { name: 'dev_1' })).toHaveAttribute('href', '/devices/dev_1');
    expect(screen.queryByTestId('alert-row-alr_old')).not.toBeInTheDocument();
  });

  it('filters by state, in the URL', async () => {
    const { queries } = alertsServer([makeAlert(), makeAlert({ id: 'alr_old', state: 'cleared', clear_summary: 'cooled' })]);
    const { router } = renderAlerts('viewer');
    await screen.findByTestId('alert-row-alr_1');
    await userEvent.click(screen.getByRole('radio', { name: 'Cleared' }));
    expect(await screen.findByTestId('alert-row-alr_old')).toHaveTextContent('cooled');
    expect(screen.queryByTestId('alert-row-alr_1')).not.toBeInTheDocument();
    expect(router.state.location.search).toBe('?state=cleared');
    expect(queries.at(-1)?.get('state')).toBe('cleared');
    await userEvent.click(screen.getByRole('radio', { name: 'All' }));
    await screen.findByTestId('alert-row-alr_1');
    expect(queries.at(-1)?.has('state')).toBe(false);
  });

  it('starts from the state in the URL', async () => {
    const { queries } = alertsServer([]);
    renderAlerts('viewer', '/alerts?state=acknowledged');
    expect(await screen.findByTestId('alerts-empty')).toHaveTextContent('No alert is acknowledged');
    expect(queries[0]?.get('state')).toBe('acknowledged');
    expect(screen.getByRole('radio', { name: 'Acknowledged' })).toBeChecked();
  });

  it('shows an empty state when nothing is open', async () => {
    alertsServer([]);
    renderAlerts('technician');
    expect(await screen.findByTestId('alerts-empty')).toHaveTextContent('No alerts are open.');
  });

  it('gives a viewer no Acknowledge action', async () => {
    alertsServer([makeAlert()]);
    renderAlerts('viewer');
    await screen.findByTestId('alert-row-alr_1');
    expect(screen.queryByRole('button', { name: /Acknowledge/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).not.toBeInTheDocument();
  });

  it('lets a technician acknowledge with a note', async () => {
    const { acks } = alertsServer([makeAlert()]);
    renderAlerts('technician');
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Acknowledge Overheating on dev_1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Acknowledge alert' });
    await ui.type(within(dialog).getByLabelText(/Note/), 'fan replaced');
    await ui.click(within(dialog).getByRole('button', { name: 'Acknowledge' }));
    const row = screen.getByTestId('alert-row-alr_1');
    await waitFor(() => {
      expect(within(row).getByTestId('alert-state')).toHaveTextContent('acknowledged');
    });
    expect(row).toHaveTextContent('by usr_tech1: fan replaced');
    expect(acks).toEqual([{ id: 'alr_1', body: { note: 'fan replaced' } }]);
    expect(within(row).queryByRole('button', { name: /Acknowledge/ })).not.toBeInTheDocument();
  });

  it('says so when the alert cleared before the acknowledgement', async () => {
    const { state } = alertsServer([makeAlert()]);
    renderAlerts('admin');
    const ui = userEvent.setup();
    await ui.click(await screen.findByRole('button', { name: 'Acknowledge Overheating on dev_1' }));
    state.alerts = [makeAlert({ state: 'cleared' })];
    const dialog = await screen.findByRole('dialog', { name: 'Acknowledge alert' });
    await ui.click(within(dialog).getByRole('button', { name: 'Acknowledge' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The alert has cleared already.');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Already cleared');
  });

  it('updates live from the alert events, without a reload', async () => {
    const { state } = alertsServer([]);
    const { events } = renderAlerts('viewer');
    await screen.findByTestId('alerts-empty');
    const raised = makeAlert({ id: 'alr_new', rule_name: 'Offline', summary: 'offline for 10m' });
    state.alerts = [raised];
    events.emit('alert.raised', raised);
    expect(await screen.findByTestId('alert-row-alr_new')).toHaveTextContent('offline for 10m');

    const acknowledged = { ...raised, state: 'acknowledged' as const, acknowledged_by: 'usr_tech1' };
    state.alerts = [acknowledged];
    events.emit('alert.acknowledged', acknowledged);
    await waitFor(() => {
      expect(within(screen.getByTestId('alert-row-alr_new')).getByTestId('alert-state')).toHaveTextContent('acknowledged');
    });

    // A cleared alert leaves the open list.
    state.alerts = [{ ...acknowledged, state: 'cleared' }];
    events.emit('alert.cleared', state.alerts[0] as Alert);
    await waitFor(() => {
      expect(screen.queryByTestId('alert-row-alr_new')).not.toBeInTheDocument();
    });
    expect(screen.getByTestId('alerts-empty')).toBeInTheDocument();
  });
});
