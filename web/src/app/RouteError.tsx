import { Alert, Button, Code, Stack, Text } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { Forbidden } from '../components/ui/Forbidden';
import { NotFound } from '../components/ui/NotFound';
import { isApiError } from '../lib/api-client';

/** The router's error element: a failed render never leaves a blank page. */
export function RouteError() {
  const error = useRouteError();

  if (isRouteErrorResponse(error) && error.status === 404) return <NotFound />;
  if (isApiError(error) && error.status === 403) return <Forbidden action="see this page" detail={error.detail} />;

  const message = error instanceof Error ? error.message : isRouteErrorResponse(error) ? error.statusText : String(error);
  return (
    <Alert color="red" variant="light" title="Something went wrong" m="md" role="alert" data-testid="route-error">
      <Stack gap="xs">
        <Text>This page failed to load. Reloading often helps; if not, please report it.</Text>
        <Code block>{message}</Code>
        <div>
          <Button
            variant="light"
            onClick={() => {
              window.location.reload();
            }}
          >
            Reload
          </Button>
        </div>
      </Stack>
    </Alert>
  );
}
