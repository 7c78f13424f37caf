import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';
import { presetWindow } from '../../../lib/time-range';
import type { FleetRange } from './fleet-range';
import { DASHBOARD_POLL_MS, dashboardKeys } from './keys';

export type FleetTelemetry = components['schemas']['FleetTelemetry'];
export type FleetCount = components['schemas']['FleetCount'];
export type FleetSeries = components['schemas']['FleetSeries'];

/** The fleet's answer with the window it was asked for (the answer does not repeat it). */
export type FleetView = FleetTelemetry & { window: { from: number; to: number } };

export async function getFleetTelemetry(range: FleetRange, now: number, signal?: AbortSignal): Promise<FleetView> {
  const window = presetWindow(range, now);
  const answer = await api.get<FleetTelemetry>('/api/v1/telemetry/fleet', {
    query: { from: window.from, to: window.to },
    ...(signal ? { signal } : {}),
  });
  return { ...answer, window };
}

export function useFleetTelemetry(range: FleetRange) {
  return useQuery({
    queryKey: dashboardKeys.fleet(range),
    queryFn: ({ signal }) => getFleetTelemetry(range, Date.now(), signal),
    refetchInterval: DASHBOARD_POLL_MS,
    // Another range keeps the counts and charts on screen until its answer arrives.
    placeholderData: keepPreviousData,
  });
}
