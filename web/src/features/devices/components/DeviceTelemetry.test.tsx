import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { giveElementsASize } from '../../../testing/chart-size';
import { makeUser } from '../../../testing/fixtures';
import { server } from '../../../testing/msw-server';
import { renderApp } from '../../../testing/render';
import type { TelemetrySeries } from '../api/telemetry';
import { DeviceTelemetry } from './DeviceTelemetry';

const HOUR = 3_600_000;
const now = Date.now();

const latest = {
  device_id: 'dev_1',
  values: {
    temperature: { value: 21.5, ts: now - 5_000, received_at: now - 4_000 },
    battery: { value: 87.5, ts: now - 5_000, received_at: now - 4_000 },
    // A device whose clock runs 90 s behind the server's.
    rssi: { value: -61, ts: now - 95_000, received_at: now - 5_000 },
    uptime_s: { value: 3600, ts: now - 5_000, received_at: now - 4_000 },
    door_open: { value: false, ts: now - 5_000, received_at: now - 4_000 },
    mode: { value: 'eco', ts: now - 5_000, received_at: now - 4_000 },
  },
};

function seriesAnswer(query: URLSearchParams, overrides: Partial<TelemetrySeries> = {}): TelemetrySeries {
  const from = Number(query.get('from'));
  const to = Number(query.get('to'));
  const keys = (query.get('keys') ?? '').split(',');
  const kindOf = (key: string) => (key === 'door_open' ? 'boolean' : key === 'mode' ? 'string' : 'number');
  return {
    device_id: 'dev_1',
    from,
    to,
    interval_ms: 300_000,
    source: '1m',
    agg: (query.get('agg') ?? 'avg') as TelemetrySeries['agg'],
    truncated: false,
    series: keys.map((key) => ({
      key,
      kind: kindOf(key),
      truncated: false,
      points:
        kindOf(key) === 'string'
          ? [
              [to - 3 * HOUR, 'eco'],
              [to - 2 * HOUR, 'boost'],
              [to - HOUR, 'eco'],
            ]
          : kindOf(key) === 'boolean'
            ? [
                [to - 2 * HOUR, true],
                [to - HOUR, false],
              ]
            : [
                [to - 2 * HOUR, 20],
                [to - HOUR, 21],
                [to - 600_000, 21.5],
              ],
    })),
    ...overrides,
  };
}

function serve(overrides: Partial<TelemetrySeries> = {}) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get('/api/v1/devices/dev_1/telemetry/latest', () => HttpResponse.json(latest)),
    http.get('/api/v1/devices/dev_1/telemetry', ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      return HttpResponse.json(seriesAnswer(query, overrides));
    }),
  );
  return queries;
}

function renderTelemetry() {
  return renderApp({
    user: makeUser({ role: 'viewer' }),
    path: '/',
    routes: [{ path: '/', element: <DeviceTelemetry deviceId="dev_1" /> }],
  });
}

function span(query: URLSearchParams | undefined): number {
  return Number(query?.get('to')) - Number(query?.get('from'));
}

