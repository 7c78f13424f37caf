// A small step chart of a job's counts over time, drawn as SVG: four series that change in
// steps (a count holds until the next sample), so no charting library is needed for it.
import { Group, Text, useMantineTheme } from '@mantine/core';
import { formatDateTime } from '../../../lib/format';
import type { ProgressPoint } from '../hooks/use-progress-series';

type SeriesKey = 'queued' | 'in_progress' | 'completed' | 'failed';

const SERIES: readonly { key: SeriesKey; label: string; color: string }[] = [
  { key: 'queued', label: 'Queued', color: 'gray' },
  { key: 'in_progress', label: 'In Progress', color: 'blue' },
  { key: 'completed', label: 'Completed', color: 'teal' },
  { key: 'failed', label: 'Failed', color: 'red' },
];

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 36, right: 8, top: 8, bottom: 20 };

/** The SVG path of one series as steps, in chart coordinates. */
export function stepPath(points: readonly ProgressPoint[], key: SeriesKey, x: (t: number) => number, y: (n: number) => number) {
  return points
    .map((p, i) => {
      const px = x(p.t).toFixed(1);
      const py = y(p[key]).toFixed(1);
      return i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    })
    .join('');
}

export function ProgressChart({ points, until }: { points: readonly ProgressPoint[]; until?: number }) {
  const theme = useMantineTheme();
  if (points.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="progress-chart-empty">
        No progress recorded yet.
      </Text>
    );
  }
  const first = points[0];
  const lastPoint = points[points.length - 1];
  // An active job's counts hold until now: the lines reach the right edge.
  const drawn = first && lastPoint && until && until > lastPoint.t ? [...points, { ...lastPoint, t: until }] : points;
  const t0 = drawn[0]?.t ?? 0;
  const t1 = Math.max(drawn[drawn.length - 1]?.t ?? 0, t0 + 1);
  const top = Math.max(1, ...drawn.flatMap((p) => SERIES.map((s) => p[s.key])));
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
  const y = (n: number) => PAD.top + (1 - n / top) * (HEIGHT - PAD.top - PAD.bottom);
  const axis = theme.colors.gray[5];

  return (
    <div data-testid="progress-chart" data-points={points.length}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label="Executions over time">
        <line x1={PAD.left} y1={y(0)} x2={WIDTH - PAD.right} y2={y(0)} stroke={axis} />
        <line x1={PAD.left} y1={y(top)} x2={PAD.left} y2={y(0)} stroke={axis} />
        <text x={PAD.left - 4} y={y(top) + 4} textAnchor="end" fontSize={10} fill={axis}>
          {top}
        </text>
        <text x={PAD.left - 4} y={y(0)} textAnchor="end" fontSize={10} fill={axis}>
          0
        </text>
        <text x={PAD.left} y={HEIGHT - 4} fontSize={10} fill={axis}>
          {formatDateTime(new Date(t0).toISOString())}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 4} textAnchor="end" fontSize={10} fill={axis}>
          {formatDateTime(new Date(t1).toISOString())}
        </text>
        {SERIES.map((s) => (
          <path
            key={s.key}
            d={stepPath(drawn, s.key, x, y)}
            fill="none"
            stroke={theme.colors[s.color]?.[6] ?? axis}
            strokeWidth={2}
            data-testid={`progress-series-${s.key}`}
          />
        ))}
      </svg>
      <Group gap="md" mt={4}>
        {SERIES.map((s) => (
          <Group key={s.key} gap={4}>
            <svg width={10} height={10} aria-hidden>
              <rect width={10} height={10} fill={theme.colors[s.color]?.[6] ?? axis} />
            </svg>
            <Text size="xs">
              {s.label} {lastPoint?.[s.key] ?? 0}
            </Text>
          </Group>
        ))}
      </Group>
    </div>
  );
}
