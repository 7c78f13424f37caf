import { Alert, Text } from '@mantine/core';

/**
 * What a user sees instead of a page or a result they may not have: never a blank page.
 * `action` completes "You do not have permission to …".
 */
export function Forbidden({ action, detail }: { action: string; detail?: string | undefined }) {
  return (
    <Alert color="orange" variant="light" title="Access denied" data-testid="forbidden" role="alert">
      <Text>You do not have permission to {action}.</Text>
      {detail ? (
        <Text size="sm" c="dimmed" mt="xs">
          Server: {detail}
        </Text>
      ) : (
        <Text size="sm" c="dimmed" mt="xs">
          Ask an administrator if you need access.
        </Text>
      )}
    </Alert>
  );
}
