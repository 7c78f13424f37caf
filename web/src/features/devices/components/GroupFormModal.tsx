import { Alert, Button, Group as Row, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { isApiError } from '../../../lib/api-client';
import { notifySuccess } from '../../../lib/notify';
import { useCreateGroup, useUpdateGroup, type Group } from '../api/groups';

/**
 * Creates a group, or renames and re-describes `group`. Remount it (key) per group: the fields
 * start from the group it was opened for.
 */
export function GroupFormModal({ opened, group, onClose }: { opened: boolean; group?: Group | null; onClose: () => void }) {
  const create = useCreateGroup();
  const update = useUpdateGroup();
  const mutation = group ? update : create;
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [submitted, setSubmitted] = useState(false);
  const title = group ? 'Edit group' : 'Create group';

  function close() {
    setSubmitted(false);
    create.reset();
    update.reset();
    onClose();
  }

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (!name.trim()) return;
    const done = (saved: Group) => {
      notifySuccess(group ? `Group ${saved.name} was saved.` : `Group ${saved.name} was created.`);
      if (!group) {
        setName('');
        setDescription('');
      }
      close();
    };
    if (group) update.mutate({ id: group.id, patch: { name: name.trim(), description } }, { onSuccess: done });
    else create.mutate({ name: name.trim(), description }, { onSuccess: done });
  }

  const serverError = isApiError(mutation.error) ? mutation.error : null;
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <form onSubmit={onSubmit} aria-label={title} noValidate>
        <Stack gap="sm">
          {mutation.error ? (
            <Alert color="red" variant="light" title={serverError?.title ?? 'Could not save the group'} role="alert">
              {mutation.error.message}
            </Alert>
          ) : null}
          <TextInput
            label="Name"
            required
            maxLength={64}
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
            }}
            error={serverError?.fieldError('name') ?? (submitted && !name.trim() ? 'Required' : undefined)}
            data-testid="group-name"
          />
          <Textarea
            label="Description"
            maxLength={512}
            autosize
            minRows={2}
            value={description}
            onChange={(e) => {
              setDescription(e.currentTarget.value);
            }}
            error={serverError?.fieldError('description')}
            data-testid="group-description"
          />
          <Row justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="group-submit">
              {group ? 'Save' : 'Create'}
            </Button>
          </Row>
        </Stack>
      </form>
    </Modal>
  );
}
