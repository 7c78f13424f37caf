import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { localInputToRfc3339 } from '../../../lib/format';
import type { ActorType, AuditQuery, AuditResult } from '../api/audit';

/** The filter form's values, as kept in the page URL (so a filtered view can be shared). */
export interface AuditFilterValues {
  actor_type: '' | ActorType;
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string;
  result: '' | AuditResult;
  /** datetime-local values (local time) */
  from: string;
  to: string;
}

export const EMPTY_FILTERS: AuditFilterValues = {
  actor_type: '',
  actor_id: '',
  action: '',
  target_type: '',
  target_id: '',
  result: '',
  from: '',
  to: '',
};

const ACTOR_TYPES: readonly ActorType[] = ['user', 'device', 'system'];
const RESULTS: readonly AuditResult[] = ['success', 'failure', 'denied'];

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): '' | T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : '';
}

export function filtersFromParams(params: URLSearchParams): AuditFilterValues {
  const text = (key: string) => params.get(key) ?? '';
  return {
    actor_type: oneOf(params.get('actor_type'), ACTOR_TYPES),
    actor_id: text('actor_id'),
    action: text('action'),
    target_type: text('target_type'),
    target_id: text('target_id'),
    result: oneOf(params.get('result'), RESULTS),
    from: text('from'),
    to: text('to'),
  };
}

export function filtersToParams(values: AuditFilterValues): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values) as [keyof AuditFilterValues, string][]) {
    const trimmed = value.trim();
    if (trimmed) params.set(key, trimmed);
  }
  return params;
}

/** The API query for the filter values: times become RFC 3339 UTC. */
export function filtersToQuery(values: AuditFilterValues): AuditQuery {
  const query: AuditQuery = {};
  if (values.actor_type) query.actor_type = values.actor_type;
  if (values.actor_id.trim()) query.actor_id = values.actor_id.trim();
  if (values.action.trim()) query.action = values.action.trim();
  if (values.target_type.trim()) query.target_type = values.target_type.trim();
  if (values.target_id.trim()) query.target_id = values.target_id.trim();
  if (values.result) query.result = values.result;
  const since = localInputToRfc3339(values.from);
  if (since) query.since = since;
  const until = localInputToRfc3339(values.to);
  if (until) query.until = until;
  return query;
}

export function useAuditFilters() {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => filtersFromParams(params), [params]);
  const query = useMemo(() => filtersToQuery(values), [values]);
  const apply = useCallback(
    (next: AuditFilterValues) => {
      setParams(filtersToParams(next));
    },
    [setParams],
  );
  return { values, query, apply, key: params.toString() };
}
