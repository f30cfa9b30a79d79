/** The issue panel / issue context: ownership chain, findings, children, what the user may do. */
import { parseAcceptance } from '../domain/acceptance';
import { effectiveConfig, type PopmConfig } from '../domain/config';
import { evaluateNeighbourhood } from '../domain/scoped';
import { ACCEPTANCE_PROPERTY, type EvaluatedIssue, type FieldInfo, type JiraIssue } from '../domain/types';
import type { IssueSummary, IssueView } from '../shared/contract';
import type { StoredAcceptance } from '../storage/acceptance-store';
import type { AppDeps } from '../platform/deps';
import { actionStates, decisionViews } from './decisions';
import { notFound } from './errors';
import { Invocation } from './cache';
import {
  acceptanceLookup,
  childrenJql,
  loadIssueContext,
  userApi,
  CHILD_PAGE,
  type ContextOptions,
  type IssueContext,
} from './site';
import { issueSummary } from '../scale/views';
import type { JiraApi } from '../jira/api';
import { roleFieldOf } from '../domain/fields';
import { parentKeyOf } from '../domain/read';

export interface EvaluatedContext {
  ctx: IssueContext;
  byKey: Map<string, EvaluatedIssue>;
  entries: Map<string, StoredAcceptance>;
  config: PopmConfig;
  fields: FieldInfo[];
}

/** Loads an issue with its ancestors and children and evaluates it with the stored records. */
export async function evaluateIssue(
  inv: Invocation,
  api: JiraApi,
  issueKey: string,
  options: ContextOptions = {},
): Promise<EvaluatedContext> {
  const ctx = await loadIssueContext(api, inv, issueKey, options);
  return evaluateContext(inv, ctx);
}

/** Every issue of a loaded neighbourhood once (the issue's own copy wins). */
export function issuesOf(ctx: IssueContext): JiraIssue[] {
  const byKey = new Map<string, JiraIssue>();
  for (const i of [...ctx.ancestors, ...ctx.siblings, ...ctx.children]) byKey.set(i.key, i);
  byKey.set(ctx.issue.key, ctx.issue);
  return [...byKey.values()];
}

/**
 * Evaluates a neighbourhood already in hand (after a write, with the stored records as they are
 * now): no Jira request. Descendant rules are judged only where every child was read.
 */
export async function evaluateContext(inv: Invocation, ctx: IssueContext): Promise<EvaluatedContext> {
  const [config, fields] = await Promise.all([inv.config(), inv.fields()]);
  const all = issuesOf(ctx);
  const { entries, acceptanceOf } = await acceptanceLookup(inv.deps, all);
  const complete = new Set<string>();
  if (ctx.allChildrenLoaded) complete.add(ctx.issue.key);
  const parent = parentKeyOf(ctx.issue);
  if (ctx.allSiblingsLoaded && parent !== undefined) complete.add(parent);
  // Issue types come embedded in every issue; the engine reads them from there.
  const byKey = evaluateNeighbourhood({ issueTypes: [], fields, issues: all }, config, {
    acceptanceOf,
    complete,
  });
  return { ctx, byKey, entries, config, fields };
}

function summaryOf(ec: EvaluatedContext, issue: JiraIssue): IssueSummary | undefined {
  const ev = ec.byKey.get(issue.key);
  return ev ? issueSummary(ev, ec.entries.get(issue.id)) : undefined;
}

/** True when the mirrored property says something other than the stored record. */
export function propertyDisagrees(issue: JiraIssue, stored: StoredAcceptance | undefined): boolean {
  const props = issue.properties ?? {};
  const read = parseAcceptance(
    Object.hasOwn(props, ACCEPTANCE_PROPERTY) ? props[ACCEPTANCE_PROPERTY] : undefined,
  );
  const record = stored?.record ?? null;
  if (read.state === 'malformed') return true;
  if (read.state === 'absent') return record !== null;
  if (record === null) return true;
  return (
    read.record.acceptedBy !== record.acceptedBy ||
    read.record.acceptedAt !== record.acceptedAt ||
    (read.record.statusCategory ?? 'done') !== (record.statusCategory ?? 'done')
  );
}

