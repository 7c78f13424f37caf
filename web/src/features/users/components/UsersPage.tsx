import { Button, Card, Center, Loader, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCan, useCurrentUser } from '../../../lib/auth';
import { useUsers, type User } from '../api/users';
import { CreateUserModal } from './CreateUserModal';
import { DeleteUserModal } from './DeleteUserModal';
import { ResetPasswordModal } from './ResetPasswordModal';
import { UserRow } from './UserRow';

export function UsersPage() {
  const canManage = useCan('users.manage');
  const canReadAudit = useCan('audit.read');
  const me = useCurrentUser();
  const users = useUsers();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);

  const rows = users.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Users"
        description="People who can use this Mothership, and their roles."
        actions={
          canManage ? (
            <Button
              onClick={() => {
                setCreating(true);
              }}
              data-testid="create-user-button"
            >
              Create user
            </Button>
          ) : null
        }
      />

      {users.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading users" />
        </Center>
      ) : users.isError && rows.length === 0 ? (
        <ErrorAlert error={users.error} action="list users" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover verticalSpacing="sm" data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Username</Table.Th>
                  <Table.Th>Display name</Table.Th>
                  {canReadAudit ? <Table.Th>Activity</Table.Th> : null}
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  {canManage ? <Table.Th>Actions</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((user) => (
                  <UserRow
                    key={user.id}
                    user={user}
                    isSelf={me?.id === user.id}
                    canManage={canManage}
                    canReadAudit={canReadAudit}
                    onResetPassword={setResetting}
                    onDelete={setDeleting}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {rows.length === 0 ? (
            <Text c="dimmed" ta="center" p="md">
              No users.
            </Text>
          ) : null}
        </Card>
      )}

      {users.hasNextPage ? (
        <Center mt="md">
          <Button
            variant="default"
            onClick={() => void users.fetchNextPage()}
            loading={users.isFetchingNextPage}
            data-testid="users-load-more"
          >
            Load more
          </Button>
        </Center>
      ) : null}

      {canManage ? (
        <>
          <CreateUserModal
            opened={creating}
            onClose={() => {
              setCreating(false);
            }}
          />
          <ResetPasswordModal
            user={resetting}
            onClose={() => {
              setResetting(null);
            }}
          />
          <DeleteUserModal
            user={deleting}
            onClose={() => {
              setDeleting(null);
            }}
          />
        </>
      ) : null}
    </>
  );
}
