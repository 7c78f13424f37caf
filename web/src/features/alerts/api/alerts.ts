import {
  infiniteQueryOptions,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { components, operations } from '../../../lib/api-types';

export type Alert = components['schemas']['Alert'];
export type AlertState = Alert['state'];
export type AlertPage = operations['listAlerts']['responses'][200]['content']['application/json'];
type ApiStateFilter = NonNullable<NonNullable<operations['listAlerts']['parameters']['query']>['state']>;

/** What the page's state filter offers: the API's `open` (raised or acknowledged), one state, or every alert. */
export type AlertStateFilter = Exclude<ApiStateFilter, 'raised'> | 'all';

export const ALERT_STATE_FILTERS: readonly AlertStateFilter[] = ['open', 'acknowledged', 'cleared', 'all'];

export const ALERTS_PAGE_SIZE = 50;

export const alertsKeys = {
  all: ['alerts'] as const,
  lists: () => [...alertsKeys.all, 'list'] as const,
  list: (state: AlertStateFilter) => [...alertsKeys.lists(), state] as const,
};

export function getAlerts({
  state,
  cursor,
  signal,
}: {
  state: AlertStateFilter;
  cursor?: string | undefined;
  signal?: AbortSignal;
}): Promise<AlertPage> {
  return api.get<AlertPage>('/api/v1/alerts', {
    query: { state: state === 'all' ? undefined : state, limit: ALERTS_PAGE_SIZE, cursor },
    ...(signal ? { signal } : {}),
  });
}

export function alertsQueryOptions(state: AlertStateFilter, pollMs: number | false) {
  return infiniteQueryOptions({
    queryKey: alertsKeys.list(state),
    queryFn: ({ pageParam, signal }) => getAlerts({ state, cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: pollMs,
  });
}

export function useAlerts(state: AlertStateFilter, pollMs: number | false) {
  return useInfiniteQuery(alertsQueryOptions(state, pollMs));
}

export function acknowledgeAlert({ id, note }: { id: string; note: string }): Promise<Alert> {
  return api.post<Alert>(`/api/v1/alerts/${encodeURIComponent(id)}/ack`, note ? { note } : {});
}

/**
 * Puts the alert as it is now into every cached list that shows it, at once, then refetches the
 * lists: the change may move it into or out of a filtered list, and a raised alert is new.
 * cancelRefetch: false, so that a burst of events does not keep restarting the requests.
 */
export function applyAlertChange(queryClient: QueryClient, alert: Alert): Promise<void> {
  queryClient.setQueriesData<InfiniteData<AlertPage>>({ queryKey: alertsKeys.lists() }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((item) => (item.id === alert.id ? alert : item)),
          })),
        }
      : data,
  );
  return queryClient.invalidateQueries({ queryKey: alertsKeys.lists() }, { cancelRefetch: false });
}

export function useAcknowledgeAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: acknowledgeAlert,
    onSuccess: (alert) => applyAlertChange(queryClient, alert),
  });
}
