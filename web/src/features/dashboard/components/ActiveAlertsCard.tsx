// Alerts raised by the rules engine. The alerts API is being built alongside: until a server
// has it (GET /api/v1/alerts answers 404), the card is left out of the dashboard entirely.
import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ErrorAlert } from '../../../components/ui/ErrorAlert';
import { formatDateTime } from '../../../lib/format';
import { RECENT_COUNT } from '../api/keys';
import { useRaisedAlerts, type Alert, type AlertSeverity } from '../api/alerts';

const SEVERITY_COLORS: Record<AlertSeverity, string> = { info: 'blue', warning: 'yellow', critical: 'red' };

function AlertRow({ alert }: { alert: Alert }) {
  return (
    <div data-testid={`alert-${alert.id}`}>
      <Group gap="xs" wrap="nowrap">
        <Badge size="sm" color={SEVERITY_COLORS[alert.severity]}>
          {alert.severity}
        </Badge>
        <Text size="sm" fw={500}>
          {alert.rule_name}
        </Text>
      </Group>
      <Text size="sm">{alert.summary}</Text>
      <Text size="xs" c="dimmed">
        <Anchor component={Link} to={`/devices/${encodeURIComponent(alert.device_id)}`} size="xs" ff="monospace">
          {alert.device_id}
        </Anchor>{' '}
        · raised {formatDateTime(alert.raised_at)}
      </Text>
    </div>
  );
}

export function ActiveAlertsCard() {
  const alerts = useRaisedAlerts();
  if (alerts.isPending || alerts.data === null) return null;
  const items = alerts.data?.items ?? [];
  return (
    <Card withBorder radius="md" data-testid="active-alerts">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Active alerts</Title>
        {items.length ? (
          <Badge color="red" variant="light" data-testid="active-alerts-count">
            {items.length}
            {alerts.data?.next_cursor ? '+' : ''}
          </Badge>
        ) : null}
      </Group>
      {alerts.isError ? <ErrorAlert error={alerts.error} action="list alerts" /> : null}
      {alerts.data && items.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="active-alerts-empty">
          No alerts are raised.
        </Text>
      ) : null}
      <Stack gap="sm">
        {items.slice(0, RECENT_COUNT).map((alert) => (
          <AlertRow key={alert.id} alert={alert} />
        ))}
      </Stack>
    </Card>
  );
}
