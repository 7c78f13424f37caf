// The signed-in user as React state. The session itself lives in api-client; this file
// only exposes it to components and restores it from the refresh cookie at start.
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { getSession, restoreSession, subscribeSession, type Session, type User } from './api-client';
import { can, type Role, type RoutePermission } from './permissions';

type AuthStatus = 'restoring' | 'ready';

const AuthStatusContext = createContext<AuthStatus>('ready');

export function AuthProvider({ children, restore = true }: { children: ReactNode; restore?: boolean }) {
  const [status, setStatus] = useState<AuthStatus>(restore && !getSession() ? 'restoring' : 'ready');

  useEffect(() => {
    if (!restore) return;
    let active = true;
    void restoreSession().finally(() => {
      if (active) setStatus('ready');
    });
    return () => {
      active = false;
    };
  }, [restore]);

  return <AuthStatusContext.Provider value={status}>{children}</AuthStatusContext.Provider>;
}

/** 'restoring' while the app is still trying the refresh cookie at start. */
export function useAuthStatus(): AuthStatus {
  return useContext(AuthStatusContext);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

export function useCurrentUser(): User | null {
  return useSession()?.user ?? null;
}

export function useRole(): Role | null {
  return useCurrentUser()?.role ?? null;
}

/** Whether the signed-in user may do what `permission` guards. */
export function useCan(permission: RoutePermission): boolean {
  return can(useRole(), permission);
}
