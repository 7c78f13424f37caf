import { Badge, Tooltip } from '@mantine/core';
import { useLiveStatus } from '../../lib/live-events';

/** Whether the page updates by itself: "Live" while the event stream is open. */
export function LiveIndicator() {
  const status = useLiveStatus();
  const live = status === 'open';
  return (
    <Tooltip
      label={live ? 'Changes appear as they happen.' : 'Live updates are reconnecting; the page refreshes every 30 s.'}
    >
      <Badge color={live ? 'teal' : 'gray'} variant="dot" data-testid="live-indicator" data-status={status}>
        {live ? 'Live' : status === 'off' ? 'Offline' : 'Reconnecting…'}
      </Badge>
    </Tooltip>
  );
}
