import { Alert as Notice, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { isApiError } from '../../../lib/api-client';
import { notifySuccess } from '../../../lib/notify';
import { useAcknowledgeAlert, type Alert } from '../api/alerts';

export const NOTE_MAX_LENGTH = 500;

/** Says someone is on `alert`, with an optional note. Remount it (key) per alert. */
export function AcknowledgeAlertModal({ alert, onClose }: { alert: Alert | null; onClose: () => void }) {
  const mutation = useAcknowledgeAlert();
  const [note, setNote] = useState('');

  function close() {
    mutation.reset();
    setNote('');
    onClose();
  }

  function confirm() {
    if (!alert) return;
    mutation.mutate(
      { id: alert.id, note: note.trim() },
      {
        onSuccess: (acknowledged) => {
          notifySuccess(`The alert ${acknowledged.rule_name} on ${acknowledged.device_id} was acknowledged.`);
          close();
        },
      },
    );
  }

  // The alert cleared by itself in the meantime: nothing is left to acknowledge.
  const cleared = isApiError(mutation.error) && mutation.error.slug === 'alert-cleared';
  return (
    <Modal opened={alert !== null} onClose={close} title="Acknowledge alert" centered>
      <Stack gap="sm">
        <Text size="sm">
          Acknowledge <b>{alert?.rule_name}</b> on <b>{alert?.device_id}</b>? It stays open until its condition ends.
        </Text>
        <Textarea
          label="Note"
          description="Optional: what is being done about it."
          maxLength={NOTE_MAX_LENGTH}
          autosize
          minRows={2}
          value={note}
          onChange={(e) => {
            setNote(e.currentTarget.value);
          }}
          error={isApiError(mutation.error) ? mutation.error.fieldError('note') : undefined}
          data-testid="ack-note"
        />
        {mutation.error ? (
          <Notice
            color={cleared ? 'gray' : 'red'}
            variant="light"
            title={cleared ? 'Already cleared' : 'Could not acknowledge the alert'}
            role="alert"
          >
            {mutation.error.message}
          </Notice>
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={close}>
            {cleared ? 'Close' : 'Cancel'}
          </Button>
          {cleared ? null : (
            <Button onClick={confirm} loading={mutation.isPending} data-testid="ack-confirm">
              Acknowledge
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
