/**
 * Reading the part of a site one use case needs, through the Jira access layer: site metadata,
 * one issue with its ancestors and children, acceptance records from the app's store.
 */
import { JiraApi } from '../jira/api';
import { jqlString } from '../jira/jql';
import { neededFieldIds } from '../domain/fields';
import { ACCEPTANCE_PROPERTY, type FieldInfo, type IssueTypeInfo, type JiraIssue } from '../domain/types';
import type { PopmConfig } from '../domain/config';
import { refValue } from '../domain/read';
import type { EvaluateOptions } from '../domain/engine';
import { AcceptanceStore, engineValue, type StoredAcceptance } from '../storage/acceptance-store';
import { ConfigStore } from '../storage/config-store';
import type { AppDeps } from './deps';

export interface SiteMetaData {
  issueTypes: IssueTypeInfo[];
  /** Custom fields only, as the engine expects. */
  fields: FieldInfo[];
}

export function userApi(deps: AppDeps, accountId: string): JiraApi {
  return new JiraApi(deps.jiraAsUser(accountId), deps.jiraClient);
}

export function appApi(deps: AppDeps): JiraApi {
  return new JiraApi(deps.jiraAsApp(), deps.jiraClient);
}

export function configStore(deps: AppDeps): ConfigStore {
  return new ConfigStore(deps.store, () => deps.now());
}

export function acceptanceStore(deps: AppDeps): AcceptanceStore {
  return new AcceptanceStore(deps.store);
}

export async function loadMeta(api: JiraApi): Promise<SiteMetaData> {
  const [issueTypes, allFields] = await Promise.all([api.getIssueTypes(), api.getFields()]);
  const fields = allFields.filter((f) => f.custom).map(({ custom: _custom, ...info }) => info);
  return { issueTypes, fields };
}

export function parentKeyOf(issue: JiraIssue): string | undefined {
  return refValue(issue.fields.parent, 'key');
}

export function projectKeyOf(issue: JiraIssue): string {
  return refValue(issue.fields.project, 'key') ?? issue.key.replace(/-\d+$/, '');
}

export interface IssueContext {
  issue: JiraIssue;
  /** From the top down to the parent. */
  ancestors: JiraIssue[];
  /** Every child (all pages, up to the cap), for evaluation. */
  children: JiraIssue[];
  /** Keys of the first page of children, and the token after it. */
  firstPageKeys: string[];
  firstPageToken: string | null;
  /** True when every child was read (descendant rules can be judged on the issue itself). */
  allChildrenLoaded: boolean;
}

export const CHILD_PAGE = 50;
/** Enough for any sane feature; beyond it the roll-up is partial rather than the view slow. */
const MAX_CHILD_PAGES = 20;
const MAX_DEPTH = 10;

/**
 * The issue, its ancestors (one request per level: each level is only known from the one below)
 * and its children (search `parent = KEY`, paged).
 */
export async function loadIssueContext(
  api: JiraApi,
  config: PopmConfig,
  meta: SiteMetaData,
  issueKey: string,
  options: { children?: boolean } = {},
): Promise<IssueContext> {
  const fields = neededFieldIds(meta.fields, config);
  const properties = [ACCEPTANCE_PROPERTY];
  const issue = await api.getIssue(issueKey, { fields, properties });
  const ancestors: JiraIssue[] = [];
  const seen = new Set([issue.key]);
  let parent = parentKeyOf(issue);
  while (parent !== undefined && !seen.has(parent) && ancestors.length < MAX_DEPTH) {
    seen.add(parent);
    const { issues } = await api.bulkFetch([parent], fields, properties);
    const found = issues[0];
    if (!found) break; // deleted or hidden from this user: the chain stops here
    ancestors.unshift(found);
    parent = parentKeyOf(found);
  }
  const children: JiraIssue[] = [];
  let firstPageKeys: string[] = [];
  let firstPageToken: string | null = null;
  let allChildrenLoaded = false;
  if (options.children !== false) {
    let token: string | undefined;
    for (let page = 0; page < MAX_CHILD_PAGES; page++) {
      const result = await api.searchJql({
        jql: `parent = ${jqlString(issue.key)} ORDER BY key ASC`,
        fields,
        properties,
        maxResults: CHILD_PAGE,
        ...(token !== undefined ? { nextPageToken: token } : {}),
      });
      children.push(...result.issues);
      if (page === 0) {
        firstPageKeys = result.issues.map((i) => i.key);
        firstPageToken = result.nextPageToken ?? null;
      }
      token = result.nextPageToken;
      if (token === undefined) {
        allChildrenLoaded = true;
        break;
      }
    }
  }
  return { issue, ancestors, children, firstPageKeys, firstPageToken, allChildrenLoaded };
}

/** Stored acceptance entries of the given issues, and the engine's `acceptanceOf` over them. */
export async function acceptanceLookup(
  deps: AppDeps,
  issues: readonly JiraIssue[],
): Promise<{
  entries: Map<string, StoredAcceptance>;
  acceptanceOf: NonNullable<EvaluateOptions['acceptanceOf']>;
}> {
  const entries = await acceptanceStore(deps).records(issues.map((i) => i.id));
  // The store is the truth: an issue without an entry has no acceptance, whatever its property says.
  return { entries, acceptanceOf: (issue) => engineValue(entries.get(issue.id)) };
}
