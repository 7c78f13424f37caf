import { Badge, Button, Table, Text } from '@mantine/core';
import { formatDateTime } from '../../../lib/format';
import type { PendingOnboarding } from '../api/onboarding';

const STAGES: Record<PendingOnboarding['stage'], { label: string; color: string }> = {
  awaiting_approval: { label: 'awaiting approval', color: 'orange' },
  awaiting_device: { label: 'waiting for device', color: 'blue' },
  awaiting_connection: { label: 'waiting for connection', color: 'indigo' },
};

/** Devices that said hello or were claimed, until they connect with their certificate. */
export function PendingOnboardingTable({
  items,
  onClaim,
}: {
  items: readonly PendingOnboarding[];
  onClaim: (serial: string) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped verticalSpacing="xs" data-testid="pending-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Serial</Table.Th>
            <Table.Th>Stage</Table.Th>
            <Table.Th>Model</Table.Th>
            <Table.Th>Firmware</Table.Th>
            <Table.Th>Hello</Table.Th>
            <Table.Th>Claimed</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.serial} data-testid={`pending-row-${item.serial}`}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {item.serial}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={STAGES[item.stage].color} variant="light">
                  {STAGES[item.stage].label}
                </Badge>
              </Table.Td>
              <Table.Td>{item.model ?? '—'}</Table.Td>
              <Table.Td>{item.firmware_version ?? '—'}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{item.hello_at ? formatDateTime(item.hello_at) : '—'}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {item.approved_at ? formatDateTime(item.approved_at) : '—'}
                {item.approved_by ? (
                  <Text size="xs" c="dimmed">
                    {item.approved_by}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                {item.stage === 'awaiting_approval' ? (
                  <Button
                    size="compact-xs"
                    variant="light"
                    onClick={() => {
                      onClaim(item.serial);
                    }}
                    data-testid={`pending-claim-${item.serial}`}
                  >
                    Claim…
                  </Button>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
