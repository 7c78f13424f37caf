import { describe, expect, it } from 'vitest';
import { EMPTY_REPORT_FORM, formToReportRequest } from './report-request';

describe('formToReportRequest', () => {
  it('sends only the filters of the chosen kind, with what was filled in', () => {
    const values = { ...EMPTY_REPORT_FORM, model: 'Thermo', deviceStatus: 'online' as const, jobStatus: 'paused' };
    expect(formToReportRequest(values)).toEqual({
      kind: 'devices',
      format: 'csv',
      gzip: false,
      filters: { model: 'Thermo', status: 'online' },
    });
    expect(formToReportRequest({ ...values, kind: 'jobs' }).filters).toEqual({ status: 'paused' });
    expect(formToReportRequest({ ...EMPTY_REPORT_FORM, kind: 'jobs' }).filters).toEqual({});
  });

  it('splits telemetry keys and sends its times as RFC 3339', () => {
    const request = formToReportRequest({
      ...EMPTY_REPORT_FORM,
      kind: 'telemetry',
      format: 'ndjson',
      gzip: true,
      deviceId: ' dev_1 ',
      keys: 'temperature, rssi,,',
      from: '2025-03-01T10:00',
    });
    expect(request).toEqual({
      kind: 'telemetry',
      format: 'ndjson',
      gzip: true,
      filters: {
        device_id: 'dev_1',
        keys: ['temperature', 'rssi'],
        from: new Date('2025-03-01T10:00').toISOString().replace('.000Z', 'Z'),
      },
    });
  });

  it('names the audit filters as the audit API does, without action for onboarding', () => {
    const values = {
      ...EMPTY_REPORT_FORM,
      kind: 'audit' as const,
      actorType: 'user',
      actorId: 'usr_1',
      action: 'auth.login',
      result: 'failure',
      to: '2025-03-02T00:00',
    };
    const audit = formToReportRequest(values).filters ?? {};
    expect(Object.keys(audit).sort()).toEqual(['action', 'actor_id', 'actor_type', 'result', 'until']);
    const onboarding = formToReportRequest({ ...values, kind: 'onboarding' }).filters ?? {};
    expect(onboarding.action).toBeUndefined();
    expect(onboarding.actor_id).toBe('usr_1');
  });
});
