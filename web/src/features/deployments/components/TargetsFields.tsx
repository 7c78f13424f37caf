// Whom a rollout is for, and what it delivers: the firmware, devices found by search, static
// groups and a label selector (their union).
import { MultiSelect, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { JobFormValues } from '../api/job-request';
import { useDeviceMatches, useFirmwareOptions, useGroupOptions } from '../api/targets';

export interface FieldsProps {
  values: JobFormValues;
  onChange: (patch: Partial<JobFormValues>) => void;
  errors: Record<string, string>;
}

function DevicePicker({ values, onChange, errors }: FieldsProps) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const matches = useDeviceMatches(q);
  // The labels of devices chosen under an earlier search stay known.
  const [chosenLabels, setChosenLabels] = useState<Record<string, string>>({});
  const labels: Record<string, string> = { ...chosenLabels };
  for (const d of matches.data?.items ?? []) labels[d.id] = `${d.serial} (${d.model})`;
  const ids = [...new Set([...values.devices, ...(matches.data?.items ?? []).map((d) => d.id)])];
  return (
    <MultiSelect
      label="Devices"
      description="Search by serial, id or model"
      placeholder="Search devices"
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server has already matched the search (it looks at more than the label).
      filter={({ options }) => options}
      data={ids.map((id) => ({ value: id, label: labels[id] ?? id }))}
      value={values.devices}
      onChange={(devices) => {
        setChosenLabels(Object.fromEntries(devices.map((id) => [id, labels[id] ?? id])));
        onChange({ devices });
      }}
      nothingFoundMessage={matches.isFetching ? 'Searching…' : 'No device matches'}
      error={errors['targets.devices']}
      data-testid="job-devices"
    />
  );
}

export function TargetsFields(props: FieldsProps) {
  const { values, onChange, errors } = props;
  const firmware = useFirmwareOptions();
  const groups = useGroupOptions();
  return (
    <Stack gap="sm">
      <NativeSelect
        label="Firmware"
        required
        data={[
          { value: '', label: 'Choose a version' },
          ...(firmware.data?.items ?? []).map((f) => ({ value: f.id, label: `${f.version} · ${f.models.join(', ')}` })),
        ]}
        value={values.firmwareId ?? ''}
        onChange={(event) => {
          onChange({ firmwareId: event.currentTarget.value || null });
        }}
        error={errors.firmware_id}
        data-testid="job-firmware"
      />
      <Text size="sm" fw={500}>
        Targets (any mix: the job goes to their union)
      </Text>
      <DevicePicker {...props} />
      <MultiSelect
        label="Groups"
        placeholder="Choose groups"
        searchable
        data={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))}
        value={values.groups}
        onChange={(chosen) => {
          onChange({ groups: chosen });
        }}
        error={errors['targets.groups']}
        data-testid="job-groups"
      />
      <TextInput
        label="Label selector"
        description="e.g. model=Thermo,site in (north, south)"
        value={values.selector}
        onChange={(event) => {
          onChange({ selector: event.currentTarget.value });
        }}
        error={errors['targets.selector']}
        data-testid="job-selector"
      />
      {errors.targets ? (
        <Text c="red" size="sm" data-testid="job-targets-error">
          {errors.targets}
        </Text>
      ) : null}
    </Stack>
  );
}
