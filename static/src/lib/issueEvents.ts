/**
 * Keeps every view of an issue in agreement after a write. The surface that wrote tells the
 * others through Forge's event bus (`events` of @forge/bridge, delivered to the app's other frames
 * on the page: the issue panel and the issue context of the same issue), with the fresh view when
 * it has one so the others need not ask the backend again.
 */
import { events } from '@forge/bridge';
import type { IssueView } from '../../../src/shared/contract';

const ISSUE_CHANGED = 'popm:issue-changed';

export interface IssueChanged {
  issueKey: string;
  view: IssueView | null;
}

/** An IssueView as far as the surfaces rely on it; anything else is treated as absent. */
export function asIssueView(v: unknown, issueKey: string): IssueView | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Partial<IssueView>;
  const issue = o.issue;
  if (!issue || typeof issue !== 'object' || issue.key !== issueKey) return null;
  if (!Array.isArray(o.chain) || !Array.isArray(o.children) || typeof o.permissions !== 'object') return null;
  return v as IssueView;
}

export function announceIssueChanged(change: IssueChanged): void {
  void events.emit(ISSUE_CHANGED, change).catch(() => undefined);
}

/** Calls `onChange` for changes to `issueKey` made in another frame; returns the unsubscribe. */
export function onIssueChanged(issueKey: string, onChange: (view: IssueView | null) => void): () => void {
  let unsubscribe: (() => void) | null = null;
  let gone = false;
  events
    .on(ISSUE_CHANGED, (payload: unknown) => {
      if (typeof payload !== 'object' || payload === null) return;
      const p = payload as Partial<IssueChanged>;
      if (p.issueKey !== issueKey) return;
      onChange(asIssueView(p.view, issueKey));
    })
    .then((s) => {
      if (gone) s.unsubscribe();
      else unsubscribe = () => s.unsubscribe();
    })
    .catch(() => undefined);
  return () => {
    gone = true;
    unsubscribe?.();
  };
}
