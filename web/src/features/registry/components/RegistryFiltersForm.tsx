import { Button, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { EMPTY_REGISTRY_FILTERS, RECORD_STATUSES, type RegistryFilterValues } from '../hooks/use-registry-filters';

const statusOptions = [{ value: '', label: 'Any' }, ...RECORD_STATUSES.map((s) => ({ value: s, label: s }))];

/** Edits a copy of the filters; nothing is queried until "Search". Remount it to reset. */
export function RegistryFiltersForm({
  initial,
  onApply,
}: {
  initial: RegistryFilterValues;
  onApply: (values: RegistryFilterValues) => void;
}) {
  const [values, setValues] = useState<RegistryFilterValues>(initial);

  const set =
    (key: keyof RegistryFilterValues) =>
    (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value;
      setValues((v) => ({ ...v, [key]: value }));
    };

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(values);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Registry filters">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextInput
          label="Search"
          placeholder="Serial, model or batch"
          value={values.q}
          onChange={set('q')}
          data-testid="registry-search"
        />
        <NativeSelect label="Status" data={statusOptions} value={values.status} onChange={set('status')} />
        <TextInput label="Model" placeholder="Exact model" value={values.model} onChange={set('model')} />
      </SimpleGrid>
      <Group justify="flex-end" mt="sm">
        <Button
          variant="default"
          onClick={() => {
            setValues(EMPTY_REGISTRY_FILTERS);
            onApply(EMPTY_REGISTRY_FILTERS);
          }}
        >
          Reset
        </Button>
        <Button type="submit" data-testid="registry-apply">
          Search
        </Button>
      </Group>
    </form>
  );
}
