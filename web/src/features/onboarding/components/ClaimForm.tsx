import { Alert, Button, Group, PasswordInput, TextInput } from '@mantine/core';
import { useState, type Ref, type SubmitEvent } from 'react';
import { useCountdown } from '../../../lib/use-countdown';
import { describeClaimRefusal, useClaimDevice } from '../api/onboarding';
import type { Claimed } from '../hooks/use-onboarding-progress';

interface ClaimFormProps {
  serial: string;
  onSerialChange: (serial: string) => void;
  codeRef?: Ref<HTMLInputElement>;
  onClaimed: (claimed: Claimed) => void;
}

/** Serial and claim code, as printed on the device; the server says why it refuses. */
export function ClaimForm({ serial, onSerialChange, codeRef, onClaimed }: ClaimFormProps) {
  const claim = useClaimDevice();
  const [code, setCode] = useState('');
  const [waitLeft, startWait] = useCountdown();
  const trimmedSerial = serial.trim();

  function onSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!trimmedSerial) return;
    // No code: a device whose record has a factory certificate and no claim code.
    const trimmedCode = code.trim();
    claim.mutate(
      trimmedCode ? { serial: trimmedSerial, claim_code: trimmedCode } : { serial: trimmedSerial },
      {
        onSuccess: (result) => {
          setCode('');
          onClaimed({ serial: trimmedSerial, deviceId: result.device_id, status: result.status });
        },
        onError: (error) => {
          const refusal = describeClaimRefusal(error, trimmedSerial);
          if (refusal.retryAfter) startWait(refusal.retryAfter);
        },
      },
    );
  }

  const refusal = claim.error ? describeClaimRefusal(claim.error, claim.variables.serial) : null;

  return (
    <form onSubmit={onSubmit} aria-label="Claim a device">
      <Group align="flex-start" grow preventGrowOverflow={false}>
        <TextInput
          label="Serial number"
          placeholder="As printed on the device"
          required
          maxLength={64}
          value={serial}
          onChange={(event) => {
            onSerialChange(event.currentTarget.value);
            claim.reset();
          }}
          error={refusal?.fields?.serial}
          autoComplete="off"
          data-testid="claim-serial"
        />
        <PasswordInput
          ref={codeRef}
          label="Claim code"
          placeholder="From the device's label"
          description="Empty for a device with a factory certificate and no code"
          maxLength={128}
          value={code}
          onChange={(event) => {
            setCode(event.currentTarget.value);
            claim.reset();
          }}
          error={refusal?.fields?.claim_code}
          autoComplete="off"
          data-testid="claim-code"
        />
      </Group>
      {refusal ? (
        <Alert color="red" variant="light" mt="sm" title={refusal.title} role="alert" data-testid="claim-error">
          {refusal.message}
          {waitLeft > 0 ? ` Try again in ${waitLeft} s.` : ''}
        </Alert>
      ) : null}
      <Group justify="flex-end" mt="sm">
        <Button
          type="submit"
          loading={claim.isPending}
          disabled={waitLeft > 0 || !trimmedSerial}
          data-testid="claim-submit"
        >
          Claim device
        </Button>
      </Group>
    </form>
  );
}
