import { Alert, Box, Button, FileButton, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState, type DragEvent } from 'react';
import { describeError, notifySuccess } from '../../../lib/notify';
import { importLineErrors, useImportRegistry } from '../api/registry';

const MAX_BYTES = 8 * 1024 * 1024;

/** The file's text (FileReader rather than Blob.text(), which jsdom lacks). */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      resolve(typeof reader.result === 'string' ? reader.result : '');
    };
    reader.onerror = () => {
      reject(reader.error ?? new Error('read failed'));
    };
    reader.readAsText(file);
  });
}

interface ChosenFile {
  name: string;
  text: string;
}

/**
 * Import of a manufacturing CSV (admins): drop a file or pick one, name the batch if you like,
 * then import. The server takes all lines or none; a rejected file shows every bad line.
 */
export function RegistryImport() {
  const mutation = useImportRegistry();
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [batch, setBatch] = useState('');
  const [dragging, setDragging] = useState(false);

  async function choose(picked: File | null | undefined) {
    mutation.reset();
    setReadError(null);
    if (!picked) return;
    if (picked.size > MAX_BYTES) {
      setFile(null);
      setReadError(`${picked.name} is larger than 8 MB; split it into several files.`);
      return;
    }
    try {
      setFile({ name: picked.name, text: await readText(picked) });
    } catch {
      setFile(null);
      setReadError(`Could not read ${picked.name}.`);
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    void choose(event.dataTransfer.files[0]);
  }

  function submit() {
    if (!file) return;
    mutation.mutate(
      { csv: file.text, batch: batch.trim() || undefined },
      {
        onSuccess: (result) => {
          notifySuccess(`Imported ${result.imported} record(s) from ${file.name} as batch ${result.batch}.`);
          setFile(null);
          setBatch('');
        },
      },
    );
  }

  const lineErrors = importLineErrors(mutation.error);
  const lines = file ? file.text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').length : 0;

  return (
    <Stack gap="sm" data-testid="registry-import">
      <Box
        onDragOver={(event: DragEvent<HTMLDivElement>) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => {
          setDragging(false);
        }}
        onDrop={onDrop}
        p="lg"
        style={{
          border: `2px dashed var(--mantine-color-${dragging ? 'indigo-5' : 'gray-4'})`,
          borderRadius: 'var(--mantine-radius-md)',
          textAlign: 'center',
        }}
        data-testid="registry-dropzone"
      >
        <Text fw={500}>Drop a CSV file here</Text>
        <Text size="sm" c="dimmed" mb="sm">
          One device a line: serial,model,hw_revision,claim_code[,factory_cert_sha256]
        </Text>
        <FileButton onChange={(picked) => void choose(picked)} accept=".csv,text/csv">
          {(props) => (
            <Button variant="default" {...props} data-testid="registry-choose-file">
              Choose file…
            </Button>
          )}
        </FileButton>
      </Box>

      {readError ? (
        <Alert color="red" variant="light" role="alert">
          {readError}
        </Alert>
      ) : null}

      {file ? (
        <Group align="flex-end" justify="space-between">
          <Text size="sm" data-testid="registry-file">
            <b>{file.name}</b>: {lines} non-empty line(s)
          </Text>
          <Group align="flex-end">
            <TextInput
              label="Batch name (optional)"
              maxLength={64}
              value={batch}
              onChange={(event) => {
                setBatch(event.currentTarget.value);
              }}
            />
            <Button onClick={submit} loading={mutation.isPending} data-testid="registry-import-submit">
              Import
            </Button>
          </Group>
        </Group>
      ) : null}

      {mutation.error ? (
        <Alert
          color="red"
          variant="light"
          title={lineErrors.length > 0 ? 'Nothing was imported' : describeError(mutation.error, 'import').title}
          role="alert"
          data-testid="registry-import-error"
        >
          <Text size="sm">{mutation.error.message}</Text>
          {lineErrors.length > 0 ? (
            <Table mt="xs" verticalSpacing={4} data-testid="registry-import-line-errors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={80}>Line</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lineErrors.map((e) => (
                  <Table.Tr key={`${e.line}:${e.reason}`} data-testid="registry-import-line-error">
                    <Table.Td>{e.line === 0 ? 'file' : e.line}</Table.Td>
                    <Table.Td>{e.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Alert>
      ) : null}
    </Stack>
  );
}
