import { Button, Card, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFound() {
  return (
    <Card withBorder radius="md" padding="lg" data-testid="not-found">
      <Title order={2}>Page not found</Title>
      <Text c="dimmed" mt="xs">
        There is nothing at this address. It may have moved, or the link may be wrong.
      </Text>
      <Button component={Link} to="/" mt="md" variant="light">
        Go to the dashboard
      </Button>
    </Card>
  );
}
