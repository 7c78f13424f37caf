import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components, operations } from '../../../lib/api-types';

export type Rule = components['schemas']['AlertRule'];
export type RuleInput = components['schemas']['AlertRuleInput'];
export type RulePatch = components['schemas']['AlertRulePatch'];
export type RuleScope = components['schemas']['AlertRuleScope'];
export type Severity = components['schemas']['AlertSeverity'];
export type RuleList = operations['listRules']['responses'][200]['content']['application/json'];
export type Group = components['schemas']['Group'];
type GroupPage = components['schemas']['GroupPage'];

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** The groups a rule may be scoped to (the API's largest page). */
const GROUPS_LIMIT = 500;

export const rulesKeys = {
  all: ['rules'] as const,
  list: () => [...rulesKeys.all, 'list'] as const,
  groups: () => [...rulesKeys.all, 'groups'] as const,
};

export function getRules(signal?: AbortSignal): Promise<RuleList> {
  return api.get<RuleList>('/api/v1/rules', signal ? { signal } : {});
}

export function rulesQueryOptions() {
  return queryOptions({ queryKey: rulesKeys.list(), queryFn: ({ signal }) => getRules(signal) });
}

export function useRules() {
  return useQuery(rulesQueryOptions());
}

/** The device groups, for the scope's group select and for naming a rule's group in the list. */
export function useRuleGroups() {
  return useQuery({
    queryKey: rulesKeys.groups(),
    queryFn: ({ signal }) => api.get<GroupPage>('/api/v1/groups', { query: { limit: GROUPS_LIMIT }, signal }),
    select: (page) => page.items,
  });
}

export function createRule(input: RuleInput): Promise<Rule> {
  return api.post<Rule>('/api/v1/rules', input);
}

export function updateRule({ id, patch }: { id: string; patch: RulePatch }): Promise<Rule> {
  return api.patch<Rule>(`/api/v1/rules/${encodeURIComponent(id)}`, patch);
}

export function deleteRule(id: string): Promise<undefined> {
  return api.delete(`/api/v1/rules/${encodeURIComponent(id)}`);
}

function useRuleChange<I, O>(mutationFn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rulesKeys.list() }),
  });
}

export function useCreateRule() {
  return useRuleChange(createRule);
}

export function useUpdateRule() {
  return useRuleChange(updateRule);
}

export function useDeleteRule() {
  return useRuleChange(deleteRule);
}
