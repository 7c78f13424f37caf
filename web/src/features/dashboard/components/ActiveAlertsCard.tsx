// The open alerts (raised or acknowledged), for users with alerts.read; live from the alert.*
// events (use-live-dashboard).
import { Anchor, Badge, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { SeverityBadge } from '../../../components/ui/SeverityBadge';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';
import { useOpenAlerts, type Alert } from '../api/alerts';

/** How often "raised 5 min ago" is worked out again. */
const RELATIVE_TICK_MS = 15_000;

function AlertRow({ alert, now }: { alert: Alert; now: number }) {
  return (
    <div data-testid={`alert-${alert.id}`} data-state={alert.state}>
      <Group gap="xs" wrap="nowrap">
        <SeverityBadge severity={alert.severity} />
        <Text size="sm" fw={500}>
          {alert.rule_name}
        </Text>
        {alert.state === 'acknowledged' ? (
          <Badge size="sm" variant="light" color="yellow">
            acknowledged
          </Badge>
        ) : null}
      </Group>
      <Text size="sm">{alert.summary}</Text>
      <Text size="xs" c="dimmed">
        <Anchor component={Link} to={`/devices/${encodeURIComponent(alert.device_id)}`} size="xs" ff="monospace">
          {alert.device_id}
        </Anchor>{' '}
        · raised <span title={formatDateTime(alert.raised_at)}>{formatRelative(alert.raised_at, now)}</span>
      </Text>
    </div>
  );
}

export function ActiveAlertsCard() {
  const alerts = useOpenAlerts();
  const now = useNow(RELATIVE_TICK_MS, true);
  const items = alerts.data?.items ?? [];
  return (
    <Card withBorder radius="md" data-testid="active-alerts">
      <Group justify="space-between" mb="sm">
        <Group gap="xs">
          <Title order={4}>Active alerts</Title>
          {items.length ? (
            <Badge color="red" variant="light" data-testid="active-alerts-count">
              {items.length}
              {alerts.data?.next_cursor ? '+' : ''}
            </Badge>
          ) : null}
        </Group>
        <Anchor component={Link} to="/alerts" size="sm">
          All alerts
        </Anchor>
      </Group>
      {alerts.isPending ? <Loader size="sm" aria-label="Loading alerts" /> : null}
      {alerts.isError ? <ErrorAlert error={alerts.error} action="list alerts" /> : null}
      {alerts.data && items.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="active-alerts-empty">
          No alerts are open.
        </Text>
      ) : null}
      <Stack gap="sm">
        {items.map((alert) => (
          <AlertRow key={alert.id} alert={alert} now={now} />
        ))}
      </Stack>
    </Card>
  );
}
