import { Anchor, Group, NativeSelect, Progress, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { LoadMore } from '../../../components/ui/LoadMore';
import { formatDateTime } from '../../../lib/format';
import { EXECUTION_STATUSES, useJobExecutions, type ExecutionStatus } from '../api/jobs';
import { ExecutionStatusBadge } from './JobBadges';

/** A job's executions, filtered by state on the server, each with its step, percent and reason. */
export function ExecutionsTable({ jobId }: { jobId: string }) {
  const [status, setStatus] = useState<ExecutionStatus | null>(null);
  const list = useJobExecutions(jobId, status);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <Group mb="sm">
        <NativeSelect
          label="State"
          data={[{ value: '', label: 'All states' }, ...EXECUTION_STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') }))]}
          value={status ?? ''}
          onChange={(event) => {
            setStatus((event.currentTarget.value || null) as ExecutionStatus | null);
          }}
          data-testid="executions-filter"
        />
      </Group>
      {list.isError && items.length === 0 ? <ErrorAlert error={list.error} action="list the executions" /> : null}
      <Table.ScrollContainer minWidth={760}>
        <Table data-testid="executions-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Device</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Step</Table.Th>
              <Table.Th w={140}>Percent</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Attempt</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((e) => (
              <Table.Tr key={e.device_id} data-testid={`execution-row-${e.device_id}`} data-status={e.status}>
                <Table.Td>
                  <Anchor component={Link} to={`/devices/${e.device_id}`} ff="monospace" size="sm">
                    {e.device_id}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <ExecutionStatusBadge status={e.status} />
                </Table.Td>
                <Table.Td>{e.step ?? '—'}</Table.Td>
                <Table.Td>
                  {e.percent == null ? (
                    '—'
                  ) : (
                    <Group gap={6} wrap="nowrap">
                      <Progress value={e.percent} w={80} size="sm" />
                      <Text size="xs">{e.percent}%</Text>
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={e.group === 'failed' ? 'red' : undefined}>
                    {e.status_details?.reason ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>{e.execution_number}</Table.Td>
                <Table.Td>{e.updated_at ? formatDateTime(e.updated_at) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!list.isPending && items.length === 0 ? (
        <Text c="dimmed" ta="center" p="md" data-testid="executions-empty">
          {status ? `No execution is ${status.replace('_', ' ')}.` : 'No executions.'}
        </Text>
      ) : null}
      <LoadMore list={list} testId="executions-load-more" />
    </>
  );
}
