import { Autocomplete, Button, Group } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { EMPTY_FIRMWARE_FILTERS, type FirmwareFilterValues } from '../hooks/use-firmware-filters';

/** Edits a copy of the filters; nothing is queried until "Search". Remount it to reset. */
export function FirmwareFiltersForm({
  initial,
  models,
  onApply,
}: {
  initial: FirmwareFilterValues;
  /** Models to suggest (those of the firmware listed so far). */
  models: readonly string[];
  onApply: (values: FirmwareFilterValues) => void;
}) {
  const [values, setValues] = useState<FirmwareFilterValues>(initial);

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(values);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Firmware filters">
      <Group align="flex-end" justify="space-between">
        <Autocomplete
          label="Model"
          placeholder="Firmware that fits this model"
          data={[...models]}
          value={values.model}
          onChange={(model) => {
            setValues({ model });
          }}
          miw={280}
          data-testid="firmware-filter-model"
        />
        <Group>
          <Button
            variant="default"
            onClick={() => {
              setValues(EMPTY_FIRMWARE_FILTERS);
              onApply(EMPTY_FIRMWARE_FILTERS);
            }}
          >
            Reset
          </Button>
          <Button type="submit" data-testid="firmware-apply">
            Search
          </Button>
        </Group>
      </Group>
    </form>
  );
}
