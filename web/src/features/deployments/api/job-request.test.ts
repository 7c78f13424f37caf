import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_FORM, parseWaves, toJobRequest } from './job-request';

describe('parseWaves', () => {
  it('reads cumulative percents with commas, spaces or percent signs', () => {
    expect(parseWaves('10, 50 100%')).toEqual([10, 50, 100]);
    expect(parseWaves('  ')).toEqual([]);
  });

  it.each([
    ['10, abc, 100', /whole numbers/],
    ['50, 20, 100', /larger share/],
    ['10, 50', /last wave reaches 100/],
    ['0, 100', /whole numbers/],
  ])('refuses %s', (text, message) => {
    expect(parseWaves(text)).toMatch(message);
  });
});

describe('toJobRequest', () => {
  it('names what is missing', () => {
    expect(toJobRequest(DEFAULT_JOB_FORM)).toEqual({
      errors: { firmware_id: 'Choose the firmware to roll out.', targets: 'Choose devices, groups or a selector.' },
    });
  });

  it('makes the body the server takes, with only the targets chosen', () => {
    const made = toJobRequest({
      ...DEFAULT_JOB_FORM,
      firmwareId: 'fw_1',
      devices: ['dev_1'],
      selector: ' model=Thermo ',
      waves: '50, 100',
      soakS: 30,
      maxPerMinute: 10,
      abortFailurePercent: 20,
    });
    expect(made).toEqual({
      request: {
        firmware_id: 'fw_1',
        targets: { devices: ['dev_1'], selector: 'model=Thermo' },
        continuous: false,
        rollout: {
          max_per_minute: 10,
          growth_factor: 1,
          growth_every: 0,
          waves: [
            { percent: 50, soak_s: 30 },
            { percent: 100, soak_s: 30 },
          ],
          abort_failure_percent: 20,
          abort_min_finished: 10,
          in_progress_timeout_s: 3600,
          max_retries: 0,
        },
      },
    });
  });
});
