import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { isApiError } from '../../../lib/api-client';
import { notifySuccess } from '../../../lib/notify';
import { MIN_PASSWORD_LENGTH, PASSWORD_RULES, useUpdateUser, type User } from '../api/users';

export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const mutation = useUpdateUser();
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);

  function close() {
    setPassword('');
    setSubmitted(false);
    mutation.reset();
    onClose();
  }

  const serverError = isApiError(mutation.error) ? mutation.error : null;

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (!user || password.length < MIN_PASSWORD_LENGTH) return;
    mutation.mutate(
      { id: user.id, patch: { password } },
      {
        onSuccess: () => {
          notifySuccess(`The password of ${user.username} was reset.`);
          close();
        },
      },
    );
  }

  return (
    <Modal opened={user !== null} onClose={close} title="Reset password" centered>
      <form onSubmit={onSubmit} aria-label="Reset password" noValidate>
        <Stack gap="sm">
          <Text size="sm">
            Set a new password for <b>{user?.username}</b>. Their other sessions end.
          </Text>
          {mutation.error ? (
            <Alert color="red" variant="light" title={serverError?.title ?? 'Could not reset the password'} role="alert">
              {mutation.error.message}
            </Alert>
          ) : null}
          <PasswordInput
            label="New password"
            description={PASSWORD_RULES}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => {
              setPassword(e.currentTarget.value);
            }}
            error={
              serverError?.fieldError('password') ??
              (submitted && password.length < MIN_PASSWORD_LENGTH ? `At least ${MIN_PASSWORD_LENGTH} characters` : undefined)
            }
            data-testid="reset-password-input"
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="reset-password-submit">
              Reset password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
