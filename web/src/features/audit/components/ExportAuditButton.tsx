import { Button, Menu } from '@mantine/core';
import { useNavigate } from 'react-router';
import { notifyError, notifySuccess } from '../../../lib/notify';
import type { ReportFormat } from '../../../lib/reports';
import type { AuditQuery } from '../api/audit';
import { EXPORT_FORMATS, useExportAudit } from '../api/export';

const FORMAT_LABELS: Record<(typeof EXPORT_FORMATS)[number], string> = { csv: 'CSV', ndjson: 'NDJSON (one entry a line)' };

/** Exports the entries the applied filters select as a report, then shows it being written. */
export function ExportAuditButton({ query }: { query: AuditQuery }) {
  const exportAudit = useExportAudit();
  const navigate = useNavigate();

  function start(format: ReportFormat) {
    exportAudit.mutate(
      { query, format },
      {
        onSuccess: (report) => {
          notifySuccess(`The audit export ${report.id} is being written.`);
          void navigate('/reports');
        },
        onError: (error) => {
          notifyError(error, 'export the audit log');
        },
      },
    );
  }

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" loading={exportAudit.isPending} data-testid="audit-export">
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Export these entries as</Menu.Label>
        {EXPORT_FORMATS.map((format) => (
          <Menu.Item
            key={format}
            onClick={() => {
              start(format);
            }}
            data-testid={`audit-export-${format}`}
          >
            {FORMAT_LABELS[format]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
