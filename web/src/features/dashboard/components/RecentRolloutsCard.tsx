import { Anchor, Badge, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { formatDateTime } from '../../../lib/format';
import { useRecentJobs, type Job } from '../api/recent-jobs';

const STATUS_COLORS: Record<Job['status'], string> = {
  in_progress: 'blue',
  paused: 'yellow',
  completed: 'teal',
  canceled: 'gray',
  aborted: 'red',
};

/** "3 of 4 completed · 1 failed": the job's executions in the portal's groups. */
function countsSummary(job: Job): string {
  const g = job.counts.groups ?? {};
  const completed = g.completed ?? 0;
  const total = Object.values(g).reduce((sum, n) => sum + n, 0);
  const parts = [`${completed} of ${total} completed`];
  if (g.failed) parts.push(`${g.failed} failed`);
  if (g.in_progress) parts.push(`${g.in_progress} in progress`);
  if (g.queued) parts.push(`${g.queued} queued`);
  return parts.join(' · ');
}

function RolloutRow({ job }: { job: Job }) {
  return (
    <div data-testid={`recent-job-${job.id}`}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Anchor component={Link} to={`/deployments/${encodeURIComponent(job.id)}`} size="sm" ff="monospace">
          {job.id}
        </Anchor>
        <Badge size="sm" variant="light" color={STATUS_COLORS[job.status]}>
          {job.status.replace('_', ' ')}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {job.description ? `${job.description} · ` : ''}
        {countsSummary(job)} · {formatDateTime(job.created_at)}
      </Text>
    </div>
  );
}

export function RecentRolloutsCard() {
  const jobs = useRecentJobs();
  return (
    <Card withBorder radius="md" data-testid="recent-rollouts">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Recent rollouts</Title>
        <Anchor component={Link} to="/deployments" size="sm">
          All deployments
        </Anchor>
      </Group>
      {jobs.isPending ? <Loader size="sm" aria-label="Loading rollouts" /> : null}
      {jobs.isError ? <ErrorAlert error={jobs.error} action="list rollouts" /> : null}
      {jobs.data?.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="recent-rollouts-empty">
          No rollouts yet. Firmware rollouts started from Deployments show here with their progress.
        </Text>
      ) : null}
      <Stack gap="sm">
        {jobs.data?.map((job) => (
          <RolloutRow key={job.id} job={job} />
        ))}
      </Stack>
    </Card>
  );
}
