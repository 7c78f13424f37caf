// Asking for a report: shared by the Reports page and the pages that export what they show
// (the audit log), which then send the user to /reports to watch it.
import { api } from './api-client';
import type { components, operations } from './api-types';

export type Report = components['schemas']['Report'];
type CreateReportBody = operations['createReport']['requestBody']['content']['application/json'];
export type ReportKind = CreateReportBody['kind'];
export type ReportFormat = NonNullable<CreateReportBody['format']>;

/** A kind's filters (docs/openapi.yaml, createReport): texts, and lists for telemetry's keys. */
export type ReportFilters = Record<string, string | string[]>;

export type ReportRequest = Omit<CreateReportBody, 'filters'> & { filters?: ReportFilters };

export const REPORT_KINDS: readonly ReportKind[] = ['devices', 'telemetry', 'audit', 'jobs', 'onboarding'];
export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'json', 'ndjson'];

/** The cache entries of the user's reports: whoever asks for one refreshes them. */
export const reportsKeys = {
  all: ['reports'] as const,
  list: () => [...reportsKeys.all, 'list'] as const,
};

export function createReport(request: ReportRequest): Promise<Report> {
  return api.post<Report>('/api/v1/reports', request);
}
