import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';

export type ChangePasswordInput = components['schemas']['ChangePasswordRequest'];

export { MIN_PASSWORD_LENGTH, PASSWORD_RULES } from '../../../lib/password-rules';

export function changePassword(input: ChangePasswordInput): Promise<undefined> {
  return api.post<undefined>('/api/v1/me/password', input);
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
