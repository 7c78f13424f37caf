// Static device groups: /api/v1/groups and their members. Groups belong to the devices feature:
// the device list filters by them, and a group's page lists devices.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components } from '../../../lib/api-types';
import { devicesKeys, type DevicePage } from './devices';

export type Group = components['schemas']['Group'];
export type GroupPage = components['schemas']['GroupPage'];
export type CreateGroupInput = components['schemas']['CreateGroupRequest'];
export type UpdateGroupInput = components['schemas']['UpdateGroupRequest'];
export type AddGroupDevicesResult = components['schemas']['AddGroupDevicesResult'];

/** The groups the portal lists and offers in the device filter (the API's largest page). */
export const GROUPS_LIMIT = 500;
export const MEMBERS_LIMIT = 500;

export const groupsKeys = {
  all: ['groups'] as const,
  list: () => [...groupsKeys.all, 'list'] as const,
  detail: (id: string) => [...groupsKeys.all, 'detail', id] as const,
  members: (id: string) => [...groupsKeys.all, 'members', id] as const,
};

export function getGroups(signal?: AbortSignal): Promise<GroupPage> {
  return api.get<GroupPage>('/api/v1/groups', { query: { limit: GROUPS_LIMIT }, ...(signal ? { signal } : {}) });
}

export function groupsQueryOptions() {
  return queryOptions({ queryKey: groupsKeys.list(), queryFn: ({ signal }) => getGroups(signal) });
}

export function useGroups() {
  return useQuery(groupsQueryOptions());
}

export function getGroup(id: string, signal?: AbortSignal): Promise<Group> {
  return api.get<Group>(`/api/v1/groups/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export function useGroup(id: string) {
  return useQuery({ queryKey: groupsKeys.detail(id), queryFn: ({ signal }) => getGroup(id, signal) });
}

export function getGroupDevices(id: string, signal?: AbortSignal): Promise<DevicePage> {
  return api.get<DevicePage>(`/api/v1/groups/${encodeURIComponent(id)}/devices`, {
    query: { limit: MEMBERS_LIMIT },
    ...(signal ? { signal } : {}),
  });
}

export function useGroupDevices(id: string) {
  return useQuery({ queryKey: groupsKeys.members(id), queryFn: ({ signal }) => getGroupDevices(id, signal) });
}

export function createGroup(input: CreateGroupInput): Promise<Group> {
  return api.post<Group>('/api/v1/groups', input);
}

export function updateGroup({ id, patch }: { id: string; patch: UpdateGroupInput }): Promise<Group> {
  return api.patch<Group>(`/api/v1/groups/${encodeURIComponent(id)}`, patch);
}

export function deleteGroup(id: string): Promise<undefined> {
  return api.delete(`/api/v1/groups/${encodeURIComponent(id)}`);
}

export function addGroupDevices({ id, deviceIds }: { id: string; deviceIds: string[] }): Promise<AddGroupDevicesResult> {
  return api.post<AddGroupDevicesResult>(`/api/v1/groups/${encodeURIComponent(id)}/devices`, {
    device_ids: deviceIds,
  });
}

export function removeGroupDevice({ id, deviceId }: { id: string; deviceId: string }): Promise<undefined> {
  return api.delete(`/api/v1/groups/${encodeURIComponent(id)}/devices/${encodeURIComponent(deviceId)}`);
}

/** After any group change: the groups, their members and device lists filtered by a group. */
function useGroupChange<I, O>(mutationFn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: groupsKeys.all }),
        queryClient.invalidateQueries({ queryKey: devicesKeys.all }),
      ]),
  });
}

export function useCreateGroup() {
  return useGroupChange(createGroup);
}

export function useUpdateGroup() {
  return useGroupChange(updateGroup);
}

export function useDeleteGroup() {
  return useGroupChange(deleteGroup);
}

export function useAddGroupDevices() {
  return useGroupChange(addGroupDevices);
}

export function useRemoveGroupDevice() {
  return useGroupChange(removeGroupDevice);
}
