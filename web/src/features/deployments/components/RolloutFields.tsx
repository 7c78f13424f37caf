// How a rollout goes: its pace, waves, abort threshold, timeout and retries (jobs/rollout.hpp).
import { NumberInput, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import type { JobFormValues } from '../api/job-request';
import type { FieldsProps } from './TargetsFields';

type NumberKey = {
  [K in keyof JobFormValues]: JobFormValues[K] extends number ? K : never;
}[keyof JobFormValues];

function NumberField({
  name,
  field,
  label,
  description,
  min,
  max,
  decimal = false,
  props,
}: {
  name: NumberKey;
  field: string;
  label: string;
  description?: string;
  min: number;
  max?: number;
  decimal?: boolean;
  props: FieldsProps;
}) {
  return (
    <NumberInput
      label={label}
      description={description}
      min={min}
      max={max}
      allowDecimal={decimal}
      value={props.values[name]}
      onChange={(value) => {
        props.onChange({ [name]: typeof value === 'number' ? value : Number(value) || 0 });
      }}
      error={props.errors[field]}
      data-testid={`job-${field.replace('rollout.', '').replaceAll('_', '-')}`}
    />
  );
}

export function RolloutFields(props: FieldsProps) {
  const { values, onChange, errors } = props;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <NumberField
          props={props}
          name="maxPerMinute"
          field="rollout.max_per_minute"
          label="Rollout rate (per minute)"
          description="0 releases all at once"
          min={0}
        />
        <NumberField
          props={props}
          name="growthFactor"
          field="rollout.growth_factor"
          label="Rate growth factor"
          description="1 keeps the rate"
          min={1}
          max={5}
          decimal
        />
        <NumberField
          props={props}
          name="growthEvery"
          field="rollout.growth_every"
          label="Grow after N successes"
          description="0 never grows"
          min={0}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label="Waves (cumulative %)"
          description="e.g. 10, 50, 100; empty is one wave"
          value={values.waves}
          onChange={(event) => {
            onChange({ waves: event.currentTarget.value });
          }}
          error={errors['rollout.waves']}
          data-testid="job-waves"
        />
        <NumberField
          props={props}
          name="soakS"
          field="rollout.soak_s"
          label="Soak time per wave (s)"
          description="Wait after a wave has finished"
          min={0}
        />
        <NumberField
          props={props}
          name="inProgressTimeoutS"
          field="rollout.in_progress_timeout_s"
          label="In-progress timeout (s)"
          description="60 to 604800"
          min={60}
          max={604800}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <NumberField
          props={props}
          name="abortFailurePercent"
          field="rollout.abort_failure_percent"
          label="Abort at failures (%)"
          description="0 never aborts"
          min={0}
          max={100}
          decimal
        />
        <NumberField
          props={props}
          name="abortMinFinished"
          field="rollout.abort_min_finished"
          label="... once this many finished"
          min={1}
        />
        <NumberField props={props} name="maxRetries" field="rollout.max_retries" label="Retries" min={0} max={10} />
      </SimpleGrid>
      <Switch
        label="Continuous: devices that join the targets later get the job too"
        checked={values.continuous}
        onChange={(event) => {
          onChange({ continuous: event.currentTarget.checked });
        }}
        data-testid="job-continuous"
      />
      <TextInput
        label="Description"
        value={values.description}
        onChange={(event) => {
          onChange({ description: event.currentTarget.value });
        }}
        error={errors.description}
        data-testid="job-description"
      />
    </Stack>
  );
}
