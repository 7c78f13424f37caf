import { Badge, Card, Group, Text, Title } from '@mantine/core';

/** Placeholder for a page or panel whose feature is not built yet. */
export function ComingSoon({ title, description }: { title?: string; description: string }) {
  return (
    <Card withBorder radius="md" padding="lg" data-testid="coming-soon">
      <Group justify="space-between" mb="xs">
        <Title order={3}>{title ?? 'Coming soon'}</Title>
        {title ? <Badge variant="light">Coming soon</Badge> : null}
      </Group>
      <Text c="dimmed">{description}</Text>
    </Card>
  );
}
