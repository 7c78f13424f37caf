import { Card, SimpleGrid, Text } from '@mantine/core';
import type { FleetTelemetry } from '../api/fleet';

function Stat({ label, value, color, testId }: { label: string; value: number; color?: string; testId: string }) {
  return (
    <Card withBorder radius="md" padding="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={32} fw={700} c={color} data-testid={testId}>
        {value}
      </Text>
    </Card>
  );
}

export function FleetStats({ devices }: { devices: FleetTelemetry['devices'] }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="md" data-testid="fleet-stats">
      <Stat label="Devices" value={devices.total} testId="stat-total" />
      <Stat label="Online" value={devices.online} color="teal" testId="stat-online" />
      <Stat label="Offline" value={devices.offline} testId="stat-offline" />
    </SimpleGrid>
  );
}
