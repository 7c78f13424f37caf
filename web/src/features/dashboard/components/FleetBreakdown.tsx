// What the fleet is made of now: devices by model (and how many of each are online), by
// firmware version and by the health they last reported.
import { BarChart } from '@mantine/charts';
import { Card, SimpleGrid, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { FleetTelemetry } from '../api/fleet';
import { healthColor, paletteColor, toSlices } from '../api/fleet-slices';
import { CountDonut } from './CountDonut';

function Panel({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Card withBorder radius="md" data-testid={testId}>
      <Title order={5} mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

function ByModel({ models }: { models: FleetTelemetry['by_model'] }) {
  const data = models.map((m) => ({ name: m.name, count: m.count, online: m.online ?? 0 }));
  return (
    <div data-testid="fleet-models-chart" data-bars={data.length}>
      <BarChart
        h={180}
        data={data}
        dataKey="name"
        series={[
          { name: 'count', label: 'Devices', color: 'indigo.3' },
          { name: 'online', label: 'Online', color: 'teal.6' },
        ]}
        withLegend
      />
    </div>
  );
}

export function FleetBreakdown({ fleet }: { fleet: FleetTelemetry }) {
  const total = fleet.devices.total;
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
      <Panel title="By model" testId="fleet-models">
        <ByModel models={fleet.by_model} />
      </Panel>
      <Panel title="Firmware versions" testId="fleet-firmware">
        <CountDonut slices={toSlices(fleet.by_firmware, paletteColor)} total={total} testId="fleet-firmware-chart" />
      </Panel>
      <Panel title="Health" testId="fleet-health">
        {fleet.by_health.every((h) => h.name === 'unknown') ? (
          <Text size="xs" c="dimmed" mb="xs">
            No device has reported a health value yet.
          </Text>
        ) : null}
        <CountDonut slices={toSlices(fleet.by_health, healthColor)} total={total} testId="fleet-health-chart" />
      </Panel>
    </SimpleGrid>
  );
}
