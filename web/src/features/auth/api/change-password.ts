import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';

export type ChangePasswordInput = components['schemas']['ChangePasswordRequest'];

export const MIN_PASSWORD_LENGTH = 10;

export function changePassword(input: ChangePasswordInput): Promise<undefined> {
  return api.post<undefined>('/api/v1/me/password', input);
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
