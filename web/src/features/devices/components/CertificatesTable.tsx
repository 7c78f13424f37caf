import { Badge, Code, Table, Text } from '@mantine/core';
import { formatDateTime } from '../../../lib/format';
import type { DeviceCertificate } from '../api/devices';

const STATUS_COLORS: Record<DeviceCertificate['status'], string> = {
  active: 'teal',
  superseded: 'gray',
  revoked: 'red',
};

/** "AB:CD:…" groups of the SHA-256 fingerprint, as openssl x509 -fingerprint prints them. */
export function formatFingerprint(sha256: string): string {
  return (sha256.toUpperCase().match(/.{1,2}/g) ?? []).join(':');
}

export function CertificatesTable({ certificates }: { certificates: readonly DeviceCertificate[] }) {
  if (certificates.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="certificates-empty">
        No certificate issued yet.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="xs" data-testid="certificates-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Serial</Table.Th>
            <Table.Th>SHA-256 fingerprint</Table.Th>
            <Table.Th>Valid until</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {certificates.map((c) => (
            <Table.Tr key={c.serial} data-testid="certificate-row">
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {c.serial}
                </Text>
              </Table.Td>
              <Table.Td>
                <Code style={{ wordBreak: 'break-all', whiteSpace: 'normal' }}>{formatFingerprint(c.sha256)}</Code>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }} title={`from ${c.not_before}`}>
                  {formatDateTime(c.not_after)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLORS[c.status]} variant="light" style={{ overflow: 'visible' }}>
                  {c.status}
                </Badge>
                {c.revoked_at ? (
                  <Text size="xs" c="dimmed">
                    {formatDateTime(c.revoked_at)}
                  </Text>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
