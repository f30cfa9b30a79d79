/**
 * Filter state kept in the page's URL through the host's history (`view.createHistory`): on Jira
 * the app's part of the page URL, locally the host page's query string. Reloading or sharing the
 * link shows the same view; Back returns to the previous filters. Without a history (a host that
 * has none) the filters simply live in memory.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { view } from '@forge/bridge';
import { filtersFromSearch, NO_FILTERS, searchWithFilters, type TreeFilters } from '../lib/filters';

type History = Awaited<ReturnType<typeof view.createHistory>>;

export function useUrlFilters(): [TreeFilters, (next: TreeFilters) => void] {
  const [filters, setFilters] = useState<TreeFilters>(NO_FILTERS);
  const history = useRef<History | null>(null);

  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let gone = false;
    view
      .createHistory()
      .then((h) => {
        if (gone) return;
        history.current = h;
        setFilters(filtersFromSearch(h.location.search));
        unlisten = h.listen((location) => setFilters(filtersFromSearch(location.search)));
      })
      .catch(() => undefined);
    return () => {
      gone = true;
      unlisten?.();
    };
  }, []);

  const update = useCallback((next: TreeFilters) => {
    setFilters(next);
    const h = history.current;
    if (h) h.push(`${h.location.pathname}${searchWithFilters(h.location.search, next)}`);
  }, []);

  return [filters, update];
}
