import { Button, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
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

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(values);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Audit filters">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        <NativeSelect label="Actor type" data={actorTypeOptions} value={values.actor_type} onChange={set('actor_type')} />
        <TextInput label="Actor id" placeholder="usr_…, dev_…" value={values.actor_id} onChange={set('actor_id')} />
        <TextInput label="Action" placeholder="e.g. auth.login" value={values.action} onChange={set('action')} />
        <NativeSelect label="Result" data={resultOptions} value={values.result} onChange={set('result')} />
        <TextInput label="Target type" placeholder="e.g. user" value={values.target_type} onChange={set('target_type')} />
        <TextInput label="Target id" value={values.target_id} onChange={set('target_id')} />
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
