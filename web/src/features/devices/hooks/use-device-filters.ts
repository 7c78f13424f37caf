import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { DeviceLifecycle, DeviceQuery, DeviceStatus } from '../api/devices';

/** The devices filters as kept in the page URL (so a filtered view can be shared). */
export interface DeviceFilterValues {
  q: string;
  status: '' | DeviceStatus;
  lifecycle: '' | DeviceLifecycle;
  model: string;
  label: string;
  /** A label selector (docs/selectors.md), sent as typed: the server says where it is wrong. */
  selector: string;
  /** A group id, or '' for any. */
  group: string;
}

export const EMPTY_DEVICE_FILTERS: DeviceFilterValues = {
  q: '',
  status: '',
  lifecycle: '',
  model: '',
  label: '',
  selector: '',
  group: '',
};

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['online', 'offline'];
export const DEVICE_LIFECYCLES: readonly DeviceLifecycle[] = ['awaiting_certificate', 'active', 'decommissioned'];

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): '' | T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : '';
}

export function deviceFiltersFromParams(params: URLSearchParams): DeviceFilterValues {
  return {
    q: params.get('q') ?? '',
    status: oneOf(params.get('status'), DEVICE_STATUSES),
    lifecycle: oneOf(params.get('lifecycle'), DEVICE_LIFECYCLES),
    model: params.get('model') ?? '',
    label: params.get('label') ?? '',
    selector: params.get('selector') ?? '',
    group: params.get('group') ?? '',
  };
}

export function deviceFiltersToQuery(values: DeviceFilterValues): DeviceQuery {
  const query: DeviceQuery = {};
  if (values.q.trim()) query.q = values.q.trim();
  if (values.status) query.status = values.status;
  if (values.lifecycle) query.lifecycle = values.lifecycle;
  if (values.model.trim()) query.model = values.model.trim();
  if (values.label.trim()) query.label = values.label.trim();
  if (values.selector.trim()) query.selector = values.selector.trim();
  if (values.group) query.group = values.group;
  return query;
}

export function useDeviceFilters() {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => deviceFiltersFromParams(params), [params]);
  const query = useMemo(() => deviceFiltersToQuery(values), [values]);
  /** Puts `next` in the URL; false when it is there already (then the caller refetches). */
  const apply = useCallback(
    (next: DeviceFilterValues): boolean => {
      const out = new URLSearchParams();
      for (const [key, value] of Object.entries(deviceFiltersToQuery(next))) out.set(key, value);
      if (out.toString() === params.toString()) return false;
      setParams(out);
      return true;
    },
    [params, setParams],
  );
  return { values, query, apply, key: params.toString() };
}
