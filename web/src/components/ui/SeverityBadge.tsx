import { Badge } from '@mantine/core';
import type { components } from '../../lib/api-types';

export type Severity = components['schemas']['AlertSeverity'];

export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = { info: 'blue', warning: 'yellow', critical: 'red' };

/** An alert's or a rule's severity, in the same colours everywhere. */
export function SeverityBadge({ severity, size = 'sm' }: { severity: Severity; size?: 'xs' | 'sm' | 'md' }) {
  return (
    // overflow: visible, so that a narrow table column does not cut "critical" to "criti…".
    <Badge size={size} color={SEVERITY_COLORS[severity]} style={{ overflow: 'visible' }} data-testid="severity-badge">
      {severity}
    </Badge>
  );
}
