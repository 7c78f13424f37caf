import { Badge, Table, Text, Tooltip } from '@mantine/core';
import { formatDateTime } from '../../../lib/format';
import type { LatestTelemetry } from '../api/telemetry';
import { clockOffSeconds, formatScalar, sortedKeys } from '../api/telemetry-values';

/** Each key's latest value, with the device's time beside the server's to show a clock that is off. */
export function LatestTelemetryTable({ values }: { values: LatestTelemetry['values'] }) {
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table verticalSpacing="xs" data-testid="telemetry-latest">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th>Device time</Table.Th>
            <Table.Th>Received</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sortedKeys(values).map((key) => {
            const v = values[key];
            if (!v) return null;
            const off = clockOffSeconds(v);
            return (
              <Table.Tr key={key} data-testid={`telemetry-latest-${key}`}>
                <Table.Td ff="monospace">{key}</Table.Td>
                <Table.Td>{formatScalar(v.value)}</Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(v.ts)}
                  </Text>
                  {off !== null ? (
                    <Tooltip label="The device's clock and the server's disagree; charts use the device's time.">
                      <Badge color="orange" variant="light" size="sm" data-testid="clock-off">
                        clock off by {off} s
                      </Badge>
                    </Tooltip>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(v.received_at)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
