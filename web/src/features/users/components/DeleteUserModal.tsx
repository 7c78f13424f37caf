import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifySuccess } from '../../../lib/notify';
import { useDeleteUser, type User } from '../api/users';

export function DeleteUserModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const mutation = useDeleteUser();

  function close() {
    mutation.reset();
    onClose();
  }

  function confirm() {
    if (!user) return;
    mutation.mutate(user.id, {
      onSuccess: () => {
        notifySuccess(`User ${user.username} was deleted.`);
        close();
      },
    });
  }

  return (
    <Modal opened={user !== null} onClose={close} title="Delete user" centered>
      <Stack gap="sm">
        <Text size="sm">
          Delete <b>{user?.username}</b> ({user?.display_name})? This cannot be undone; their audit history stays.
        </Text>
        {mutation.error ? (
          <Alert color="red" variant="light" title="Could not delete the user" role="alert" data-testid="delete-user-error">
            {mutation.error.message}
          </Alert>
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" onClick={confirm} loading={mutation.isPending} data-testid="delete-user-confirm">
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
