import { Center, Loader, SimpleGrid, Stack } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { useCan } from '../../../lib/auth';
import { useFleetTelemetry } from '../api/fleet';
import { DEFAULT_FLEET_RANGE, type FleetRange } from '../api/fleet-range';
import { useLiveDashboard } from '../hooks/use-live-dashboard';
import { ActiveAlertsCard } from './ActiveAlertsCard';
import { FleetBreakdown } from './FleetBreakdown';
import { FleetEmptyState } from './FleetEmptyState';
import { FleetHistory } from './FleetHistory';
import { FleetStats } from './FleetStats';
import { RecentOnboardingCard } from './RecentOnboardingCard';
import { RecentRolloutsCard } from './RecentRolloutsCard';
import { WelcomeHeader } from './WelcomeHeader';

function FleetOverview() {
  const [range, setRange] = useState<FleetRange>(DEFAULT_FLEET_RANGE);
  const fleet = useFleetTelemetry(range);

  if (fleet.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the fleet" />
      </Center>
    );
  }
  if (fleet.isError) return <ErrorAlert error={fleet.error} action="load the fleet overview" />;

  const data = fleet.data;
  return (
    <>
      <FleetStats devices={data.devices} />
      {data.devices.total === 0 ? (
        <FleetEmptyState />
      ) : (
        <>
          <FleetHistory fleet={data} range={range} onRangeChange={setRange} />
          <FleetBreakdown fleet={data} />
        </>
      )}
    </>
  );
}

export function DashboardPage() {
  useLiveDashboard();
  const canReadTelemetry = useCan('telemetry.read');
  const canReadJobs = useCan('jobs.read');
  const canOnboard = useCan('devices.onboard');
  const canReadAlerts = useCan('alerts.read');
  return (
    <Stack gap="md">
      <WelcomeHeader />
      {canReadAlerts ? <ActiveAlertsCard /> : null}
      {canReadTelemetry ? <FleetOverview /> : null}
      {canReadJobs || canOnboard ? (
        <SimpleGrid cols={{ base: 1, md: canReadJobs && canOnboard ? 2 : 1 }} spacing="md">
          {canReadJobs ? <RecentRolloutsCard /> : null}
          {canOnboard ? <RecentOnboardingCard /> : null}
        </SimpleGrid>
      ) : null}
    </Stack>
  );
}
