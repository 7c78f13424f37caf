import { render, type RenderResult } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { AppProviders } from '../app/providers';
import { routes as appRoutes } from '../app/routes';
import { setSession, type User } from '../lib/api-client';
import { createQueryClient } from '../lib/query-client';
import { makeLogin } from './fixtures';
import { createFakeLiveEvents, type FakeLiveEvents } from './live-events';

export interface RenderOptions {
  /** Signs this user in before rendering (no refresh call at start). */
  user?: User;
  /** Where the memory router starts. */
  path?: string;
  /** Defaults to the app's own routes. */
  routes?: RouteObject[];
  /** The live event stream the app gets (a fresh fake one by default). */
  events?: FakeLiveEvents;
}

/** Renders the app (or given routes) with all providers, as a signed-in user if given. */
export function renderApp({
  user,
  path = '/',
  routes = appRoutes,
  events = createFakeLiveEvents(),
}: RenderOptions = {}): RenderResult & {
  router: ReturnType<typeof createMemoryRouter>;
  events: FakeLiveEvents;
} {
  if (user) setSession(makeLogin(user));
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const result = render(
    <AppProviders queryClient={queryClient} restoreSession={!user} connectEvents={events.connect}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...result, router, events };
}
