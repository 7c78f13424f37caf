// The device's part in rollouts: its firmware history (what it reports now, and each rollout
// that ended for it, oldest first, with the failure reason) and every job it was in.
import { Anchor, Badge, Card, Table, Text, Timeline, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { formatDateTime } from '../../../lib/format';
import { useLiveEvents } from '../../../lib/live-events';
import { deviceJobsKey, firmwareOutcomes, useDeviceJobs, type DeviceExecution } from '../api/device-jobs';

function when(value: string | null | undefined): string {
  return value ? formatDateTime(value) : '—';
}

function reasonOf(e: DeviceExecution): string | undefined {
  return e.status_details?.reason;
}

function FirmwareHistory({ items, reported }: { items: DeviceExecution[]; reported: string | null }) {
  const outcomes = firmwareOutcomes(items);
  return (
    <Timeline bulletSize={14} lineWidth={2} data-testid="firmware-history">
      {outcomes.map((e) => (
        <Timeline.Item
          key={`${e.job_id}-${String(e.execution_number)}`}
          color={e.group === 'completed' ? 'teal' : 'red'}
          title={`${e.firmware_version ?? e.firmware_id ?? 'deleted firmware'} · ${e.group === 'completed' ? 'installed' : 'failed'}`}
          data-testid={`firmware-history-${e.job_id}`}
        >
          <Text size="xs" c="dimmed">
            {when(e.finished_at)} ·{' '}
            <Anchor component={Link} to={`/deployments/${e.job_id}`} size="xs">
              {e.job_id}
            </Anchor>
          </Text>
          {reasonOf(e) ? (
            <Text size="xs" c="red">
              {reasonOf(e)}
            </Text>
          ) : null}
        </Timeline.Item>
      ))}
      <Timeline.Item color="blue" title={`Reports ${reported ?? 'no version'} now`} data-testid="firmware-history-now" />
    </Timeline>
  );
}

export function DeviceJobs({ deviceId, reported }: { deviceId: string; reported: string | null }) {
  const queryClient = useQueryClient();
  const jobs = useDeviceJobs(deviceId, { enabled: true });
  // A rollout's change may be this device's; the listing is small, so refetch it.
  useLiveEvents({
    'job.updated': () => {
      void queryClient.invalidateQueries({ queryKey: deviceJobsKey(deviceId) }, { cancelRefetch: false });
    },
  });
  const items = jobs.data?.items ?? [];
  return (
    <Card withBorder radius="md" data-testid="device-jobs">
      <Title order={4} mb="sm">
        Firmware history
      </Title>
      {jobs.isError ? <ErrorAlert error={jobs.error} action="list the device's jobs" /> : null}
      <FirmwareHistory items={items} reported={reported} />
      <Title order={5} mt="md" mb="xs">
        Jobs
      </Title>
      {items.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="device-jobs-empty">
          {jobs.isPending ? 'Loading…' : 'This device has been in no job.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Job</Table.Th>
                <Table.Th>Firmware</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Step</Table.Th>
                <Table.Th>Queued</Table.Th>
                <Table.Th>Finished</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.job_id} data-testid={`device-job-${e.job_id}`}>
                  <Table.Td>
                    <Anchor component={Link} to={`/deployments/${e.job_id}`} ff="monospace" size="sm">
                      {e.job_id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{e.firmware_version ?? '—'}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" size="sm" color={e.group === 'failed' ? 'red' : e.group === 'completed' ? 'teal' : 'blue'}>
                      {e.status.replace('_', ' ')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {e.step ?? '—'}
                    {e.percent != null ? ` ${String(e.percent)}%` : ''}
                  </Table.Td>
                  <Table.Td>{when(e.queued_at)}</Table.Td>
                  <Table.Td>{when(e.finished_at)}</Table.Td>
                  <Table.Td>{reasonOf(e) ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
