import { Button, Card, Center, Loader, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { LoadMore } from '../../../components/ui/LoadMore';
import { LiveIndicator } from '../../../components/ui/LiveIndicator';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCan } from '../../../lib/auth';
import { useJobs } from '../api/jobs';
import { useFirmwareOptions } from '../api/targets';
import { useLiveJobs } from '../hooks/use-live-jobs';
import { CreateJobForm } from './CreateJobForm';
import { JobsTable } from './JobsTable';

export function DeploymentsPage() {
  const canManage = useCan('jobs.manage');
  const pollMs = useLiveJobs();
  const list = useJobs({ pollMs });
  const firmware = useFirmwareOptions();
  const [creating, setCreating] = useState(false);
  const jobs = list.data?.pages.flatMap((page) => page.items) ?? [];
  const versions = new Map((firmware.data?.items ?? []).map((f) => [f.id, f.version]));

  return (
    <>
      <PageHeader
        title="Deployments"
        description={
          canManage
            ? 'Firmware rollouts to devices, groups and label selectors, with their progress live.'
            : 'Firmware rollouts and their progress, live (read only).'
        }
        actions={
          <>
            <LiveIndicator />
            {canManage && !creating ? (
              <Button
                onClick={() => {
                  setCreating(true);
                }}
                data-testid="new-job-button"
              >
                New rollout
              </Button>
            ) : null}
          </>
        }
      />
      {canManage && creating ? (
        <Card withBorder radius="md" mb="md">
          <Title order={4} mb="sm">
            New rollout
          </Title>
          <CreateJobForm
            onCancel={() => {
              setCreating(false);
            }}
          />
        </Card>
      ) : null}

      {list.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading jobs" />
        </Center>
      ) : list.isError && jobs.length === 0 ? (
        <ErrorAlert error={list.error} action="list jobs" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <JobsTable jobs={jobs} versions={versions} />
          {jobs.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="jobs-empty">
              No rollouts yet.
            </Text>
          ) : null}
        </Card>
      )}
      <LoadMore list={list} testId="jobs-load-more" />
    </>
  );
}
