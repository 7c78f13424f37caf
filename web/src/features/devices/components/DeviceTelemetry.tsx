// The device's telemetry on its page: the latest value of each key, and a chart of the keys
// picked over a window, read again every 15 s while the window ends now.
import { Card, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { useLatestTelemetry, useTelemetrySeries, type LatestTelemetry } from '../api/telemetry';
import { defaultChartKeys, sortedKeys } from '../api/telemetry-values';
import { useTelemetrySelection } from '../hooks/use-telemetry-selection';
import { LatestTelemetryTable } from './LatestTelemetryTable';
import { TelemetryChart } from './TelemetryChart';
import { TelemetryControls } from './TelemetryControls';

function TelemetryExplorer({ deviceId, values }: { deviceId: string; values: LatestTelemetry['values'] }) {
  const { selection, setKeys, setRange, setAgg } = useTelemetrySelection(defaultChartKeys(values));
  const series = useTelemetrySeries(deviceId, selection);
  return (
    <Stack gap="sm">
      <TelemetryControls
        keys={sortedKeys(values)}
        selection={selection}
        onKeysChange={setKeys}
        onRangeChange={setRange}
        onAggChange={setAgg}
      />
      {selection.keys.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="telemetry-no-keys">
          Pick one or more keys to chart.
        </Text>
      ) : series.isError ? (
        <ErrorAlert error={series.error} action="read the device's telemetry" />
      ) : series.data ? (
        <TelemetryChart answer={series.data} />
      ) : series.isFetching ? (
        <Center p="md">
          <Loader size="sm" aria-label="Loading the chart" />
        </Center>
      ) : null}
    </Stack>
  );
}

export function DeviceTelemetry({ deviceId }: { deviceId: string }) {
  const latest = useLatestTelemetry(deviceId, { enabled: true });
  const values = latest.data?.values ?? {};
  const empty = latest.isSuccess && Object.keys(values).length === 0;
  return (
    <Card withBorder radius="md" data-testid="device-telemetry">
      <Title order={4} mb="sm">
        Telemetry
      </Title>
      {latest.isPending ? <Loader size="sm" aria-label="Loading telemetry" /> : null}
      {latest.isError ? <ErrorAlert error={latest.error} action="read the device's telemetry" /> : null}
      {empty ? (
        <Text c="dimmed" size="sm" data-testid="telemetry-empty">
          The device has sent no telemetry yet. Readings it publishes on devices/{deviceId}/telemetry show here.
        </Text>
      ) : null}
      {latest.isSuccess && !empty ? (
        <Stack gap="lg">
          <LatestTelemetryTable values={values} />
          <TelemetryExplorer deviceId={deviceId} values={values} />
        </Stack>
      ) : null}
    </Card>
  );
}
