import { Alert, Button, Checkbox, Group, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { describeError, notifySuccess } from '../../../lib/notify';
import { REPORT_FORMATS, REPORT_KINDS, type ReportFormat, type ReportKind } from '../../../lib/reports';
import { EMPTY_REPORT_FORM, KIND_FILTERS, formToReportRequest, type ReportFormValues } from '../api/report-request';
import { useCreateReport } from '../api/reports';

const KIND_LABELS: Record<ReportKind, string> = {
  devices: 'Devices',
  telemetry: 'Telemetry',
  audit: 'Audit log',
  jobs: 'Jobs',
  onboarding: 'Onboarding',
};
const FORMAT_LABELS: Record<ReportFormat, string> = { csv: 'CSV', json: 'JSON', ndjson: 'NDJSON' };

const kindOptions = REPORT_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }));
const formatOptions = REPORT_FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] }));
const any = { value: '', label: 'Any' };
const deviceStatusOptions = [any, { value: 'online', label: 'Online' }, { value: 'offline', label: 'Offline' }];
const actorTypeOptions = [
  any,
  { value: 'user', label: 'User' },
  { value: 'device', label: 'Device' },
  { value: 'system', label: 'System' },
];
const resultOptions = [any, { value: 'success', label: 'Success' }, { value: 'failure', label: 'Failure' }];
const jobStatusOptions = [
  any,
  ...['in_progress', 'paused', 'completed', 'canceled', 'aborted'].map((s) => ({ value: s, label: s.replace('_', ' ') })),
];

type TextField = Exclude<keyof ReportFormValues, 'kind' | 'format' | 'gzip'>;

export function CreateReportForm() {
  const create = useCreateReport();
  const [values, setValues] = useState<ReportFormValues>(EMPTY_REPORT_FORM);
  const shown = new Set(KIND_FILTERS[values.kind]);

  const set = (key: TextField) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((v) => ({ ...v, [key]: value }));
  };

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(formToReportRequest(values), {
      onSuccess: (report) => {
        notifySuccess(`The ${KIND_LABELS[values.kind].toLowerCase()} report ${report.id} is being written.`);
      },
    });
  }

  const text = (field: TextField, label: string, props: { placeholder?: string; type?: string } = {}) =>
    shown.has(field) ? (
      <TextInput label={label} value={values[field]} onChange={set(field)} data-testid={`report-${field}`} {...props} />
    ) : null;
  const select = (field: TextField, label: string, data: { value: string; label: string }[]) =>
    shown.has(field) ? (
      <NativeSelect label={label} data={data} value={values[field]} onChange={set(field)} data-testid={`report-${field}`} />
    ) : null;

  return (
    <form onSubmit={onSubmit} aria-label="Create report">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <NativeSelect
            label="Kind"
            data={kindOptions}
            value={values.kind}
            onChange={(e) => {
              const kind = e.currentTarget.value as ReportKind;
              setValues((v) => ({ ...v, kind }));
            }}
            data-testid="report-kind"
          />
          <NativeSelect
            label="Format"
            data={formatOptions}
            value={values.format}
            onChange={(e) => {
              const format = e.currentTarget.value as ReportFormat;
              setValues((v) => ({ ...v, format }));
            }}
            data-testid="report-format"
          />
          <Checkbox
            label="Compress (gzip)"
            mt={{ sm: 30 }}
            checked={values.gzip}
            onChange={(e) => {
              const gzip = e.currentTarget.checked;
              setValues((v) => ({ ...v, gzip }));
            }}
            data-testid="report-gzip"
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm" data-testid="report-filters">
          {text('model', 'Model')}
          {select('deviceStatus', 'Status', deviceStatusOptions)}
          {text('deviceId', 'Device id', { placeholder: 'dev_…' })}
          {text('keys', 'Keys', { placeholder: 'temperature, rssi' })}
          {select('actorType', 'Actor type', actorTypeOptions)}
          {text('actorId', 'Actor id', { placeholder: 'usr_…, dev_…' })}
          {text('action', 'Action', { placeholder: 'e.g. auth.login' })}
          {text('targetType', 'Target type')}
          {text('targetId', 'Target id')}
          {select('result', 'Result', resultOptions)}
          {select('jobStatus', 'Job status', jobStatusOptions)}
          {text('from', 'From', { type: 'datetime-local' })}
          {text('to', 'To', { type: 'datetime-local' })}
        </SimpleGrid>
        {create.error ? (
          <Alert color="red" variant="light" title="Could not create the report" role="alert">
            {describeError(create.error, 'create the report').message}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending} data-testid="report-submit">
            Create report
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
