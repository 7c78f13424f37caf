import { useMutation } from '@tanstack/react-query';
import { api, setSession, type LoginResponse, type Session } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';

export type LoginInput = components['schemas']['LoginRequest'];

export async function login(input: LoginInput): Promise<Session> {
  const answer = await api.post<LoginResponse>('/api/v1/auth/login', input, { auth: false });
  return setSession(answer);
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
