import { Anchor, Button, Card, Center, Code, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { LiveIndicator } from '../../../components/ui/LiveIndicator';
import { NotFound } from '../../../components/ui/NotFound';
import { PageHeader } from '../../../components/ui/PageHeader';
import { isApiError } from '../../../lib/api-client';
import { useCan } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useDevice, type DeviceDetail } from '../api/devices';
import { useLiveDevices } from '../hooks/use-live-devices';
import { CertificatesTable } from './CertificatesTable';
import { ConfirmDeviceAction, type DeviceAction } from './ConfirmDeviceAction';
import { LifecycleBadge, StatusBadge } from './DeviceBadges';
import { DeviceHistory } from './DeviceHistory';
import { DeviceJobs } from './DeviceJobs';
import { DeviceTelemetry } from './DeviceTelemetry';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

function time(value: string | null): string {
  return value ? formatDateTime(value) : '—';
}

function Identity({ device }: { device: DeviceDetail }) {
  const labels = Object.entries(device.labels);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm" data-testid="device-identity">
      <Field label="Id">
        <Text size="sm" ff="monospace">
          {device.id}
        </Text>
      </Field>
      <Field label="Serial">{device.serial}</Field>
      <Field label="Model">
        {device.model} (hardware {device.hw_revision})
      </Field>
      <Field label="Firmware">{device.firmware_version ?? '—'}</Field>
      <Field label="Status">
        <Group gap="xs">
          <StatusBadge status={device.status} />
          <LifecycleBadge lifecycle={device.lifecycle} />
        </Group>
      </Field>
      <Field label="Last seen">{time(device.last_seen)}</Field>
      <Field label="First connected">{time(device.first_connected_at)}</Field>
      <Field label="Onboarded">
        {formatDateTime(device.created_at)}
        {device.onboarded_by ? ` by ${device.onboarded_by}` : ''}
      </Field>
      <Field label="Labels">{labels.length ? labels.map(([k, v]) => (v ? `${k}=${v}` : k)).join(', ') : '—'}</Field>
    </SimpleGrid>
  );
}

export function DevicePage() {
  const { id = '' } = useParams();
  const pollMs = useLiveDevices();
  const device = useDevice(id, { pollMs });
  const canManage = useCan('devices.manage');
  const canReadAudit = useCan('audit.read');
  const canReadJobs = useCan('jobs.read');
  const canReadTelemetry = useCan('telemetry.read');
  const [action, setAction] = useState<DeviceAction | null>(null);

  if (device.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the device" />
      </Center>
    );
  }
  if (device.isError) {
    if (isApiError(device.error) && device.error.status === 404) return <NotFound />;
    return <ErrorAlert error={device.error} action="view this device" />;
  }

  const d = device.data;
  const revocable = d.certificates.some((c) => c.status === 'active');
  const decommissioned = d.lifecycle === 'decommissioned';

  return (
    <>
      <Anchor component={Link} to="/devices" size="sm">
        ← Devices
      </Anchor>
      <PageHeader
        title={d.serial}
        description={`${d.model} · ${d.id}`}
        actions={
          <>
            <LiveIndicator />
            {canReadAudit ? (
              <Button
                component={Link}
                to={`/audit?target_type=device&target_id=${encodeURIComponent(d.id)}`}
                variant="default"
                data-testid="device-audit-trail"
              >
                Audit trail
              </Button>
            ) : null}
            {canManage ? (
              <>
                <Button
                  variant="light"
                  color="orange"
                  disabled={!revocable}
                  onClick={() => {
                    setAction('revoke');
                  }}
                  data-testid="revoke-button"
                >
                  Revoke certificate
                </Button>
                <Button
                  variant="light"
                  color="red"
                  disabled={decommissioned}
                  onClick={() => {
                    setAction('decommission');
                  }}
                  data-testid="decommission-button"
                >
                  Decommission
                </Button>
              </>
            ) : null}
          </>
        }
      />

      <Stack gap="md">
        <Card withBorder radius="md">
          <Identity device={d} />
        </Card>
        <Card withBorder radius="md">
          <Title order={4} mb="sm">
            Certificates
          </Title>
          <CertificatesTable certificates={d.certificates} />
        </Card>
        <Card withBorder radius="md">
          <Title order={4} mb="sm">
            Reported state
          </Title>
          {d.reported_state ? (
            <Code block data-testid="reported-state">
              {JSON.stringify(d.reported_state, null, 2)}
            </Code>
          ) : (
            <Text c="dimmed" size="sm" data-testid="reported-state-empty">
              The device has not reported its state yet.
            </Text>
          )}
        </Card>
        {canReadTelemetry ? <DeviceTelemetry deviceId={d.id} /> : null}
        {canReadJobs ? <DeviceJobs deviceId={d.id} reported={d.firmware_version} /> : null}
        {canReadAudit ? <DeviceHistory deviceId={d.id} /> : null}
      </Stack>

      {canManage ? (
        <ConfirmDeviceAction
          device={d}
          action={action}
          onClose={() => {
            setAction(null);
          }}
        />
      ) : null}
    </>
  );
}
