import { DonutChart } from '@mantine/charts';
import { ColorSwatch, Group, Stack, Text, useMantineTheme, parseThemeColor } from '@mantine/core';
import type { Slice } from '../api/fleet-slices';

/** A donut of counts with its legend beside it (a donut's slices have no labels of their own). */
export function CountDonut({ slices, total, testId }: { slices: Slice[]; total: number; testId: string }) {
  const theme = useMantineTheme();
  return (
    <Group gap="lg" wrap="nowrap" align="center" data-testid={testId} data-slices={slices.length}>
      <DonutChart
        size={120}
        thickness={18}
        data={slices.map((s) => ({ name: s.name, value: s.count, color: s.color }))}
        chartLabel={total}
        tooltipDataSource="segment"
      />
      <Stack gap={4}>
        {slices.map((s) => (
          <Group key={s.name} gap={6} wrap="nowrap" data-testid={`${testId}-item`}>
            <ColorSwatch size={10} color={parseThemeColor({ color: s.color, theme }).value} />
            <Text size="sm">{s.name}</Text>
            <Text size="sm" c="dimmed">
              {s.count}
            </Text>
          </Group>
        ))}
      </Stack>
    </Group>
  );
}
