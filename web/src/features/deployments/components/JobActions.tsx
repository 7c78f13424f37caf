// Pause, resume and cancel, for users with jobs.manage (the page shows none of them to others;
// the server refuses them regardless). Cancel asks first, and may force executions in progress.
import { Button, Checkbox, Group, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useChangeJob, type Job, type JobAction } from '../api/jobs';

export function JobActions({ job }: { job: Job }) {
  const change = useChangeJob();
  const [confirming, setConfirming] = useState(false);
  const [force, setForce] = useState(false);
  const active = job.status === 'in_progress' || job.status === 'paused';
  if (!active) return null;

  const run = (action: JobAction, options: { force?: boolean } = {}) => {
    change.mutate(
      { id: job.id, action, ...options },
      {
        onSuccess: () => {
          notifySuccess(`Job ${job.id}: ${action === 'cancel' ? 'canceled' : action === 'pause' ? 'paused' : 'resumed'}.`);
          setConfirming(false);
        },
        onError: (error) => {
          notifyError(error, `${action} the job`);
        },
      },
    );
  };

  return (
    <>
      {job.status === 'in_progress' ? (
        <Button variant="light" color="yellow" onClick={() => run('pause')} loading={change.isPending} data-testid="job-pause">
          Pause
        </Button>
      ) : (
        <Button variant="light" onClick={() => run('resume')} loading={change.isPending} data-testid="job-resume">
          Resume
        </Button>
      )}
      <Button
        variant="light"
        color="red"
        onClick={() => {
          setForce(false);
          setConfirming(true);
        }}
        data-testid="job-cancel"
      >
        Cancel
      </Button>
      <Modal
        opened={confirming}
        onClose={() => {
          setConfirming(false);
        }}
        title="Cancel the rollout"
      >
        <Text size="sm" mb="sm">
          Queued executions are canceled and their devices told. Devices installing now finish unless you force it.
        </Text>
        <Checkbox
          label="Also cancel executions in progress (force)"
          checked={force}
          onChange={(event) => {
            setForce(event.currentTarget.checked);
          }}
          data-testid="job-cancel-force"
        />
        <Group justify="flex-end" mt="md">
          <Button
            variant="default"
            onClick={() => {
              setConfirming(false);
            }}
          >
            Keep it
          </Button>
          <Button color="red" onClick={() => run('cancel', { force })} loading={change.isPending} data-testid="job-cancel-confirm">
            Cancel the rollout
          </Button>
        </Group>
      </Modal>
    </>
  );
}
