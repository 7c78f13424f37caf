import { Alert, Button, Group as Row, Modal, Stack, Text } from '@mantine/core';
import { notifySuccess } from '../../../lib/notify';
import { useDeleteGroup, type Group } from '../api/groups';

export function DeleteGroupModal({
  group,
  onClose,
  onDeleted,
}: {
  group: Group | null;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const mutation = useDeleteGroup();

  function close() {
    mutation.reset();
    onClose();
  }

  function confirm() {
    if (!group) return;
    mutation.mutate(group.id, {
      onSuccess: () => {
        notifySuccess(`Group ${group.name} was deleted.`);
        close();
        onDeleted?.();
      },
    });
  }

  return (
    <Modal opened={group !== null} onClose={close} title="Delete group" centered>
      <Stack gap="sm">
        <Text size="sm">
          Delete the group <b>{group?.name}</b>? Its {group?.member_count ?? 0} device(s) stay; only the group goes.
        </Text>
        {mutation.error ? (
          <Alert color="red" variant="light" title="Could not delete the group" role="alert">
            {mutation.error.message}
          </Alert>
        ) : null}
        <Row justify="flex-end" mt="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" onClick={confirm} loading={mutation.isPending} data-testid="delete-group-confirm">
            Delete
          </Button>
        </Row>
      </Stack>
    </Modal>
  );
}
