import type { TimeRangePreset } from '../../../lib/time-range';

/** The windows of the fleet's history charts. */
export type FleetRange = Extract<TimeRangePreset, '1h' | '24h' | '7d'>;

export const FLEET_RANGES: readonly FleetRange[] = ['1h', '24h', '7d'];

export const DEFAULT_FLEET_RANGE: FleetRange = '24h';

export function isFleetRange(value: string): value is FleetRange {
  return (FLEET_RANGES as readonly string[]).includes(value);
}
