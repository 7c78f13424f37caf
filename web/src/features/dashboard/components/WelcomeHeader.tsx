import { Badge, Card, Group, Text, Title } from '@mantine/core';
import { LiveIndicator } from '../../../components/ui/LiveIndicator';
import { useCurrentUser } from '../../../lib/auth';
import { ROLE_LABELS } from '../../../lib/permissions';

export function WelcomeHeader() {
  const user = useCurrentUser();
  return (
    <Card withBorder radius="md" padding="md" data-testid="welcome-card">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={3}>Welcome{user ? `, ${user.display_name}` : ''}</Title>
            {user ? <Badge variant="light">{ROLE_LABELS[user.role]}</Badge> : null}
          </Group>
          <Text c="dimmed" size="sm">
            Your fleet at a glance: devices online, what they run, rollouts and onboarding.
          </Text>
        </div>
        <LiveIndicator />
      </Group>
    </Card>
  );
}
