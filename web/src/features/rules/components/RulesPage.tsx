import { Button, Card, Center, Loader, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useRuleGroups, useRules, type Rule } from '../api/rules';
import { DeleteRuleModal } from './DeleteRuleModal';
import { RuleFormModal } from './RuleFormModal';
import { RuleRow } from './RuleRow';

/** What the form modal is open for: a new rule, or an existing one. */
type Editing = { rule: Rule | null } | null;

export function RulesPage() {
  const rules = useRules();
  const groups = useRuleGroups();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const items = rules.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Rules"
        description="Conditions on telemetry and connection state that raise alerts."
        actions={
          <Button
            onClick={() => {
              setEditing({ rule: null });
            }}
            data-testid="create-rule-button"
          >
            Create rule
          </Button>
        }
      />

      {rules.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading rules" />
        </Center>
      ) : rules.isError ? (
        <ErrorAlert error={rules.error} action="list alert rules" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover verticalSpacing="sm" data-testid="rules-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Condition</Table.Th>
                  <Table.Th>Severity</Table.Th>
                  <Table.Th>Scope</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th>Open alerts</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((rule) => (
                  <RuleRow
                    key={rule.id}
                    rule={rule}
                    groups={groups.data ?? []}
                    onEdit={(r) => {
                      setEditing({ rule: r });
                    }}
                    onDelete={setDeleting}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {items.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="rules-empty">
              No rules yet. Create one to be alerted when a device runs hot, goes offline or misses heartbeats.
            </Text>
          ) : null}
        </Card>
      )}

      <RuleFormModal
        key={editing ? (editing.rule?.id ?? 'new') : 'closed'}
        opened={editing !== null}
        rule={editing?.rule ?? null}
        onClose={() => {
          setEditing(null);
        }}
      />
      <DeleteRuleModal
        rule={deleting}
        onClose={() => {
          setDeleting(null);
        }}
      />
    </>
  );
}
