import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components, operations } from '../../../lib/api-types';
import { devicesKeys } from './devices';
import { buildTelemetryQuery, endsNow, isComplete, type TelemetryQuery, type TelemetrySelection } from './telemetry-query';

export type TelemetrySeries = components['schemas']['TelemetrySeries'];
export type TelemetryKeySeries = TelemetrySeries['series'][number];
export type TelemetryValue = components['schemas']['TelemetryValue'];
export type TelemetryScalar = components['schemas']['TelemetryScalar'];
export type LatestTelemetry =
  operations['getDeviceTelemetryLatest']['responses'][200]['content']['application/json'];

/** How often a chart ending now, and the latest values, are read again (there is no telemetry event). */
export const TELEMETRY_POLL_MS = 15_000;

export const telemetryKeys = {
  all: (id: string) => [...devicesKeys.all, 'telemetry', id] as const,
  latest: (id: string) => [...telemetryKeys.all(id), 'latest'] as const,
  series: (id: string, selection: TelemetrySelection) => [...telemetryKeys.all(id), 'series', selection] as const,
};

function telemetryPath(id: string, rest = ''): string {
  return `/api/v1/devices/${encodeURIComponent(id)}/telemetry${rest}`;
}

export function getLatestTelemetry(id: string, signal?: AbortSignal): Promise<LatestTelemetry> {
  return api.get<LatestTelemetry>(telemetryPath(id, '/latest'), signal ? { signal } : {});
}

export function useLatestTelemetry(id: string, options: { enabled: boolean }) {
  return useQuery({
    queryKey: telemetryKeys.latest(id),
    queryFn: ({ signal }) => getLatestTelemetry(id, signal),
    enabled: options.enabled,
    refetchInterval: TELEMETRY_POLL_MS,
  });
}

export function getTelemetrySeries(id: string, query: TelemetryQuery, signal?: AbortSignal): Promise<TelemetrySeries> {
  return api.get<TelemetrySeries>(telemetryPath(id), { query: { ...query }, ...(signal ? { signal } : {}) });
}

/**
 * The chart's series. The window is computed when the request is sent, so that each refetch of
 * a range ending now moves it on; null selections (no keys, a custom range not filled in) wait.
 */
export function useTelemetrySeries(id: string, selection: TelemetrySelection) {
  return useQuery({
    queryKey: telemetryKeys.series(id, selection),
    queryFn: ({ signal }) => {
      const query = buildTelemetryQuery(selection, Date.now());
      if (!query) throw new Error('no telemetry to ask for');
      return getTelemetrySeries(id, query, signal);
    },
    enabled: isComplete(selection),
    refetchInterval: endsNow(selection.range) ? TELEMETRY_POLL_MS : false,
    // Another key or range keeps the chart on screen until its answer arrives.
    placeholderData: keepPreviousData,
  });
}
