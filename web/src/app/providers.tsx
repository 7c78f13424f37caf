import { MantineProvider } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { subscribeSession } from '../lib/api-client';
import { AuthProvider } from '../lib/auth';
import { styleNonce } from '../lib/csp-nonce';
import { LiveEventsProvider, type ConnectEvents } from '../lib/live-events';
import { theme } from './theme';

/** Everything a page needs around it except the router (tests bring a memory router). */
export function AppProviders({
  children,
  queryClient,
  restoreSession = true,
  connectEvents,
}: {
  children: ReactNode;
  queryClient: QueryClient;
  restoreSession?: boolean;
  /** How to open the live event stream (tests bring a fake one). */
  connectEvents?: ConnectEvents;
}) {
  // Whatever one user saw must not be shown to the next one.
  useEffect(
    () =>
      subscribeSession((session) => {
        if (!session) {
          queryClient.clear();
          notifications.clean();
        }
      }),
    [queryClient],
  );

  return (
    <MantineProvider theme={theme} defaultColorScheme="light" getStyleNonce={styleNonce}>
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <AuthProvider restore={restoreSession}>
          <LiveEventsProvider {...(connectEvents ? { connect: connectEvents } : {})}>{children}</LiveEventsProvider>
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
