import { useState } from 'react';
import type { TelemetryAgg, TelemetryRange, TelemetrySelection } from '../api/telemetry-query';

export const DEFAULT_RANGE: TelemetryRange = { kind: 'preset', preset: '24h' };

/**
 * What the device's chart shows. Until the user picks keys, the chart follows `defaultKeys`
 * (which the latest values decide, and which arrive after the page opens).
 */
export function useTelemetrySelection(defaultKeys: readonly string[]) {
  const [keys, setKeys] = useState<readonly string[] | null>(null);
  const [range, setRange] = useState<TelemetryRange>(DEFAULT_RANGE);
  const [agg, setAgg] = useState<TelemetryAgg>('avg');
  const selection: TelemetrySelection = { keys: keys ?? defaultKeys, range, agg };
  return { selection, setKeys, setRange, setAgg };
}
