import { Alert, Anchor, Card, Group, Stepper, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { STEPS, useOnboardingProgress, type Claimed, type Step } from '../hooks/use-onboarding-progress';

const LABELS: Record<Step, { label: string; description: string }> = {
  waiting_for_device: { label: 'Waiting for device', description: 'Power it on; it says hello with its key' },
  verified: { label: 'Verified', description: 'Claim code and request checked' },
  certificate_issued: { label: 'Certificate issued', description: 'The device received its identity' },
  connected: { label: 'Connected', description: 'It connected with its certificate' },
};

/** The live steps of one claimed device. Remount (key) it for another claim. */
export function OnboardingProgress({ claimed }: { claimed: Claimed }) {
  const progress = useOnboardingProgress(claimed);
  // Mantine's `active` is the step in progress: one past the last one reached.
  const active = progress.done ? STEPS.length : progress.reached + 1;

  return (
    <Card withBorder radius="md" data-testid="onboarding-progress" data-step={STEPS[progress.reached]}>
      <Group justify="space-between" mb="md">
        <Title order={4}>
          Onboarding {claimed.serial}
        </Title>
        <Anchor component={Link} to={`/devices/${encodeURIComponent(claimed.deviceId)}`} size="sm">
          {claimed.deviceId}
        </Anchor>
      </Group>
      <Stepper active={active} size="sm" color={progress.failure ? 'red' : undefined}>
        {STEPS.map((step, index) => (
          <Stepper.Step
            key={step}
            label={LABELS[step].label}
            description={LABELS[step].description}
            loading={!progress.failure && index === progress.reached + 1}
            data-testid={`onboarding-step-${step}`}
            data-reached={index <= progress.reached}
          />
        ))}
      </Stepper>
      {progress.done ? (
        <Alert color="teal" variant="light" mt="md" title="Connected" data-testid="onboarding-connected">
          <Text size="sm">
            {claimed.serial} is onboarded and connected.{' '}
            <Anchor component={Link} to={`/devices/${encodeURIComponent(claimed.deviceId)}`}>
              Open the device
            </Anchor>
          </Text>
        </Alert>
      ) : null}
      {progress.failure ? (
        <Alert color="red" variant="light" mt="md" title="Onboarding stopped" role="alert" data-testid="onboarding-failed">
          {progress.failure.stage === 'rejected' ? 'The server rejected the device' : 'The device was refused'}
          {progress.failure.reason ? `: ${progress.failure.reason}` : '.'}
        </Alert>
      ) : null}
    </Card>
  );
}
