import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';

export type Job = components['schemas']['Job'];
export type JobPage = components['schemas']['JobPage'];
export type JobStatus = Job['status'];
export type JobRequest = components['schemas']['JobRequest'];
export type JobPlan = components['schemas']['JobPlan'];
export type Execution = components['schemas']['Execution'];
export type ExecutionPage = components['schemas']['ExecutionPage'];
export type ExecutionStatus = Execution['status'];
export type ProgressSample = components['schemas']['JobProgressSample'];

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'QUEUED',
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'REJECTED',
  'CANCELED',
  'REMOVED',
];

export const JOBS_PAGE_SIZE = 50;
export const EXECUTIONS_PAGE_SIZE = 100;

export const jobsKeys = {
  all: ['jobs'] as const,
  lists: () => [...jobsKeys.all, 'list'] as const,
  detail: (id: string) => [...jobsKeys.all, 'detail', id] as const,
  executions: (id: string) => [...jobsKeys.all, 'executions', id] as const,
  executionList: (id: string, status: ExecutionStatus | null) => [...jobsKeys.executions(id), status] as const,
  progress: (id: string) => [...jobsKeys.all, 'progress', id] as const,
};

function jobPath(id: string, rest = ''): string {
  return `/api/v1/jobs/${encodeURIComponent(id)}${rest}`;
}

export function jobsQueryOptions() {
  return infiniteQueryOptions({
    queryKey: jobsKeys.lists(),
    queryFn: ({ pageParam, signal }) =>
      api.get<JobPage>('/api/v1/jobs', { query: { limit: JOBS_PAGE_SIZE, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useJobs(options: { pollMs?: number | false } = {}) {
  return useInfiniteQuery({ ...jobsQueryOptions(), refetchInterval: options.pollMs ?? false });
}

export function jobQueryOptions(id: string) {
  return queryOptions({ queryKey: jobsKeys.detail(id), queryFn: ({ signal }) => api.get<Job>(jobPath(id), { signal }) });
}

export function useJob(id: string, options: { pollMs?: number | false } = {}) {
  return useQuery({ ...jobQueryOptions(id), refetchInterval: options.pollMs ?? false });
}

export function useJobExecutions(id: string, status: ExecutionStatus | null) {
  return useInfiniteQuery({
    queryKey: jobsKeys.executionList(id, status),
    queryFn: ({ pageParam, signal }) =>
      api.get<ExecutionPage>(jobPath(id, '/executions'), {
        query: { limit: EXECUTIONS_PAGE_SIZE, cursor: pageParam, status: status ?? undefined },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The samples the server kept of the job's counts (its chart's history before the page opened). */
export function useJobProgress(id: string) {
  return useQuery({
    queryKey: jobsKeys.progress(id),
    queryFn: ({ signal }) => api.get<{ items: ProgressSample[] }>(jobPath(id, '/progress'), { signal }),
  });
}

/** What the job would do: POST /api/v1/jobs?dry_run=true. */
export function previewJob(request: JobRequest): Promise<JobPlan> {
  return api.post<JobPlan>('/api/v1/jobs', request, { query: { dry_run: 'true' } });
}

export function createJob(request: JobRequest): Promise<Job> {
  return api.post<Job>('/api/v1/jobs', request);
}

export function usePreviewJob() {
  return useMutation({ mutationFn: previewJob });
}

export function useCreateJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createJob,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: jobsKeys.lists() }),
  });
}

export type JobAction = 'pause' | 'resume' | 'cancel';

export function changeJob({ id, action, force }: { id: string; action: JobAction; force?: boolean }): Promise<Job> {
  return api.post<Job>(jobPath(id, `/${action}`), action === 'cancel' ? { force: force ?? false } : undefined);
}

export function useChangeJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeJob,
    onSuccess: async (job) => {
      queryClient.setQueryData(jobsKeys.detail(job.id), job);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: jobsKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: jobsKeys.executions(job.id) }),
      ]);
    },
  });
}
