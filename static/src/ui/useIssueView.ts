/**
 * One issue's view for a surface: loaded once, then updated in place. After a write here,
 * `refresh(answer)` takes the fresh view from the write's answer when the backend sent one, or asks
 * again quietly (no loading state, so nothing jumps and focus stays), and tells the other frames;
 * a write in another frame updates this one the same way.
 */
import { useCallback, useEffect } from 'react';
import type { IssueView, ResultError } from '../../../src/shared/contract';
import { api } from '../api';
import { announceIssueChanged, asIssueView, onIssueChanged } from '../lib/issueEvents';
import { useResult } from './useResult';

/** The updated view inside a write's answer (`{ view }` or the view itself), if it carries one. */
export function viewInAnswer(answer: unknown, issueKey: string): IssueView | null {
  if (typeof answer === 'object' && answer !== null && 'view' in answer)
    return asIssueView(answer.view, issueKey);
  return asIssueView(answer, issueKey);
}

export function useIssueView(issueKey: string) {
  const { value, reload, setValue } = useResult(() => api.getIssueView({ issueKey }), [issueKey]);

  const quietly = useCallback(async (): Promise<IssueView | ResultError> => {
    const r = await api.getIssueView({ issueKey });
    if (!r.ok) return r.error;
    setValue({ state: 'ok', data: r.data });
    return r.data;
  }, [issueKey, setValue]);

  useEffect(
    () =>
      onIssueChanged(issueKey, (view) => {
        if (view) setValue({ state: 'ok', data: view });
        else void quietly();
      }),
    [issueKey, quietly, setValue],
  );

  /** After a write of ours: the new view, or the error of asking for it. */
  const refresh = useCallback(
    async (answer?: unknown): Promise<ResultError | null> => {
      const given = viewInAnswer(answer, issueKey);
      if (given) setValue({ state: 'ok', data: given });
      const view = given ?? (await quietly());
      if (!('issue' in view)) return view;
      announceIssueChanged({ issueKey, view });
      return null;
    },
    [issueKey, quietly, setValue],
  );

  return { value, reload, refresh };
}
