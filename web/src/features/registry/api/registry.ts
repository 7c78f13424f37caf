import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, isApiError, request } from '../../../lib/api-client';
import type { components, operations } from '../../../lib/api-types';

export type ManufacturingRecord = components['schemas']['ManufacturingRecord'];
export type RecordStatus = ManufacturingRecord['status'];
export type RegistryPage = components['schemas']['RegistryPage'];
export type ImportResult = components['schemas']['ImportResult'];
/** One bad line of a rejected import (`ImportRejected.errors`; line 0 is the file as a whole). */
export interface ImportLineError {
  line: number;
  reason: string;
}

/** The filters of GET /api/v1/registry. */
export type RegistryQuery = Omit<NonNullable<operations['listRegistry']['parameters']['query']>, 'cursor' | 'limit'>;

export const REGISTRY_PAGE_SIZE = 50;

export const registryKeys = {
  all: ['registry'] as const,
  list: (query: RegistryQuery) => [...registryKeys.all, 'list', query] as const,
};

export function getRegistry({
  query,
  cursor,
  signal,
}: {
  query: RegistryQuery;
  cursor?: string | undefined;
  signal?: AbortSignal;
}): Promise<RegistryPage> {
  return api.get<RegistryPage>('/api/v1/registry', {
    query: { ...query, limit: REGISTRY_PAGE_SIZE, cursor },
    ...(signal ? { signal } : {}),
  });
}

export function registryQueryOptions(query: RegistryQuery) {
  return infiniteQueryOptions({
    queryKey: registryKeys.list(query),
    queryFn: ({ pageParam, signal }) => getRegistry({ query, cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useRegistry(query: RegistryQuery) {
  return useInfiniteQuery(registryQueryOptions(query));
}

/** POST /api/v1/registry/import: the CSV as is; all lines or none. */
export function importRegistry({ csv, batch }: { csv: string; batch?: string | undefined }): Promise<ImportResult> {
  return request<ImportResult>('/api/v1/registry/import', {
    method: 'POST',
    body: csv,
    contentType: 'text/csv',
    query: { batch },
  });
}

/** The per-line errors of a rejected import (422 import-rejected), or [] for any other error. */
export function importLineErrors(error: unknown): ImportLineError[] {
  if (!isApiError(error) || error.status !== 422 || !Array.isArray(error.body.errors)) return [];
  return (error.body.errors as unknown[]).flatMap((e) => {
    if (typeof e !== 'object' || e === null) return [];
    const { line, reason } = e as Record<string, unknown>;
    return typeof line === 'number' && typeof reason === 'string' ? [{ line, reason }] : [];
  });
}

export function unlockRecord(serial: string): Promise<ManufacturingRecord> {
  return api.post<ManufacturingRecord>(`/api/v1/registry/${encodeURIComponent(serial)}/unlock`);
}

export function reEnableRecord(serial: string): Promise<ManufacturingRecord> {
  return api.post<ManufacturingRecord>(`/api/v1/registry/${encodeURIComponent(serial)}/re-enable`);
}

function useInvalidateRegistry() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: registryKeys.all });
}

export function useImportRegistry() {
  const invalidate = useInvalidateRegistry();
  return useMutation({ mutationFn: importRegistry, onSuccess: invalidate });
}

export function useUnlockRecord() {
  const invalidate = useInvalidateRegistry();
  return useMutation({ mutationFn: unlockRecord, onSuccess: invalidate });
}

export function useReEnableRecord() {
  const invalidate = useInvalidateRegistry();
  return useMutation({ mutationFn: reEnableRecord, onSuccess: invalidate });
}
