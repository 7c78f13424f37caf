import { Button, Card, Group, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useCan } from '../../../lib/auth';

/** What a fresh install shows instead of empty charts: how devices get here, and who does it. */
export function FleetEmptyState() {
  const canImport = useCan('registry.import');
  const canOnboard = useCan('devices.onboard');
  return (
    <Card withBorder radius="md" padding="lg" data-testid="fleet-empty">
      <Title order={4}>No devices yet</Title>
      <Text c="dimmed" mt="xs">
        Devices appear here once they are onboarded: an administrator imports their manufacturing records into the
        registry, then a technician claims each device by its serial and claim code. Charts of devices online, models,
        firmware and health fill in as they connect.
      </Text>
      {canImport || canOnboard ? (
        <Group mt="md" gap="sm">
          {canImport ? (
            <Button component={Link} to="/registry" variant="light">
              Import records
            </Button>
          ) : null}
          {canOnboard ? (
            <Button component={Link} to="/onboard" variant="light">
              Onboard a device
            </Button>
          ) : null}
        </Group>
      ) : null}
    </Card>
  );
}
