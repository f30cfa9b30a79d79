/**
 * Reading the part of a site one use case needs, through the Jira access layer: site metadata,
 * one issue with its ancestors and children, acceptance records from the app's store.
 */
import { JiraApi, MAX_SEARCH_PAGE_WITH_FIELDS } from '../jira/api';
import { jqlString } from '../jira/jql';
import { neededFieldIds } from '../domain/fields';
import {
  ACCEPTANCE_PROPERTY,
  FINDINGS_PROPERTY,
  type FieldInfo,
  type IssueTypeInfo,
  type JiraIssue,
} from '../domain/types';
import type { PopmConfig } from '../domain/config';
import { parentKeyOf } from '../domain/read';
import type { EvaluateOptions } from '../domain/engine';
import { AcceptanceStore, engineValue, type StoredAcceptance } from '../storage/acceptance-store';
import { ConfigStore } from '../storage/config-store';
import type { AppDeps } from '../platform/deps';

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
  return new ConfigStore(deps.store, () => deps.now(), deps.deadline);
}

export function acceptanceStore(deps: AppDeps): AcceptanceStore {
  return new AcceptanceStore(deps.store);
}

/** Issue types and custom fields, read now (the admin pages; actions use cache.ts). */
export async function loadMeta(api: JiraApi): Promise<SiteMetaData> {
  const [issueTypes, fields] = await Promise.all([api.getIssueTypes(), readCustomFields(api)]);
  return { issueTypes, fields };
}

/** Custom fields only, as the engine expects them. */
export async function readCustomFields(api: JiraApi): Promise<FieldInfo[]> {
  const all = await api.getFields();
  return all.filter((f) => f.custom).map(({ custom: _custom, ...info }) => info);
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
  /** The parent's children (the issue among them), when asked for. */
  siblings: JiraIssue[];
  /** True when every one of the parent's children was read. */
  allSiblingsLoaded: boolean;
  /** The field ids and properties every issue here was read with. */
  fields: string[];
  properties: string[];
}

export interface ContextOptions {
  /** Read the issue's children (default true). */
  children?: boolean;
  /** Read the issue's ancestors (default true). */
  ancestors?: boolean;
  /** Read the parent's other children too: a write to the issue changes the parent's findings. */
  siblings?: boolean;
}

/** What loading an issue's neighbourhood needs besides Jira: fields and chain hints (cache.ts). */
export interface ContextSource {
  fields(): Promise<FieldInfo[]>;
  config(): Promise<PopmConfig>;
  chainHint(issueKey: string): Promise<string[]>;
  rememberChain(issueKey: string, up: readonly string[]): Promise<void>;
}

export const CHILD_PAGE = 50;

/** The query behind an issue's children list and its cursor (`getChildren` pages it). */
export function childrenJql(issueKey: string): string {
  return `parent = ${jqlString(issueKey)} ORDER BY key ASC`;
}
/** Enough for any sane feature; beyond it the roll-up is partial rather than the view slow. */
const MAX_CHILD_PAGES = 20;
const MAX_DEPTH = 10;

/**
 * The issue, its ancestors and its children (and, when asked, its siblings), in as few requests
 * as the chain hints allow: the issue with every hinted ancestor in one bulk fetch, each missing
 * level in one more (taking that level's own hint along), and children with siblings in one
 * search `parent in (issue, parent)`. The issue and its ancestors are read by id or key (Jira's
 * database, current right after a write); only the lists come from the search index. Hinted keys
 * never go into JQL: a key that no longer exists or that the user cannot see would fail the
 * whole query, while bulk fetch just leaves it out.
 */
