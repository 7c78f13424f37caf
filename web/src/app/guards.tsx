import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Forbidden } from '../components/ui/Forbidden';
import { useAuthStatus, useCan, useSession } from '../lib/auth';
import type { RoutePermission } from '../lib/permissions';

/** Renders children for a signed-in user; otherwise sends them to /login (and back after). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const status = useAuthStatus();
  const session = useSession();
  const location = useLocation();

  if (!session && status === 'restoring') {
    return (
      <Center mih="100vh">
        <Loader aria-label="Restoring your session" />
      </Center>
    );
  }
  if (!session) {
    const from = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to="/login" replace state={{ from }} />;
  }
  return <>{children}</>;
}

/** Renders children only if the user's role has `permission`; a readable refusal otherwise. */
export function RequirePermission({
  permission,
  action,
  children,
}: {
  permission: RoutePermission;
  action: string;
  children: ReactNode;
}) {
  const allowed = useCan(permission);
  if (!allowed) return <Forbidden action={action} />;
  return <>{children}</>;
}
