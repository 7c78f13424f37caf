// The answer of GET /api/v1/devices/{id}/telemetry as a chart draws it: numeric and boolean
// series merged into one row per timestamp (booleans as 0/1), string series as their changes.
import { TIME_KEY } from '../../../components/ui/time-axis';
import type { TelemetryKeySeries, TelemetryScalar } from './telemetry';

/** Changes of a string key the page lists, newest first. */
export const MAX_TEXT_CHANGES = 10;

export interface ChartLine {
  /** The row field: keys may hold dots, which recharts would read as a path. */
  name: string;
  /** The key, for the legend and tooltip. */
  label: string;
  kind: 'number' | 'boolean';
}

export interface TextChanges {
  key: string;
  /** [ts, value], newest first. */
  changes: [number, string][];
}

export interface ChartData {
  rows: Record<string, number>[];
  lines: ChartLine[];
  texts: TextChanges[];
  /** Points drawn, over all lines. */
  points: number;
}

function asNumber(value: TelemetryScalar): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function textChanges(series: TelemetryKeySeries): TextChanges {
  const changes: [number, string][] = [];
  const sorted = [...series.points].sort((a, b) => a[0] - b[0]);
  for (const [ts, value] of sorted) {
    const text = String(value);
    if (changes.at(-1)?.[1] !== text) changes.push([ts, text]);
  }
  return { key: series.key, changes: changes.slice(-MAX_TEXT_CHANGES).reverse() };
}

export function toChartData(series: readonly TelemetryKeySeries[]): ChartData {
  const byTime = new Map<number, Record<string, number>>();
  const lines: ChartLine[] = [];
  const texts: TextChanges[] = [];
  let points = 0;
  for (const s of series) {
    if (s.kind === 'string') {
      texts.push(textChanges(s));
      continue;
    }
    const line: ChartLine = { name: `k${String(lines.length)}`, label: s.key, kind: s.kind };
    lines.push(line);
    for (const [ts, value] of s.points) {
      const n = asNumber(value);
      if (n === null) continue;
      let row = byTime.get(ts);
      if (!row) {
        row = { [TIME_KEY]: ts };
        byTime.set(ts, row);
      }
      row[line.name] = n;
      points += 1;
    }
  }
  const rows = [...byTime.values()].sort((a, b) => (a[TIME_KEY] ?? 0) - (b[TIME_KEY] ?? 0));
  return { rows, lines, texts, points };
}
