// The time ranges the portal's charts offer, each ending now. A query built from one is
// computed when it is sent (not when the page renders), so that a refetch moves the window on.

export type TimeRangePreset = '1h' | '24h' | '7d' | '30d';

export const TIME_RANGE_MS: Readonly<Record<TimeRangePreset, number>> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export const TIME_RANGE_LABELS: Readonly<Record<TimeRangePreset, string>> = {
  '1h': '1 h',
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
};

/** Options for a SegmentedControl offering `presets`, in that order. */
export function timeRangeOptions(presets: readonly TimeRangePreset[]): { value: TimeRangePreset; label: string }[] {
  return presets.map((value) => ({ value, label: TIME_RANGE_LABELS[value] }));
}

export function isTimeRangePreset(value: string): value is TimeRangePreset {
  return value in TIME_RANGE_MS;
}

/** The window of `preset` ending at `now` (Unix ms). */
export function presetWindow(preset: TimeRangePreset, now: number): { from: number; to: number } {
  return { from: now - TIME_RANGE_MS[preset], to: now };
}
