import { Alert, Button, Group, Modal, NativeSelect, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { isApiError } from '../../../lib/api-client';
import { notifySuccess } from '../../../lib/notify';
import { ROLE_LABELS, ROLES, isRole, type Role } from '../../../lib/permissions';
import { MIN_PASSWORD_LENGTH, PASSWORD_RULES, useCreateUser } from '../api/users';

const roleOptions = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

export function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const mutation = useCreateUser();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);

  function close() {
    setUsername('');
    setDisplayName('');
    setRole('viewer');
    setPassword('');
    setSubmitted(false);
    mutation.reset();
    onClose();
  }

  const serverError = isApiError(mutation.error) ? mutation.error : null;
  const required = (value: string) => (submitted && !value.trim() ? 'Required' : undefined);
  const passwordError =
    serverError?.fieldError('password') ??
    (submitted && password.length < MIN_PASSWORD_LENGTH ? `At least ${MIN_PASSWORD_LENGTH} characters` : undefined);

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (!username.trim() || !displayName.trim() || password.length < MIN_PASSWORD_LENGTH) return;
    mutation.mutate(
      { username: username.trim(), display_name: displayName.trim(), role, password },
      {
        onSuccess: (user) => {
          notifySuccess(`User ${user.username} was created.`);
          close();
        },
      },
    );
  }

  return (
    <Modal opened={opened} onClose={close} title="Create user" centered>
      <form onSubmit={onSubmit} aria-label="Create user" noValidate>
        <Stack gap="sm">
          {mutation.error ? (
            <Alert color="red" variant="light" title={serverError?.title ?? 'Could not create the user'} role="alert" data-testid="create-user-error">
              {mutation.error.message}
            </Alert>
          ) : null}
          <TextInput
            label="Username"
            autoComplete="off"
            required
            value={username}
            onChange={(e) => {
              setUsername(e.currentTarget.value);
            }}
            error={serverError?.fieldError('username') ?? required(username)}
            data-testid="create-user-username"
          />
          <TextInput
            label="Display name"
            required
            value={displayName}
            onChange={(e) => {
              setDisplayName(e.currentTarget.value);
            }}
            error={serverError?.fieldError('display_name') ?? required(displayName)}
            data-testid="create-user-display-name"
          />
          <NativeSelect
            label="Role"
            data={roleOptions}
            value={role}
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (isRole(value)) setRole(value);
            }}
            error={serverError?.fieldError('role')}
            data-testid="create-user-role"
          />
          <PasswordInput
            label="Initial password"
            description={`${PASSWORD_RULES}; the user can change it after logging in`}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => {
              setPassword(e.currentTarget.value);
            }}
            error={passwordError}
            data-testid="create-user-password"
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="create-user-submit">
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
