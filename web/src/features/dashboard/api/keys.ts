import type { FleetRange } from './fleet-range';

/** The dashboard's own cache entries: it shows other features' data, but summarised its way. */
export const dashboardKeys = {
  all: ['dashboard'] as const,
  fleets: () => [...dashboardKeys.all, 'fleet'] as const,
  fleet: (range: FleetRange) => [...dashboardKeys.fleets(), range] as const,
  onboarding: () => [...dashboardKeys.all, 'onboarding'] as const,
  jobs: () => [...dashboardKeys.all, 'jobs'] as const,
  alerts: () => [...dashboardKeys.all, 'alerts'] as const,
};

/** How often the dashboard refreshes, events or not: the fleet's counts have no event of their own. */
export const DASHBOARD_POLL_MS = 10_000;

/** How many onboardings, rollouts and alerts the dashboard lists. */
export const RECENT_COUNT = 5;
