import { Anchor, Button, Card, Center, Group as Row, Loader, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { NotFound } from '../../../components/ui/NotFound';
import { PageHeader } from '../../../components/ui/PageHeader';
import { isApiError } from '../../../lib/api-client';
import { useCan } from '../../../lib/auth';
import { notifyError } from '../../../lib/notify';
import type { Device } from '../api/devices';
import { useGroup, useGroupDevices, useRemoveGroupDevice } from '../api/groups';
import { AddGroupDevicesForm } from './AddGroupDevicesForm';
import { DeleteGroupModal } from './DeleteGroupModal';
import { DevicesTable } from './DevicesTable';
import { GroupFormModal } from './GroupFormModal';

function RemoveButton({ groupId, device }: { groupId: string; device: Device }) {
  const remove = useRemoveGroupDevice();
  return (
    <Button
      size="compact-sm"
      variant="light"
      color="red"
      aria-label={`Remove ${device.serial}`}
      loading={remove.isPending}
      onClick={() => {
        remove.mutate(
          { id: groupId, deviceId: device.id },
          { onError: (error) => notifyError(error, `remove ${device.serial} from the group`) },
        );
      }}
    >
      Remove
    </Button>
  );
}

/** One group: its members; for devices.manage also rename, delete, add and remove devices. */
export function GroupPage() {
  const { id = '' } = useParams();
  const canManage = useCan('devices.manage');
  const navigate = useNavigate();
  const group = useGroup(id);
  const members = useGroupDevices(id);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  if (group.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the group" />
      </Center>
    );
  }
  if (group.isError) {
    if (isApiError(group.error) && group.error.status === 404) return <NotFound />;
    return <ErrorAlert error={group.error} action="load the group" />;
  }
  const g = group.data;
  const devices = members.data?.items ?? [];

  return (
    <>
      <PageHeader
        title={g.name}
        description={g.description || `${g.member_count} device(s)`}
        actions={
          <>
            <Button component={Link} to={`/devices?group=${encodeURIComponent(g.id)}`} variant="default">
              Show in device list
            </Button>
            {canManage ? (
              <>
                <Button
                  variant="default"
                  onClick={() => {
                    setEditing(true);
                  }}
                  data-testid="edit-group-button"
                >
                  Edit
                </Button>
                <Button
                  color="red"
                  variant="light"
                  onClick={() => {
                    setDeleting(true);
                  }}
                  data-testid="delete-group-button"
                >
                  Delete
                </Button>
              </>
            ) : null}
          </>
        }
      />

      {canManage ? (
        <Card withBorder radius="md" mb="md">
          <AddGroupDevicesForm groupId={g.id} />
        </Card>
      ) : null}

      {members.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading the members" />
        </Center>
      ) : members.isError ? (
        <ErrorAlert error={members.error} action="list the group's devices" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <DevicesTable
            devices={devices}
            rowTestId="member-row"
            {...(canManage ? { actions: (device: Device) => <RemoveButton groupId={g.id} device={device} /> } : {})}
          />
          {devices.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="group-members-empty">
              No devices in this group.
            </Text>
          ) : null}
          {members.data.next_cursor ? (
            <Row justify="center" p="sm">
              <Anchor component={Link} to={`/devices?group=${encodeURIComponent(g.id)}`} size="sm">
                More devices: see the device list
              </Anchor>
            </Row>
          ) : null}
        </Card>
      )}

      {canManage ? (
        <>
          <GroupFormModal
            key={`${g.id}-${g.updated_at}`}
            opened={editing}
            group={g}
            onClose={() => {
              setEditing(false);
            }}
          />
          <DeleteGroupModal
            group={deleting ? g : null}
            onClose={() => {
              setDeleting(false);
            }}
            onDeleted={() => void navigate('/groups')}
          />
        </>
      ) : null}
    </>
  );
}