describe('DeviceTelemetry', () => {
  beforeEach(() => {
    giveElementsASize();
  });

  it('lists the latest values and notes a device clock that is off', async () => {
    serve();
    renderTelemetry();
    const table = await screen.findByTestId('telemetry-latest');
    expect(within(table).getAllByRole('row')).toHaveLength(7);
    expect(screen.getByTestId('telemetry-latest-temperature')).toHaveTextContent('21.5');
    expect(screen.getByTestId('telemetry-latest-door_open')).toHaveTextContent('false');
    expect(screen.getByTestId('telemetry-latest-mode')).toHaveTextContent('eco');
    expect(within(screen.getByTestId('telemetry-latest-rssi')).getByTestId('clock-off')).toHaveTextContent(
      'clock off by 90 s',
    );
    expect(screen.getAllByTestId('clock-off')).toHaveLength(1);
  });

  it('charts the first three numeric keys over the last 24 h, and says where the numbers come from', async () => {
    const queries = serve();
    renderTelemetry();
    const chart = await screen.findByTestId('telemetry-chart');
    const first = queries[0];
    expect(first?.get('keys')).toBe('battery,rssi,temperature');
    expect(first?.get('agg')).toBe('avg');
    expect(first?.get('limit')).toBe('300');
    expect(span(first)).toBe(24 * HOUR);
    expect(Math.abs(Number(first?.get('to')) - Date.now())).toBeLessThan(60_000);
    expect(chart).toHaveAttribute('data-lines', '3');
    expect(chart).toHaveAttribute('data-points', '9');
    expect(screen.getByTestId('telemetry-source')).toHaveTextContent('source: 1-minute rollups · buckets of 5 min (avg)');
    await waitFor(() => {
      expect(chart.querySelectorAll('.recharts-line path.recharts-curve[d]')).toHaveLength(3);
    });
  });

  it('asks again for each range and aggregation picked', async () => {
    const queries = serve();
    renderTelemetry();
    await screen.findByTestId('telemetry-chart');
    const ui = userEvent.setup();
    const range = screen.getByTestId('telemetry-range');
    for (const [label, ms] of [
      ['1 h', HOUR],
      ['7 d', 7 * 24 * HOUR],
      ['30 d', 30 * 24 * HOUR],
    ] as const) {
      await ui.click(within(range).getByText(label));
      await waitFor(() => {
        expect(span(queries.at(-1))).toBe(ms);
      });
    }
    await ui.selectOptions(screen.getByTestId('telemetry-agg'), 'max');
    await waitFor(() => {
      expect(queries.at(-1)?.get('agg')).toBe('max');
    });
    expect(span(queries.at(-1))).toBe(30 * 24 * HOUR);
  });

  it('asks for a custom range between the two times given', async () => {
    const queries = serve();
    renderTelemetry();
    await screen.findByTestId('telemetry-chart');
    await userEvent.click(within(screen.getByTestId('telemetry-range')).getByText('Custom'));
    fireEvent.change(screen.getByTestId('telemetry-from'), { target: { value: '2025-02-01T08:00' } });
    fireEvent.change(screen.getByTestId('telemetry-to'), { target: { value: '2025-02-02T08:30' } });
    await waitFor(() => {
      expect(queries.at(-1)?.get('from')).toBe(String(new Date(2025, 1, 1, 8, 0).getTime()));
    });
    expect(queries.at(-1)?.get('to')).toBe(String(new Date(2025, 1, 2, 8, 30).getTime()));
  });

  it('charts the keys picked: a boolean as a step line, a string as its changes', async () => {
    const queries = serve();
    renderTelemetry();
    await screen.findByTestId('telemetry-chart');
    const ui = userEvent.setup();
    const picker = screen.getByRole('textbox', { name: 'Keys' });
    await ui.click(picker);
    await ui.click(await screen.findByRole('option', { name: 'door_open' }));
    await ui.click(await screen.findByRole('option', { name: 'mode' }));
    await waitFor(() => {
      expect(queries.at(-1)?.get('keys')).toBe('battery,rssi,temperature,door_open,mode');
    });
    const chart = screen.getByTestId('telemetry-chart');
    await waitFor(() => {
      expect(chart).toHaveAttribute('data-lines', '4');
    });
    const changes = within(screen.getByTestId('telemetry-text-mode')).getAllByTestId('telemetry-text-change');
    expect(changes.map((row) => within(row).getAllByRole('cell')[1]?.textContent)).toEqual(['eco', 'boost', 'eco']);
  });

  it('says when the answer was cut short', async () => {
    serve({ truncated: true, truncated_reason: 'more than 300 points per key: the answer stops at `to`' });
    renderTelemetry();
    expect(await screen.findByTestId('telemetry-truncated')).toHaveTextContent('more than 300 points per key');
  });

  it('says so when the device has sent nothing', async () => {
    server.use(
      http.get('/api/v1/devices/dev_1/telemetry/latest', () => HttpResponse.json({ device_id: 'dev_1', values: {} })),
    );
    renderTelemetry();
    expect(await screen.findByTestId('telemetry-empty')).toHaveTextContent('The device has sent no telemetry yet.');
    expect(screen.queryByTestId('telemetry-controls')).not.toBeInTheDocument();
  });
});
