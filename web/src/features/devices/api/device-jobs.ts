import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';
import { devicesKeys } from './devices';

export type DeviceExecution = components['schemas']['DeviceExecution'];

export const deviceJobsKey = (id: string) => [...devicesKeys.all, 'jobs', id] as const;

/** The device's executions across jobs, newest job first, with each job's firmware version. */
export function getDeviceJobs(id: string, signal?: AbortSignal): Promise<{ items: DeviceExecution[] }> {
  return api.get(`/api/v1/devices/${encodeURIComponent(id)}/jobs`, { signal });
}

export function useDeviceJobs(id: string, options: { enabled: boolean; pollMs?: number | false }) {
  return useQuery({
    queryKey: deviceJobsKey(id),
    queryFn: ({ signal }) => getDeviceJobs(id, signal),
    enabled: options.enabled,
    refetchInterval: options.pollMs ?? false,
  });
}

/** Final firmware outcomes (succeeded or failed, not canceled), oldest first. */
export function firmwareOutcomes(items: readonly DeviceExecution[]): DeviceExecution[] {
  return items
    .filter((e) => e.group === 'completed' || e.group === 'failed')
    .sort((a, b) => (a.finished_at ?? a.updated_at ?? '').localeCompare(b.finished_at ?? b.updated_at ?? ''));
}
