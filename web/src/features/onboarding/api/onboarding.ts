import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';
import { formatDateTime } from '../../../lib/format';

export type ClaimRequest = components['schemas']['ClaimRequest'];
export type ClaimResult = components['schemas']['ClaimResult'];
export type PendingOnboarding = components['schemas']['OnboardingRequest'];
export type OnboardingList = components['schemas']['OnboardingList'];
export type Device = components['schemas']['Device'];
export type DeviceDetail = components['schemas']['DeviceDetail'];

export const onboardingKeys = {
  all: ['onboarding'] as const,
  pending: () => [...onboardingKeys.all, 'pending'] as const,
  device: (id: string) => [...onboardingKeys.all, 'device', id] as const,
};

/** POST /api/v1/onboarding: 200 when the certificate was issued at once, 202 when the device is awaited. */
export function claimDevice(input: ClaimRequest): Promise<ClaimResult> {
  return api.post<ClaimResult>('/api/v1/onboarding', input);
}

export function useClaimDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: claimDevice,
    onSettled: () => queryClient.invalidateQueries({ queryKey: onboardingKeys.pending() }),
  });
}

export function getPendingOnboarding(signal?: AbortSignal): Promise<OnboardingList> {
  return api.get<OnboardingList>('/api/v1/onboarding', signal ? { signal } : {});
}

export function pendingOnboardingQueryOptions() {
  return queryOptions({ queryKey: onboardingKeys.pending(), queryFn: ({ signal }) => getPendingOnboarding(signal) });
}

export function usePendingOnboarding(options: { pollMs?: number | false } = {}) {
  return useQuery({ ...pendingOnboardingQueryOptions(), refetchInterval: options.pollMs ?? false });
}

/** The claimed device as the devices API has it: the fallback when live updates are down. */
export function useOnboardedDevice(id: string, options: { enabled: boolean; pollMs: number | false }) {
  return useQuery({
    queryKey: onboardingKeys.device(id),
    queryFn: ({ signal }) => api.get<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}`, { signal }),
    enabled: options.enabled,
    refetchInterval: options.pollMs,
  });
}

/** Why a claim was refused, in words for the technician at the device. */
export interface ClaimRefusal {
  title: string;
  message: string;
  /** Seconds before trying again makes sense (429). */
  retryAfter?: number;
  /** Field errors of a 422 validation problem. */
  fields?: Partial<Record<keyof ClaimRequest, string>>;
}

export function describeClaimRefusal(error: unknown, serial: string): ClaimRefusal {
  if (!isApiError(error)) {
    return { title: 'Could not claim the device', message: error instanceof Error ? error.message : String(error) };
  }
  switch (error.slug) {
    case 'unknown-serial':
      return {
        title: 'Unknown serial',
        message: `No device with serial ${serial} is in the registry. Check the serial on the label; if it is right, an admin has to import its batch first.`,
      };
    case 'wrong-claim-code': {
      const left = typeof error.body.attempts_left === 'number' ? error.body.attempts_left : undefined;
      return {
        title: 'Wrong claim code',
        message:
          left === undefined
            ? 'The claim code does not match this serial.'
            : left === 0
              ? 'The claim code does not match this serial, and the serial is now locked for a while. An admin can unlock it on the Registry page.'
              : `The claim code does not match this serial. ${left} attempt${left === 1 ? '' : 's'} left before the serial is locked.`,
        fields: { claim_code: 'Wrong claim code' },
      };
    }
    case 'locked-out': {
      const until = typeof error.body.locked_until === 'string' ? error.body.locked_until : undefined;
      return {
        title: 'Serial locked',
        message: until
          ? `Serial ${serial} is locked until ${formatDateTime(until)} after too many wrong claim codes. An admin can unlock it sooner on the Registry page.`
          : `Serial ${serial} is locked after too many wrong claim codes. An admin can unlock it on the Registry page.`,
      };
    }
    case 'already-registered':
      return { title: 'Already registered', message: `Device ${serial} is already registered; there is nothing to claim.` };
    case 'decommissioned':
      return {
        title: 'Decommissioned',
        message: `Device ${serial} was decommissioned. An admin must re-enable its registry record before it can be claimed again.`,
      };
    case 'too-many-attempts':
      return {
        title: 'Too many attempts',
        message: 'Too many wrong claim codes from this address. Wait before trying again.',
        ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
      };
    default: {
      const fields: Partial<Record<keyof ClaimRequest, string>> = {};
      const serialError = error.fieldError('serial');
      const codeError = error.fieldError('claim_code');
      if (serialError) fields.serial = serialError;
      if (codeError) fields.claim_code = codeError;
      return {
        title: error.status === 403 ? 'Permission denied' : 'Could not claim the device',
        message: error.detail,
        ...(serialError || codeError ? { fields } : {}),
      };
    }
  }
}
