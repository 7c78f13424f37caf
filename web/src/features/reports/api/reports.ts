import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { operations } from '../../../lib/api-types';
import { createReport, reportsKeys, type Report } from '../../../lib/reports';

export type ReportPage = operations['listReports']['responses'][200]['content']['application/json'];
export type ReportStatus = Report['status'];

/** The newest reports the page lists (the API's largest page). */
export const REPORTS_LIMIT = 100;

/** How often the list is read again while a report is being written: its row count moves. */
export const REPORT_POLL_MS = 1000;

/** Whether the server is still writing the report. */
export function isInProgress(report: Report): boolean {
  return report.status === 'queued' || report.status === 'running';
}

export function getReports(signal?: AbortSignal): Promise<ReportPage> {
  return api.get<ReportPage>('/api/v1/reports', { query: { limit: REPORTS_LIMIT }, ...(signal ? { signal } : {}) });
}

/** The user's reports, newest first, polled every second while any is queued or running. */
export function useReports() {
  return useQuery({
    queryKey: reportsKeys.list(),
    queryFn: ({ signal }) => getReports(signal),
    // Another page (the audit log's Export) may just have asked for one.
    refetchOnMount: 'always',
    refetchInterval: (query) => (query.state.data?.items.some(isInProgress) ? REPORT_POLL_MS : false),
  });
}

export function getReport(id: string): Promise<Report> {
  return api.get<Report>(`/api/v1/reports/${encodeURIComponent(id)}`);
}

export function useCreateReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createReport,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: reportsKeys.list() }),
  });
}
