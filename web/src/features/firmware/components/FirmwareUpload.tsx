import '@mantine/dropzone/styles.css';
import {
  Alert,
  Button,
  FileInput,
  Group,
  Progress,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useState, type SubmitEvent } from 'react';
import { isApiError } from '../../../lib/api-client';
import { formatBytes } from '../../../lib/format';
import { describeError, notifySuccess } from '../../../lib/notify';
import { useKnownModels } from '../api/firmware';
import { encodeSignature, isSemver } from '../api/firmware-input';
import { useFirmwareUpload } from '../hooks/use-firmware-upload';

const MAX_MODELS = 16;
const MAX_DESCRIPTION = 2000;

type Field = 'file' | 'version' | 'model' | 'description' | 'signature';
type FieldErrors = Partial<Record<Field, string>>;

function versionError(version: string): string | undefined {
  if (!version.trim()) return 'Give the version, e.g. 1.4.2.';
  if (!isSemver(version.trim())) return 'Must be a semantic version such as 1.4.2 or 2.0.0-rc.1.';
  return undefined;
}

/**
 * Upload of a firmware image (admins): drop the image or pick it, say its version and the models
 * it fits, optionally add its signature file, then upload with a progress bar that can be cancelled.
 * The image is streamed from disk as the request body; only the small signature file is read.
 */