export async function loadIssueContext(
  api: JiraApi,
  source: ContextSource,
  issueKey: string,
  options: ContextOptions = {},
): Promise<IssueContext> {
  const fields = neededFieldIds(await source.fields(), await source.config());
  // popm.findings too: after a write, the tree patch compares it with what it computes.
  const properties = [ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY];
  const wantAncestors = options.ancestors !== false;
  const hint = wantAncestors ? await source.chainHint(issueKey) : [];
  const fetched = new Map<string, JiraIssue>();
  let issue: JiraIssue | undefined;
  if (hint.length > 0) {
    const { issues } = await api.bulkFetch([issueKey, ...hint], fields, properties);
    for (const i of issues) fetched.set(i.key, i);
    issue = fetched.get(issueKey);
  }
  // GET answers 404 for an issue that is gone or hidden (NOT_FOUND), and follows a moved key.
  issue ??= await api.getIssue(issueKey, { fields, properties });

  const ancestors: JiraIssue[] = [];
  const seen = new Set([issue.key]);
  let walked = false;
  let parent = wantAncestors ? parentKeyOf(issue) : undefined;
  while (parent !== undefined && !seen.has(parent) && ancestors.length < MAX_DEPTH) {
    seen.add(parent);
    let found = fetched.get(parent);
    if (!found) {
      walked = true;
      const more = (await source.chainHint(parent)).filter((k) => !fetched.has(k));
      const { issues } = await api.bulkFetch([parent, ...more], fields, properties);
      for (const i of issues) fetched.set(i.key, i);
      found = fetched.get(parent);
    }
    if (!found) break; // deleted or hidden from this user: the chain stops here
    ancestors.unshift(found);
    parent = parentKeyOf(found);
  }
  if (wantAncestors) {
    const up = ancestors.map((a) => a.key).reverse();
    if (up.join() !== hint.join()) await source.rememberChain(issue.key, up);
    // Levels read one by one: their own chains are known now, so the next issue below is cheap.
    if (walked) for (let i = 0; i < up.length; i++) await source.rememberChain(up[i]!, up.slice(i + 1));
  }

  const parentIssue = ancestors[ancestors.length - 1];
  const withSiblings = options.siblings === true && parentIssue !== undefined;
  const withChildren = options.children !== false;
  const out: IssueContext = {
    issue,
    ancestors,
    children: [],
    firstPageKeys: [],
    firstPageToken: null,
    allChildrenLoaded: false,
    siblings: [],
    allSiblingsLoaded: false,
    fields,
    properties,
  };
  if (!withChildren && !withSiblings) return out;
  const parents = [...(withChildren ? [issue.key] : []), ...(withSiblings ? [parentIssue.key] : [])];
  const onlyChildren = !withSiblings;
  // Children alone: exactly getChildren's query, so the first page's token is valid there.
  const jql = onlyChildren
    ? childrenJql(issue.key)
    : `parent in (${parents.map(jqlString).join(', ')}) ORDER BY key ASC`;
  let token: string | undefined;
  let complete = false;
  const found: JiraIssue[] = [];
  for (let page = 0; page < MAX_CHILD_PAGES; page++) {
    const result = await api.searchJql({
      jql,
      fields,
      properties,
      maxResults: onlyChildren ? CHILD_PAGE : MAX_SEARCH_PAGE_WITH_FIELDS,
      ...(token !== undefined ? { nextPageToken: token } : {}),
    });
    found.push(...result.issues);
    if (page === 0 && onlyChildren) {
      out.firstPageKeys = result.issues.map((i) => i.key);
      out.firstPageToken = result.nextPageToken ?? null;
    }
    token = result.nextPageToken;
    if (token === undefined) {
      complete = true;
      break;
    }
  }
  for (const i of found) {
    const p = parentKeyOf(i);
    if (withChildren && p === issue.key) out.children.push(i);
    // The issue itself as the database has it, not as the search index may still have it.
    if (withSiblings && p === parentIssue.key) out.siblings.push(i.key === issue.key ? issue : i);
  }
  out.allChildrenLoaded = withChildren && complete;
  out.allSiblingsLoaded = withSiblings && complete;
  if (withChildren && !onlyChildren) {
    out.firstPageKeys = out.children.slice(0, CHILD_PAGE).map((c) => c.key);
    if (out.children.length > CHILD_PAGE || !complete) {
      // Rare (a story with more than a page of sub-tasks): the UI pages with `parent = KEY`, so
      // its first token must come from that query.
      const first = await api.searchJql({
        jql: childrenJql(issue.key),
        fields,
        properties,
        maxResults: CHILD_PAGE,
      });
      out.firstPageKeys = first.issues.map((i) => i.key);
      out.firstPageToken = first.nextPageToken ?? null;
    }
  }
  return out;
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
