/** Runs one resolver call and tracks loading / data / error, with a reload. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Result, ResultError } from '../../../src/shared/contract';

export type Loadable<T> =
  { state: 'loading' } | { state: 'error'; error: ResultError } | { state: 'ok'; data: T };

export function useResult<T>(load: () => Promise<Result<T>>, deps: readonly unknown[]) {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    setValue({ state: 'loading' });
    void load().then((r) => {
      // A newer request superseded this one (the user changed a filter or reloaded).
      if (mine !== seq.current) return;
      setValue(r.ok ? { state: 'ok', data: r.data } : { state: 'error', error: r.error });
    });
    // The callers' arrays are checked instead: exhaustive-deps treats useResult as an effect hook.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(run, [run]);
  return { value, reload: run, setValue };
}
