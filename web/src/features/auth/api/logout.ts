import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, clearSession } from '../../../lib/api-client';

/**
 * Revokes the refresh cookie and the access token on the server (the token goes along so that
 * a copy of it stops working too) and forgets the session here, even if the call fails.
 */
export async function logout(): Promise<void> {
  try {
    await api.post<undefined>('/api/v1/auth/logout', undefined);
  } finally {
    clearSession('logout');
  }
}

export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      queryClient.clear();
      void navigate('/login', { replace: true });
    },
  });
}
