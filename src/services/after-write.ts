/**
 * What follows every write the app makes to a story or its owner, from the neighbourhood the write
 * path already read: evaluate it again (the stored records as they are now), mirror the findings
 * of the issue and its parent, patch the stored project trees, and answer with the new issue
 * view, so neither this invocation nor the UI reads the issue again.
 */
import type { IssueView } from '../shared/contract';
import type { JiraApi } from '../jira/api';
import type { Invocation } from './cache';
import { writeFindingsAfterChange } from './findings-refresh';
import { evaluateContext, issueViewOf, issuesOf } from './issue-view';
import type { IssueContext } from './site';
import { refreshTreesAfterWrite } from './tree-refresh';
import { FINDINGS_PROPERTY, type JiraIssue } from '../domain/types';

/** The neighbourhood with the issue replaced by its state after the write. */
export function withIssue(ctx: IssueContext, issue: JiraIssue): IssueContext {
  return {
    ...ctx,
    issue,
    siblings: ctx.siblings.map((s) => (s.key === issue.key ? issue : s)),
  };
}

export async function afterWrite(
  inv: Invocation,
  api: JiraApi,
  accountId: string,
  ctx: IssueContext,
): Promise<IssueView> {
  const ec = await evaluateContext(inv, ctx);
  const written = await writeFindingsAfterChange(inv.deps, ec);
  // The issues in hand as Jira now holds them: with the popm.findings values just written, so the
  // tree patch sees them current and neither refetches the issues nor writes the values again.
  const issues = issuesOf(ctx).map((issue) =>
    written.has(issue.id)
      ? { ...issue, properties: { ...issue.properties, [FINDINGS_PROPERTY]: written.get(issue.id) } }
      : issue,
  );
  await refreshTreesAfterWrite(inv.deps, ctx.issue.key, {
    issues,
    fields: ctx.fields,
    properties: ctx.properties,
  });
  // Every viewer's stored view of the issue and of the issues whose views show it is now stale.
  await inv.forgetViews([
    ctx.issue.key,
    ...ctx.ancestors.map((a) => a.key),
    ...ctx.children.map((c) => c.key),
  ]);
  // The view shows what the issue panel shows (roll-ups of the issue's own subtree, not its
  // siblings'), so the answer is exactly what a fresh read would give.
  const shown = await evaluateContext(inv, { ...ctx, siblings: [], allSiblingsLoaded: false });
  return issueViewOf(inv, api, accountId, shown);
}
