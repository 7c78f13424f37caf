import { useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { useLiveEvents, useLiveStatus, type DeviceUpdated } from '../../../lib/live-events';
import { devicesKeys, type Device, type DeviceDetail, type DevicePage, type DeviceQuery } from '../api/devices';

/** How often pages poll while live updates are not flowing. */
export const POLL_WITHOUT_LIVE_MS = 30_000;

/** `device` with what a device.updated event says about it. */
export function applyDeviceUpdate<T extends Device>(device: T, update: DeviceUpdated): T {
  return {
    ...device,
    status: update.status,
    lifecycle: (update.lifecycle as Device['lifecycle'] | undefined) ?? device.lifecycle,
    last_seen: update.last_seen ?? device.last_seen,
    firmware_version: update.firmware_version ?? device.firmware_version,
  };
}

/**
 * Applies a device.updated event to every cached device list and to the device's page. A list
 * whose filters the change may affect is refetched, and so is a complete list (no next page)
 * that lacks the device, which may be new; a partly loaded one is left alone, else every event
 * about a device on a later page would reload it.
 */
export function onDeviceUpdated(queryClient: QueryClient, update: DeviceUpdated): void {
  queryClient.setQueryData<DeviceDetail>(devicesKeys.detail(update.id), (current) =>
    current ? applyDeviceUpdate(current, update) : current,
  );

  const lists = queryClient.getQueriesData<InfiniteData<DevicePage>>({ queryKey: devicesKeys.lists() });
  for (const [key, data] of lists) {
    if (!data) continue;
    const query = (key[2] ?? {}) as DeviceQuery;
    const found = data.pages.some((page) => page.items.some((d) => d.id === update.id));
    if (found) {
      queryClient.setQueryData<InfiniteData<DevicePage>>(key, {
        ...data,
        pages: data.pages.map((page) => ({
          ...page,
          items: page.items.map((d) => (d.id === update.id ? applyDeviceUpdate(d, update) : d)),
        })),
      });
    }
    const complete = data.pages.at(-1)?.next_cursor == null;
    if ((!found && complete) || query.status !== undefined || query.lifecycle !== undefined) {
      // cancelRefetch: false, so that a burst of events does not keep restarting the request.
      void queryClient.invalidateQueries({ queryKey: key, exact: true }, { cancelRefetch: false });
    }
  }
  // A connection or disconnection adds an audit entry.
  void queryClient.invalidateQueries({ queryKey: devicesKeys.history(update.id) }, { cancelRefetch: false });
}

/**
 * Keeps device data current: patches it on device.updated, refetches after the stream comes
 * back. Returns how often to poll instead (while the stream is down), or false.
 */
export function useLiveDevices(): number | false {
  const queryClient = useQueryClient();
  useLiveEvents({
    'device.updated': (update) => {
      onDeviceUpdated(queryClient, update);
    },
    resync: () => {
      void queryClient.invalidateQueries({ queryKey: devicesKeys.all });
    },
  });
  return useLiveStatus() === 'open' ? false : POLL_WITHOUT_LIVE_MS;
}
