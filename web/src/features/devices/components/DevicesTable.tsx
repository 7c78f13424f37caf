import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime } from '../../../lib/format';
import type { Device } from '../api/devices';
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

export function DevicesTable({ devices }: { devices: readonly Device[] }) {
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="devices-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Device</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Model</Table.Th>
            <Table.Th>Firmware</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th>Lifecycle</Table.Th>
            <Table.Th>Labels</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {devices.map((device) => (
            <Table.Tr key={device.id} data-testid={`device-row-${device.serial}`}>
              <Table.Td>
                <Anchor component={Link} to={`/devices/${encodeURIComponent(device.id)}`} size="sm" fw={500}>
                  {device.serial}
                </Anchor>
                <Text size="xs" c="dimmed" ff="monospace">
                  {device.id}
                </Text>
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
                <LifecycleBadge lifecycle={device.lifecycle} />
              </Table.Td>
              <Table.Td>
                <Labels labels={device.labels} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
