import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { formatDateTime } from '../../../lib/format';
import type { ManufacturingRecord, RecordStatus } from '../api/registry';

const STATUS_COLORS: Record<RecordStatus, string> = { manufactured: 'gray', registered: 'teal', decommissioned: 'red' };

export interface RegistryRowActions {
  /** Given when the user may lift claim-code lockouts (devices.manage). */
  onUnlock?: (record: ManufacturingRecord) => void;
  /** Given when the user may re-enable decommissioned records (registry.import). */
  onReEnable?: (record: ManufacturingRecord) => void;
  /** The serial whose action is in flight. */
  busySerial?: string | null;
}

export function RegistryTable({ records, actions }: { records: readonly ManufacturingRecord[]; actions: RegistryRowActions }) {
  const { onUnlock, onReEnable, busySerial } = actions;
  const withActions = onUnlock !== undefined || onReEnable !== undefined;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="registry-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Serial</Table.Th>
            <Table.Th>Model</Table.Th>
            <Table.Th>HW rev</Table.Th>
            <Table.Th>Batch</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Claim</Table.Th>
            <Table.Th>Device</Table.Th>
            <Table.Th>Imported</Table.Th>
            {withActions ? <Table.Th>Actions</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((record) => (
            <Table.Tr key={record.serial} data-testid={`registry-row-${record.serial}`}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {record.serial}
                </Text>
              </Table.Td>
              <Table.Td>{record.model}</Table.Td>
              <Table.Td>{record.hw_revision}</Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {record.batch}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLORS[record.status]} variant="light">
                  {record.status}
                </Badge>
              </Table.Td>
              <Table.Td>
                {record.locked ? (
                  <Badge color="red" variant="filled" data-testid={`registry-locked-${record.serial}`}>
                    {record.locked_until ? `locked until ${formatDateTime(record.locked_until)}` : 'locked'}
                  </Badge>
                ) : (
                  <Text size="xs" c="dimmed">
                    {record.has_claim_code ? 'code' : ''}
                    {record.has_claim_code && record.factory_cert_sha256 ? ' + ' : ''}
                    {record.factory_cert_sha256 ? 'factory cert' : ''}
                    {record.claim_failures > 0 ? ` (${record.claim_failures} wrong)` : ''}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {record.device_id ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(record.imported_at)}
                </Text>
              </Table.Td>
              {withActions ? (
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    {onUnlock && record.locked ? (
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={busySerial === record.serial}
                        onClick={() => {
                          onUnlock(record);
                        }}
                        data-testid={`registry-unlock-${record.serial}`}
                      >
                        Unlock
                      </Button>
                    ) : null}
                    {onReEnable && record.status === 'decommissioned' ? (
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={busySerial === record.serial}
                        onClick={() => {
                          onReEnable(record);
                        }}
                        data-testid={`registry-re-enable-${record.serial}`}
                      >
                        Re-enable
                      </Button>
                    ) : null}
                  </Group>
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
