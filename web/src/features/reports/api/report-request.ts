// The create form's values and the request they make: only the filters of the chosen kind go,
// since the server refuses a filter its kind does not take.
import { localInputToRfc3339 } from '../../../lib/format';
import type { ReportFilters, ReportFormat, ReportKind, ReportRequest } from '../../../lib/reports';

export interface ReportFormValues {
  kind: ReportKind;
  format: ReportFormat;
  gzip: boolean;
  /** devices */
  model: string;
  deviceStatus: '' | 'online' | 'offline';
  /** telemetry */
  deviceId: string;
  /** comma-separated */
  keys: string;
  /** telemetry and audit: datetime-local values (local time) */
  from: string;
  to: string;
  /** audit and onboarding */
  actorType: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  result: string;
  /** jobs */
  jobStatus: string;
}

export const EMPTY_REPORT_FORM: ReportFormValues = {
  kind: 'devices',
  format: 'csv',
  gzip: false,
  model: '',
  deviceStatus: '',
  deviceId: '',
  keys: '',
  from: '',
  to: '',
  actorType: '',
  actorId: '',
  action: '',
  targetType: '',
  targetId: '',
  result: '',
  jobStatus: '',
};

/** The filter fields each kind shows. */
export const KIND_FILTERS: Readonly<Record<ReportKind, readonly (keyof ReportFormValues)[]>> = {
  devices: ['model', 'deviceStatus'],
  telemetry: ['deviceId', 'keys', 'from', 'to'],
  audit: ['actorType', 'actorId', 'action', 'targetType', 'targetId', 'result', 'from', 'to'],
  onboarding: ['actorType', 'actorId', 'targetType', 'targetId', 'result', 'from', 'to'],
  jobs: ['jobStatus'],
};

const AUDIT_NAMES: Partial<Record<keyof ReportFormValues, string>> = {
  actorType: 'actor_type',
  actorId: 'actor_id',
  action: 'action',
  targetType: 'target_type',
  targetId: 'target_id',
  result: 'result',
  from: 'since',
  to: 'until',
};

const NAMES: Readonly<Record<ReportKind, Partial<Record<keyof ReportFormValues, string>>>> = {
  devices: { model: 'model', deviceStatus: 'status' },
  telemetry: { deviceId: 'device_id', keys: 'keys', from: 'from', to: 'to' },
  audit: AUDIT_NAMES,
  onboarding: AUDIT_NAMES,
  jobs: { jobStatus: 'status' },
};

const TIME_FIELDS = new Set<keyof ReportFormValues>(['from', 'to']);

export function formToReportRequest(values: ReportFormValues): ReportRequest {
  const filters: ReportFilters = {};
  for (const field of KIND_FILTERS[values.kind]) {
    const name = NAMES[values.kind][field];
    const raw = values[field];
    if (!name || typeof raw !== 'string' || !raw.trim()) continue;
    if (field === 'keys') {
      const keys = raw
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      if (keys.length) filters[name] = keys;
    } else if (TIME_FIELDS.has(field)) {
      const time = localInputToRfc3339(raw);
      if (time) filters[name] = time;
    } else {
      filters[name] = raw.trim();
    }
  }
  return { kind: values.kind, format: values.format, gzip: values.gzip, filters };
}
