// What makes a Mantine chart a time chart: rows keyed by `ts` (Unix ms) on a numeric x-axis over
// the asked window (so that a gap in the data shows as a gap, not as squeezed points), ticks and
// tooltip labels in local time.
import { ChartTooltip, type ChartSeries } from '@mantine/charts';
import type { TooltipProps, XAxisProps } from 'recharts';
import { formatDateTime, formatTimeTick } from '../../lib/format';

/** The x-axis data key of time charts' rows. */
export const TIME_KEY = 'ts';

export function timeAxisProps(window: { from: number; to: number }): Omit<XAxisProps, 'ref'> {
  const span = window.to - window.from;
  return {
    type: 'number',
    scale: 'time',
    domain: [window.from, window.to],
    allowDataOverflow: true,
    tickFormatter: (ms: number) => formatTimeTick(ms, span),
  };
}

/** A tooltip that names the row's time, not its raw milliseconds. */
export function timeTooltipProps(
  series: ChartSeries[],
  valueFormatter?: (value: number) => string,
): Omit<TooltipProps<number, string>, 'ref'> {
  return {
    content: ({ label, payload }: { label?: unknown; payload?: readonly object[] }) => (
      <ChartTooltip
        label={typeof label === 'number' ? formatDateTime(label) : typeof label === 'string' ? label : null}
        payload={payload?.map((item) => ({ ...item }))}
        series={series}
        {...(valueFormatter ? { valueFormatter } : {})}
      />
    ),
  };
}
