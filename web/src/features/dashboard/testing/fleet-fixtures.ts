import type { FleetTelemetry } from '../api/fleet';

const MINUTE = 60_000;

/** Points a minute apart ending about now, as the server's fleet sampler keeps them. */
export function minutePoints(values: readonly number[], end = Date.now()): [number, number][] {
  const last = Math.floor(end / MINUTE) * MINUTE;
  return values.map((value, i) => [last - (values.length - 1 - i) * MINUTE, value]);
}

export function makeFleet(overrides: Partial<FleetTelemetry> = {}): FleetTelemetry {
  return {
    devices: { total: 12, online: 9, offline: 3 },
    by_model: [
      { name: 'Thermo', count: 8, online: 7 },
      { name: 'Valve', count: 4, online: 2 },
    ],
    by_firmware: [
      { name: '2.0.0', count: 7, online: 6 },
      { name: '1.9.3', count: 4, online: 3 },
      { name: 'unknown', count: 1, online: 0 },
    ],
    by_health: [
      { name: 'ok', count: 10 },
      { name: 'degraded', count: 2 },
    ],
    online: { interval_ms: 300_000, points: minutePoints([7, 8, 9, 9]) },
    messages_per_minute: { interval_ms: 300_000, points: minutePoints([110, 130, 125, 140]) },
    ...overrides,
  };
}

export const EMPTY_FLEET: FleetTelemetry = {
  devices: { total: 0, online: 0, offline: 0 },
  by_model: [],
  by_firmware: [],
  by_health: [],
  online: { interval_ms: 300_000, points: minutePoints([0]) },
  messages_per_minute: { interval_ms: 300_000, points: [] },
};
