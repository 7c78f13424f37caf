import { describe, expect, it } from 'vitest';
import { clockOffSeconds, defaultChartKeys, listedReadings } from './telemetry-values';

describe('telemetry values', () => {
  it('starts the chart with the first three numeric keys', () => {
    const v = (value: number | boolean | string) => ({ value, ts: 0, received_at: 0 });
    expect(
      defaultChartKeys({ uptime_s: v(5), door_open: v(true), battery: v(80), mode: v('eco'), rssi: v(-60), temperature: v(21) }),
    ).toEqual(['battery', 'rssi', 'temperature']);
  });

  it('notes a device clock more than a minute off, either way', () => {
    expect(clockOffSeconds({ ts: 100_000, received_at: 160_000 })).toBeNull();
    expect(clockOffSeconds({ ts: 100_000, received_at: 190_400 })).toBe(90);
    expect(clockOffSeconds({ ts: 400_000, received_at: 100_000 })).toBe(300);
  });
});

describe('listedReadings', () => {
  it('shows two numeric readings, temperature first', () => {
    expect(listedReadings({ rssi: -60, door_open: true, temperature: 21.5, mode: 'eco', battery: 80 })).toEqual([
      ['temperature', 21.5],
      ['battery', 80],
    ]);
    expect(listedReadings({ rssi: -60, uptime_s: 5, zeta: 1 })).toEqual([
      ['rssi', -60],
      ['uptime_s', 5],
    ]);
    expect(listedReadings(undefined)).toEqual([]);
  });
});
