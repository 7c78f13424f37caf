import { Button, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import {
  DEVICE_LIFECYCLES,
  DEVICE_STATUSES,
  EMPTY_DEVICE_FILTERS,
  type DeviceFilterValues,
} from '../hooks/use-device-filters';
import { useGroups } from '../api/groups';
import { lifecycleLabel } from './DeviceBadges';

const statusOptions = [{ value: '', label: 'Any' }, ...DEVICE_STATUSES.map((s) => ({ value: s, label: s }))];
const lifecycleOptions = [
  { value: '', label: 'Any' },
  ...DEVICE_LIFECYCLES.map((l) => ({ value: l, label: lifecycleLabel(l) })),
];

/**
 * Edits a copy of the filters; nothing is queried until "Search". Remount it to reset.
 * `selectorError` is the server's word on the applied selector (a 422's detail, with the position).
 */
export function DeviceFiltersForm({
  initial,
  onApply,
  selectorError,
}: {
  initial: DeviceFilterValues;
  onApply: (values: DeviceFilterValues) => void;
  selectorError?: string | undefined;
}) {
  const [values, setValues] = useState<DeviceFilterValues>(initial);
  const groups = useGroups();
  const groupOptions = [
    { value: '', label: 'Any' },
    ...(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name })),
  ];
  // A group in the URL that the list does not hold (deleted, or not loaded yet) stays selectable.
  if (values.group && !groupOptions.some((o) => o.value === values.group)) {
    groupOptions.push({ value: values.group, label: values.group });
  }

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
      <SimpleGrid cols={{ base: 1, sm: 3, lg: 6 }} spacing="sm">
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
        <NativeSelect
          label="Group"
          data={groupOptions}
          value={values.group}
          onChange={set('group')}
          data-testid="devices-group"
        />
      </SimpleGrid>
      <TextInput
        mt="sm"
        label="Selector"
        description="Label selector: key=value, key!=value, key in (a,b), key notin (a,b), key, !key; commas mean AND"
        placeholder="model=Thermo 3, site in (a,b), !beta"
        value={values.selector}
        onChange={set('selector')}
        error={selectorError}
        spellCheck={false}
        data-testid="devices-selector"
      />
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
