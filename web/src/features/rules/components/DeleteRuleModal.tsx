import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifySuccess } from '../../../lib/notify';
import { useDeleteRule, type Rule } from '../api/rules';

export function DeleteRuleModal({ rule, onClose }: { rule: Rule | null; onClose: () => void }) {
  const mutation = useDeleteRule();

  function close() {
    mutation.reset();
    onClose();
  }

  function confirm() {
    if (!rule) return;
    mutation.mutate(rule.id, {
      onSuccess: () => {
        notifySuccess(`Rule ${rule.name} was deleted.`);
        close();
      },
    });
  }

  return (
    <Modal opened={rule !== null} onClose={close} title="Delete rule" centered>
      <Stack gap="sm">
        <Text size="sm">
          Delete the rule <b>{rule?.name}</b>? Its {rule?.open_alerts ?? 0} open alert(s) are cleared; past alerts stay.
        </Text>
        {mutation.error ? (
          <Alert color="red" variant="light" title="Could not delete the rule" role="alert">
            {mutation.error.message}
          </Alert>
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" onClick={confirm} loading={mutation.isPending} data-testid="delete-rule-confirm">
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
