import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, getSession, updateSessionUser, type User } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';

export type { User };
export type UserPage = components['schemas']['UserPage'];
export type CreateUserInput = components['schemas']['CreateUserRequest'];
export type UpdateUserInput = components['schemas']['UpdateUserRequest'];

export { MIN_PASSWORD_LENGTH, PASSWORD_RULES } from '../../../lib/password-rules';
const PAGE_SIZE = 100;

export const usersKeys = {
  all: ['users'] as const,
  list: () => [...usersKeys.all, 'list'] as const,
};

export function getUsers({ cursor, signal }: { cursor?: string | undefined; signal?: AbortSignal }): Promise<UserPage> {
  return api.get<UserPage>('/api/v1/users', { query: { limit: PAGE_SIZE, cursor }, ...(signal ? { signal } : {}) });
}

export function usersQueryOptions() {
  return infiniteQueryOptions({
    queryKey: usersKeys.list(),
    queryFn: ({ pageParam, signal }) => getUsers({ cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useUsers() {
  return useInfiniteQuery(usersQueryOptions());
}

export function createUser(input: CreateUserInput): Promise<User> {
  return api.post<User>('/api/v1/users', input);
}

export function updateUser({ id, patch }: { id: string; patch: UpdateUserInput }): Promise<User> {
  return api.patch<User>(`/api/v1/users/${encodeURIComponent(id)}`, patch);
}

export function deleteUser(id: string): Promise<undefined> {
  return api.delete(`/api/v1/users/${encodeURIComponent(id)}`);
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: usersKeys.all });
}

export function useCreateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({ mutationFn: createUser, onSuccess: invalidate });
}

export function useUpdateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: async (user) => {
      // Keep the header right when admins edit themselves.
      if (getSession()?.user.id === user.id) updateSessionUser(user);
      await invalidate();
    },
  });
}

export function useDeleteUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({ mutationFn: deleteUser, onSuccess: invalidate });
}
