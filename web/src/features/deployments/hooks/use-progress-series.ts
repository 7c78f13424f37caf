import { useState } from 'react';
import type { JobCountGroups, JobUpdated } from '../../../lib/live-events';
import { useJobProgress } from '../api/jobs';

/** One point of the chart: the counts at `t` (epoch ms). */
export interface ProgressPoint extends JobCountGroups {
  t: number;
}

interface LivePoint extends ProgressPoint {
  /** When the event arrived, by this browser's clock (the same clock as the query's). */
  received: number;
}

/** Live points kept in memory at most (the server's samples hold the longer history). */
const MAX_LIVE_POINTS = 2000;

/**
 * The chart's points: the samples the server kept since the job began (so a page opened
 * mid-rollout shows the history), then the counts of each job.updated event that arrived since
 * those samples were fetched. Which live points are new is decided by arrival on this
 * browser's clock, not by comparing it with the server's: a browser whose clock is behind the
 * server's would otherwise drop every live point. A live point is drawn no earlier than the
 * last sample. `onUpdate` goes to useLiveJobs, which delivers the job's events.
 */
export function useProgressSeries(jobId: string, now: () => number = Date.now) {
  const samples = useJobProgress(jobId);
  const [live, setLive] = useState<LivePoint[]>([]);
  const history: ProgressPoint[] = (samples.data?.items ?? []).map(({ at, ...counts }) => ({
    t: Date.parse(at),
    ...counts,
  }));
  const last = history.at(-1)?.t ?? Number.NEGATIVE_INFINITY;
  const fetchedAt = samples.dataUpdatedAt;
  const fresh = live
    .filter((p) => p.received >= fetchedAt)
    .map(({ received, ...point }) => ({ ...point, t: Math.max(received, last) }));
  const points = [...history, ...fresh];

  const onUpdate = (update: JobUpdated) => {
    if (update.job_id !== jobId) return;
    const received = now();
    setLive((current) => [...current.slice(-(MAX_LIVE_POINTS - 1)), { t: received, received, ...update.counts }]);
  };
  return { points, isPending: samples.isPending, error: samples.error, onUpdate };
}
