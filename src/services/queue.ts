/**
 * "Awaiting my acceptance": every story the signed-in user may accept that is in progress or done
 * without a valid acceptance, across projects (contracts.md, `/queue`), and bulk accept.
 *
 * Stories are found with JQL as the user (so Jira's own permissions hide what they may not see) on
 * the Product Owner fields: the user, or an owner they are a delegate for; plus every story of a
 * project where they are a project-wide delegate or the default PO. Each candidate is then judged
 * with the engine and the app's records exactly as a single accept would judge it. Owners that
 * come only from a team mapping are not searchable by JQL and are not listed (documented limit).
 */
import { hasAcceptanceCriteria } from '../domain/adf';
import { awaitsAcceptance } from '../domain/digest';
import { effectiveConfig, type PopmConfig } from '../domain/config';
import { assigneeOf, evaluate } from '../domain/engine';
import { acceptanceCriteriaFieldId, discoverRoleFields, neededFieldIds } from '../domain/fields';
import { parentKeyOf, projectKeyOf, timeOf } from '../domain/read';
import { ACCEPTANCE_PROPERTY, type JiraIssue } from '../domain/types';
import { jqlString } from '../jira/jql';
import { MAX_BULK_ACCEPT, type BulkAcceptResult, type QueueItem, type QueueView } from '../shared/contract';
import { decisionsOf } from '../storage/acceptance-store';
import { acceptStory } from './acceptance';
import { refusalOf } from './refusal';
import { decisionView, namesOf } from './decisions';
import { isJiraError } from '../jira/errors';
import type { AppDeps } from '../platform/deps';
import { ServiceError } from './errors';
import { Invocation } from './cache';
import { acceptanceLookup, userApi } from './site';
import { issueSummary } from '../scale/views';

const QUEUE_PAGE = 100;
/** Pages read per answer: the list is sorted across them; beyond, the cursor continues. */
const MAX_PAGES = 5;

/** The JQL that finds the stories `accountId` may be asked to accept, or null when there are none. */
export function queueJql(
  config: PopmConfig,
  teamFields: readonly string[],
  accountId: string,
): string | null {
  const represented = new Set([accountId]);
  for (const [owner, delegates] of Object.entries(config.delegates))
    if (delegates.includes(accountId)) represented.add(owner);
  const projects = new Set<string>();
  for (const [key, override] of Object.entries(config.projects)) {
    if (override.delegates?.includes(accountId)) projects.add(key);
    if (override.roles?.team?.projectDefaults?.[key] === accountId) projects.add(key);
  }
  for (const [key, owner] of Object.entries(config.roles.team?.projectDefaults ?? {}))
    if (owner === accountId) projects.add(key);

  const fields = new Set(config.roles.team?.fields ?? teamFields);
  for (const override of Object.values(config.projects))
    for (const f of override.roles?.team?.fields ?? []) fields.add(f);
  const people = [...represented].map(jqlString).join(', ');
  const clauses: string[] = [];
  for (const f of fields) {
    const m = /^customfield_(\d+)$/.exec(f);
    if (m) clauses.push(`cf[${m[1]}] in (${people})`);
  }
  if (projects.size > 0) clauses.push(`project in (${[...projects].map(jqlString).join(', ')})`);
  if (clauses.length === 0) return null;
  return `(${clauses.join(' OR ')}) AND statusCategory in ("In Progress", "Done") ORDER BY key ASC`;
}

