import { Badge, Progress, Text, Tooltip } from '@mantine/core';
import type { ExecutionStatus, Job, JobStatus } from '../api/jobs';

const JOB_COLORS: Record<JobStatus, string> = {
  in_progress: 'blue',
  paused: 'yellow',
  completed: 'teal',
  canceled: 'gray',
  aborted: 'red',
};

const JOB_LABELS: Record<JobStatus, string> = {
  in_progress: 'In progress',
  paused: 'Paused',
  completed: 'Completed',
  canceled: 'Canceled',
  aborted: 'Aborted',
};

export function JobStatusBadge({ status }: { status: JobStatus }) {
  return (
    <Badge color={JOB_COLORS[status]} variant="light" data-testid="job-status" data-status={status}>
      {JOB_LABELS[status]}
    </Badge>
  );
}

const EXECUTION_COLORS: Record<ExecutionStatus, string> = {
  QUEUED: 'gray',
  IN_PROGRESS: 'blue',
  SUCCEEDED: 'teal',
  FAILED: 'red',
  TIMED_OUT: 'red',
  REJECTED: 'red',
  CANCELED: 'gray',
  REMOVED: 'gray',
};

export function ExecutionStatusBadge({ status }: { status: ExecutionStatus }) {
  return (
    <Badge color={EXECUTION_COLORS[status]} variant="light" size="sm">
      {status.replace('_', ' ')}
    </Badge>
  );
}

/** The portal's groups of a job's executions, 0 for any the server left out. */
export function countGroups(job: Job) {
  const g = job.counts.groups ?? {};
  return {
    queued: g.queued ?? 0,
    in_progress: g.in_progress ?? 0,
    completed: g.completed ?? 0,
    failed: g.failed ?? 0,
    canceled: g.canceled ?? 0,
  };
}

/** Completed, failed, in progress and canceled shares of the job's executions in one bar. */
export function JobProgressBar({ job }: { job: Job }) {
  const c = countGroups(job);
  const total = c.queued + c.in_progress + c.completed + c.failed + c.canceled;
  const share = (n: number) => (total === 0 ? 0 : (n / total) * 100);
  return (
    <div data-testid="job-progress">
      <Progress.Root size="md">
        {(
          [
            ['completed', c.completed, 'teal'],
            ['failed', c.failed, 'red'],
            ['in_progress', c.in_progress, 'blue'],
            ['canceled', c.canceled, 'gray'],
          ] as const
        ).map(([key, n, color]) => (
          <Tooltip key={key} label={`${key.replace('_', ' ')}: ${n}`}>
            <Progress.Section value={share(n)} color={color} />
          </Tooltip>
        ))}
      </Progress.Root>
      <Text size="xs" c="dimmed" mt={2}>
        {c.completed} of {total} completed
        {c.failed ? ` · ${c.failed} failed` : ''}
        {c.in_progress ? ` · ${c.in_progress} in progress` : ''}
        {c.queued ? ` · ${c.queued} queued` : ''}
      </Text>
    </div>
  );
}
