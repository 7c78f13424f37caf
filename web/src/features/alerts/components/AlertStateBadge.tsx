import { Badge } from '@mantine/core';
import type { AlertState } from '../api/alerts';

const STATE_COLORS: Record<AlertState, string> = { raised: 'red', acknowledged: 'yellow', cleared: 'gray' };

export function AlertStateBadge({ state }: { state: AlertState }) {
  return (
    <Badge variant="light" color={STATE_COLORS[state]} data-testid="alert-state">
      {state}
    </Badge>
  );
}
