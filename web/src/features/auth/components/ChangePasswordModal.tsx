import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { useState, type SubmitEvent } from 'react';
import { isApiError } from '../../../lib/api-client';
import { notifySuccess } from '../../../lib/notify';
import { MIN_PASSWORD_LENGTH, PASSWORD_RULES, useChangePassword } from '../api/change-password';
import { useLogout } from '../api/logout';

export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const mutation = useChangePassword();
  const logout = useLogout();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);

  function close() {
    setCurrent('');
    setNext('');
    setConfirm('');
    setSubmitted(false);
    mutation.reset();
    onClose();
  }

  const tooShort = next.length > 0 && next.length < MIN_PASSWORD_LENGTH;
  const mismatch = confirm.length > 0 && confirm !== next;
  const serverError = isApiError(mutation.error) ? mutation.error : null;

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (!current || next.length < MIN_PASSWORD_LENGTH || confirm !== next) return;
    mutation.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          // The change revoked every token of this account, this session's too.
          notifySuccess('Your password was changed. Log in with the new password.');
          close();
          logout.mutate();
        },
      },
    );
  }

  return (
    <Modal opened={opened} onClose={close} title="Change password" centered>
      <form onSubmit={onSubmit} aria-label="Change password" noValidate>
        <Stack gap="sm">
          {mutation.error ? (
            <Alert color="red" variant="light" title={serverError?.title ?? 'Could not change the password'} role="alert">
              {mutation.error.message}
            </Alert>
          ) : null}
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => {
              setCurrent(e.currentTarget.value);
            }}
            error={serverError?.fieldError('current_password') ?? (submitted && !current ? 'Required' : undefined)}
            data-testid="current-password"
          />
          <PasswordInput
            label="New password"
            description={PASSWORD_RULES}
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => {
              setNext(e.currentTarget.value);
            }}
            error={
              serverError?.fieldError('new_password') ??
              (tooShort || (submitted && !next) ? `At least ${MIN_PASSWORD_LENGTH} characters` : undefined)
            }
            data-testid="new-password"
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => {
              setConfirm(e.currentTarget.value);
            }}
            error={mismatch ? 'Does not match the new password' : undefined}
            data-testid="confirm-password"
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="change-password-submit">
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
