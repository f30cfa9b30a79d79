/**
 * Recomputes `popm.findings` of issues after something changed (an acceptance, an owner, a
 * parent). Reads and writes as the app: it runs from triggers where no user is present, and the
 * property is the app's mirror, not a user's edit.
 */
import { FINDINGS_PROPERTY } from '../domain/types';
import { isJiraError } from '../jira/errors';
import type { AppDeps } from './deps';
import { findingsPropertyValue } from './findings-property';
import { evaluateIssue } from './issue-view';
import { appApi } from './site';

/** Refreshes each key's property; returns the keys refreshed (issues gone since are skipped). */
export async function refreshFindings(deps: AppDeps, issueKeys: readonly string[]): Promise<string[]> {
  const api = appApi(deps);
  const done: string[] = [];
  for (const key of new Set(issueKeys)) {
    try {
      const ec = await evaluateIssue(deps, api, key);
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
