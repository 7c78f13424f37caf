import { useState } from 'react';
import type { JobCountGroups, JobUpdated } from '../../../lib/live-events';
import { useJobProgress } from '../api/jobs';

/** One point of the chart: the counts at `t` (epoch ms). */
export interface ProgressPoint extends JobCountGroups {
  t: number;
}

/** Live points kept in memory at most (the server's samples hold the longer history). */
const MAX_LIVE_POINTS = 2000;

/**
 * The chart's points: the samples the server kept since the job began (so a page opened
 * mid-rollout shows the history), then the counts of each job.updated event since. `onUpdate`
 * goes to useLiveJobs, which delivers the job's events.
 */
export function useProgressSeries(jobId: string, now: () => number = Date.now) {
  const samples = useJobProgress(jobId);
  const [live, setLive] = useState<ProgressPoint[]>([]);
  const history: ProgressPoint[] = (samples.data?.items ?? []).map(({ at, ...counts }) => ({
    t: Date.parse(at),
    ...counts,
  }));
  const last = history.at(-1)?.t ?? Number.NEGATIVE_INFINITY;
  const points = [...history, ...live.filter((p) => p.t > last)];

  const onUpdate = (update: JobUpdated) => {
    if (update.job_id !== jobId) return;
    const point = { t: now(), ...update.counts };
    setLive((current) => [...current.slice(-(MAX_LIVE_POINTS - 1)), point]);
  };
  return { points, isPending: samples.isPending, error: samples.error, onUpdate };
}
