import { Button, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import {
  DEVICE_LIFECYCLES,
  DEVICE_STATUSES,
  EMPTY_DEVICE_FILTERS,
  type DeviceFilterValues,
} from '../hooks/use-device-filters';
import { lifecycleLabel } from './DeviceBadges';

const statusOptions = [{ value: '', label: 'Any' }, ...DEVICE_STATUSES.map((s) => ({ value: s, label: s }))];
const lifecycleOptions = [
  { value: '', label: 'Any' },
  ...DEVICE_LIFECYCLES.map((l) => ({ value: l, label: lifecycleLabel(l) })),
];

/** Edits a copy of the filters; nothing is queried until "Search". Remount it to reset. */
export function DeviceFiltersForm({
  initial,
  onApply,
}: {
  initial: DeviceFilterValues;
  onApply: (values: DeviceFilterValues) => void;
}) {
  const [values, setValues] = useState<DeviceFilterValues>(initial);

  const set =
    (key: keyof DeviceFilterValues) =>
    (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value;
      setValues((v) => ({ ...v, [key]: value }));
    };

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(values);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Device filters">
      <SimpleGrid cols={{ base: 1, sm: 3, lg: 5 }} spacing="sm">
        <TextInput
          label="Search"
          placeholder="Id, serial or model"
          value={values.q}
          onChange={set('q')}
          data-testid="devices-search"
        />
        <NativeSelect label="Status" data={statusOptions} value={values.status} onChange={set('status')} />
        <NativeSelect label="Lifecycle" data={lifecycleOptions} value={values.lifecycle} onChange={set('lifecycle')} />
        <TextInput label="Model" placeholder="Exact model" value={values.model} onChange={set('model')} />
        <TextInput label="Label" placeholder="key or key=value" value={values.label} onChange={set('label')} />
      </SimpleGrid>
      <Group justify="flex-end" mt="sm">
        <Button
          variant="default"
          onClick={() => {
            setValues(EMPTY_DEVICE_FILTERS);
            onApply(EMPTY_DEVICE_FILTERS);
          }}
        >
          Reset
        </Button>
        <Button type="submit" data-testid="devices-apply">
          Search
        </Button>
      </Group>
    </form>
  );
}
