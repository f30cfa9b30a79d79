/**
 * Reads everything the engine needs to audit one project, in close to the fewest requests Jira
 * allows: 2 for metadata, one per page of the project's issues, one per 100 ancestors per level,
 * and one per page of the stories below the project's features that live in other projects.
 */
import { z } from 'zod';
import type { PopmConfig } from '../domain/config';
import { neededFieldIds } from '../domain/fields';
import { levelIndex } from '../domain/levels';
import {
  ACCEPTANCE_PROPERTY,
  type FieldInfo,
  type IssueTypeInfo,
  type JiraIssue,
  type SiteData,
  type UserRef,
} from '../domain/types';
import { BULK_FETCH_MAX, MAX_SEARCH_PAGE_WITH_FIELDS, USER_BULK_MAX, type JiraApi } from './api';
import { assertProjectKey, jqlParentIn, jqlProjectIssues } from './jql';
import { parentKeyOf, projectKeyOf } from '../domain/read';

export type ScanPhase = 'metadata' | 'project' | 'ancestors' | 'children' | 'users';

export interface ScanProgress {
  phase: ScanPhase;
  /** Issues (or, for metadata, requests) done so far in this phase. */
  done: number;
  total?: number;
}

export interface ScanOptions {
  onProgress?: (progress: ScanProgress) => void;
  /** Page size asked of search/jql; Jira caps it at 100 when fields are requested. */
  maxPageSize?: number;
  /**
   * Feature keys per `parent in (...)` query. Bounded so the JQL stays far below Jira's request
   * size limits while still needing few queries (a key is ~10 characters quoted).
   */
  childBatchSize?: number;
}

/** What a scan found beyond the data itself, for diagnostics. */
export interface ScanReport {
  /** Parent keys that could not be read (deleted, not visible to the account). */
  missingParents: string[];
  /** Requests made by each phase (every attempt, retries included). */
  requests: Record<ScanPhase, number>;
  /** Issues read by each phase (metadata: 0). */
  issues: Record<ScanPhase, number>;
  /**
   * The fewest requests any scan of this data could make: 2 for metadata, one per page of the
   * project, one per 100 ancestors per level, and one per page of the stories found below the
   * features in other projects as if one query could name every feature. Batching the features
   * (to bound the JQL's length) may add a few requests above it; retries add more.
   */
  floor: number;
}

export const DEFAULT_CHILD_BATCH = 50;

const idRefSchema = z.looseObject({ id: z.string() });

/** Key of the issue's parent, when Jira gave one we can use. */
function issueTypeIdOf(issue: JiraIssue): string | undefined {
  const parsed = idRefSchema.safeParse(issue.fields.issuetype);
  return parsed.success ? parsed.data.id : undefined;
}

export interface ScanResult extends SiteData {
  report: ScanReport;
}

/**
 * Scans one project. Every request goes through `api`, so `api.requestCount` afterwards is the
 * scan's cost. Throws `JiraError` for Jira failures and JqlError for a malformed project key.
 */
