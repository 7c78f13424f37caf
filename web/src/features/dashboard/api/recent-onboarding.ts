import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';
import { DASHBOARD_POLL_MS, RECENT_COUNT, dashboardKeys } from './keys';

export type OnboardingRequest = components['schemas']['OnboardingRequest'];
export type OnboardingList = components['schemas']['OnboardingList'];

/** The newest onboardings in progress (the server lists them newest first). */
export function useRecentOnboarding() {
  return useQuery({
    queryKey: dashboardKeys.onboarding(),
    queryFn: ({ signal }) => api.get<OnboardingList>('/api/v1/onboarding', { signal }),
    select: (list) => list.items.slice(0, RECENT_COUNT),
    refetchInterval: DASHBOARD_POLL_MS,
  });
}
