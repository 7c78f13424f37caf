import { Badge, Button, Code, Table, Text } from '@mantine/core';
import { Fragment, useState } from 'react';
import { formatDateTime } from '../../../lib/format';
import type { AuditEntry, AuditResult } from '../api/audit';

const RESULT_COLORS: Record<AuditResult, string> = { success: 'teal', failure: 'red', denied: 'orange' };

/** An actor or target: its type small and dimmed, its (often long) id in monospace. */
function Party({ type, id }: { type: string; id: string }) {
  return (
    <>
      {type ? (
        <Text size="xs" c="dimmed">
          {type}
        </Text>
      ) : null}
      <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {id || '—'}
      </Text>
    </>
  );
}

function hasDetails(entry: AuditEntry): boolean {
  return Object.keys(entry.details).length > 0;
}

export function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());

  function toggle(id: number) {
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  return (
    <Table.ScrollContainer minWidth={1040}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="audit-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Result</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => {
            const expanded = open.has(entry.id);
            return (
              <Fragment key={entry.id}>
                <Table.Tr data-testid="audit-row">
                  <Table.Td>
                    <Text size="sm" title={entry.time} style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(entry.time)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Party type={entry.actor_type} id={entry.actor_id} />
                  </Table.Td>
                  <Table.Td>
                    <Code>{entry.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Party type={entry.target_type} id={entry.target_id} />
                  </Table.Td>
                  <Table.Td>
                    <Badge color={RESULT_COLORS[entry.result]} variant="light" style={{ overflow: 'visible' }}>
                      {entry.result}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {entry.source}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {hasDetails(entry) ? (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-expanded={expanded}
                        aria-label={`${expanded ? 'Hide' : 'Show'} details of entry ${entry.id}`}
                        onClick={() => {
                          toggle(entry.id);
                        }}
                      >
                        {expanded ? 'Hide' : 'Show'}
                      </Button>
                    ) : (
                      <Text size="xs" c="dimmed">
                        none
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
                {expanded ? (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <Code block data-testid={`audit-details-${entry.id}`}>
                        {JSON.stringify(entry.details, null, 2)}
                      </Code>
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
