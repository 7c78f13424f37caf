import { Button, Card, Center, Loader, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCan } from '../../../lib/auth';
import { notifyError } from '../../../lib/notify';
import { useDownloadLink, useFirmwareList, useKnownModels, type Firmware } from '../api/firmware';
import { useFirmwareFilters } from '../hooks/use-firmware-filters';
import { DeleteFirmwareModal } from './DeleteFirmwareModal';
import { FirmwareFiltersForm } from './FirmwareFiltersForm';
import { FirmwareTable, type FirmwareRowActions } from './FirmwareTable';
import { FirmwareUpload } from './FirmwareUpload';

/** Follows a signed download link; the server answers it as an attachment, so the page stays. */
export function openDownload(url: string, filename: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export function FirmwarePage() {
  const canManage = useCan('firmware.manage');
  const filters = useFirmwareFilters();
  const list = useFirmwareList(filters.query);
  const knownModels = useKnownModels(canManage);
  const download = useDownloadLink();
  const [expandedId, setExpandedId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Firmware | null>(null);
  const [downloadingId, setDownloadingId] = useState<string | null>(null);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const models = [...new Set([...(knownModels.data ?? []), ...items.flatMap((f) => f.models)])].sort((a, b) =>
    a.localeCompare(b),
  );

  const actions: FirmwareRowActions = { canEdit: canManage, downloadingId };
  if (canManage) {
    actions.onDelete = setDeleting;
    actions.onDownload = (firmware) => {
      setDownloadingId(firmware.id);
      download.mutate(firmware.id, {
        onSuccess: (link) => {
          openDownload(link.url, firmware.filename);
        },
        onError: (error) => {
          notifyError(error, `download firmware ${firmware.version}`);
        },
        onSettled: () => {
          setDownloadingId(null);
        },
      });
    };
  }

  return (
    <>
      <PageHeader
        title="Firmware"
        description={
          canManage
            ? 'The firmware catalog: images with their hashes, signatures and the models they fit. Upload new versions here.'
            : 'The firmware catalog: images with their hashes, signatures and the models they fit (read only).'
        }
      />
      {canManage ? (
        <Card withBorder radius="md" mb="md">
          <Title order={4} mb="sm">
            Upload firmware
          </Title>
          <FirmwareUpload />
        </Card>
      ) : null}

      <Card withBorder radius="md" mb="md">
        <FirmwareFiltersForm
          key={filters.key}
          initial={filters.values}
          models={models}
          onApply={(values) => {
            // "Search" again with the same filters means "show me what is there now".
            if (!filters.apply(values)) void list.refetch();
          }}
        />
      </Card>

      {list.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading firmware" />
        </Center>
      ) : list.isError && items.length === 0 ? (
        <ErrorAlert error={list.error} action="list firmware" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <FirmwareTable
            items={items}
            actions={actions}
            expandedId={expandedId}
            onToggle={(firmware) => {
              setExpandedId((current) => (current === firmware.id ? null : firmware.id));
            }}
          />
          {items.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="firmware-empty">
              {filters.query.model ? `No firmware fits ${filters.query.model}.` : 'No firmware uploaded yet.'}
            </Text>
          ) : null}
        </Card>
      )}

      {list.hasNextPage ? (
        <Center mt="md">
          <Button
            variant="default"
            onClick={() => void list.fetchNextPage()}
            loading={list.isFetchingNextPage}
            data-testid="firmware-load-more"
          >
            Load more
          </Button>
        </Center>
      ) : null}
      {list.isError && items.length > 0 ? <ErrorAlert error={list.error} action="load more firmware" /> : null}

      {canManage ? (
        <DeleteFirmwareModal
          firmware={deleting}
          onClose={() => {
            setDeleting(null);
          }}
        />
      ) : null}
    </>
  );
}
