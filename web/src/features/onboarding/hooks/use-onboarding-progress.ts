import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLiveEvents, useLiveStatus, type OnboardingStage } from '../../../lib/live-events';
import { onboardingKeys, useOnboardedDevice, type DeviceDetail } from '../api/onboarding';

/** The steps a technician watches after claiming, in order. */
export const STEPS = ['waiting_for_device', 'verified', 'certificate_issued', 'connected'] as const;
export type Step = (typeof STEPS)[number];

/** How often the claimed device is polled while live updates are down. */
export const POLL_PROGRESS_MS = 3000;

export interface Claimed {
  serial: string;
  deviceId: string;
  /** From the claim's answer: 202 awaiting_device, or 200 completed (certificate already issued). */
  status: 'awaiting_device' | 'completed';
}

export interface Progress {
  /** Index into STEPS of the furthest step reached. */
  reached: number;
  /** Set when the server gave up on this onboarding (rejected or refused). */
  failure: { stage: 'rejected' | 'refused'; reason: string | undefined } | null;
  done: boolean;
}

function stepIndex(stage: OnboardingStage): number {
  return (STEPS as readonly string[]).indexOf(stage);
}

/** What the device record says about how far onboarding got. */
export function stepFromDevice(device: DeviceDetail): number {
  if (device.first_connected_at !== null || device.status === 'online') return stepIndex('connected');
  if (device.certificates.length > 0) return stepIndex('certificate_issued');
  return stepIndex('waiting_for_device');
}

/**
 * Follows one claimed device through onboarding: onboarding.updated events for its serial move
 * it forward (never back); while the event stream is down, its device record is polled instead.
 */
export function useOnboardingProgress(claimed: Claimed): Progress {
  const queryClient = useQueryClient();
  const live = useLiveStatus() === 'open';
  const [fromEvents, setFromEvents] = useState(
    stepIndex(claimed.status === 'completed' ? 'certificate_issued' : 'waiting_for_device'),
  );
  const [failure, setFailure] = useState<Progress['failure']>(null);

  useLiveEvents({
    'onboarding.updated': (event) => {
      if (event.serial !== claimed.serial) return;
      if (event.stage === 'rejected' || event.stage === 'refused') {
        setFailure({ stage: event.stage, reason: event.reason });
        return;
      }
      const index = stepIndex(event.stage);
      if (index >= 0) setFromEvents((current) => Math.max(current, index));
    },
    resync: () => {
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.device(claimed.deviceId) });
    },
  });

  const doneByEvents = fromEvents === STEPS.length - 1;
  const device = useOnboardedDevice(claimed.deviceId, {
    enabled: !doneByEvents && failure === null,
    pollMs: live ? false : POLL_PROGRESS_MS,
  });
  const fromDevice = device.data ? stepFromDevice(device.data) : -1;
  const reached = Math.max(fromEvents, fromDevice);
  return { reached, failure, done: reached === STEPS.length - 1 };
}
