import { Anchor, Button, Code, Group, Switch, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { SeverityBadge } from '../../../components/ui/SeverityBadge';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useUpdateRule, type Group as DeviceGroup, type Rule } from '../api/rules';

/** "model Thermo · group roof · site=roof", or "Every device" when the scope is empty. */
export function scopeSummary(rule: Rule, groups: readonly DeviceGroup[]): string {
  const { model, group_id: groupId, selector } = rule.scope;
  const parts: string[] = [];
  if (model) parts.push(`model ${model}`);
  if (groupId) parts.push(`group ${groups.find((g) => g.id === groupId)?.name ?? groupId}`);
  if (selector) parts.push(selector);
  return parts.length ? parts.join(' · ') : 'Every device';
}

interface RuleRowProps {
  rule: Rule;
  groups: readonly DeviceGroup[];
  onEdit: (rule: Rule) => void;
  onDelete: (rule: Rule) => void;
}

export function RuleRow({ rule, groups, onEdit, onDelete }: RuleRowProps) {
  const update = useUpdateRule();

  function toggleEnabled(enabled: boolean) {
    update.mutate(
      { id: rule.id, patch: { enabled } },
      {
        onSuccess: (saved) => {
          notifySuccess(`Rule ${saved.name} was ${saved.enabled ? 'enabled' : 'disabled'}.`);
        },
        onError: (error) => {
          notifyError(error, `${enabled ? 'enable' : 'disable'} the rule ${rule.name}`);
        },
      },
    );
  }

  return (
    <Table.Tr data-testid={`rule-row-${rule.name}`}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {rule.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Code>{rule.condition}</Code>
      </Table.Td>
      <Table.Td>
        <SeverityBadge severity={rule.severity} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{scopeSummary(rule, groups)}</Text>
      </Table.Td>
      <Table.Td>
        <Switch
          aria-label={`Enabled: ${rule.name}`}
          checked={update.isPending ? !rule.enabled : rule.enabled}
          disabled={update.isPending}
          onChange={(e) => {
            toggleEnabled(e.currentTarget.checked);
          }}
          data-testid={`rule-enabled-${rule.name}`}
        />
      </Table.Td>
      <Table.Td>
        {rule.open_alerts > 0 ? (
          <Anchor component={Link} to="/alerts" size="sm" data-testid={`rule-open-alerts-${rule.name}`}>
            {rule.open_alerts}
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed" data-testid={`rule-open-alerts-${rule.name}`}>
            0
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Button
            size="compact-sm"
            variant="default"
            onClick={() => {
              onEdit(rule);
            }}
            aria-label={`Edit ${rule.name}`}
          >
            Edit
          </Button>
          <Button
            size="compact-sm"
            variant="light"
            color="red"
            onClick={() => {
              onDelete(rule);
            }}
            aria-label={`Delete ${rule.name}`}
          >
            Delete
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
