import { Autocomplete, Button, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { useCan } from '../../../lib/auth';
import { KNOWN_ACTIONS, KNOWN_TARGET_TYPES } from '../api/known-actions';
import { useAuditUsers } from '../api/users';
import { EMPTY_FILTERS, type AuditFilterValues } from '../hooks/use-audit-filters';

const actorTypeOptions = [
  { value: '', label: 'Any' },
  { value: 'user', label: 'User' },
  { value: 'device', label: 'Device' },
  { value: 'system', label: 'System' },
];

const resultOptions = [
  { value: '', label: 'Any' },
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
  { value: 'denied', label: 'Denied' },
];

/**
 * The actor filter: a select of the portal's users for those who may list them (users.manage),
 * the actor's id as text for everyone else and for actors that are not users.
 */
function ActorField({
  values,
  onChange,
}: {
  values: AuditFilterValues;
  onChange: (next: Pick<AuditFilterValues, 'actor_type' | 'actor_id'>) => void;
}) {
  const canListUsers = useCan('users.manage');
  const pickUser = canListUsers && (values.actor_type === '' || values.actor_type === 'user');
  const users = useAuditUsers(pickUser);
  if (!pickUser || !users.data) {
    return (
      <TextInput
        label="Actor id"
        placeholder="usr_…, dev_…"
        value={values.actor_id}
        onChange={(e) => {
          onChange({ actor_type: values.actor_type, actor_id: e.currentTarget.value });
        }}
      />
    );
  }
  const options = [
    { value: '', label: 'Anyone' },
    ...users.data.map((u) => ({ value: u.id, label: `${u.username} (${u.display_name})` })),
  ];
  // An id from a link that is not among the listed users still shows, and still filters.
  if (values.actor_id && !options.some((o) => o.value === values.actor_id))
    options.push({ value: values.actor_id, label: values.actor_id });
  return (
    <NativeSelect
      label="User"
      data={options}
      value={values.actor_id}
      onChange={(e) => {
        const id = e.currentTarget.value;
        onChange({ actor_type: id ? 'user' : values.actor_type, actor_id: id });
      }}
      data-testid="audit-user"
    />
  );
}

interface AuditFiltersFormProps {
  initial: AuditFilterValues;
  onApply: (values: AuditFilterValues) => void;
}

/** Edits a copy of the filters; nothing is queried until "Apply". Remount it to reset. */
export function AuditFiltersForm({ initial, onApply }: AuditFiltersFormProps) {
  const [values, setValues] = useState<AuditFilterValues>(initial);

  const set =
    (key: keyof AuditFilterValues) =>
    (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value;
      setValues((v) => ({ ...v, [key]: value }));
    };
  const setText = (key: 'action' | 'target_type') => (value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
  };

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(values);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Audit filters">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        <NativeSelect label="Actor type" data={actorTypeOptions} value={values.actor_type} onChange={set('actor_type')} />
        <ActorField
          values={values}
          onChange={(actor) => {
            setValues((v) => ({ ...v, ...actor }));
          }}
        />
        <Autocomplete
          label="Action"
          placeholder="e.g. auth.login"
          data={KNOWN_ACTIONS}
          limit={12}
          value={values.action}
          onChange={setText('action')}
        />
        <NativeSelect label="Result" data={resultOptions} value={values.result} onChange={set('result')} />
        <Autocomplete
          label="Target type"
          placeholder="e.g. device"
          data={KNOWN_TARGET_TYPES}
          value={values.target_type}
          onChange={setText('target_type')}
        />
        <TextInput
          label="Target id"
          placeholder="dev_…, usr_…"
          value={values.target_id}
          onChange={set('target_id')}
        />
        <TextInput label="From" type="datetime-local" value={values.from} onChange={set('from')} />
        <TextInput label="To" type="datetime-local" value={values.to} onChange={set('to')} />
      </SimpleGrid>
      <Group justify="flex-end" mt="sm">
        <Button
          variant="default"
          onClick={() => {
            setValues(EMPTY_FILTERS);
            onApply(EMPTY_FILTERS);
          }}
        >
          Reset
        </Button>
        <Button type="submit" data-testid="audit-apply">
          Apply filters
        </Button>
      </Group>
    </form>
  );
}
