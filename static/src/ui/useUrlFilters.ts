/**
 * Filter and scope state kept in the page's URL through the host's history (`view.createHistory`): on Jira
 * the app's part of the page URL, locally the host page's query string. Reloading or sharing the
 * link shows the same view; Back returns to the previous filters. Without a history (a host that
 * has none) the filters simply live in memory.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { view } from '@forge/bridge';
import { filtersFromSearch, NO_FILTERS, searchWithFilters, type TreeFilters } from '../lib/filters';
import { scopeFromSearch, searchWithScope, type ScopeParams } from '../lib/scope';

type History = Awaited<ReturnType<typeof view.createHistory>>;

export function useUrlFilters(): [TreeFilters, (next: TreeFilters) => void] {
  const [filters, setFilters] = useUrlState(NO_FILTERS, filtersFromSearch, searchWithFilters);
  return [filters, setFilters];
}

/** The page's scope (`?sprint=`, `?fixVersion=`), kept in the URL like the filters. */
export function useUrlScope(): [ScopeParams, (next: ScopeParams) => void, boolean] {
  return useUrlState<ScopeParams>(NO_SCOPE, scopeFromSearch, searchWithScope);
}

const NO_SCOPE: ScopeParams = {};

/**
 * A value read from and written to the URL's query string. The third element turns true once the
 * host's URL has been read (or there is no history), so a page can wait for it before loading.
 */
function useUrlState<T>(
  initial: T,
  fromSearch: (search: string) => T,
  withValue: (search: string, value: T) => string,
): [T, (next: T) => void, boolean] {
  const [value, setValue] = useState<T>(initial);
  const [ready, setReady] = useState(false);
  const history = useRef<History | null>(null);

  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let gone = false;
    view
      .createHistory()
      .then((h) => {
        if (gone) return;
        history.current = h;
        setValue(fromSearch(h.location.search));
        setReady(true);
        unlisten = h.listen((location) => setValue(fromSearch(location.search)));
      })
      .catch(() => {
        if (!gone) setReady(true);
      });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, [fromSearch]);

  const update = useCallback(
    (next: T) => {
      setValue(next);
      const h = history.current;
      if (h) h.push(`${h.location.pathname}${withValue(h.location.search, next)}`);
    },
    [withValue],
  );

  return [value, update, ready];
}
