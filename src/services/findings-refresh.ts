/**
 * Recomputes `popm.findings` of issues after something changed (an acceptance, an owner, a
 * parent). Reads and writes as the app: it runs from triggers where no user is present, and the
 * property is the app's mirror, not a user's edit.
 */
import { FINDINGS_PROPERTY, type EvaluatedIssue } from '../domain/types';
import { isJiraError } from '../jira/errors';
import { Invocation } from './cache';
import type { AppDeps } from '../platform/deps';
import { findingsPropertyValue } from '../scale/findings-property';
import { evaluateIssue, type EvaluatedContext } from './issue-view';
import { appApi } from './site';

/** Refreshes each key's property; returns the keys refreshed (issues gone since are skipped). */
export async function refreshFindings(deps: AppDeps, issueKeys: readonly string[]): Promise<string[]> {
  const api = appApi(deps);
  const inv = new Invocation(deps);
  const done: string[] = [];
  for (const key of new Set(issueKeys)) {
    try {
      const ec = await evaluateIssue(inv, api, key);
      const ev = ec.byKey.get(ec.ctx.issue.key);
      if (!ev) continue;
      await api.setIssueProperty(ev.key, FINDINGS_PROPERTY, findingsPropertyValue(ev, deps.now()));
      done.push(ev.key);
    } catch (error) {
      if (isJiraError(error, 'not-found')) continue; // deleted meanwhile
      throw error;
    }
  }
  return done;
}

/**
 * After a write the app made itself: the property of the issue and of its parent (whose feature
 * rules count the stories below it), from the neighbourhood the write already evaluated, in one
 * bulk request. The parent is written only when all of its children were read, as a partial set
 * could judge it wrongly. Returns the keys written.
 */
export async function writeFindingsAfterChange(
  deps: AppDeps,
  ec: EvaluatedContext,
): Promise<Map<string, unknown>> {
  const targets: { id: string; ev: EvaluatedIssue }[] = [];
  const own = ec.byKey.get(ec.ctx.issue.key);
  if (own) targets.push({ id: ec.ctx.issue.id, ev: own });
  const parent = ec.ctx.ancestors[ec.ctx.ancestors.length - 1];
  const parentEv = parent ? ec.byKey.get(parent.key) : undefined;
  if (parent && parentEv && ec.ctx.allSiblingsLoaded) targets.push({ id: parent.id, ev: parentEv });
  const written = new Map<string, unknown>();
  if (targets.length === 0) return written;
  for (const { id, ev } of targets) written.set(id, findingsPropertyValue(ev, deps.now()));
  await appApi(deps).bulkSetIssueProperties(
    [...written].map(([issueId, value]) => ({ issueId, properties: { [FINDINGS_PROPERTY]: value } })),
  );
  return written;
}
