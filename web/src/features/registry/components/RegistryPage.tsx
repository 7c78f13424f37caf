import { Button, Card, Center, Loader, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCan } from '../../../lib/auth';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useReEnableRecord, useRegistry, useUnlockRecord, type ManufacturingRecord } from '../api/registry';
import { useRegistryFilters } from '../hooks/use-registry-filters';
import { RegistryFiltersForm } from './RegistryFiltersForm';
import { RegistryImport } from './RegistryImport';
import { RegistryTable, type RegistryRowActions } from './RegistryTable';

export function RegistryPage() {
  const canImport = useCan('registry.import');
  const canUnlock = useCan('devices.manage');
  const filters = useRegistryFilters();
  const registry = useRegistry(filters.query);
  const unlock = useUnlockRecord();
  const reEnable = useReEnableRecord();
  const [busySerial, setBusySerial] = useState<string | null>(null);
  const records = registry.data?.pages.flatMap((page) => page.items) ?? [];

  function run(
    mutation: typeof unlock,
    record: ManufacturingRecord,
    { done, action }: { done: string; action: string },
  ) {
    setBusySerial(record.serial);
    mutation.mutate(record.serial, {
      onSuccess: () => {
        notifySuccess(done);
      },
      onError: (error) => {
        notifyError(error, action);
      },
      onSettled: () => {
        setBusySerial(null);
      },
    });
  }

  const actions: RegistryRowActions = { busySerial };
  if (canUnlock) {
    actions.onUnlock = (record) => {
      run(unlock, record, { done: `${record.serial} is unlocked.`, action: `unlock ${record.serial}` });
    };
  }
  if (canImport) {
    actions.onReEnable = (record) => {
      run(reEnable, record, {
        done: `${record.serial} can be claimed again.`,
        action: `re-enable ${record.serial}`,
      });
    };
  }

  return (
    <>
      <PageHeader
        title="Registry"
        description={
          canImport
            ? 'Manufacturing records: every device that may be onboarded. Import new batches from the factory CSV.'
            : 'Manufacturing records: every device that may be onboarded (read only).'
        }
      />
      {canImport ? (
        <Card withBorder radius="md" mb="md">
          <Title order={4} mb="sm">
            Import records
          </Title>
          <RegistryImport />
        </Card>
      ) : null}

      <Card withBorder radius="md" mb="md">
        <RegistryFiltersForm
          key={filters.key}
          initial={filters.values}
          onApply={(values) => {
            // "Search" again with the same filters means "show me what is there now".
            if (!filters.apply(values)) void registry.refetch();
          }}
        />
      </Card>

      {registry.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading the registry" />
        </Center>
      ) : registry.isError && records.length === 0 ? (
        <ErrorAlert error={registry.error} action="read the registry" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <RegistryTable records={records} actions={actions} />
          {records.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="registry-empty">
              No records match.
            </Text>
          ) : null}
        </Card>
      )}

      {registry.hasNextPage ? (
        <Center mt="md">
          <Button
            variant="default"
            onClick={() => void registry.fetchNextPage()}
            loading={registry.isFetchingNextPage}
            data-testid="registry-load-more"
          >
            Load more
          </Button>
        </Center>
      ) : null}
      {registry.isError && records.length > 0 ? (
        <ErrorAlert error={registry.error} action="load more records" />
      ) : null}
    </>
  );
}
