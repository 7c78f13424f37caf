import type { FleetCount } from './fleet';

/** Slices a donut shows before it folds the rest into "other": more would not be told apart. */
export const MAX_SLICES = 6;

export interface Slice {
  name: string;
  count: number;
  color: string;
}

const PALETTE = ['indigo.6', 'teal.6', 'grape.6', 'orange.6', 'cyan.6', 'pink.6'];

const HEALTH_COLORS: Readonly<Record<string, string>> = {
  ok: 'teal.6',
  healthy: 'teal.6',
  good: 'teal.6',
  degraded: 'yellow.6',
  warning: 'yellow.6',
  critical: 'red.6',
  error: 'red.6',
  fault: 'red.6',
  failed: 'red.6',
  unknown: 'gray.4',
};

/** Palette colours in order; "unknown" (devices that reported none) in grey. */
export function paletteColor(name: string, index: number): string {
  if (name === 'unknown') return 'gray.4';
  return PALETTE[index % PALETTE.length] ?? 'gray.6';
}

/** Health names the fleet commonly reports in their usual colours, others from the palette. */
export function healthColor(name: string, index: number): string {
  return HEALTH_COLORS[name.toLowerCase()] ?? paletteColor(name, index);
}

/** The biggest counts first, at most MAX_SLICES of them, the rest summed as "other". */
export function toSlices(counts: readonly FleetCount[], colorOf: (name: string, index: number) => string): Slice[] {
  const sorted = [...counts].filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
  const shown = sorted.length > MAX_SLICES ? sorted.slice(0, MAX_SLICES - 1) : sorted;
  const slices = shown.map((c, i) => ({ name: c.name, count: c.count, color: colorOf(c.name, i) }));
  const rest = sorted.slice(shown.length).reduce((sum, c) => sum + c.count, 0);
  if (rest > 0) slices.push({ name: 'other', count: rest, color: 'gray.6' });
  return slices;
}
