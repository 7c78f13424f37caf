import { Badge } from '@mantine/core';
import type { DeviceLifecycle, DeviceStatus } from '../api/devices';

export function StatusBadge({ status }: { status: DeviceStatus }) {
  return (
    <Badge color={status === 'online' ? 'teal' : 'gray'} variant="light" data-testid="device-status">
      {status}
    </Badge>
  );
}

const LIFECYCLE_LABELS: Record<DeviceLifecycle, string> = {
  awaiting_certificate: 'awaiting certificate',
  active: 'active',
  decommissioned: 'decommissioned',
};
const LIFECYCLE_COLORS: Record<DeviceLifecycle, string> = {
  awaiting_certificate: 'yellow',
  active: 'indigo',
  decommissioned: 'red',
};

export function LifecycleBadge({ lifecycle }: { lifecycle: DeviceLifecycle }) {
  return (
    <Badge color={LIFECYCLE_COLORS[lifecycle]} variant="outline" data-testid="device-lifecycle">
      {LIFECYCLE_LABELS[lifecycle]}
    </Badge>
  );
}

export function lifecycleLabel(lifecycle: DeviceLifecycle): string {
  return LIFECYCLE_LABELS[lifecycle];
}
