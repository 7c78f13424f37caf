import { Anchor, Badge, Button, Group, NativeSelect, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { ROLE_LABELS, ROLES, isRole, type Role } from '../../../lib/permissions';
import { useUpdateUser, type User } from '../api/users';

const roleOptions = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

interface UserRowProps {
  user: User;
  isSelf: boolean;
  canManage: boolean;
  /** Whether to link the user's entries in the audit log. */
  canReadAudit: boolean;
  onResetPassword: (user: User) => void;
  onDelete: (user: User) => void;
}

export function UserRow({ user, isSelf, canManage, canReadAudit, onResetPassword, onDelete }: UserRowProps) {
  const update = useUpdateUser();

  function changeRole(role: Role) {
    if (role === user.role) return;
    update.mutate(
      { id: user.id, patch: { role } },
      {
        onSuccess: (u) => {
          notifySuccess(`${u.username} is now ${ROLE_LABELS[u.role]}.`);
        },
        onError: (error) => {
          notifyError(error, `change the role of ${user.username}`);
        },
      },
    );
  }

  function toggleDisabled() {
    const disabled = !user.disabled;
    update.mutate(
      { id: user.id, patch: { disabled } },
      {
        onSuccess: (u) => {
          notifySuccess(`${u.username} was ${u.disabled ? 'disabled' : 'enabled'}.`);
        },
        onError: (error) => {
          notifyError(error, `${disabled ? 'disable' : 'enable'} ${user.username}`);
        },
      },
    );
  }

  return (
    <Table.Tr data-testid={`user-row-${user.username}`}>
      <Table.Td>
        <Text fw={500} size="sm">
          {user.username}
          {isSelf ? (
            <Text span c="dimmed" size="xs" ml={6}>
              (you)
            </Text>
          ) : null}
        </Text>
      </Table.Td>
      <Table.Td>{user.display_name}</Table.Td>
      {canReadAudit ? (
        <Table.Td>
          <Anchor
            component={Link}
            to={`/audit?actor_type=user&actor_id=${encodeURIComponent(user.id)}`}
            size="sm"
            aria-label={`Audit trail of ${user.username}`}
            data-testid={`user-audit-${user.username}`}
          >
            Audit trail
          </Anchor>
        </Table.Td>
      ) : null}
      <Table.Td>
        {canManage ? (
          <NativeSelect
            size="xs"
            w={140}
            aria-label={`Role of ${user.username}`}
            data={roleOptions}
            value={user.role}
            disabled={update.isPending}
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (isRole(value)) changeRole(value);
            }}
            data-testid={`role-select-${user.username}`}
          />
        ) : (
          <Badge variant="light">{ROLE_LABELS[user.role]}</Badge>
        )}
      </Table.Td>
      <Table.Td>
        {user.disabled ? (
          <Badge color="gray">Disabled</Badge>
        ) : (
          <Badge color="teal" variant="light">
            Active
          </Badge>
        )}
      </Table.Td>
      {canManage ? (
        <Table.Td>
          <Group gap={6} wrap="nowrap">
            <Button
              size="compact-sm"
              variant="default"
              onClick={toggleDisabled}
              loading={update.isPending}
              aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
              data-testid={`toggle-disabled-${user.username}`}
            >
              {user.disabled ? 'Enable' : 'Disable'}
            </Button>
            <Button
              size="compact-sm"
              variant="default"
              onClick={() => {
                onResetPassword(user);
              }}
              aria-label={`Reset password of ${user.username}`}
              data-testid={`reset-password-${user.username}`}
            >
              Reset password
            </Button>
            <Button
              size="compact-sm"
              variant="light"
              color="red"
              onClick={() => {
                onDelete(user);
              }}
              aria-label={`Delete ${user.username}`}
              data-testid={`delete-user-${user.username}`}
            >
              Delete
            </Button>
          </Group>
        </Table.Td>
      ) : null}
    </Table.Tr>
  );
}
