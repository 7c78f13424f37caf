import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { notifySuccess } from '../../../lib/notify';
import { useDecommissionDevice, useRevokeCertificate, type DeviceDetail } from '../api/devices';

export type DeviceAction = 'revoke' | 'decommission';

const TEXT: Record<DeviceAction, { title: string; button: string; body: string; done: string }> = {
  revoke: {
    title: 'Revoke certificate',
    button: 'Revoke',
    body: 'Revokes every certificate of this device and disconnects it now. It cannot connect again until it is onboarded anew.',
    done: 'The certificates of {serial} are revoked.',
  },
  decommission: {
    title: 'Decommission device',
    button: 'Decommission',
    body: 'Revokes its certificates, disconnects it and retires its serial. It can be claimed again only after an admin re-enables its registry record.',
    done: '{serial} is decommissioned.',
  },
};

/** Asks for the serial before a destructive device action; closes on success. */
export function ConfirmDeviceAction({
  device,
  action,
  onClose,
}: {
  device: DeviceDetail;
  action: DeviceAction | null;
  onClose: () => void;
}) {
  const revoke = useRevokeCertificate();
  const decommission = useDecommissionDevice();
  const mutation = action === 'decommission' ? decommission : revoke;
  const [typed, setTyped] = useState('');
  const text = action ? TEXT[action] : null;

  function close() {
    revoke.reset();
    decommission.reset();
    setTyped('');
    onClose();
  }

  function confirm() {
    if (!text) return;
    mutation.mutate(device.id, {
      onSuccess: () => {
        notifySuccess(text.done.replace('{serial}', device.serial));
        close();
      },
    });
  }

  return (
    <Modal opened={action !== null} onClose={close} title={text?.title} centered>
      <Stack gap="sm">
        <Text size="sm">{text?.body}</Text>
        <TextInput
          label={`Type the serial ${device.serial} to confirm`}
          value={typed}
          onChange={(event) => {
            setTyped(event.currentTarget.value);
          }}
          data-testid="confirm-serial"
        />
        {mutation.error ? (
          <Alert color="red" variant="light" title={`Could not ${text?.button.toLowerCase() ?? ''}`} role="alert">
            {mutation.error.message}
          </Alert>
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color="red"
            onClick={confirm}
            disabled={typed.trim() !== device.serial}
            loading={mutation.isPending}
            data-testid="confirm-device-action"
          >
            {text?.button}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
