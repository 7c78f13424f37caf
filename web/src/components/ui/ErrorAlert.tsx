import { Alert, Text } from '@mantine/core';
import { isApiError } from '../../lib/api-client';
import { Forbidden } from './Forbidden';

/** Shows why a query failed: a 403 as Forbidden, anything else with the problem detail. */
export function ErrorAlert({ error, action }: { error: unknown; action: string }) {
  if (isApiError(error) && error.status === 403) {
    return <Forbidden action={action} detail={error.detail} />;
  }
  const title = isApiError(error) ? error.title : 'Something went wrong';
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" variant="light" title={title} data-testid="error-alert" role="alert">
      <Text>
        Could not {action}: {detail}
      </Text>
      {isApiError(error) && error.requestId ? (
        <Text size="xs" c="dimmed" mt="xs">
          Request id: {error.requestId}
        </Text>
      ) : null}
    </Alert>
  );
}
