import { Button, CopyButton, Group, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
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
      <Text size="sm" c="dimmed" data-testid="firmware-signature-state">
        unsigned
      </Text>
    );
  }
  return (
    <Tooltip label={`Verified against the key with SHA-256 ${firmware.signed_by}`} maw={600} multiline>
      <Text size="sm" c="teal.7" fw={500} data-testid="firmware-signature-state">
        signed · {firmware.signed_by.slice(0, 8)}
      </Text>
    </Tooltip>
  );
}


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
  const withActions = onDownload !== undefined || onDelete !== undefined;
  const columns = withActions ? 8 : 7;
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="firmware-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36}>
              <VisuallyHidden>Details</VisuallyHidden>
            </Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Models</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>SHA-256</Table.Th>
            <Table.Th>Signature</Table.Th>
            <Table.Th>Uploaded</Table.Th>
            {withActions ? <Table.Th>Actions</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((firmware) => {
            const open = expandedId === firmware.id;
            return (
              <Fragment key={firmware.id}>
                <Table.Tr data-testid={`firmware-row-${firmware.id}`} data-version={firmware.version}>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="gray"
                      aria-expanded={open}
                      aria-label={`${open ? 'Hide' : 'Show'} the details of ${firmware.version}`}
                      onClick={() => {
                        onToggle(firmware);
                      }}
                      data-testid="firmware-details-toggle"
                    >
                      {open ? '▾' : '▸'}
                    </Button>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500} ff="monospace">
                      {firmware.version}
                    </Text>
                    {firmware.description ? (
                      <Text size="xs" c="dimmed" lineClamp={2} data-testid="firmware-description">
                        {firmware.description}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{firmware.models.join(', ')}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" title={`${firmware.size} bytes`} style={{ whiteSpace: 'nowrap' }}>
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
                  {withActions ? (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
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
                  ) : null}
                </Table.Tr>
                {open ? (
                  <Table.Tr data-testid={`firmware-details-row-${firmware.id}`}>
                    <Table.Td colSpan={columns}>
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
