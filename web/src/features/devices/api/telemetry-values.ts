import type { LatestTelemetry, TelemetryScalar, TelemetryValue } from './telemetry';

/** Keys the chart starts with: this many numeric ones, in key order. */
export const DEFAULT_CHART_KEYS = 3;

/** A device time further than this from the server's is worth a note: its clock is off. */
export const CLOCK_OFF_MS = 60_000;

export function sortedKeys(latest: LatestTelemetry['values']): string[] {
  return Object.keys(latest).sort((a, b) => a.localeCompare(b));
}

export function defaultChartKeys(latest: LatestTelemetry['values']): string[] {
  return sortedKeys(latest)
    .filter((key) => typeof latest[key]?.value === 'number')
    .slice(0, DEFAULT_CHART_KEYS);
}

/** Whole seconds between the device's time and the server's when past CLOCK_OFF_MS, else null. */
export function clockOffSeconds(value: Pick<TelemetryValue, 'ts' | 'received_at'>): number | null {
  const off = Math.abs(value.received_at - value.ts);
  return off > CLOCK_OFF_MS ? Math.round(off / 1000) : null;
}

export function formatScalar(value: TelemetryScalar): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  return String(value);
}

/** Keys the device list prefers to show, when a device sends them. */
const LISTED_FIRST = ['temperature', 'humidity', 'battery'];

/** Readings the device list shows: at most two numeric ones, the usual suspects first. */
export const LISTED_READINGS = 2;

export function listedReadings(telemetry: Readonly<Record<string, TelemetryScalar>> | undefined): [string, number][] {
  if (!telemetry) return [];
  const numeric = Object.entries(telemetry).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  const rank = (key: string) => {
    const i = LISTED_FIRST.indexOf(key);
    return i === -1 ? LISTED_FIRST.length : i;
  };
  return numeric
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .slice(0, LISTED_READINGS);
}
