import { Alert, Button, Group, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { isApiError } from '../../../lib/api-client';
import { notifySuccess } from '../../../lib/notify';
import { useUpdateFirmware, type Firmware, type FirmwareNotes } from '../api/firmware';

const MAX_DESCRIPTION = 2000;
const MAX_RELEASE_NOTES = 64000;

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

/** What a row of the firmware list does not show; admins edit the description and release notes. */
export function FirmwareDetails({ firmware, canEdit }: { firmware: Firmware; canEdit: boolean }) {
  const mutation = useUpdateFirmware();
  const [editing, setEditing] = useState(false);
  const [description, setDescription] = useState(firmware.description);
  const [notes, setNotes] = useState(firmware.release_notes);

  function startEditing() {
    mutation.reset();
    setDescription(firmware.description);
    setNotes(firmware.release_notes);
    setEditing(true);
  }

  function save() {
    const patch: FirmwareNotes = {};
    if (description !== firmware.description) patch.description = description;
    if (notes !== firmware.release_notes) patch.release_notes = notes;
    if (Object.keys(patch).length === 0) {
      setEditing(false);
      return;
    }
    mutation.mutate(
      { id: firmware.id, notes: patch },
      {
        onSuccess: (updated) => {
          notifySuccess(`Saved the notes of firmware ${updated.version}.`);
          setEditing(false);
        },
      },
    );
  }

  const fieldError = (field: string) => (isApiError(mutation.error) ? mutation.error.fieldError(field) : undefined);

  return (
    <Stack gap="sm" p="xs" data-testid="firmware-details">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
        <Fact label="SHA-256" testId="firmware-details-sha256">
          {firmware.sha256}
        </Fact>
        <Fact label="File">
          {firmware.filename} ({firmware.size} bytes)
        </Fact>
        <Fact label="Signed by (SHA-256 of the public key)">{firmware.signed_by ?? 'unsigned'}</Fact>
        <Fact label="Uploaded by">{firmware.uploaded_by}</Fact>
        <Fact label="Id">{firmware.id}</Fact>
      </SimpleGrid>

      {editing ? (
        <Stack gap="xs">
          <Textarea
            label="Description"
            autosize
            minRows={1}
            maxRows={4}
            maxLength={MAX_DESCRIPTION}
            value={description}
            error={fieldError('description')}
            onChange={(event) => {
              setDescription(event.currentTarget.value);
            }}
            data-testid="firmware-edit-description"
          />
          <Textarea
            label="Release notes (Markdown)"
            autosize
            minRows={4}
            maxRows={16}
            maxLength={MAX_RELEASE_NOTES}
            value={notes}
            error={fieldError('release_notes')}
            onChange={(event) => {
              setNotes(event.currentTarget.value);
            }}
            data-testid="firmware-edit-notes"
          />
          {mutation.error ? (
            <Alert color="red" variant="light" title="Could not save the notes" role="alert" data-testid="firmware-edit-error">
              {mutation.error.message}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                setEditing(false);
                mutation.reset();
              }}
            >
              Cancel
            </Button>
            <Button onClick={save} loading={mutation.isPending} data-testid="firmware-edit-save">
              Save
            </Button>
          </Group>
        </Stack>
      ) : (
        <div>
          <Group justify="space-between" mb={4}>
            <Title order={5}>Release notes</Title>
            {canEdit ? (
              <Button size="compact-xs" variant="light" onClick={startEditing} data-testid="firmware-edit">
                Edit notes
              </Button>
            ) : null}
          </Group>
          {firmware.release_notes ? (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="firmware-release-notes">
              {firmware.release_notes}
            </Text>
          ) : (
            <Text size="sm" c="dimmed" data-testid="firmware-release-notes">
              No release notes.
            </Text>
          )}
        </div>
      )}
    </Stack>
  );
}
