import type { Execution, Job, JobPlan } from '../api/jobs';

export function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 'job_1',
    kind: 'firmware',
    firmware_id: 'fw_2',
    status: 'in_progress',
    targets: { devices: ['dev_a', 'dev_b', 'dev_c'], groups: [], selector: '' },
    continuous: false,
    rollout: {
      max_per_minute: 0,
      growth_factor: 1,
      growth_every: 0,
      waves: [],
      abort_failure_percent: 0,
      abort_min_finished: 10,
      in_progress_timeout_s: 3600,
      max_retries: 0,
    },
    description: 'Thermo 2.0',
    wave: 0,
    wave_opens_at: null,
    reason: null,
    created_by: 'usr_admin1',
    created_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T10:00:00Z',
    completed_at: null,
    counts: {
      groups: { queued: 1, in_progress: 1, completed: 1, failed: 0, canceled: 0 },
      by_status: { QUEUED: 1, IN_PROGRESS: 1, SUCCEEDED: 1 },
      total: 3,
      released: 3,
    },
    ...overrides,
  };
}

export function makeExecution(overrides: Partial<Execution> = {}): Execution {
  return {
    job_id: 'job_1',
    device_id: 'dev_a',
    status: 'IN_PROGRESS',
    group: 'in_progress',
    execution_number: 1,
    version_number: 3,
    step: 'download',
    percent: 40,
    status_details: { step: 'download', percent: '40' },
    queued_at: '2025-03-01T10:00:00Z',
    released_at: '2025-03-01T10:00:00Z',
    started_at: '2025-03-01T10:00:05Z',
    timeout_at: '2025-03-01T11:00:05Z',
    updated_at: '2025-03-01T10:00:10Z',
    finished_at: null,
    ...overrides,
  };
}

export function makePlan(overrides: Partial<JobPlan> = {}): JobPlan {
  return {
    dry_run: true,
    targets: [{ device_id: 'dev_a', model: 'Thermo', online: true }],
    skipped: [{ device_id: 'dev_old', reason: 'incompatible_model' }],
    waves: [1],
    offline: 0,
    ...overrides,
  };
}
