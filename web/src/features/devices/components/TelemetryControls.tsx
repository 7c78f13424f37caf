import { Group, MultiSelect, NativeSelect, SegmentedControl, TextInput } from '@mantine/core';
import { toLocalInput } from '../../../lib/format';
import { isTimeRangePreset, timeRangeOptions, TIME_RANGE_MS } from '../../../lib/time-range';
import {
  MAX_KEYS,
  TELEMETRY_AGGS,
  TELEMETRY_RANGES,
  type TelemetryAgg,
  type TelemetryRange,
  type TelemetrySelection,
} from '../api/telemetry-query';

const AGG_LABELS: Record<TelemetryAgg, string> = {
  avg: 'Average',
  min: 'Minimum',
  max: 'Maximum',
  last: 'Last value',
};

const RANGE_OPTIONS = [...timeRangeOptions(TELEMETRY_RANGES), { value: 'custom', label: 'Custom' }];

function isAgg(value: string): value is TelemetryAgg {
  return (TELEMETRY_AGGS as readonly string[]).includes(value);
}

/** A custom range starts as the day before now, for the user to narrow down. */
function customFromNow(): TelemetryRange {
  const now = Date.now();
  return { kind: 'custom', from: toLocalInput(now - TIME_RANGE_MS['24h']), to: toLocalInput(now) };
}

export function TelemetryControls({
  keys,
  selection,
  onKeysChange,
  onRangeChange,
  onAggChange,
}: {
  keys: readonly string[];
  selection: TelemetrySelection;
  onKeysChange: (keys: string[]) => void;
  onRangeChange: (range: TelemetryRange) => void;
  onAggChange: (agg: TelemetryAgg) => void;
}) {
  const range = selection.range;
  return (
    <Group align="flex-end" gap="sm" wrap="wrap" data-testid="telemetry-controls">
      <MultiSelect
        label="Keys"
        placeholder={selection.keys.length ? undefined : 'Pick keys'}
        data={[...keys]}
        value={[...selection.keys]}
        onChange={onKeysChange}
        maxValues={MAX_KEYS}
        searchable
        clearable
        miw={240}
        style={{ flex: 1 }}
        data-testid="telemetry-keys"
      />
      <SegmentedControl
        value={range.kind === 'preset' ? range.preset : 'custom'}
        data={RANGE_OPTIONS}
        onChange={(value) => {
          if (isTimeRangePreset(value)) onRangeChange({ kind: 'preset', preset: value });
          else if (range.kind !== 'custom') onRangeChange(customFromNow());
        }}
        aria-label="Time range"
        data-testid="telemetry-range"
      />
      <NativeSelect
        label="Aggregation"
        data={TELEMETRY_AGGS.map((value) => ({ value, label: AGG_LABELS[value] }))}
        value={selection.agg}
        onChange={(event) => {
          if (isAgg(event.currentTarget.value)) onAggChange(event.currentTarget.value);
        }}
        data-testid="telemetry-agg"
      />
      {range.kind === 'custom' ? (
        <>
          <TextInput
            label="From"
            type="datetime-local"
            value={range.from}
            onChange={(event) => {
              onRangeChange({ ...range, from: event.currentTarget.value });
            }}
            data-testid="telemetry-from"
          />
          <TextInput
            label="To"
            type="datetime-local"
            value={range.to}
            onChange={(event) => {
              onRangeChange({ ...range, to: event.currentTarget.value });
            }}
            error={range.from && range.to && range.from >= range.to ? 'must be after From' : undefined}
            data-testid="telemetry-to"
          />
        </>
      ) : null}
    </Group>
  );
}
