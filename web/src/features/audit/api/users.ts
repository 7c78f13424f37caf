import { useQuery } from '@tanstack/react-query';
import { api, type User } from '../../../lib/api-client';
import { auditKeys } from './audit';
import type { components } from '../../../lib/api-types';

type UserPage = components['schemas']['UserPage'];

/** The users the User filter offers (one page of the API's largest). */
const USERS_LIMIT = 100;

/** The portal's users, for the audit log's User filter; only asked for by users.manage holders. */
export function useAuditUsers(enabled: boolean) {
  return useQuery({
    queryKey: [...auditKeys.all, 'users'] as const,
    queryFn: ({ signal }) => api.get<UserPage>('/api/v1/users', { query: { limit: USERS_LIMIT }, signal }),
    select: (page): User[] => page.items,
    enabled,
  });
}
