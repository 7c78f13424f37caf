import { Badge, Button, CopyButton, Group, Table, Text, Tooltip } from '@mantine/core';
import { Fragment } from 'react';
import { formatBytes, formatDateTime } from '../../../lib/format';
import type { Firmware } from '../api/firmware';
import { FirmwareDetails } from './FirmwareDetails';

export interface FirmwareRowActions {
  /** Given when the user may download images (firmware.manage). */
  onDownload?: (firmware: Firmware) => void;
  /** Given when the user may delete firmware (firmware.manage). */
  onDelete?: (firmware: Firmware) => void;
  /** The firmware whose download link is being made. */
  downloadingId?: string | null;
  /** Whether the details may be edited (firmware.manage). */
  canEdit: boolean;
}

/** The first hex digits of a SHA-256, enough to tell images apart at a glance. */
export function shortHash(hex: string): string {
  return hex.length > 12 ? `${hex.slice(0, 12)}…` : hex;
}

function Sha256({ firmware }: { firmware: Firmware }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={firmware.sha256} maw={600} multiline>
        <Text size="sm" ff="monospace" data-testid="firmware-sha256">
          {shortHash(firmware.sha256)}
        </Text>
      </Tooltip>
      <CopyButton value={firmware.sha256}>
        {({ copied, copy }) => (
          <Button
            size="compact-xs"
            variant="subtle"
            color={copied ? 'teal' : 'gray'}
            onClick={copy}
            aria-label={`Copy the SHA-256 of ${firmware.version}`}
            data-testid="firmware-copy-sha256"
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

export function SignatureState({ firmware }: { firmware: Firmware }) {
  if (!firmware.signed_by) {
    return (
      <Badge color="gray" variant="light" data-testid="firmware-signature-state">
        unsigned
      </Badge>
    );
  }
  return (
    <Tooltip label={`Verified against the key with SHA-256 ${firmware.signed_by}`} maw={600} multiline>
      <Badge color="teal" variant="light" data-testid="firmware-signature-state">
        signed · {firmware.signed_by.slice(0, 8)}
      </Badge>
    </Tooltip>
  );
}

const COLUMNS = 8;

export function FirmwareTable({
  items,
  actions,
  expandedId,
  onToggle,
}: {
  items: readonly Firmware[];
  actions: FirmwareRowActions;
  /** The firmware whose details are open below its row. */
  expandedId: string | null;
  onToggle: (firmware: Firmware) => void;
}) {
  const { onDownload, onDelete, downloadingId, canEdit } = actions;
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="firmware-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Models</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>SHA-256</Table.Th>
            <Table.Th>Signature</Table.Th>
            <Table.Th>Uploaded</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((firmware) => {
            const open = expandedId === firmware.id;
            return (
              <Fragment key={firmware.id}>
                <Table.Tr data-testid={`firmware-row-${firmware.id}`} data-version={firmware.version}>
                  <Table.Td>
                    <Text size="sm" fw={500} ff="monospace">
                      {firmware.version}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {firmware.models.map((model) => (
                        <Badge key={model} variant="outline" color="gray" tt="none">
                          {model}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ta="right" title={`${firmware.size} bytes`}>
                      {formatBytes(firmware.size)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Sha256 firmware={firmware} />
                  </Table.Td>
                  <Table.Td>
                    <SignatureState firmware={firmware} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(firmware.created_at)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2} c={firmware.description ? undefined : 'dimmed'}>
                      {firmware.description || '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="compact-xs"
                        variant="light"
                        color="gray"
                        aria-expanded={open}
                        onClick={() => {
                          onToggle(firmware);
                        }}
                        data-testid="firmware-details-toggle"
                      >
                        {open ? 'Hide' : 'Details'}
                      </Button>
                      {onDownload ? (
                        <Button
                          size="compact-xs"
                          variant="light"
                          loading={downloadingId === firmware.id}
                          onClick={() => {
                            onDownload(firmware);
                          }}
                          data-testid="firmware-download"
                        >
                          Download
                        </Button>
                      ) : null}
                      {onDelete ? (
                        <Button
                          size="compact-xs"
                          variant="light"
                          color="red"
                          onClick={() => {
                            onDelete(firmware);
                          }}
                          data-testid="firmware-delete"
                        >
                          Delete
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
                {open ? (
                  <Table.Tr data-testid={`firmware-details-row-${firmware.id}`}>
                    <Table.Td colSpan={COLUMNS}>
                      <FirmwareDetails firmware={firmware} canEdit={canEdit} />
                    </Table.Td>
                  </Table.Tr>
                ) : null}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
