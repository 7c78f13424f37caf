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

export type Firmware = components['schemas']['Firmware'];
export type FirmwarePage = components['schemas']['FirmwarePage'];
export type DownloadLink = components['schemas']['DownloadLink'];
export type RegistryPage = components['schemas']['RegistryPage'];

/** The filters of GET /api/v1/firmware. */
export type FirmwareQuery = Omit<NonNullable<operations['listFirmware']['parameters']['query']>, 'cursor' | 'limit'>;

/** The fields PATCH /api/v1/firmware/{id} may change. */
export interface FirmwareNotes {
  description?: string;
  release_notes?: string;
}

export const FIRMWARE_PAGE_SIZE = 50;
/** How many manufacturing records are read to suggest models (the first page is enough to help). */
const MODEL_SUGGESTION_RECORDS = 500;

export const firmwareKeys = {
  all: ['firmware'] as const,
  lists: () => [...firmwareKeys.all, 'list'] as const,
  list: (query: FirmwareQuery) => [...firmwareKeys.lists(), query] as const,
  knownModels: () => [...firmwareKeys.all, 'known-models'] as const,
};

export function getFirmwareList({
  query,
  cursor,
  signal,
}: {
  query: FirmwareQuery;
  cursor?: string | undefined;
  signal?: AbortSignal;
}): Promise<FirmwarePage> {
  return api.get<FirmwarePage>('/api/v1/firmware', {
    query: { ...query, limit: FIRMWARE_PAGE_SIZE, cursor },
    ...(signal ? { signal } : {}),
  });
}

export function firmwareListQueryOptions(query: FirmwareQuery) {
  return infiniteQueryOptions({
    queryKey: firmwareKeys.list(query),
    queryFn: ({ pageParam, signal }) => getFirmwareList({ query, cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useFirmwareList(query: FirmwareQuery) {
  return useInfiniteQuery(firmwareListQueryOptions(query));
}

/**
 * The models named by manufacturing records (registry.read), sorted: the server refuses firmware
 * for a model no record names, so these are the models worth suggesting.
 */
export async function getKnownModels(signal?: AbortSignal): Promise<string[]> {
  const page = await api.get<RegistryPage>('/api/v1/registry', {
    query: { limit: MODEL_SUGGESTION_RECORDS },
    ...(signal ? { signal } : {}),
  });
  return [...new Set(page.items.map((record) => record.model))].sort((a, b) => a.localeCompare(b));
}

export function knownModelsQueryOptions() {
  return queryOptions({
    queryKey: firmwareKeys.knownModels(),
    queryFn: ({ signal }) => getKnownModels(signal),
    staleTime: 60_000,
  });
}

/** Model suggestions for the upload form; only asked for when `enabled` (admins). */
export function useKnownModels(enabled: boolean) {
  return useQuery({ ...knownModelsQueryOptions(), enabled });
}

export function updateFirmware({ id, notes }: { id: string; notes: FirmwareNotes }): Promise<Firmware> {
  return api.patch<Firmware>(`/api/v1/firmware/${encodeURIComponent(id)}`, notes);
}

export function deleteFirmware(id: string): Promise<undefined> {
  return api.delete(`/api/v1/firmware/${encodeURIComponent(id)}`);
}

/** A signed link to the image that the browser can follow without the bearer token. */
export function createDownloadLink(id: string): Promise<DownloadLink> {
  return api.post<DownloadLink>(`/api/v1/firmware/${encodeURIComponent(id)}/download-link`);
}

export function useInvalidateFirmware() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: firmwareKeys.lists() });
}

export function useUpdateFirmware() {
  const invalidate = useInvalidateFirmware();
  return useMutation({ mutationFn: updateFirmware, onSuccess: invalidate });
}

export function useDeleteFirmware() {
  const invalidate = useInvalidateFirmware();
  return useMutation({ mutationFn: deleteFirmware, onSuccess: invalidate });
}

export function useDownloadLink() {
  return useMutation({ mutationFn: createDownloadLink });
}