export async function getQueue(
  deps: AppDeps,
  accountId: string,
  cursor: string | undefined,
): Promise<QueueView> {
  const api = userApi(deps, accountId);
  const inv = new Invocation(deps);
  const [config, siteFields] = await Promise.all([inv.config(), inv.fields()]);
  const jql = queueJql(config, discoverRoleFields(siteFields).team, accountId);
  if (jql === null) return { items: [], cursor: null };
  const fields = neededFieldIds(siteFields, config);
  const stories: JiraIssue[] = [];
  let token = cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await api.searchJql({
      jql,
      fields,
      properties: [ACCEPTANCE_PROPERTY],
      maxResults: QUEUE_PAGE,
      ...(token !== undefined ? { nextPageToken: token } : {}),
    });
    stories.push(...result.issues);
    token = result.nextPageToken;
    if (token === undefined) break;
  }
  const parentKeys = [...new Set(stories.map(parentKeyOf).filter((k): k is string => k !== undefined))];
  const parents =
    parentKeys.length > 0
      ? (await api.bulkFetch(parentKeys, ['summary', 'issuetype', 'project'])).issues
      : [];
  const { entries, acceptanceOf } = await acceptanceLookup(deps, stories);
  // No issue type list: every issue embeds its type, which the engine reads.
  const site = { issueTypes: [], fields: siteFields, issues: [...parents, ...stories] };
  const result = evaluate(site, config, '', { acceptanceOf });
  const byKey = new Map(result.issues.map((ev) => [ev.key, ev]));

  const items: QueueItem[] = [];
  const latestBy = new Set<string>();
  const picked: { story: JiraIssue; item: Omit<QueueItem, 'latest'> }[] = [];
  for (const story of stories) {
    const ev = byKey.get(story.key);
    if (!ev) continue;
    const entry = entries.get(story.id);
    const summary = issueSummary(ev, entry);
    // The one definition the daily digest uses too.
    if (!awaitsAcceptance(summary)) continue;
    const effective = effectiveConfig(config, projectKeyOf(story));
    if (refusalOf(accountId, ev, effective, 'accept', assigneeOf(story))) continue;
    const parent = ev.parentKey ? byKey.get(ev.parentKey) : undefined;
    const acField = acceptanceCriteriaFieldId(effective, siteFields);
    const last = decisionsOf(entry).at(-1);
    if (last) latestBy.add(last.by);
    picked.push({
      story,
      item: {
        key: ev.key,
        summary: ev.summary,
        projectKey: ev.projectKey,
        status: ev.status,
        feature: parent?.level === 'program' ? { key: parent.key, summary: parent.summary } : null,
        waitingSince: ev.statusCategoryChangedAt,
        hasCriteria: hasAcceptanceCriteria(
          acField ? story.fields[acField] : undefined,
          story.fields.description,
        ),
        acceptance: summary.acceptance,
      },
    });
  }
  const names = await namesOf(api, latestBy);
  for (const { story, item } of picked) {
    const last = decisionsOf(entries.get(story.id)).at(-1);
    items.push({ ...item, latest: last ? decisionView(last, names) : null });
  }
  // Done first, then the longest-waiting first (contracts.md).
  items.sort(
    (a, b) =>
      Number(b.status.category === 'done') - Number(a.status.category === 'done') ||
      (timeOf(a.waitingSince) ?? Infinity) - (timeOf(b.waitingSince) ?? Infinity) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return { items, cursor: token ?? null };
}

/**
 * Accepts each story as a single accept would (same checks, same writes), one after another so
 * the answer says exactly which were accepted and why each other one was refused.
 */
export async function bulkAccept(
  deps: AppDeps,
  accountId: string,
  issueKeys: readonly string[],
): Promise<BulkAcceptResult> {
  if (issueKeys.length > MAX_BULK_ACCEPT)
    throw new ServiceError('BAD_REQUEST', `at most ${MAX_BULK_ACCEPT} stories can be accepted at once`);
  const out: BulkAcceptResult = { accepted: [], refused: [] };
  for (const issueKey of issueKeys) {
    try {
      await acceptStory(deps, accountId, issueKey);
      out.accepted.push(issueKey);
    } catch (error) {
      if (error instanceof ServiceError)
        out.refused.push({ issueKey, code: error.code, message: error.message });
      else if (isJiraNotFound(error))
        out.refused.push({
          issueKey,
          code: 'NOT_FOUND',
          message: `${issueKey} does not exist or you may not see it`,
        });
      else throw error;
    }
  }
  return out;
}

function isJiraNotFound(error: unknown): boolean {
  return isJiraError(error, 'not-found');
}
