// The create-job form's values and the POST /api/v1/jobs body they make (jobs/rollout.hpp
// on the server checks the ranges; this file only shapes and parses what the form holds).
import type { JobRequest } from './jobs';

export interface JobFormValues {
  firmwareId: string | null;
  devices: string[];
  groups: string[];
  selector: string;
  description: string;
  continuous: boolean;
  /** Releases per minute; 0 = all at once. */
  maxPerMinute: number;
  growthFactor: number;
  /** Successes after which the rate grows by growthFactor; 0 = never. */
  growthEvery: number;
  /** Cumulative percents, e.g. "10, 50, 100"; empty = one wave. */
  waves: string;
  soakS: number;
  /** 0 = never abort. */
  abortFailurePercent: number;
  abortMinFinished: number;
  inProgressTimeoutS: number;
  maxRetries: number;
}

export const DEFAULT_JOB_FORM: JobFormValues = {
  firmwareId: null,
  devices: [],
  groups: [],
  selector: '',
  description: '',
  continuous: false,
  maxPerMinute: 0,
  growthFactor: 1,
  growthEvery: 0,
  waves: '',
  soakS: 0,
  abortFailurePercent: 0,
  abortMinFinished: 10,
  inProgressTimeoutS: 3600,
  maxRetries: 0,
};

/** The wave percents in "10, 50, 100", or a message saying what is wrong. */
export function parseWaves(text: string): number[] | string {
  const parts = text
    .split(/[\s,]+/)
    .map((part) => part.trim().replace(/%$/, ''))
    .filter((part) => part !== '');
  const percents = parts.map(Number);
  if (percents.some((p) => !Number.isInteger(p) || p < 1 || p > 100)) return 'Wave percents are whole numbers from 1 to 100.';
  if (percents.some((p, i) => i > 0 && p <= (percents[i - 1] ?? 0)))
    return 'Each wave reaches a larger share than the one before (e.g. 10, 50, 100).';
  if (percents.length > 0 && percents.at(-1) !== 100) return 'The last wave reaches 100%.';
  return percents;
}

/** The request body, or the form's own problems (field → message) when it cannot be sent. */
export function toJobRequest(values: JobFormValues): { request: JobRequest } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!values.firmwareId) errors.firmware_id = 'Choose the firmware to roll out.';
  const selector = values.selector.trim();
  if (values.devices.length === 0 && values.groups.length === 0 && selector === '')
    errors.targets = 'Choose devices, groups or a selector.';
  const waves = parseWaves(values.waves);
  if (typeof waves === 'string') errors['rollout.waves'] = waves;
  if (Object.keys(errors).length > 0 || typeof waves === 'string') return { errors };

  const request: JobRequest = {
    firmware_id: values.firmwareId ?? '',
    targets: {},
    continuous: values.continuous,
    rollout: {
      max_per_minute: values.maxPerMinute,
      growth_factor: values.growthFactor,
      growth_every: values.growthEvery,
      waves: waves.map((percent) => ({ percent, soak_s: values.soakS })),
      abort_failure_percent: values.abortFailurePercent,
      abort_min_finished: values.abortMinFinished,
      in_progress_timeout_s: values.inProgressTimeoutS,
      max_retries: values.maxRetries,
    },
  };
  if (values.devices.length) request.targets.devices = values.devices;
  if (values.groups.length) request.targets.groups = values.groups;
  if (selector) request.targets.selector = selector;
  if (values.description.trim()) request.description = values.description.trim();
  return { request };
}
