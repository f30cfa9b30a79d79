/**
 * Reading decisions (rules.md, "Decisions") for people: a story's history for the issue panel, what
 * the signed-in user may decide and why not, and a project's decision log for auditors.
 */
import type { EffectiveConfig } from '../domain/config';
import { assigneeOf, embeddedLevel } from '../domain/engine';
import { compareIssueKeys } from '../domain/read';
import {
  ACCEPTANCE_PROPERTY,
  type Decision,
  type EvaluatedIssue,
  type JiraIssue,
  type Level,
} from '../domain/types';
import type { JiraApi } from '../jira/api';
import { jqlProjectIssues } from '../jira/jql';
import type {
  ActionState,
  DecisionAction,
  DecisionLog,
  DecisionLogRow,
  DecisionView,
} from '../shared/contract';
import type { StoredAcceptance } from '../storage/acceptance-store';
import { refusalOf } from './refusal';
import { checkProjectAccess } from './visibility';
import type { AppDeps } from '../platform/deps';
import { Invocation } from './cache';
import { acceptanceStore, userApi } from './site';

/** Display names of the given accounts: the ones already known, then one bulk lookup for the rest. */
export async function namesOf(
  api: JiraApi,
  accountIds: Iterable<string>,
  known: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, string>> {
  const names = new Map(known);
  const missing = [...new Set(accountIds)].filter((id) => !names.has(id));
  if (missing.length > 0) {
    // Names are a courtesy: a failed lookup shows account ids rather than failing the view.
    const users = await api.bulkUsers(missing).catch(() => []);
    for (const u of users) if (u.displayName) names.set(u.accountId, u.displayName);
  }
  return names;
}

function ownerNames(ev: EvaluatedIssue): Map<string, string> {
  const known = new Map<string, string>();
  for (const o of ev.owners) if (o.displayName) known.set(o.accountId, o.displayName);
  if (ev.acceptance && ev.acceptedByName) known.set(ev.acceptance.acceptedBy, ev.acceptedByName);
  return known;
}

export function decisionView(d: Decision, names: ReadonlyMap<string, string>): DecisionView {
  return { ...d, byName: names.get(d.by) ?? d.by };
}

/** The story's decisions, newest first, with names. */
export async function decisionViews(
  deps: AppDeps,
  api: JiraApi,
  ev: EvaluatedIssue,
  issueId: string,
  stored: StoredAcceptance | undefined,
): Promise<DecisionView[]> {
  if (ev.level !== 'team' || !stored) return [];
  const all = await acceptanceStore(deps).allDecisions(issueId, stored);
  const names = await namesOf(
    api,
    all.map((d) => d.by),
    ownerNames(ev),
  );
  return all.map((d) => decisionView(d, names)).reverse();
}

/**
 * Each decision action for `accountId`, with the reason when it is unavailable: the same checks the
 * writes make (refusalOf), plus what would make the action pointless in the story's state.
 */
export function actionStates(
  accountId: string,
  ev: EvaluatedIssue,
  issue: JiraIssue,
  effective: EffectiveConfig,
  stale: boolean,
): Record<DecisionAction, ActionState> {
  const state = (action: DecisionAction): ActionState => {
    const refusal = refusalOf(accountId, ev, effective, action, assigneeOf(issue));
    if (refusal) return { allowed: false, reason: refusal.message };
    if (action === 'accept' && ev.acceptanceValid && !stale)
      return { allowed: false, reason: `${ev.key} is already validly accepted` };
    if (action === 'revoke' && !ev.acceptance)
      return { allowed: false, reason: `${ev.key} has no acceptance to revoke` };
    return { allowed: true };
  };
  return { accept: state('accept'), reject: state('reject'), revoke: state('revoke') };
}

const LOG_PAGE = 50;

/**
 * One page of a project's decision log: the project's stories in key order (read as the user, so
 * hidden stories stay hidden), each with its decisions oldest first, from the app's storage.
 */
export async function getDecisionLog(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  cursor: string | undefined,
): Promise<DecisionLog> {
  // The `project-viewer` guard: a project the caller may not browse is NOT_FOUND, not an empty log.
  await checkProjectAccess(deps, accountId, projectKey);
  const api = userApi(deps, accountId);
  const config = await new Invocation(deps).config();
  const page = await api.searchJql({
    jql: `${jqlProjectIssues(projectKey)} ORDER BY key ASC`,
    fields: ['issuetype'],
    properties: [ACCEPTANCE_PROPERTY],
    maxResults: LOG_PAGE,
    ...(cursor !== undefined ? { nextPageToken: cursor } : {}),
  });
  // Each issue embeds its type (hierarchy level included): no issue type list needed.
  const levels = new Map<string, Level>();
  const stories = page.issues.filter(
    (i) => embeddedLevel(i.fields.issuetype, config.levels, levels) === 'team',
  );
  const store = acceptanceStore(deps);
  const entries = await store.records(stories.map((s) => s.id));
  const perStory = await Promise.all(
    stories.map(async (s) => {
      const entry = entries.get(s.id);
      return { key: s.key, decisions: entry ? await store.allDecisions(s.id, entry) : [] };
    }),
  );
  const names = await namesOf(
    api,
    perStory.flatMap((s) => s.decisions.map((d) => d.by)),
  );
  const rows: DecisionLogRow[] = [];
  for (const s of perStory.sort((a, b) => compareIssueKeys(a.key, b.key))) {
    for (const d of s.decisions) {
      rows.push({
        issueKey: s.key,
        kind: d.kind,
        by: d.by,
        byName: names.get(d.by) ?? d.by,
        at: d.at,
        statusCategory: d.statusCategory,
        reason: d.reason ?? '',
      });
    }
  }
  return { projectKey, rows, cursor: page.nextPageToken ?? null };
}
