import { useQueryClient } from '@tanstack/react-query';
import { useLiveEvents } from '../../../lib/live-events';
import { dashboardKeys } from '../api/keys';

/**
 * Refetches what an event changes, on top of the dashboard's polling: a device going on or
 * offline moves the fleet's counts, a job's executions its rollout's, an onboarding step the
 * onboarding list, an alert's change the open alerts. cancelRefetch: false, so that a burst of events does not keep restarting
 * the requests.
 */
export function useLiveDashboard(): void {
  const queryClient = useQueryClient();
  const refetch = (queryKey: readonly unknown[]) => {
    void queryClient.invalidateQueries({ queryKey }, { cancelRefetch: false });
  };
  useLiveEvents({
    'device.updated': () => {
      refetch(dashboardKeys.fleets());
    },
    'job.updated': () => {
      refetch(dashboardKeys.jobs());
    },
    'onboarding.updated': () => {
      refetch(dashboardKeys.onboarding());
    },
    'alert.raised': () => {
      refetch(dashboardKeys.alerts());
    },
    'alert.acknowledged': () => {
      refetch(dashboardKeys.alerts());
    },
    'alert.cleared': () => {
      refetch(dashboardKeys.alerts());
    },
    resync: () => {
      refetch(dashboardKeys.all);
    },
  });
}
