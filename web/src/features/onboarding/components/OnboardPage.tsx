import { Card, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { LiveIndicator } from '../../../components/ui/LiveIndicator';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useLiveEvents, useLiveStatus } from '../../../lib/live-events';
import { onboardingKeys, usePendingOnboarding } from '../api/onboarding';
import type { Claimed } from '../hooks/use-onboarding-progress';
import { ClaimForm } from './ClaimForm';
import { OnboardingProgress } from './OnboardingProgress';
import { PendingOnboardingTable } from './PendingOnboardingTable';

const POLL_PENDING_MS = 15_000;

export function OnboardPage() {
  const queryClient = useQueryClient();
  const live = useLiveStatus() === 'open';
  const pending = usePendingOnboarding({ pollMs: live ? false : POLL_PENDING_MS });
  const [serial, setSerial] = useState('');
  const [claimed, setClaimed] = useState<Claimed | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  useLiveEvents({
    'onboarding.updated': () => {
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.pending() }, { cancelRefetch: false });
    },
    resync: () => {
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.pending() });
    },
  });

  const items = pending.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Onboard a device"
        description="Enter the serial number and claim code printed on a device to register it and issue its certificate."
        actions={<LiveIndicator />}
      />
      <Stack gap="md">
        <Card withBorder radius="md">
          <ClaimForm serial={serial} onSerialChange={setSerial} codeRef={codeRef} onClaimed={setClaimed} />
        </Card>

        {claimed ? <OnboardingProgress key={`${claimed.serial}/${claimed.deviceId}`} claimed={claimed} /> : null}

        <Card withBorder radius="md" padding={0}>
          <Title order={4} p="md" pb={0}>
            In progress
          </Title>
          <Text size="sm" c="dimmed" px="md" pb="sm">
            Devices that said hello and wait for a technician to claim them, and claimed devices that have not
            connected yet.
          </Text>
          {pending.isPending ? (
            <Center p="md">
              <Loader aria-label="Loading pending onboardings" />
            </Center>
          ) : pending.isError ? (
            <ErrorAlert error={pending.error} action="list pending onboardings" />
          ) : items.length === 0 ? (
            <Text c="dimmed" ta="center" p="md" data-testid="pending-empty">
              Nothing in progress.
            </Text>
          ) : (
            <PendingOnboardingTable
              items={items}
              onClaim={(s) => {
                setSerial(s);
                codeRef.current?.focus();
              }}
            />
          )}
        </Card>
      </Stack>
    </>
  );
}