export async function getIssueView(deps: AppDeps, accountId: string, issueKey: string): Promise<IssueView> {
  const inv = new Invocation(deps);
  // The issue panel and the issue context ask this at the same moment: one of them computes it.
  return inv.sharedView(issueKey, accountId, async () => {
    const api = userApi(deps, accountId);
    return issueViewOf(inv, api, accountId, await evaluateIssue(inv, api, issueKey));
  });
}

/** The view of an evaluated neighbourhood for one viewer (at most one request: the permission). */
export async function issueViewOf(
  inv: Invocation,
  api: JiraApi,
  accountId: string,
  ec: EvaluatedContext,
): Promise<IssueView> {
  const ev = ec.byKey.get(ec.ctx.issue.key);
  if (!ev) throw notFound(`issue ${ec.ctx.issue.key} could not be evaluated`);
  const firstPage = new Set(ec.ctx.firstPageKeys.slice(0, CHILD_PAGE));
  const children = ec.ctx.children.filter((c) => firstPage.has(c.key)).map((c) => summaryOf(ec, c));
  const chain = ec.ctx.ancestors.map((a) => summaryOf(ec, a));
  const stored = ec.entries.get(ec.ctx.issue.id);

  const editable = ev.level !== 'subtask' && (await inv.mayEditIssues(api, accountId, ev.projectKey));
  const effective = effectiveConfig(ec.config, ev.projectKey);
  const actions = actionStates(accountId, ev, ec.ctx.issue, effective, stored?.staleSince !== undefined);
  const decisions = await decisionViews(inv.deps, api, ev, ec.ctx.issue.id, stored);

  return {
    issue: issueSummary(ev, stored),
    chain: chain.filter((s): s is IssueSummary => s !== undefined),
    children: children.filter((s): s is IssueSummary => s !== undefined),
    childrenCursor: ec.ctx.firstPageToken,
    countsByRule: ev.belowCounts,
    permissions: {
      accept: actions.accept.allowed,
      revoke: actions.revoke.allowed,
      reject: actions.reject.allowed,
      setOwner: editable,
    },
    ...(ev.level === 'team' ? { decisions, actions } : {}),
    propertyMismatch: propertyDisagrees(ec.ctx.issue, stored),
    ownerField: ownerFieldView(ec, ev),
  };
}

function ownerFieldView(ec: EvaluatedContext, ev: EvaluatedIssue): IssueView['ownerField'] {
  if (ev.level === 'subtask') return null;
  const field = roleFieldOf(ec.fields, ec.config, ev.projectKey, ev.level);
  return field ? { id: field.id, name: field.name, multi: field.schema?.type === 'array' } : null;
}

/** Further pages of an issue's children (the cursor is Jira's nextPageToken). */
export async function getChildren(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
  cursor: string | undefined,
): Promise<{ children: IssueSummary[]; cursor: string | null }> {
  const inv = new Invocation(deps);
  const api = userApi(deps, accountId);
  // The parent's chain is read too: a child's rules (story-without-feature) look upwards.
  const ctx = await loadIssueContext(api, inv, issueKey, { children: false });
  const page = await api.searchJql({
    jql: childrenJql(ctx.issue.key),
    fields: ctx.fields,
    properties: ctx.properties,
    maxResults: CHILD_PAGE,
    ...(cursor !== undefined ? { nextPageToken: cursor } : {}),
  });
  const ec = await evaluateContext(inv, { ...ctx, children: page.issues });
  const children: IssueSummary[] = [];
  for (const issue of page.issues) {
    const summary = summaryOf(ec, issue);
    if (summary) children.push(summary);
  }
  return { children, cursor: page.nextPageToken ?? null };
}
