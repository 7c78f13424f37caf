// The create-rollout form. "Preview" asks the server what the job would do (a dry run);
// "Create" is offered only once the preview answers for exactly the inputs on the form, so
// nobody starts a rollout whose targets they have not seen.
import { Alert, Button, Divider, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { isApiError } from '../../../lib/api-client';
import { describeError, notifySuccess } from '../../../lib/notify';
import { DEFAULT_JOB_FORM, toJobRequest, type JobFormValues } from '../api/job-request';
import { useCreateJob, usePreviewJob, type JobPlan } from '../api/jobs';
import { PlanPreview } from './PlanPreview';
import { RolloutFields } from './RolloutFields';
import { TargetsFields } from './TargetsFields';

/** The field errors of a 422 (e.g. a selector's syntax error, with its position). */
function fieldErrors(error: unknown): Record<string, string> {
  if (!isApiError(error)) return {};
  return Object.fromEntries(error.errors.map((e) => [e.field, e.message]));
}

export function CreateJobForm({ onCancel }: { onCancel: () => void }) {
  const navigate = useNavigate();
  const preview = usePreviewJob();
  const create = useCreateJob();
  const [values, setValues] = useState<JobFormValues>(DEFAULT_JOB_FORM);
  const [formErrors, setFormErrors] = useState<Record<string, string>>({});
  const [previewed, setPreviewed] = useState<{ body: string; plan: JobPlan } | null>(null);

  const made = toJobRequest(values);
  const body = 'request' in made ? JSON.stringify(made.request) : null;
  const current = previewed && previewed.body === body ? previewed.plan : null;
  const failure = create.error ?? preview.error;
  const failed = failure ? describeError(failure, create.error ? 'create the rollout' : 'preview the rollout') : null;
  const errors = { ...fieldErrors(failure), ...formErrors };

  const onChange = (patch: Partial<JobFormValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setFormErrors({});
  };

  const onPreview = () => {
    create.reset();
    if ('errors' in made) {
      setFormErrors(made.errors);
      return;
    }
    const sent = JSON.stringify(made.request);
    preview.mutate(made.request, {
      onSuccess: (plan) => {
        setPreviewed({ body: sent, plan });
      },
    });
  };

  const onCreate = () => {
    if (!('request' in made) || !current) return;
    create.mutate(made.request, {
      onSuccess: (job) => {
        notifySuccess(`Rollout ${job.id} started for ${job.counts.total ?? 0} devices.`);
        void navigate(`/deployments/${job.id}`);
      },
    });
  };

  return (
    <Stack gap="md" data-testid="create-job-form">
      <TargetsFields values={values} onChange={onChange} errors={errors} />
      <Divider label="Rollout" labelPosition="left" />
      <RolloutFields values={values} onChange={onChange} errors={errors} />
      {failed ? (
        <Alert color="red" variant="light" title={failed.title} data-testid="job-error">
          {failed.message}
        </Alert>
      ) : null}
      {current ? <PlanPreview plan={current} /> : null}
      {previewed && !current ? (
        <Text size="sm" c="dimmed" data-testid="job-preview-stale">
          The form changed since the preview: preview again before creating.
        </Text>
      ) : null}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button variant="light" onClick={onPreview} loading={preview.isPending} data-testid="job-preview">
          Preview
        </Button>
        <Button onClick={onCreate} disabled={!current} loading={create.isPending} data-testid="job-create">
          Create rollout
        </Button>
      </Group>
    </Stack>
  );
}
