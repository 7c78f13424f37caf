import { Badge } from '@mantine/core';
import type { ReportStatus } from '../api/reports';

const STATUS_COLORS: Record<ReportStatus, string> = {
  queued: 'gray',
  running: 'blue',
  ready: 'teal',
  failed: 'red',
  expired: 'gray',
};

export function ReportStatusBadge({ status }: { status: ReportStatus }) {
  return (
    <Badge variant="light" color={STATUS_COLORS[status]} data-testid="report-status">
      {status}
    </Badge>
  );
}
