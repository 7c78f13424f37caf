import { Anchor, Badge, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { formatDateTime } from '../../../lib/format';
import { useRecentOnboarding, type OnboardingRequest } from '../api/recent-onboarding';

const STAGE_LABELS: Record<OnboardingRequest['stage'], string> = {
  awaiting_approval: 'Waiting for a technician',
  awaiting_device: 'Waiting for the device',
  awaiting_connection: 'Waiting for its first connection',
};

function OnboardingRow({ item }: { item: OnboardingRequest }) {
  return (
    <div data-testid={`recent-onboarding-${item.serial}`}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        {item.device_id ? (
          <Anchor component={Link} to={`/devices/${encodeURIComponent(item.device_id)}`} size="sm" fw={500}>
            {item.serial}
          </Anchor>
        ) : (
          <Anchor component={Link} to="/onboard" size="sm" fw={500}>
            {item.serial}
          </Anchor>
        )}
        <Badge size="sm" variant="light" color={item.stage === 'awaiting_approval' ? 'orange' : 'blue'}>
          {STAGE_LABELS[item.stage]}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {item.model ?? 'unknown model'} · {formatDateTime(item.updated_at)}
      </Text>
    </div>
  );
}

/** Onboardings in progress; only for roles that onboard (the list needs devices.onboard). */
export function RecentOnboardingCard() {
  const onboarding = useRecentOnboarding();
  return (
    <Card withBorder radius="md" data-testid="recent-onboarding">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Onboarding</Title>
        <Anchor component={Link} to="/onboard" size="sm">
          Onboard page
        </Anchor>
      </Group>
      {onboarding.isPending ? <Loader size="sm" aria-label="Loading onboarding" /> : null}
      {onboarding.isError ? <ErrorAlert error={onboarding.error} action="list onboarding" /> : null}
      {onboarding.data?.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="recent-onboarding-empty">
          No device is being onboarded. A device that says hello, or one a technician claims, shows here until it
          connects with its certificate.
        </Text>
      ) : null}
      <Stack gap="sm">
        {onboarding.data?.map((item) => (
          <OnboardingRow key={item.serial} item={item} />
        ))}
      </Stack>
    </Card>
  );
}
