import { Badge, Card, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { ComingSoon } from '../../../components/ui/ComingSoon';
import { useCurrentUser } from '../../../lib/auth';
import { ROLE_LABELS } from '../../../lib/permissions';

export function DashboardPage() {
  const user = useCurrentUser();
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Card withBorder radius="md" padding="lg" data-testid="welcome-card">
        <Group justify="space-between" mb="xs">
          <Title order={3}>Welcome{user ? `, ${user.display_name}` : ''}</Title>
          {user ? <Badge variant="light">{ROLE_LABELS[user.role]}</Badge> : null}
        </Group>
        <Text c="dimmed">
          Mothership runs your device fleet on your own hardware: onboarding, firmware rollouts, audit and
          reports. Use the navigation to get to what your role allows.
        </Text>
      </Card>
      <ComingSoon
        title="Fleet overview"
        description="Devices online, recent onboarding, rollouts in progress and alerts will appear here."
      />
    </SimpleGrid>
  );
}
