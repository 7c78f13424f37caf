import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { isApiError } from '../../../lib/api-client';
import { notifySuccess } from '../../../lib/notify';
import { useDeleteFirmware, type Firmware } from '../api/firmware';

export function DeleteFirmwareModal({ firmware, onClose }: { firmware: Firmware | null; onClose: () => void }) {
  const mutation = useDeleteFirmware();

  function close() {
    mutation.reset();
    onClose();
  }

  function confirm() {
    if (!firmware) return;
    mutation.mutate(firmware.id, {
      onSuccess: () => {
        notifySuccess(`Firmware ${firmware.version} was deleted.`);
        close();
      },
    });
  }

  const inUse = isApiError(mutation.error) && mutation.error.slug === 'firmware-in-use';

  return (
    <Modal opened={firmware !== null} onClose={close} title="Delete firmware" centered>
      <Stack gap="sm">
        <Text size="sm">
          Delete firmware <b>{firmware?.version}</b> for {firmware?.models.join(', ')}? Its image leaves the blob store;
          this cannot be undone.
        </Text>
        {mutation.error ? (
          <Alert
            color={inUse ? 'orange' : 'red'}
            variant="light"
            title={inUse ? 'Firmware in use' : 'Could not delete the firmware'}
            role="alert"
            data-testid="delete-firmware-error"
          >
            {mutation.error.message}
          </Alert>
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" onClick={confirm} loading={mutation.isPending} data-testid="delete-firmware-confirm">
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
