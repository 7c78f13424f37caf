import { Anchor, Card, Center, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { LiveIndicator } from '../../../components/ui/LiveIndicator';
import { NotFound } from '../../../components/ui/NotFound';
import { PageHeader } from '../../../components/ui/PageHeader';
import { isApiError } from '../../../lib/api-client';
import { useCan } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useJob, type Job } from '../api/jobs';
import { useFirmwareOptions } from '../api/targets';
import { useLiveJobs } from '../hooks/use-live-jobs';
import { useNow } from '../../../lib/use-now';
import { useProgressSeries } from '../hooks/use-progress-series';
import { ExecutionsTable } from './ExecutionsTable';
import { JobActions } from './JobActions';
import { countGroups, JobProgressBar, JobStatusBadge } from './JobBadges';
import { ProgressChart } from './ProgressChart';

const COUNT_LABELS = [
  ['queued', 'Queued'],
  ['in_progress', 'In Progress'],
  ['completed', 'Completed'],
  ['failed', 'Failed'],
] as const;

function Counts({ job }: { job: Job }) {
  const c = countGroups(job);
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="job-counts">
      {COUNT_LABELS.map(([key, label]) => (
        <div key={key}>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text size="xl" fw={700} data-testid={`job-count-${key}`}>
            {c[key]}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

function targetsText(job: Job): string {
  const parts: string[] = [];
  if (job.targets.devices?.length) parts.push(`${job.targets.devices.length} devices`);
  if (job.targets.groups?.length) parts.push(`groups ${job.targets.groups.join(', ')}`);
  if (job.targets.selector) parts.push(`selector ${job.targets.selector}`);
  return parts.join(' · ') || '—';
}

export function JobPage() {
  const { id = '' } = useParams();
  const canManage = useCan('jobs.manage');
  const series = useProgressSeries(id);
  const pollMs = useLiveJobs(series.onUpdate);
  const job = useJob(id, { pollMs });
  const firmware = useFirmwareOptions();
  const active = job.data?.status === 'in_progress' || job.data?.status === 'paused';
  const now = useNow(2000, active);

  if (job.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the job" />
      </Center>
    );
  }
  if (job.isError) {
    if (isApiError(job.error) && job.error.status === 404) return <NotFound />;
    return <ErrorAlert error={job.error} action="view this job" />;
  }
  const j = job.data;
  const version = firmware.data?.items.find((f) => f.id === j.firmware_id)?.version ?? j.firmware_id;
  const r = j.rollout;

  return (
    <>
      <Anchor component={Link} to="/deployments" size="sm">
        ← Deployments
      </Anchor>
      <PageHeader
        title={`Rollout of ${version}`}
        description={`${j.id}${j.description ? ` · ${j.description}` : ''}`}
        actions={
          <>
            <LiveIndicator />
            {canManage ? <JobActions job={j} /> : null}
          </>
        }
      />
      <Stack gap="md">
        <Card withBorder radius="md">
          <Group justify="space-between" mb="sm">
            <JobStatusBadge status={j.status} />
            <Text size="sm" c="dimmed">
              Created {formatDateTime(j.created_at)} by {j.created_by ?? '—'}
              {j.completed_at ? ` · ended ${formatDateTime(j.completed_at)}` : ''}
            </Text>
          </Group>
          {j.reason ? (
            <Text c="red" size="sm" mb="sm" data-testid="job-reason">
              {j.reason}
            </Text>
          ) : null}
          <Counts job={j} />
          <JobProgressBar job={j} />
          <Text size="xs" c="dimmed" mt="sm">
            Targets: {targetsText(j)}
            {j.continuous ? ' (continuous)' : ''} · rate {r.max_per_minute ? `${r.max_per_minute}/min` : 'all at once'}
            {r.waves?.length ? ` · waves ${r.waves.map((w) => `${w.percent}%`).join(', ')}` : ''}
            {r.abort_failure_percent ? ` · abort at ${r.abort_failure_percent}% failed` : ''} · timeout{' '}
            {r.in_progress_timeout_s} s · retries {r.max_retries ?? 0}
          </Text>
        </Card>
        <Card withBorder radius="md">
          <Title order={4} mb="sm">
            Progress
          </Title>
          {series.error ? <ErrorAlert error={series.error} action="load the progress" /> : null}
          <ProgressChart points={series.points} until={active ? Math.max(now, series.points.at(-1)?.t ?? 0) : undefined} />
        </Card>
        <Card withBorder radius="md">
          <Title order={4} mb="sm">
            Executions
          </Title>
          <ExecutionsTable jobId={j.id} />
        </Card>
      </Stack>
    </>
  );
}
