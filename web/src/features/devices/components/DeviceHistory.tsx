import { Badge, Card, Center, Code, Loader, Table, Text, Title } from '@mantine/core';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { formatDateTime } from '../../../lib/format';
import { useDeviceHistory, type AuditEntry } from '../api/devices';

const CONNECTION_ACTIONS = new Set(['device.connected', 'device.disconnected']);

function detailText(entry: AuditEntry): string {
  const entries = Object.entries(entry.details);
  return entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
}

/** Connection history and the device's audit entries (for users with audit.read). */
export function DeviceHistory({ deviceId }: { deviceId: string }) {
  const history = useDeviceHistory(deviceId, true);
  if (history.isPending) {
    return (
      <Center p="md">
        <Loader aria-label="Loading the device's history" />
      </Center>
    );
  }
  if (history.isError) return <ErrorAlert error={history.error} action="read the device's audit entries" />;

  const entries = history.data.items;
  const connections = entries.filter((e) => CONNECTION_ACTIONS.has(e.action));
  return (
    <>
      <Card withBorder radius="md" mb="md">
        <Title order={4} mb="sm">
          Connection history
        </Title>
        {connections.length === 0 ? (
          <Text c="dimmed" size="sm" data-testid="connections-empty">
            Never connected.
          </Text>
        ) : (
          <Table verticalSpacing={4} data-testid="connection-history">
            <Table.Tbody>
              {connections.map((e) => (
                <Table.Tr key={e.id} data-testid="connection-row">
                  <Table.Td w={200}>{formatDateTime(e.time)}</Table.Td>
                  <Table.Td w={170}>
                    <Badge color={e.action === 'device.connected' ? 'teal' : 'gray'} variant="light">
                      {e.action === 'device.connected' ? 'connected' : 'disconnected'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {[e.source, detailText(e)].filter(Boolean).join(' · ')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <Card withBorder radius="md" mb="md">
        <Title order={4} mb="sm">
          Audit entries
        </Title>
        {entries.length === 0 ? (
          <Text c="dimmed" size="sm">
            No audit entries for this device.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing={4} data-testid="device-audit">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Result</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((e) => (
                  <Table.Tr key={e.id} data-testid="device-audit-row">
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.time)}</Table.Td>
                    <Table.Td>
                      <Code>{e.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {e.actor_type}:{e.actor_id}
                      </Text>
                    </Table.Td>
                    <Table.Td>{e.result}</Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {detailText(e)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </>
  );
}
