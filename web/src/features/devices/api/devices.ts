import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components, operations } from '../../../lib/api-types';

export type Device = components['schemas']['Device'];
export type DeviceDetail = components['schemas']['DeviceDetail'];
export type DeviceCertificate = components['schemas']['DeviceCertificate'];
export type DevicePage = components['schemas']['DevicePage'];
export type DeviceStatus = Device['status'];
export type DeviceLifecycle = Device['lifecycle'];
export type AuditEntry = components['schemas']['AuditEntry'];
export type AuditPage = components['schemas']['AuditPage'];

/** The filters of GET /api/v1/devices. */
export type DeviceQuery = Omit<NonNullable<operations['listDevices']['parameters']['query']>, 'cursor' | 'limit'>;

export const DEVICES_PAGE_SIZE = 50;
export const HISTORY_SIZE = 100;

export const devicesKeys = {
  all: ['devices'] as const,
  lists: () => [...devicesKeys.all, 'list'] as const,
  list: (query: DeviceQuery) => [...devicesKeys.lists(), query] as const,
  detail: (id: string) => [...devicesKeys.all, 'detail', id] as const,
  history: (id: string) => [...devicesKeys.all, 'history', id] as const,
};

export function getDevices({
  query,
  cursor,
  signal,
}: {
  query: DeviceQuery;
  cursor?: string | undefined;
  signal?: AbortSignal;
}): Promise<DevicePage> {
  return api.get<DevicePage>('/api/v1/devices', {
    query: { ...query, limit: DEVICES_PAGE_SIZE, cursor },
    ...(signal ? { signal } : {}),
  });
}

export function devicesQueryOptions(query: DeviceQuery) {
  return infiniteQueryOptions({
    queryKey: devicesKeys.list(query),
    queryFn: ({ pageParam, signal }) => getDevices({ query, cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useDevices(query: DeviceQuery, options: { pollMs?: number | false } = {}) {
  return useInfiniteQuery({ ...devicesQueryOptions(query), refetchInterval: options.pollMs ?? false });
}

export function getDevice(id: string, signal?: AbortSignal): Promise<DeviceDetail> {
  return api.get<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export function deviceQueryOptions(id: string) {
  return queryOptions({ queryKey: devicesKeys.detail(id), queryFn: ({ signal }) => getDevice(id, signal) });
}

export function useDevice(id: string, options: { pollMs?: number | false } = {}) {
  return useQuery({ ...deviceQueryOptions(id), refetchInterval: options.pollMs ?? false });
}

/** The device's audit entries, newest first (its connection history among them). */
export function getDeviceHistory(id: string, signal?: AbortSignal): Promise<AuditPage> {
  return api.get<AuditPage>('/api/v1/audit', {
    query: { target_id: id, limit: HISTORY_SIZE },
    ...(signal ? { signal } : {}),
  });
}

export function useDeviceHistory(id: string, enabled: boolean) {
  return useQuery({
    queryKey: devicesKeys.history(id),
    queryFn: ({ signal }) => getDeviceHistory(id, signal),
    enabled,
  });
}

export function revokeCertificate(id: string): Promise<DeviceDetail> {
  return api.post<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}/certificate/revoke`);
}

export function decommissionDevice(id: string): Promise<DeviceDetail> {
  return api.post<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}/decommission`);
}

function useDeviceChange(mutationFn: (id: string) => Promise<DeviceDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async (device) => {
      // Connectivity is the live stream's to tell: the answer was composed before the server
      // dropped the device's connection, and the device.updated event saying so may have
      // arrived first (it did in the browser test: the page showed a revoked device online).
      queryClient.setQueryData<DeviceDetail>(devicesKeys.detail(device.id), (current) =>
        current ? { ...device, status: current.status, last_seen: current.last_seen } : device,
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: devicesKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: devicesKeys.history(device.id) }),
      ]);
    },
  });
}

export function useRevokeCertificate() {
  return useDeviceChange(revokeCertificate);
}

export function useDecommissionDevice() {
  return useDeviceChange(decommissionDevice);
}
