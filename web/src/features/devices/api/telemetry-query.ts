// What the device page's chart asks GET /api/v1/devices/{id}/telemetry for: the keys picked, a
// window (a preset ending now, or two local date-times), an aggregation, and a point budget the
// server picks its bucket width for.
import { presetWindow, type TimeRangePreset } from '../../../lib/time-range';

export type TelemetryAgg = 'avg' | 'min' | 'max' | 'last';

export const TELEMETRY_AGGS: readonly TelemetryAgg[] = ['avg', 'min', 'max', 'last'];

export const TELEMETRY_RANGES: readonly TimeRangePreset[] = ['1h', '24h', '7d', '30d'];

/** Points per key: about one per two pixels of a chart, whatever the window. */
export const CHART_POINTS = 300;

/** At most this many keys per request (the server's limit). */
export const MAX_KEYS = 20;

export type TelemetryRange =
  | { kind: 'preset'; preset: TimeRangePreset }
  /** `<input type="datetime-local">` values, local time. */
  | { kind: 'custom'; from: string; to: string };

export interface TelemetrySelection {
  keys: readonly string[];
  range: TelemetryRange;
  agg: TelemetryAgg;
}

/** The query parameters, times as Unix ms. */
export interface TelemetryQuery {
  keys: string;
  from: number;
  to: number;
  agg: TelemetryAgg;
  limit: number;
}

/** The window of `range` at `now`, or null for a custom one not (or wrongly) filled in. */
export function rangeWindow(range: TelemetryRange, now: number): { from: number; to: number } | null {
  if (range.kind === 'preset') return presetWindow(range.preset, now);
  const from = range.from ? new Date(range.from).getTime() : NaN;
  const to = range.to ? new Date(range.to).getTime() : NaN;
  if (Number.isNaN(from) || Number.isNaN(to) || from >= to) return null;
  return { from, to };
}

/** Whether the window ends now (and so moves on), rather than at a time the user gave. */
export function endsNow(range: TelemetryRange): boolean {
  return range.kind === 'preset';
}

/** Whether there is anything to ask for: keys, and a window (a custom one does not depend on now). */
export function isComplete(selection: TelemetrySelection): boolean {
  return selection.keys.length > 0 && (selection.range.kind === 'preset' || rangeWindow(selection.range, 0) !== null);
}

export function buildTelemetryQuery(selection: TelemetrySelection, now: number): TelemetryQuery | null {
  const window = rangeWindow(selection.range, now);
  if (!window || selection.keys.length === 0) return null;
  return {
    keys: selection.keys.slice(0, MAX_KEYS).join(','),
    from: window.from,
    to: window.to,
    agg: selection.agg,
    limit: CHART_POINTS,
  };
}
