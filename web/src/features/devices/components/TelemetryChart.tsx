// The picked keys over the window: numbers as lines on the left axis, booleans as 0/1 steps on
// the right one (so that a door's open/closed does not flatten a temperature), strings as a list
// of their changes below.
import { LineChart, type LineChartSeries } from '@mantine/charts';
import { Alert, Group, Text } from '@mantine/core';
import { TIME_KEY, timeAxisProps, timeTooltipProps } from '../../../components/ui/time-axis';
import { formatDuration } from '../../../lib/format';
import type { TelemetrySeries } from '../api/telemetry';
import { toChartData, type ChartLine } from '../api/telemetry-chart';
import { StringChanges } from './StringChanges';

const COLORS = ['indigo.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'pink.6', 'lime.7', 'red.6'];

const SOURCE_LABELS: Record<TelemetrySeries['source'], string> = {
  raw: 'raw samples',
  '1m': '1-minute rollups',
  '1h': '1-hour rollups',
};

function toSeries(lines: ChartLine[]): LineChartSeries[] {
  return lines.map((line, i) => ({
    name: line.name,
    label: line.label,
    color: COLORS[i % COLORS.length] ?? 'gray.6',
    ...(line.kind === 'boolean' ? { yAxisId: 'right' } : {}),
  }));
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

/** Where the numbers come from: "source: 1-minute rollups · buckets of 5 min". */
function SourceNote({ answer }: { answer: TelemetrySeries }) {
  return (
    <Text size="xs" c="dimmed" data-testid="telemetry-source" data-source={answer.source}>
      source: {SOURCE_LABELS[answer.source]} ·{' '}
      {answer.interval_ms ? `buckets of ${formatDuration(answer.interval_ms)} (${answer.agg})` : 'every sample'}
    </Text>
  );
}

export function TelemetryChart({ answer }: { answer: TelemetrySeries }) {
  // The server's window: `from` aligned down to a bucket, `to` earlier when truncated.
  const window = { from: answer.from, to: answer.to };
  const data = toChartData(answer.series);
  const series = toSeries(data.lines);
  const booleans = new Set(data.lines.filter((l) => l.kind === 'boolean').map((l) => l.name));
  return (
    <div data-testid="telemetry-chart" data-points={data.points} data-lines={data.lines.length}>
      <Group justify="space-between" mb="xs">
        <SourceNote answer={answer} />
      </Group>
      {answer.truncated ? (
        <Alert color="yellow" variant="light" mb="sm" data-testid="telemetry-truncated">
          Only part of the range is shown: {answer.truncated_reason ?? 'the answer had more points than the chart holds'}.
          Pick a shorter range.
        </Alert>
      ) : null}
      {data.lines.length > 0 && data.points === 0 ? (
        <Text c="dimmed" size="sm" data-testid="telemetry-chart-empty">
          No readings of these keys in this range.
        </Text>
      ) : null}
      {data.points > 0 ? (
        <LineChart
          h={280}
          data={data.rows}
          dataKey={TIME_KEY}
          series={series}
          curveType="linear"
          withDots={data.points < 60}
          withLegend
          xAxisProps={timeAxisProps(window)}
          tooltipProps={timeTooltipProps(series, round)}
          valueFormatter={round}
          withRightYAxis={booleans.size > 0}
          rightYAxisProps={{ domain: [0, 1], ticks: [0, 1], allowDecimals: false }}
          lineProps={(line) => (booleans.has(line.name) ? { type: 'stepAfter' } : {})}
        />
      ) : null}
      {data.texts.map((text) => (
        <StringChanges key={text.key} text={text} />
      ))}
    </div>
  );
}
