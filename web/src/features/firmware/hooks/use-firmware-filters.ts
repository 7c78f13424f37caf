import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { FirmwareQuery } from '../api/firmware';

/** The firmware filters as kept in the page URL. */
export interface FirmwareFilterValues {
  model: string;
}

export const EMPTY_FIRMWARE_FILTERS: FirmwareFilterValues = { model: '' };

export function firmwareFiltersFromParams(params: URLSearchParams): FirmwareFilterValues {
  return { model: params.get('model') ?? '' };
}

export function firmwareFiltersToQuery(values: FirmwareFilterValues): FirmwareQuery {
  const query: FirmwareQuery = {};
  if (values.model.trim()) query.model = values.model.trim();
  return query;
}

export function useFirmwareFilters() {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => firmwareFiltersFromParams(params), [params]);
  const query = useMemo(() => firmwareFiltersToQuery(values), [values]);
  /** Puts `next` in the URL; false when it is there already (then the caller refetches). */
  const apply = useCallback(
    (next: FirmwareFilterValues): boolean => {
      const out = new URLSearchParams();
      for (const [key, value] of Object.entries(firmwareFiltersToQuery(next))) out.set(key, value);
      if (out.toString() === params.toString()) return false;
      setParams(out);
      return true;
    },
    [params, setParams],
  );
  return { values, query, apply, key: params.toString() };
}
