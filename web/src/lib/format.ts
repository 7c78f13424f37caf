/**
 * A timestamp for tables: local date and time with seconds, e.g. "2025-03-01 14:05:09". Takes
 * RFC 3339 (most of the API) or Unix milliseconds (telemetry).
 */
export function formatDateTime(value: string | number): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/**
 * An <input type="datetime-local"> value ("2025-03-01T14:05", local time) as RFC 3339 UTC
 * without fractional seconds ("2025-03-01T13:05:00Z"); undefined when empty or invalid.
 */
export function localInputToRfc3339(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Unix ms as an <input type="datetime-local"> value in local time, to the minute ("2025-03-01T14:05"). */
export function toLocalInput(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** A size in bytes for people: "512 B", "1.50 KiB", "12.3 MiB", "2.00 GiB" (binary units). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.trunc(bytes || 0))} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${units[unit] ?? ''}`;
}

const DURATION_UNITS: readonly [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** A bucket width or a span for people: "15 s", "5 min", "1 h", "90 min", "2 d"; "0 s" for none. */
export function formatDuration(ms: number): string {
  for (const [size, unit] of DURATION_UNITS) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.max(0, Math.round(ms))} ms`;
}

/**
 * A time-axis tick: the time of day ("14:05") on a chart spanning at most a day, the date with
 * it ("03-01 14:00") on a longer one, where the time of day alone would repeat.
 */
export function formatTimeTick(ms: number, spanMs: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  if (spanMs <= 86_400_000) return time;
  return `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

const RELATIVE_UNITS: readonly [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
];

/**
 * How long ago a timestamp was, for people: "just now", "12 s ago", "5 min ago", "3 h ago",
 * "2 d ago" (whole units, rounded down); "in 5 min" for one in the future.
 */
export function formatRelative(value: string | number, now: number = Date.now()): string {
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) return String(value);
  const delta = now - ms;
  const span = Math.abs(delta);
  if (span < 5000) return 'just now';
  const unit = RELATIVE_UNITS.find(([size]) => span >= size);
  const text = unit ? `${Math.floor(span / unit[0])} ${unit[1]}` : `${Math.floor(span / 1000)} s`;
  return delta >= 0 ? `${text} ago` : `in ${text}`;
}
