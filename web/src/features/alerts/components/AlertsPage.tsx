import { Card, Center, Loader, SegmentedControl, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { LiveIndicator } from '../../../components/ui/LiveIndicator';
import { LoadMore } from '../../../components/ui/LoadMore';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCan } from '../../../lib/auth';
import { useAlerts, type Alert, type AlertStateFilter } from '../api/alerts';
import { useAlertStateFilter } from '../hooks/use-alert-state-filter';
import { useLiveAlerts } from '../hooks/use-live-alerts';
import { AcknowledgeAlertModal } from './AcknowledgeAlertModal';
import { AlertsTable } from './AlertsTable';

const FILTER_OPTIONS: { value: AlertStateFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'cleared', label: 'Cleared' },
  { value: 'all', label: 'All' },
];

const EMPTY_TEXT: Record<AlertStateFilter, string> = {
  open: 'No alerts are open. Alerts show here as soon as a rule trips.',
  acknowledged: 'No alert is acknowledged and still open.',
  cleared: 'No alert has cleared yet.',
  all: 'No alert has been raised yet. Rules raise them when their condition holds on a device.',
};

export function AlertsPage() {
  const [state, setState] = useAlertStateFilter();
  const pollMs = useLiveAlerts();
  const alerts = useAlerts(state, pollMs);
  const canAck = useCan('alerts.ack');
  const [acknowledging, setAcknowledging] = useState<Alert | null>(null);
  const items = alerts.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Alerts"
        description="What the alert rules found on devices, newest first."
        actions={<LiveIndicator />}
      />
      <SegmentedControl
        mb="md"
        aria-label="Alert state"
        data={FILTER_OPTIONS}
        value={state}
        onChange={(value) => {
          const next = FILTER_OPTIONS.find((o) => o.value === value);
          if (next) setState(next.value);
        }}
        data-testid="alerts-state-filter"
      />

      {alerts.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading alerts" />
        </Center>
      ) : alerts.isError && items.length === 0 ? (
        <ErrorAlert error={alerts.error} action="list alerts" />
      ) : (
        <Card withBorder radius="md" padding={0}>
          {items.length > 0 ? (
            <AlertsTable alerts={items} onAcknowledge={canAck ? setAcknowledging : undefined} />
          ) : (
            <Text c="dimmed" ta="center" p="md" data-testid="alerts-empty">
              {EMPTY_TEXT[state]}
            </Text>
          )}
        </Card>
      )}
      <LoadMore list={alerts} testId="alerts-load-more" />

      {canAck ? (
        <AcknowledgeAlertModal
          key={acknowledging?.id ?? 'none'}
          alert={acknowledging}
          onClose={() => {
            setAcknowledging(null);
          }}
        />
      ) : null}
    </>
  );
}
