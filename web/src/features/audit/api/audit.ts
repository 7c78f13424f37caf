import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components, operations } from '../../../lib/api-types';

export type AuditEntry = components['schemas']['AuditEntry'];
export type AuditPage = components['schemas']['AuditPage'];
export type AuditResult = components['schemas']['AuditResult'];
export type ActorType = components['schemas']['ActorType'];

/** The filters of GET /api/v1/audit (all optional, combined with AND). */
export type AuditQuery = Omit<NonNullable<operations['listAuditEntries']['parameters']['query']>, 'cursor' | 'limit'>;

export const AUDIT_PAGE_SIZE = 50;

export const auditKeys = {
  all: ['audit'] as const,
  list: (query: AuditQuery) => [...auditKeys.all, 'list', query] as const,
};

export function getAuditEntries({
  query,
  cursor,
  signal,
}: {
  query: AuditQuery;
  cursor?: string | undefined;
  signal?: AbortSignal;
}): Promise<AuditPage> {
  return api.get<AuditPage>('/api/v1/audit', {
    query: { ...query, limit: AUDIT_PAGE_SIZE, cursor },
    ...(signal ? { signal } : {}),
  });
}

export function auditQueryOptions(query: AuditQuery) {
  return infiniteQueryOptions({
    queryKey: auditKeys.list(query),
    queryFn: ({ pageParam, signal }) => getAuditEntries({ query, cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useAuditEntries(query: AuditQuery) {
  return useInfiniteQuery(auditQueryOptions(query));
}
