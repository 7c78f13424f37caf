import { Button, Card, Center, Loader, Text } from '@mantine/core';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { LiveIndicator } from '../../../components/ui/LiveIndicator';
import { PageHeader } from '../../../components/ui/PageHeader';
import { isApiError } from '../../../lib/api-client';
import { useDevices } from '../api/devices';
import { useDeviceFilters } from '../hooks/use-device-filters';
import { useLiveDevices } from '../hooks/use-live-devices';
import { DeviceFiltersForm } from './DeviceFiltersForm';
import { DevicesTable } from './DevicesTable';

/** The server's detail when it refused the selector (422 naming the `selector` field). */
function selectorProblem(error: unknown): string | undefined {
  if (!isApiError(error) || error.status !== 422 || error.fieldError('selector') === undefined) return undefined;
  return error.detail;
}

export function DevicesPage() {
  const pollMs = useLiveDevices();
  const filters = useDeviceFilters();
  const devices = useDevices(filters.query, { pollMs });
  const rows = devices.data?.pages.flatMap((page) => page.items) ?? [];
  const selectorError = selectorProblem(devices.error);

  return (
    <>
      <PageHeader title="Devices" description="Every onboarded device and whether it is connected." actions={<LiveIndicator />} />
      <Card withBorder radius="md" mb="md">
        <DeviceFiltersForm
          key={filters.key}
          initial={filters.values}
          selectorError={selectorError}
          onApply={(values) => {
            // "Search" again with the same filters means "show me what is there now".
            if (!filters.apply(values)) void devices.refetch();
          }}
        />
      </Card>

      {devices.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading devices" />
        </Center>
      ) : selectorError ? (
        <Text c="dimmed" ta="center" p="md" data-testid="devices-bad-selector">
          Correct the selector to see devices.
        </Text>
      ) : devices.isError && rows.length === 0 ? (
        <ErrorAlert error={devices.error} action="list devices" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          <DevicesTable devices={rows} />
          {rows.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="devices-empty">
              No devices match.
            </Text>
          ) : null}
        </Card>
      )}

      {devices.hasNextPage ? (
        <Center mt="md">
          <Button
            variant="default"
            onClick={() => void devices.fetchNextPage()}
            loading={devices.isFetchingNextPage}
            data-testid="devices-load-more"
          >
            Load more
          </Button>
        </Center>
      ) : null}
      {devices.isError && rows.length > 0 ? <ErrorAlert error={devices.error} action="load more devices" /> : null}
    </>
  );
}
