/** The issue panel / issue context: ownership chain, findings, children, what the user may do. */
import { parseAcceptance } from '../domain/acceptance';
import { effectiveConfig, type PopmConfig } from '../domain/config';
import { evaluateNeighbourhood } from '../domain/scoped';
import { ACCEPTANCE_PROPERTY, type EvaluatedIssue, type JiraIssue } from '../domain/types';
import type { IssueSummary, IssueView } from '../shared/contract';
import type { StoredAcceptance } from '../storage/acceptance-store';
import type { AppDeps } from './deps';
import { actionStates, decisionViews } from './decisions';
import { notFound } from './errors';
import {
  acceptanceLookup,
  configStore,
  loadIssueContext,
  loadMeta,
  userApi,
  CHILD_PAGE,
  type IssueContext,
  type SiteMetaData,
} from './site';
import { issueSummary } from './views';
import { jqlString } from '../jira/jql';
import type { JiraApi } from '../jira/api';
import { neededFieldIds, roleFieldOf } from '../domain/fields';

export interface EvaluatedContext {
  ctx: IssueContext;
  byKey: Map<string, EvaluatedIssue>;
  entries: Map<string, StoredAcceptance>;
  config: PopmConfig;
  meta: SiteMetaData;
}

/** Loads an issue with its ancestors and children and evaluates it with the stored records. */
export async function evaluateIssue(
  deps: AppDeps,
  api: JiraApi,
  issueKey: string,
  options: { children?: boolean } = {},
): Promise<EvaluatedContext> {
  const config = (await configStore(deps).current()).config;
  const meta = await loadMeta(api);
  const ctx = await loadIssueContext(api, config, meta, issueKey, options);
  const all = [...ctx.ancestors, ctx.issue, ...ctx.children];
  const { entries, acceptanceOf } = await acceptanceLookup(deps, all);
  const byKey = evaluateNeighbourhood({ ...meta, issues: all }, config, {
    acceptanceOf,
    complete: new Set(ctx.allChildrenLoaded ? [ctx.issue.key] : []),
  });
  return { ctx, byKey, entries, config, meta };
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
  const api = userApi(deps, accountId);
  const ec = await evaluateIssue(deps, api, issueKey);
  const ev = ec.byKey.get(ec.ctx.issue.key);
  if (!ev) throw notFound(`issue ${issueKey} could not be evaluated`);
  const firstPage = new Set(ec.ctx.firstPageKeys);
  const children = ec.ctx.children.filter((c) => firstPage.has(c.key)).map((c) => summaryOf(ec, c));
  const chain = ec.ctx.ancestors.map((a) => summaryOf(ec, a));
  const stored = ec.entries.get(ec.ctx.issue.id);

  const editable = await api.getMyPermissions(['EDIT_ISSUES'], ev.projectKey);
  const effective = effectiveConfig(ec.config, ev.projectKey);
  const actions = actionStates(accountId, ev, ec.ctx.issue, effective, stored?.staleSince !== undefined);
  const decisions = await decisionViews(deps, api, ev, ec.ctx.issue.id, stored);

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
      setOwner: ev.level !== 'subtask' && editable.EDIT_ISSUES === true,
    },
    ...(ev.level === 'team' ? { decisions, actions } : {}),
    propertyMismatch: propertyDisagrees(ec.ctx.issue, stored),
    ownerField: ownerFieldView(ec, ev),
  };
}

function ownerFieldView(ec: EvaluatedContext, ev: EvaluatedIssue): IssueView['ownerField'] {
  if (ev.level === 'subtask') return null;
  const field = roleFieldOf(ec.meta.fields, ec.config, ev.projectKey, ev.level);
  return field ? { id: field.id, name: field.name, multi: field.schema?.type === 'array' } : null;
}

/** Further pages of an issue's children (the cursor is Jira's nextPageToken). */
export async function getChildren(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
  cursor: string | undefined,
): Promise<{ children: IssueSummary[]; cursor: string | null }> {
  const api = userApi(deps, accountId);
  const config = (await configStore(deps).current()).config;
  const meta = await loadMeta(api);
  // The parent's chain is read too: a child's rules (story-without-feature) look upwards.
  const ctx = await loadIssueContext(api, config, meta, issueKey, { children: false });
  const page = await api.searchJql({
    jql: `parent = ${jqlString(ctx.issue.key)} ORDER BY key ASC`,
    fields: neededFieldIds(meta.fields, config),
    properties: [ACCEPTANCE_PROPERTY],
    maxResults: CHILD_PAGE,
    ...(cursor !== undefined ? { nextPageToken: cursor } : {}),
  });
  const { entries, acceptanceOf } = await acceptanceLookup(deps, page.issues);
  const byKey = evaluateNeighbourhood(
    { ...meta, issues: [...ctx.ancestors, ctx.issue, ...page.issues] },
    config,
    { acceptanceOf, complete: new Set() },
  );
  const children: IssueSummary[] = [];
  for (const issue of page.issues) {
    const ev = byKey.get(issue.key);
    if (ev) children.push(issueSummary(ev, entries.get(issue.id)));
  }
  return { children, cursor: page.nextPageToken ?? null };
}
