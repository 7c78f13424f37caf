import { describe, expect, it } from 'vitest';
import { buildTelemetryQuery, CHART_POINTS, endsNow, isComplete, type TelemetrySelection } from './telemetry-query';

const now = Date.UTC(2025, 2, 1, 12, 0, 0);
const HOUR = 3_600_000;

function select(overrides: Partial<TelemetrySelection> = {}): TelemetrySelection {
  return { keys: ['temperature'], range: { kind: 'preset', preset: '24h' }, agg: 'avg', ...overrides };
}

describe('buildTelemetryQuery', () => {
  it.each([
    ['1h', HOUR],
    ['24h', 24 * HOUR],
    ['7d', 7 * 24 * HOUR],
    ['30d', 30 * 24 * HOUR],
  ] as const)('asks for the %s before now', (preset, span) => {
    expect(buildTelemetryQuery(select({ range: { kind: 'preset', preset } }), now)).toEqual({
      keys: 'temperature',
      from: now - span,
      to: now,
      agg: 'avg',
      limit: CHART_POINTS,
    });
  });

  it('asks for a custom range in Unix ms of the local times given', () => {
    const query = buildTelemetryQuery(
      select({ range: { kind: 'custom', from: '2025-02-01T08:00', to: '2025-02-02T08:30' }, agg: 'max' }),
      now,
    );
    expect(query).toMatchObject({
      from: new Date(2025, 1, 1, 8, 0).getTime(),
      to: new Date(2025, 1, 2, 8, 30).getTime(),
      agg: 'max',
    });
  });

  it('joins the keys in the order picked, at most 20', () => {
    expect(buildTelemetryQuery(select({ keys: ['rssi', 'battery', 'door_open'] }), now)?.keys).toBe(
      'rssi,battery,door_open',
    );
    const many = Array.from({ length: 25 }, (_, i) => `k${String(i)}`);
    expect(buildTelemetryQuery(select({ keys: many }), now)?.keys.split(',')).toHaveLength(20);
  });

  it('asks for nothing without keys or with a custom range not filled in or backwards', () => {
    expect(buildTelemetryQuery(select({ keys: [] }), now)).toBeNull();
    expect(buildTelemetryQuery(select({ range: { kind: 'custom', from: '', to: '2025-02-02T08:30' } }), now)).toBeNull();
    const backwards = select({ range: { kind: 'custom', from: '2025-02-02T08:30', to: '2025-02-01T08:00' } });
    expect(buildTelemetryQuery(backwards, now)).toBeNull();
    expect(isComplete(backwards)).toBe(false);
    expect(isComplete(select())).toBe(true);
  });

  it('moves on with time only for ranges that end now', () => {
    expect(endsNow({ kind: 'preset', preset: '1h' })).toBe(true);
    expect(endsNow({ kind: 'custom', from: '2025-02-01T08:00', to: '2025-02-02T08:30' })).toBe(false);
  });
});
