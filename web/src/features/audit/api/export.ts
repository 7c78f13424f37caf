import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createReport, reportsKeys, type ReportFilters, type ReportFormat } from '../../../lib/reports';
import type { AuditQuery } from './audit';

/** The formats an audit export offers: tables for people, one entry a line for tools. */
export const EXPORT_FORMATS: readonly Extract<ReportFormat, 'csv' | 'ndjson'>[] = ['csv', 'ndjson'];

/** Asks for an `audit` report of the entries `query` selects (the same filter names). */
export function useExportAudit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ query, format }: { query: AuditQuery; format: ReportFormat }) => {
      const filters: ReportFilters = {};
      for (const [key, value] of Object.entries(query)) if (typeof value === 'string' && value) filters[key] = value;
      return createReport({ kind: 'audit', format, filters });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: reportsKeys.all }),
  });
}
