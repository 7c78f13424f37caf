import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../../../lib/format';
import type { Device } from '../api/devices';
import { formatScalar, listedReadings } from '../api/telemetry-values';
import { LifecycleBadge, StatusBadge } from './DeviceBadges';

function Labels({ labels }: { labels: Device['labels'] }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Group gap={4}>
      {entries.map(([key, value]) => (
        <Badge key={key} variant="default" size="sm" tt="none">
          {value ? `${key}=${value}` : key}
        </Badge>
      ))}
    </Group>
  );
}

/** One or two of the device's latest readings, so that a list shows which devices run hot. */
function Readings({ telemetry }: { telemetry: Device['telemetry'] }) {
  const readings = listedReadings(telemetry);
  if (readings.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <>
      {readings.map(([key, value]) => (
        <Text key={key} size="xs" style={{ whiteSpace: 'nowrap' }} data-testid={`reading-${key}`}>
          <Text span c="dimmed" size="xs">
            {key}
          </Text>{' '}
          {formatScalar(value)}
        </Text>
      ))}
    </>
  );
}

/** The serial, linked to the device's page, over its id. */
function DeviceName({ device }: { device: Pick<Device, 'id' | 'serial'> }) {
  return (
    <>
      <Anchor component={Link} to={`/devices/${encodeURIComponent(device.id)}`} size="sm" fw={500}>
        {device.serial}
      </Anchor>
      <Text size="xs" c="dimmed" ff="monospace">
        {device.id}
      </Text>
    </>
  );
}

/**
 * One row per device, with `data-testid` `<rowTestId>-<serial>`; `actions`, when given, fills a
 * last column (a group's page puts its Remove button there).
 */
export function DevicesTable({
  devices,
  rowTestId = 'device-row',
  actions,
}: {
  devices: readonly Device[];
  rowTestId?: string;
  actions?: (device: Device) => ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={1040}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="devices-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Device</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Model</Table.Th>
            <Table.Th>Firmware</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th>Latest</Table.Th>
            <Table.Th>Lifecycle</Table.Th>
            <Table.Th>Labels</Table.Th>
            {actions ? <Table.Th>Actions</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {devices.map((device) => (
            <Table.Tr key={device.id} data-testid={`${rowTestId}-${device.serial}`}>
              <Table.Td>
                <DeviceName device={device} />
              </Table.Td>
              <Table.Td>
                <StatusBadge status={device.status} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{device.model}</Text>
                <Text size="xs" c="dimmed">
                  {device.hw_revision}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{device.firmware_version ?? '—'}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }} title={device.last_seen ?? undefined}>
                  {device.last_seen ? formatDateTime(device.last_seen) : 'never'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Readings telemetry={device.telemetry} />
              </Table.Td>
              <Table.Td>
                <LifecycleBadge lifecycle={device.lifecycle} />
              </Table.Td>
              <Table.Td>
                <Labels labels={device.labels} />
              </Table.Td>
              {actions ? <Table.Td>{actions(device)}</Table.Td> : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
