// What the create-job form offers to choose from: firmware, devices (searched on the server as
// the user types), static groups.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';

export type Firmware = components['schemas']['Firmware'];
export type Device = components['schemas']['Device'];
export type Group = components['schemas']['Group'];

/** The server's page limit for these lists: enough for a choice in a form. */
const OPTION_LIMIT = 200;
const DEVICE_MATCHES = 20;

export const targetKeys = {
  firmware: ['jobs', 'targets', 'firmware'] as const,
  devices: (q: string) => ['jobs', 'targets', 'devices', q] as const,
  groups: ['jobs', 'targets', 'groups'] as const,
};

export function useFirmwareOptions() {
  return useQuery({
    queryKey: targetKeys.firmware,
    queryFn: ({ signal }) =>
      api.get<{ items: Firmware[] }>('/api/v1/firmware', { query: { limit: OPTION_LIMIT }, signal }),
    staleTime: 30_000,
  });
}

/** Devices whose serial, id or model matches `q` (the devices list's own search). */
export function useDeviceMatches(q: string) {
  return useQuery({
    queryKey: targetKeys.devices(q),
    queryFn: ({ signal }) =>
      api.get<{ items: Device[] }>('/api/v1/devices', { query: { q: q || undefined, limit: DEVICE_MATCHES }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useGroupOptions() {
  return useQuery({
    queryKey: targetKeys.groups,
    queryFn: ({ signal }) => api.get<{ items: Group[] }>('/api/v1/groups', { query: { limit: OPTION_LIMIT }, signal }),
    staleTime: 30_000,
  });
}
