import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeDevice, makeGroup, makeUser, problem } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import { DevicesPage } from './DevicesPage';

const viewer = makeUser({ username: 'vic', role: 'viewer' });

function renderDevices(path = '/devices') {
  return renderApp({ user: viewer, path, routes: [{ path: '/devices', element: <DevicesPage /> }] });
}

const roof = makeGroup({ id: 'grp_roof', name: 'roof', member_count: 2 });
const lab = makeGroup({ id: 'grp_lab', name: 'lab' });

describe('DevicesPage', () => {
  beforeEach(() => {
    server.use(http.get('/api/v1/groups', () => HttpResponse.json({ items: [lab, roof], next_cursor: null })));
  });

  it('shows status, model, firmware, last seen, latest readings and labels', async () => {
    server.use(
      http.get('/api/v1/devices', () =>
        HttpResponse.json({
          items: [
            makeDevice({
              serial: 'SN-A',
              status: 'online',
              labels: { site: 'paris', spare: '' },
              firmware_version: '2.1.0',
              telemetry: { rssi: -61, temperature: 21.5, door_open: false, battery: 87.5 },
            }),
            makeDevice({ serial: 'SN-B', last_seen: null, firmware_version: null, lifecycle: 'awaiting_certificate' }),
          ],
          next_cursor: null,
        }),
      ),
    );
    renderDevices();
    const a = await screen.findByTestId('device-row-SN-A');
    expect(within(a).getByTestId('device-status')).toHaveTextContent('online');
    expect(a).toHaveTextContent('Thermo');
    expect(a).toHaveTextContent('2.1.0');
    expect(a).toHaveTextContent('site=paris');
    expect(a).toHaveTextContent('spare');
    expect(within(a).getByTestId('reading-temperature')).toHaveTextContent('temperature 21.5');
    expect(within(a).getByTestId('reading-battery')).toHaveTextContent('battery 87.5');
    expect(within(a).queryByTestId('reading-rssi')).not.toBeInTheDocument();
    expect(within(a).getByRole('link', { name: 'SN-A' })).toHaveAttribute('href', '/devices/dev_sn-a');
    const b = screen.getByTestId('device-row-SN-B');
    expect(within(b).getByTestId('device-status')).toHaveTextContent('offline');
    expect(b).toHaveTextContent('never');
    expect(b).toHaveTextContent('awaiting certificate');
  });

  it('sends the search and filters, and pages with the cursor', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('/api/v1/devices', ({ request }) => {
        const params = new URL(request.url).searchParams;
        queries.push(params);
        return params.get('cursor') === 'c2'
          ? HttpResponse.json({ items: [makeDevice({ serial: 'SN-C' })], next_cursor: null })
          : HttpResponse.json({ items: [makeDevice({ serial: 'SN-A' })], next_cursor: 'c2' });
      }),
    );
    renderDevices();
    await screen.findByTestId('device-row-SN-A');
    const ui = userEvent.setup();
    await ui.type(screen.getByLabelText('Search'), 'therm');
    await ui.selectOptions(screen.getByLabelText('Status'), 'online');
    await ui.selectOptions(screen.getByLabelText('Lifecycle'), 'active');
    await ui.type(screen.getByLabelText('Model'), 'Thermo');
    await ui.type(screen.getByLabelText('Label'), 'site=paris');
    await ui.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => {
      expect(queries.at(-1)?.get('q')).toBe('therm');
    });
    const last = queries.at(-1);
    expect(last?.get('status')).toBe('online');
    expect(last?.get('lifecycle')).toBe('active');
    expect(last?.get('model')).toBe('Thermo');
    expect(last?.get('label')).toBe('site=paris');
    expect(last?.get('limit')).toBe('50');

    await ui.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByTestId('device-row-SN-C')).toBeInTheDocument();
    expect(queries.at(-1)?.get('cursor')).toBe('c2');
    expect(queries.at(-1)?.get('q')).toBe('therm');
  });

  it('turns a device online when a device.updated event says so', async () => {
    server.use(
      http.get('/api/v1/devices', () => HttpResponse.json({ items: [makeDevice({ id: 'dev_a', serial: 'SN-A' })], next_cursor: null })),
    );
    const { events } = renderDevices();
    const row = await screen.findByTestId('device-row-SN-A');
    expect(within(row).getByTestId('device-status')).toHaveTextContent('offline');
    events.emit('device.updated', {
      id: 'dev_a',
      serial: 'SN-A',
      model: 'Thermo',
      status: 'online',
      lifecycle: 'active',
      firmware_version: '3.0.0',
    });
    // TanStack Query tells its observers on the next tick.
    await waitFor(() => {
      expect(within(row).getByTestId('device-status')).toHaveTextContent('online');
    });
    expect(row).toHaveTextContent('3.0.0');
  });

  it('refetches when a device it does not show changes (it may be new)', async () => {
    let calls = 0;
    server.use(
      http.get('/api/v1/devices', () => {
        calls += 1;
        const items = [makeDevice({ id: 'dev_a', serial: 'SN-A' })];
        if (calls > 1) items.push(makeDevice({ id: 'dev_n', serial: 'SN-NEW', status: 'online' }));
        return HttpResponse.json({ items, next_cursor: null });
      }),
    );
    const { events } = renderDevices();
    await screen.findByTestId('device-row-SN-A');
    events.emit('device.updated', { id: 'dev_n', serial: 'SN-NEW', model: 'Thermo', status: 'online', lifecycle: 'active' });
    expect(await screen.findByTestId('device-row-SN-NEW')).toBeInTheDocument();
  });

  it('offers the groups and sends the group and the selector with the other filters', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('/api/v1/devices', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [makeDevice({ serial: 'SN-A' })], next_cursor: null });
      }),
    );
    renderDevices();
    await screen.findByTestId('device-row-SN-A');
    const ui = userEvent.setup();
    const groupSelect = screen.getByLabelText('Group');
    await waitFor(() => {
      expect(within(groupSelect).getByRole('option', { name: 'roof' })).toBeInTheDocument();
    });
    await ui.selectOptions(groupSelect, 'grp_roof');
    await ui.type(screen.getByLabelText(/^Selector/), 'model=Thermo 3, site in (a,b), !beta');
    await ui.selectOptions(screen.getByLabelText('Status'), 'online');
    await ui.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => {
      expect(queries.at(-1)?.get('group')).toBe('grp_roof');
    });
    expect(queries.at(-1)?.get('selector')).toBe('model=Thermo 3, site in (a,b), !beta');
    expect(queries.at(-1)?.get('status')).toBe('online');
  });

  it("shows the server's 422 detail under the selector when it does not parse", async () => {
    const detail = 'The selector is not well formed: expected a value at position 6.';
    server.use(
      http.get('/api/v1/devices', ({ request }) =>
        new URL(request.url).searchParams.get('selector')
          ? problem(422, 'validation', detail, {
              position: 6,
              errors: [{ field: 'selector', message: 'expected a value at position 6' }],
            })
          : HttpResponse.json({ items: [makeDevice({ serial: 'SN-A' })], next_cursor: null }),
      ),
    );
    renderDevices();
    await screen.findByTestId('device-row-SN-A');
    const ui = userEvent.setup();
    await ui.type(screen.getByLabelText(/^Selector/), 'site=');
    await ui.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText(detail)).toBeInTheDocument();
    expect(screen.getByLabelText(/^Selector/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('devices-bad-selector')).toBeInTheDocument();
    expect(screen.queryByTestId('error-alert')).not.toBeInTheDocument();
  });

  it('takes a group and a selector from the URL', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('/api/v1/devices', ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [], next_cursor: null });
      }),
    );
    renderDevices('/devices?group=grp_lab&selector=beta');
    expect(await screen.findByTestId('devices-empty')).toBeInTheDocument();
    expect(queries[0]?.get('group')).toBe('grp_lab');
    expect(queries[0]?.get('selector')).toBe('beta');
    expect(screen.getByLabelText(/^Selector/)).toHaveValue('beta');
  });
});
