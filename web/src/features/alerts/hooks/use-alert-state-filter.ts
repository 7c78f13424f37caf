import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { ALERT_STATE_FILTERS, type AlertStateFilter } from '../api/alerts';

/** The state filter in the page URL (`?state=`), `open` when absent or unknown. */
export function useAlertStateFilter(): [AlertStateFilter, (next: AlertStateFilter) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get('state');
  const state = ALERT_STATE_FILTERS.find((s) => s === value) ?? 'open';
  const setState = useCallback(
    (next: AlertStateFilter) => {
      setParams(next === 'open' ? {} : { state: next });
    },
    [setParams],
  );
  return [state, setState];
}
