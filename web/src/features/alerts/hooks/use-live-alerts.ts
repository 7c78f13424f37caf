import { useQueryClient } from '@tanstack/react-query';
import { useLiveEvents, useLiveStatus, type AlertEvent } from '../../../lib/live-events';
import { alertsKeys, applyAlertChange } from '../api/alerts';

/** How often the page polls while live updates are not flowing. */
export const POLL_WITHOUT_LIVE_MS = 15_000;

/**
 * Keeps the alert lists current from alert.* events; refetches them after the stream comes back.
 * Returns how often to poll instead (while the stream is down), or false.
 */
export function useLiveAlerts(): number | false {
  const queryClient = useQueryClient();
  const apply = (alert: AlertEvent) => {
    void applyAlertChange(queryClient, alert);
  };
  useLiveEvents({
    'alert.raised': apply,
    'alert.acknowledged': apply,
    'alert.cleared': apply,
    resync: () => {
      void queryClient.invalidateQueries({ queryKey: alertsKeys.all });
    },
  });
  return useLiveStatus() === 'open' ? false : POLL_WITHOUT_LIVE_MS;
}
