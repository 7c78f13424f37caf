import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';
import { DASHBOARD_POLL_MS, RECENT_COUNT, dashboardKeys } from './keys';

export type Job = components['schemas']['Job'];
export type JobPage = components['schemas']['JobPage'];

/** The newest rollouts, one short page of GET /api/v1/jobs. */
export function useRecentJobs() {
  return useQuery({
    queryKey: dashboardKeys.jobs(),
    queryFn: ({ signal }) => api.get<JobPage>('/api/v1/jobs', { query: { limit: RECENT_COUNT }, signal }),
    select: (page) => page.items,
    refetchInterval: DASHBOARD_POLL_MS,
  });
}
