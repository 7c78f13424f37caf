import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { RecordStatus, RegistryQuery } from '../api/registry';

/** The registry filters as kept in the page URL. */
export interface RegistryFilterValues {
  q: string;
  status: '' | RecordStatus;
  model: string;
}

export const EMPTY_REGISTRY_FILTERS: RegistryFilterValues = { q: '', status: '', model: '' };

export const RECORD_STATUSES: readonly RecordStatus[] = ['manufactured', 'registered', 'decommissioned'];

export function registryFiltersFromParams(params: URLSearchParams): RegistryFilterValues {
  const status = params.get('status') ?? '';
  return {
    q: params.get('q') ?? '',
    status: (RECORD_STATUSES as readonly string[]).includes(status) ? (status as RecordStatus) : '',
    model: params.get('model') ?? '',
  };
}

export function registryFiltersToQuery(values: RegistryFilterValues): RegistryQuery {
  const query: RegistryQuery = {};
  if (values.q.trim()) query.q = values.q.trim();
  if (values.status) query.status = values.status;
  if (values.model.trim()) query.model = values.model.trim();
  return query;
}

export function useRegistryFilters() {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => registryFiltersFromParams(params), [params]);
  const query = useMemo(() => registryFiltersToQuery(values), [values]);
  /** Puts `next` in the URL; false when it is there already (then the caller refetches). */
  const apply = useCallback(
    (next: RegistryFilterValues): boolean => {
      const out = new URLSearchParams();
      for (const [key, value] of Object.entries(registryFiltersToQuery(next))) out.set(key, value);
      if (out.toString() === params.toString()) return false;
      setParams(out);
      return true;
    },
    [params, setParams],
  );
  return { values, query, apply, key: params.toString() };
}
