import { useQuery } from '@tanstack/react-query';
import { api, isApiError } from '../../../lib/api-client';
import { DASHBOARD_POLL_MS, dashboardKeys } from './keys';

// Typed here while the alerts API is being built: the type moves to api-types once the route
// is in docs/openapi.yaml.
export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertState = 'raised' | 'acknowledged' | 'cleared';

export interface Alert {
  id: string;
  rule_id: string;
  rule_name: string;
  device_id: string;
  severity: AlertSeverity;
  state: AlertState;
  raised_at: string;
  acknowledged_at: string | null;
  cleared_at: string | null;
  summary: string;
}

export interface AlertPage {
  items: Alert[];
  next_cursor: string | null;
}

/**
 * The raised alerts, or null where the server has no alerts API yet (404) or the role may not
 * read it (403): the dashboard then leaves the card out rather than show an error.
 */
export async function getRaisedAlerts(signal?: AbortSignal): Promise<AlertPage | null> {
  try {
    return await api.get<AlertPage>('/api/v1/alerts', { query: { state: 'raised' }, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (isApiError(error) && (error.status === 404 || error.status === 403)) return null;
    throw error;
  }
}

export function useRaisedAlerts() {
  return useQuery({
    queryKey: dashboardKeys.alerts(),
    queryFn: ({ signal }) => getRaisedAlerts(signal),
    // A server without the API will not grow one until it is upgraded (and the page reloaded).
    refetchInterval: (query) => (query.state.data === null ? false : DASHBOARD_POLL_MS),
  });
}