export function FirmwareUpload() {
  const upload = useFirmwareUpload();
  const knownModels = useKnownModels(true);
  const [file, setFile] = useState<File | null>(null);
  const [version, setVersion] = useState('');
  const [models, setModels] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [signatureFile, setSignatureFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [preparing, setPreparing] = useState(false);

  const busy = upload.isUploading || preparing;
  const serverError = upload.error && !upload.cancelled && isApiError(upload.error) ? upload.error : null;
  const fieldError = (field: Field): string | undefined => errors[field] ?? serverError?.fieldError(field);

  function edited(field: Field) {
    if (upload.error) upload.reset();
    setErrors((current) => ({ ...current, [field]: undefined }));
  }

  function choose(picked: File | undefined) {
    if (!picked) return;
    edited('file');
    setFile(picked);
  }

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    upload.reset();
    const next: FieldErrors = {};
    if (!file) next.file = 'Drop the firmware image here or choose it.';
    const badVersion = versionError(version);
    if (badVersion) next.version = badVersion;
    if (models.length === 0) next.model = 'Name at least one model the image fits.';
    if (models.length > MAX_MODELS) next.model = `At most ${MAX_MODELS} models.`;
    if (description.length > MAX_DESCRIPTION) next.description = `At most ${MAX_DESCRIPTION} characters.`;
    let signature: string | undefined;
    if (signatureFile) {
      setPreparing(true);
      try {
        signature = await encodeSignature(signatureFile);
      } catch (error) {
        next.signature = error instanceof Error ? error.message : `Could not read ${signatureFile.name}.`;
      } finally {
        setPreparing(false);
      }
    }
    setErrors(next);
    if (Object.values(next).some(Boolean) || !file) return;

    const input = { file, version: version.trim(), models, description: description.trim() || undefined, signature };
    upload.upload(input, {
      onSuccess: (firmware) => {
        notifySuccess(`Uploaded firmware ${firmware.version} for ${firmware.models.join(', ')}.`);
        setFile(null);
        setVersion('');
        setModels([]);
        setDescription('');
        setSignatureFile(null);
      },
    });
  }

  const progress = upload.progress;
  const percent = progress && progress.total > 0 ? Math.min(100, Math.round((progress.loaded / progress.total) * 100)) : 0;
  // Field errors are shown at their fields; the alert carries the rest of the refusal.
  const shownAtFields = serverError?.errors.some((e) =>
    (['version', 'model', 'description', 'signature'] as string[]).includes(e.field),
  );

  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Upload firmware" data-testid="firmware-upload" noValidate>
      <Stack gap="sm">
        <Dropzone
          onDrop={(files) => {
            choose(files[0]);
          }}
          onReject={() => {
            setErrors((current) => ({ ...current, file: 'Drop one image at a time.' }));
          }}
          multiple={false}
          disabled={busy}
          inputProps={{ 'aria-label': 'Firmware image' }}
          data-testid="firmware-dropzone"
        >
          <Stack align="center" gap={4} py="md">
            <Dropzone.Accept>
              <Text fw={500}>Drop the image to choose it</Text>
            </Dropzone.Accept>
            <Dropzone.Reject>
              <Text fw={500} c="red">
                One file at a time
              </Text>
            </Dropzone.Reject>
            <Dropzone.Idle>
              <Text fw={500}>{file ? 'Drop another image to replace it' : 'Drop the firmware image here'}</Text>
            </Dropzone.Idle>
            <Text size="sm" c="dimmed">
              or click to choose it. It is sent straight from the disk, so large images are fine.
            </Text>
          </Stack>
        </Dropzone>
        {file ? (
          <Text size="sm" data-testid="firmware-file">
            <b>{file.name}</b>: {formatBytes(file.size)}
          </Text>
        ) : null}
        {fieldError('file') ? (
          <Text size="sm" c="red" role="alert">
            {fieldError('file')}
          </Text>
        ) : null}

        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Version"
            description="Semantic version, unique per model"
            placeholder="1.4.2"
            required
            value={version}
            disabled={busy}
            error={fieldError('version')}
            onChange={(event) => {
              setVersion(event.currentTarget.value);
              edited('version');
            }}
            onBlur={() => {
              if (version.trim()) setErrors((current) => ({ ...current, version: versionError(version) }));
            }}
            data-testid="firmware-version"
          />
          <TagsInput
            label="Models"
            description="The device models the image fits (Enter after each)"
            placeholder={models.length === 0 ? 'Thermo 3' : undefined}
            required
            data={knownModels.data ?? []}
            value={models}
            maxTags={MAX_MODELS}
            disabled={busy}
            error={fieldError('model')}
            onChange={(next) => {
              setModels(next);
              edited('model');
            }}
            clearable
            data-testid="firmware-models"
          />
        </SimpleGrid>
        <Textarea
          label="Description"
          placeholder="What changed, in a line"
          autosize
          minRows={1}
          maxRows={4}
          maxLength={MAX_DESCRIPTION}
          value={description}
          disabled={busy}
          error={fieldError('description')}
          onChange={(event) => {
            setDescription(event.currentTarget.value);
            edited('description');
          }}
          data-testid="firmware-description"
        />
        <FileInput
          label="Signature (optional)"
          description="ECDSA P-256 over the image's SHA-256, DER as openssl dgst -sha256 -sign writes it, or its base64"
          placeholder="Choose a .sig file"
          clearable
          value={signatureFile}
          disabled={busy}
          error={fieldError('signature')}
          onChange={(picked) => {
            setSignatureFile(picked);
            edited('signature');
          }}
          fileInputProps={{ 'aria-label': 'Signature file' }}
          data-testid="firmware-signature"
        />

        {upload.isUploading ? (
          <Stack gap={4} data-testid="firmware-upload-progress">
            <Group justify="space-between">
              <Text size="sm">
                Uploading {file?.name}: {progress ? `${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}` : ''}
              </Text>
              <Text size="sm" fw={500} data-testid="firmware-upload-percent">
                {percent}%
              </Text>
            </Group>
            <Progress value={percent} animated={percent < 100} aria-label="Upload progress" />
            {percent >= 100 ? (
              <Text size="xs" c="dimmed">
                Sent; the server is checking the image…
              </Text>
            ) : null}
          </Stack>
        ) : null}

        {upload.cancelled ? (
          <Alert color="yellow" variant="light" role="status" data-testid="firmware-upload-cancelled">
            The upload was cancelled; nothing was kept.
          </Alert>
        ) : null}
        {upload.error && !upload.cancelled ? (
          <Alert
            color="red"
            variant="light"
            title={describeError(upload.error, 'upload the firmware').title}
            role="alert"
            data-testid="firmware-upload-error"
          >
            <Text size="sm">{upload.error.message}</Text>
            {shownAtFields ? (
              <Text size="sm" c="dimmed" mt={4}>
                See the fields marked above.
              </Text>
            ) : null}
          </Alert>
        ) : null}

        <Group justify="flex-end">
          {upload.isUploading ? (
            <Button variant="default" color="red" onClick={upload.cancel} data-testid="firmware-upload-cancel">
              Cancel upload
            </Button>
          ) : null}
          <Button type="submit" loading={busy} data-testid="firmware-upload-submit">
            Upload
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
