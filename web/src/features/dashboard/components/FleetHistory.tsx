// The fleet over time: devices online and MQTT messages per minute, both sampled by the server
// once a minute (and rolled up like any telemetry, so a week reads hourly buckets).
import { AreaChart, type AreaChartSeries } from '@mantine/charts';
import { Card, Group, SegmentedControl, SimpleGrid, Text, Title } from '@mantine/core';
import { TIME_KEY, timeAxisProps, timeTooltipProps } from '../../../components/ui/time-axis';
import { formatDuration } from '../../../lib/format';
import { timeRangeOptions } from '../../../lib/time-range';
import type { FleetSeries, FleetView } from '../api/fleet';
import { FLEET_RANGES, isFleetRange, type FleetRange } from '../api/fleet-range';

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function HistoryChart({
  title,
  series,
  line,
  window,
  testId,
}: {
  title: string;
  series: FleetSeries;
  line: AreaChartSeries;
  window: FleetView['window'];
  testId: string;
}) {
  const data = series.points.map(([ts, value]) => ({ [TIME_KEY]: ts, [line.name]: value }));
  return (
    <div data-testid={testId} data-points={data.length}>
      <Group justify="space-between" mb="xs">
        <Text fw={500}>{title}</Text>
        {series.interval_ms ? (
          <Text size="xs" c="dimmed">
            per {formatDuration(series.interval_ms)}
          </Text>
        ) : null}
      </Group>
      {data.length === 0 ? (
        <Text c="dimmed" size="sm" h={180} data-testid={`${testId}-empty`}>
          No samples in this range yet: the server records the fleet once a minute.
        </Text>
      ) : (
        <AreaChart
          h={180}
          data={data}
          dataKey={TIME_KEY}
          series={[line]}
          curveType="linear"
          withDots={false}
          xAxisProps={timeAxisProps(window)}
          tooltipProps={timeTooltipProps([line], round)}
          valueFormatter={round}
        />
      )}
    </div>
  );
}

export function FleetHistory({
  fleet,
  range,
  onRangeChange,
}: {
  fleet: FleetView;
  range: FleetRange;
  onRangeChange: (range: FleetRange) => void;
}) {
  return (
    <Card withBorder radius="md" data-testid="fleet-history">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Activity</Title>
        <SegmentedControl
          size="xs"
          value={range}
          data={timeRangeOptions(FLEET_RANGES)}
          onChange={(value) => {
            if (isFleetRange(value)) onRangeChange(value);
          }}
          aria-label="Time range"
          data-testid="fleet-range"
        />
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <HistoryChart
          title="Devices online"
          series={fleet.online}
          line={{ name: 'online', label: 'Devices online', color: 'teal.6' }}
          window={fleet.window}
          testId="fleet-online-chart"
        />
        <HistoryChart
          title="Messages per minute"
          series={fleet.messages_per_minute}
          line={{ name: 'messages', label: 'Messages per minute', color: 'indigo.6' }}
          window={fleet.window}
          testId="fleet-messages-chart"
        />
      </SimpleGrid>
    </Card>
  );
}