export async function scanProject(
  api: JiraApi,
  projectKey: string,
  config: PopmConfig,
  opts: ScanOptions = {},
): Promise<ScanResult> {
  assertProjectKey(projectKey);
  const progress = opts.onProgress ?? (() => undefined);
  const pageSize = Math.min(opts.maxPageSize ?? MAX_SEARCH_PAGE_WITH_FIELDS, MAX_SEARCH_PAGE_WITH_FIELDS);
  const childBatch = Math.max(1, opts.childBatchSize ?? DEFAULT_CHILD_BATCH);

  const requests: Record<ScanPhase, number> = {
    metadata: 0,
    project: 0,
    ancestors: 0,
    children: 0,
    users: 0,
  };
  let mark = api.requestCount;
  const account = (phase: ScanPhase): void => {
    requests[phase] += api.requestCount - mark;
    mark = api.requestCount;
  };
  let floor = 2;

  progress({ phase: 'metadata', done: 0, total: 2 });
  const issueTypes: IssueTypeInfo[] = await api.getIssueTypes();
  progress({ phase: 'metadata', done: 1, total: 2 });
  const fields: FieldInfo[] = (await api.getFields())
    .filter((f) => f.custom)
    .map(({ custom: _custom, ...info }) => info);
  progress({ phase: 'metadata', done: 2, total: 2 });
  account('metadata');

  const fieldIds = neededFieldIds(fields, config);
  const properties = [ACCEPTANCE_PROPERTY];
  const byKey = new Map<string, JiraIssue>();
  const add = (issue: JiraIssue): boolean => {
    if (byKey.has(issue.key)) return false;
    byKey.set(issue.key, issue);
    return true;
  };

  // 1. The project's own issues.
  const own: JiraIssue[] = [];
  for await (const page of api.searchJqlPages({
    jql: jqlProjectIssues(projectKey),
    fields: fieldIds,
    properties,
    maxResults: pageSize,
  })) {
    for (const issue of page) if (add(issue)) own.push(issue);
    progress({ phase: 'project', done: own.length });
  }
  account('project');
  floor += Math.max(1, Math.ceil(own.length / pageSize));

  // 2. Ancestors outside the project, one level per round so each round is a few bulk requests.
  const missingParents: string[] = [];
  const unreadable = new Set<string>();
  let frontier = own;
  let ancestors = 0;
  while (frontier.length > 0) {
    const wanted = new Set<string>();
    for (const issue of frontier) {
      const parent = parentKeyOf(issue);
      if (parent !== undefined && !byKey.has(parent) && !unreadable.has(parent)) wanted.add(parent);
    }
    if (wanted.size === 0) break;
    floor += Math.ceil(wanted.size / BULK_FETCH_MAX);
    const result = await api.bulkFetch([...wanted], fieldIds, properties);
    const next: JiraIssue[] = [];
    // Only keys not yet held are ever requested, so a parent cycle (A -> B -> A) ends the walk
    // instead of looping, and a key Jira answers under a new name (moved issue) is kept once.
    for (const issue of result.issues) if (add(issue)) next.push(issue);
    for (const key of wanted) {
      if (!byKey.has(key)) {
        unreadable.add(key);
        missingParents.push(key);
      }
    }
    ancestors += next.length;
    progress({ phase: 'ancestors', done: ancestors });
    frontier = next;
  }
  account('ancestors');

  // 3. Stories in other projects below the project's features.
  const levels = levelIndex(issueTypes, config.levels);
  const features = own
    .filter((issue) => {
      const typeId = issueTypeIdOf(issue);
      return typeId !== undefined && levels.get(typeId) === 'program' && projectKeyOf(issue) === projectKey;
    })
    .map((issue) => issue.key);
  let children = 0;
  let totalFound = 0;
  for (let i = 0; i < features.length; i += childBatch) {
    const batch = features.slice(i, i + childBatch);
    let found = 0;
    for await (const page of api.searchJqlPages({
      jql: jqlParentIn(batch, [projectKey]),
      fields: fieldIds,
      properties,
      maxResults: pageSize,
    })) {
      for (const issue of page) {
        found++;
        if (add(issue)) children++;
      }
    }
    totalFound += found;
    progress({ phase: 'children', done: Math.min(i + childBatch, features.length), total: features.length });
  }

  account('children');
  // However the features are batched, their stories need at least this many pages.
  if (features.length > 0) floor += Math.max(1, Math.ceil(totalFound / pageSize));

  // 4. People known only by id: who accepted a story is not in any user field we read. One request
  // per 200 of them, so messages can name the person instead of printing an account id.
  const issues = [...byKey.values()];
  const unnamed = acceptorsWithoutName(issues);
  const users: Record<string, UserRef> = {};
  if (unnamed.length > 0) {
    floor += Math.ceil(unnamed.length / USER_BULK_MAX);
    progress({ phase: 'users', done: 0, total: unnamed.length });
    for (const user of await api.bulkUsers(unnamed)) users[user.accountId] = user;
  }
  account('users');

  const report: ScanReport = {
    missingParents,
    requests,
    issues: { metadata: 0, project: own.length, ancestors, children, users: 0 },
    floor,
  };
  return { issueTypes, fields, issues, users, report };
}

/** Account ids that accepted a story but appear in no user field of the issues read. */
export function acceptorsWithoutName(issues: readonly JiraIssue[]): string[] {
  const named = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) collect(v);
    } else if (typeof value === 'object' && value !== null && 'accountId' in value) {
      const id = value.accountId;
      if (typeof id === 'string') named.add(id);
    }
  };
  const acceptors = new Set<string>();
  for (const issue of issues) {
    for (const value of Object.values(issue.fields)) collect(value);
    const parsed = acceptorSchema.safeParse(issue.properties?.[ACCEPTANCE_PROPERTY]);
    if (parsed.success) acceptors.add(parsed.data.acceptedBy);
  }
  return [...acceptors].filter((id) => !named.has(id)).sort();
}

const acceptorSchema = z.looseObject({ acceptedBy: z.string().min(1).max(128) });
