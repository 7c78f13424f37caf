import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components, operations } from '../../../lib/api-types';
import { DASHBOARD_POLL_MS, RECENT_COUNT, dashboardKeys } from './keys';

export type Alert = components['schemas']['Alert'];
export type AlertPage = operations['listAlerts']['responses'][200]['content']['application/json'];

/** The newest open alerts (raised or acknowledged), one short page of GET /api/v1/alerts. */
export function useOpenAlerts() {
  return useQuery({
    queryKey: dashboardKeys.alerts(),
    queryFn: ({ signal }) =>
      api.get<AlertPage>('/api/v1/alerts', { query: { state: 'open', limit: RECENT_COUNT }, signal }),
    refetchInterval: DASHBOARD_POLL_MS,
  });
}
