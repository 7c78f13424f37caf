import { useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { useLiveEvents, useLiveStatus, type JobUpdated } from '../../../lib/live-events';
import { jobsKeys, type Job, type JobPage } from '../api/jobs';

/** How often pages poll while live updates are not flowing. */
export const POLL_WITHOUT_LIVE_MS = 15_000;

/** `job` with the counts a job.updated event carries. */
export function withCounts(job: Job, update: JobUpdated): Job {
  const total = Object.values(update.by_status).reduce((sum, n) => sum + n, 0);
  return {
    ...job,
    counts: { ...job.counts, groups: { ...update.counts }, by_status: { ...update.by_status }, total },
  };
}

/**
 * Patches the counts of the job in its page and in the lists at once (they move many times a
 * second in a big rollout), then refetches them for what the event does not say (the job's
 * status, a new job in the list). cancelRefetch: false, so that a burst of events does not
 * keep restarting the requests.
 */
export function onJobUpdated(queryClient: QueryClient, update: JobUpdated): void {
  queryClient.setQueryData<Job>(jobsKeys.detail(update.job_id), (current) =>
    current ? withCounts(current, update) : current,
  );
  queryClient.setQueriesData<InfiniteData<JobPage>>({ queryKey: jobsKeys.lists() }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((job) => (job.id === update.job_id ? withCounts(job, update) : job)),
          })),
        }
      : data,
  );
  for (const queryKey of [jobsKeys.detail(update.job_id), jobsKeys.lists(), jobsKeys.executions(update.job_id)])
    void queryClient.invalidateQueries({ queryKey }, { cancelRefetch: false });
}

/**
 * Keeps job data current from job.updated events; refetches everything after the stream comes
 * back. Returns how often to poll instead (while the stream is down), or false.
 */
export function useLiveJobs(onUpdate?: (update: JobUpdated) => void): number | false {
  const queryClient = useQueryClient();
  useLiveEvents({
    'job.updated': (update) => {
      onJobUpdated(queryClient, update);
      onUpdate?.(update);
    },
    resync: () => {
      void queryClient.invalidateQueries({ queryKey: jobsKeys.all });
    },
  });
  return useLiveStatus() === 'open' ? false : POLL_WITHOUT_LIVE_MS;
}
