import { Anchor, Button, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { SeverityBadge } from '../../../components/ui/SeverityBadge';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';
import type { Alert } from '../api/alerts';
import { AlertStateBadge } from './AlertStateBadge';

/** Who acknowledged it and why, or how it cleared: the line under the state. */
function stateDetail(alert: Alert): string | null {
  if (alert.state === 'cleared') return alert.clear_summary;
  if (alert.state === 'acknowledged') {
    const by = alert.acknowledged_by ? `by ${alert.acknowledged_by}` : '';
    return [by, alert.note].filter(Boolean).join(': ') || null;
  }
  return null;
}

interface AlertsTableProps {
  alerts: readonly Alert[];
  /** Given only to users who may acknowledge. */
  onAcknowledge?: ((alert: Alert) => void) | undefined;
}

/** How often "raised 5 min ago" is worked out again. */
const RELATIVE_TICK_MS = 15_000;

export function AlertsTable({ alerts, onAcknowledge }: AlertsTableProps) {
  const now = useNow(RELATIVE_TICK_MS, true);
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="alerts-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Severity</Table.Th>
            <Table.Th>Rule</Table.Th>
            <Table.Th>Device</Table.Th>
            <Table.Th>Summary</Table.Th>
            <Table.Th>Raised</Table.Th>
            <Table.Th>State</Table.Th>
            {onAcknowledge ? <Table.Th>Actions</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {alerts.map((alert) => {
            const detail = stateDetail(alert);
            return (
              <Table.Tr key={alert.id} data-testid={`alert-row-${alert.id}`} data-state={alert.state}>
                <Table.Td>
                  <SeverityBadge severity={alert.severity} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {alert.rule_name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/devices/${encodeURIComponent(alert.device_id)}`} size="sm" ff="monospace">
                    {alert.device_id}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{alert.summary}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatRelative(alert.raised_at, now)}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(alert.raised_at)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <AlertStateBadge state={alert.state} />
                  {detail ? (
                    <Text size="xs" c="dimmed">
                      {detail}
                    </Text>
                  ) : null}
                </Table.Td>
                {onAcknowledge ? (
                  <Table.Td>
                    {alert.state === 'raised' ? (
                      <Button
                        size="compact-sm"
                        variant="light"
                        onClick={() => {
                          onAcknowledge(alert);
                        }}
                        aria-label={`Acknowledge ${alert.rule_name} on ${alert.device_id}`}
                        data-testid={`ack-${alert.id}`}
                      >
                        Acknowledge
                      </Button>
                    ) : null}
                  </Table.Td>
                ) : null}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
