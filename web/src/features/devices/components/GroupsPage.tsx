import { Anchor, Button, Card, Center, Group as Row, Loader, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCan } from '../../../lib/auth';
import { useGroups, type Group } from '../api/groups';
import { DeleteGroupModal } from './DeleteGroupModal';
import { GroupFormModal } from './GroupFormModal';

/** Static groups: every role that reads devices sees them; devices.manage changes them. */
export function GroupsPage() {
  const canManage = useCan('devices.manage');
  const groups = useGroups();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Group | null>(null);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const rows = groups.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Groups"
        description="Named sets of devices, for filtering the fleet and targeting work."
        actions={
          canManage ? (
            <Button
              onClick={() => {
                setCreating(true);
              }}
              data-testid="create-group-button"
            >
              Create group
            </Button>
          ) : null
        }
      />

      {groups.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading groups" />
        </Center>
      ) : groups.isError ? (
        <ErrorAlert error={groups.error} action="list groups" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover verticalSpacing="sm" data-testid="groups-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th>Devices</Table.Th>
                  {canManage ? <Table.Th>Actions</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((group) => (
                  <Table.Tr key={group.id} data-testid={`group-row-${group.name}`}>
                    <Table.Td>
                      <Anchor component={Link} to={`/groups/${encodeURIComponent(group.id)}`} size="sm" fw={500}>
                        {group.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={group.description ? undefined : 'dimmed'}>
                        {group.description || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/devices?group=${encodeURIComponent(group.id)}`} size="sm">
                        {group.member_count}
                      </Anchor>
                    </Table.Td>
                    {canManage ? (
                      <Table.Td>
                        <Row gap="xs" wrap="nowrap">
                          <Button
                            size="compact-sm"
                            variant="default"
                            aria-label={`Edit ${group.name}`}
                            onClick={() => {
                              setEditing(group);
                            }}
                          >
                            Edit
                          </Button>
                          <Button
                            size="compact-sm"
                            variant="light"
                            color="red"
                            aria-label={`Delete ${group.name}`}
                            onClick={() => {
                              setDeleting(group);
                            }}
                          >
                            Delete
                          </Button>
                        </Row>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {rows.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="groups-empty">
              No groups yet.
            </Text>
          ) : null}
        </Card>
      )}

      {canManage ? (
        <>
          <GroupFormModal
            key="create"
            opened={creating}
            onClose={() => {
              setCreating(false);
            }}
          />
          <GroupFormModal
            key={editing?.id ?? 'none'}
            opened={editing !== null}
            group={editing}
            onClose={() => {
              setEditing(null);
            }}
          />
          <DeleteGroupModal
            group={deleting}
            onClose={() => {
              setDeleting(null);
            }}
          />
        </>
      ) : null}
    </>
  );
}
