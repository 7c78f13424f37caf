import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../../lib/format';
import type { Job } from '../api/jobs';
import { JobProgressBar, JobStatusBadge } from './JobBadges';

export function JobsTable({ jobs, versions }: { jobs: readonly Job[]; versions: ReadonlyMap<string, string> }) {
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table verticalSpacing="sm" data-testid="jobs-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Job</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Firmware</Table.Th>
            <Table.Th w={260}>Executions</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.map((job) => (
            <Table.Tr key={job.id} data-testid={`job-row-${job.id}`}>
              <Table.Td>
                <Anchor component={Link} to={`/deployments/${job.id}`} ff="monospace" size="sm">
                  {job.id}
                </Anchor>
                {job.description ? (
                  <Text size="xs" c="dimmed">
                    {job.description}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <JobStatusBadge status={job.status} />
              </Table.Td>
              <Table.Td>{versions.get(job.firmware_id) ?? job.firmware_id}</Table.Td>
              <Table.Td>
                <JobProgressBar job={job} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(job.created_at)}</Text>
                <Text size="xs" c="dimmed">
                  by {job.created_by ?? '—'}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
