import { Table, Text } from '@mantine/core';
import { formatDateTime } from '../../../lib/format';
import type { TextChanges } from '../api/telemetry-chart';

/** A string key's latest changes, which a chart could not draw. */
export function StringChanges({ text }: { text: TextChanges }) {
  return (
    <div data-testid={`telemetry-text-${text.key}`}>
      <Text fw={500} size="sm" mt="md" mb={4}>
        {text.key}
      </Text>
      {text.changes.length === 0 ? (
        <Text c="dimmed" size="sm">
          No readings in this range.
        </Text>
      ) : (
        <Table withTableBorder verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Changed at</Table.Th>
              <Table.Th>Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {text.changes.map(([ts, value]) => (
              <Table.Tr key={ts} data-testid="telemetry-text-change">
                <Table.Td>{formatDateTime(ts)}</Table.Td>
                <Table.Td ff="monospace">{value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </div>
  );
}
