import { Button, Group, Loader, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { formatBytes, formatDateTime } from '../../../lib/format';
import { notifyError } from '../../../lib/notify';
import { openDownload } from '../../../lib/open-download';
import type { Report } from '../../../lib/reports';
import { getReport, isInProgress } from '../api/reports';
import { ReportStatusBadge } from './ReportStatusBadge';

const rowsFormat = new Intl.NumberFormat();

/** Rows written: a running count while the server writes, the total and size once it is done. */
function Rows({ report }: { report: Report }) {
  if (isInProgress(report)) {
    return (
      <Group gap={6} wrap="nowrap" data-testid="report-progress">
        <Loader size="xs" aria-label={`Writing report ${report.id}`} />
        <Text size="sm">{rowsFormat.format(report.rows_written)} rows so far</Text>
      </Group>
    );
  }
  return (
    <Text size="sm" data-testid="report-rows">
      {rowsFormat.format(report.rows_written)}
      {report.status === 'ready' ? (
        <Text span size="xs" c="dimmed">
          {' '}
          · {formatBytes(report.bytes)}
        </Text>
      ) : null}
    </Text>
  );
}

function DownloadButton({ report }: { report: Report }) {
  // The list's link may have expired (15 min): a GET of the report signs a fresh one.
  const download = useMutation({
    mutationFn: () => getReport(report.id),
    onSuccess: (fresh) => {
      if (fresh.download_url) openDownload(fresh.download_url);
    },
    onError: (error) => {
      notifyError(error, `download the report ${report.id}`);
    },
  });
  return (
    <Button
      size="compact-sm"
      variant="light"
      onClick={() => {
        download.mutate();
      }}
      loading={download.isPending}
      aria-label={`Download report ${report.id}`}
      data-testid={`report-download-${report.id}`}
    >
      Download
    </Button>
  );
}

export function ReportsTable({ reports }: { reports: readonly Report[] }) {
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="reports-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Format</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Rows</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>File</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {reports.map((report) => (
            <Table.Tr key={report.id} data-testid={`report-row-${report.id}`} data-status={report.status}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {report.kind}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {report.id}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {report.format.toUpperCase()}
                  {report.gzip ? ' (gzip)' : ''}
                </Text>
              </Table.Td>
              <Table.Td>
                <ReportStatusBadge status={report.status} />
                {report.status === 'failed' && report.error ? (
                  <Text size="xs" c="red">
                    {report.error}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <Rows report={report} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(report.created_at)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {report.expires_at ? formatDateTime(report.expires_at) : '—'}
                </Text>
              </Table.Td>
              <Table.Td>{report.status === 'ready' ? <DownloadButton report={report} /> : null}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
