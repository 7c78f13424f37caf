import { Alert, Button, Group as Row, Stack, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { notifySuccess } from '../../../lib/notify';
import { useAddGroupDevices } from '../api/groups';

/** Device ids as typed: separated by commas, spaces or new lines. */
export function parseDeviceIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id.length > 0))];
}

export function AddGroupDevicesForm({ groupId }: { groupId: string }) {
  const mutation = useAddGroupDevices();
  const [text, setText] = useState('');
  const ids = parseDeviceIds(text);

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (ids.length === 0) return;
    mutation.mutate(
      { id: groupId, deviceIds: ids },
      {
        onSuccess: (result) => {
          notifySuccess(`${result.added.length} device(s) added; the group has ${result.group.member_count}.`);
          setText('');
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} aria-label="Add devices">
      <Stack gap="xs">
        {mutation.error ? (
          <Alert color="red" variant="light" title="Could not add the devices" role="alert" data-testid="add-devices-error">
            {mutation.error.message}
          </Alert>
        ) : null}
        <Row align="flex-end" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label="Device ids to add"
            description="dev_..., separated by commas or spaces"
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
            }}
            spellCheck={false}
            data-testid="add-devices-ids"
          />
          <Button type="submit" disabled={ids.length === 0} loading={mutation.isPending} data-testid="add-devices-submit">
            Add
          </Button>
        </Row>
      </Stack>
    </form>
  );
}
