/**
 * The one place that knows how to read a project from Jira: which queries (the project's issues,
 * ancestors by key, the stories below its features in other projects), which fields and
 * properties, at which page and batch sizes. `ProjectReader` holds it; two drivers use it:
 *  - `scanProject` here, one pass in memory (CLI, site export, configuration preview), in close to
 *    the fewest requests Jira allows: 2 for metadata, one per page of the project's issues, one per
 *    100 ancestors per level, and one per page of the stories below the project's features that
 *    live in other projects;
 *  - the resumable scan job (src/scale/scan-steps.ts), a page at a time with a checkpoint between
 *    pages.
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
import {
  BULK_FETCH_MAX,
  MAX_SEARCH_PAGE_WITH_FIELDS,
  USER_BULK_MAX,
  type JiraApi,
  type SearchJqlParams,
  type SearchPage,
} from './api';
import { assertProjectKey, jqlParentIn, jqlProjectIssues } from './jql';
import { parentKeyOf, projectKeyOf } from '../domain/read';

/** Keys per ancestors request: one bulk fetch. */
export const ANCESTOR_BATCH = BULK_FETCH_MAX;
/** Features per `parent in` query by default (see `ReadOptions.childBatchSize`). */
export const DEFAULT_CHILD_BATCH = 50;

/** The metadata every scan reads first (2 requests): issue types, and the site's custom fields. */
export async function readMetadata(
  api: Pick<JiraApi, 'getIssueTypes' | 'getFields'>,
  onRequestDone: (done: number) => void = () => undefined,
): Promise<{ issueTypes: IssueTypeInfo[]; fields: FieldInfo[] }> {
  const issueTypes = await api.getIssueTypes();
  onRequestDone(1);
  const fields = (await api.getFields()).filter((f) => f.custom).map(({ custom: _custom, ...info }) => info);
  return { issueTypes, fields };
}

export interface ReadOptions {
  /** Page size asked of search/jql; Jira caps it at 100 when fields are requested. */
  maxPageSize?: number;
  /**
   * Feature keys per `parent in (...)` query. Bounded so the JQL stays far below Jira's request
   * size limits while still needing few queries (a key is ~10 characters quoted).
   */
  childBatchSize?: number;
}

/**
 * Reads one project's issues with fixed fields and properties. Each read is either one request
 * (`projectPage`, `childrenPage`, `ancestors` of at most ANCESTOR_BATCH keys: what a resumable
 * caller checkpoints between) or every page of it (`projectPages`, `childrenPages`), with paging
 * by `JiraApi`.
 */
export class ProjectReader {
  readonly pageSize: number;
  readonly childBatch: number;

  constructor(
    private readonly api: JiraApi,
    readonly projectKey: string,
    private readonly fieldIds: readonly string[],
    private readonly properties: readonly string[],
    options: ReadOptions = {},
  ) {
    assertProjectKey(projectKey);
    this.pageSize = Math.min(options.maxPageSize ?? MAX_SEARCH_PAGE_WITH_FIELDS, MAX_SEARCH_PAGE_WITH_FIELDS);
    this.childBatch = Math.max(1, options.childBatchSize ?? DEFAULT_CHILD_BATCH);
  }

  private query(jql: string): Omit<SearchJqlParams, 'nextPageToken'> {
    return { jql, fields: [...this.fieldIds], properties: [...this.properties], maxResults: this.pageSize };
  }

  private page(jql: string, token: string | undefined): Promise<SearchPage> {
    const params = this.query(jql);
    return this.api.searchJql(token === undefined ? params : { ...params, nextPageToken: token });
  }

  /** One page of the project's own issues, in rank order (`token`: the previous page's next). */
  projectPage(token?: string): Promise<SearchPage> {
    return this.page(jqlProjectIssues(this.projectKey), token);
  }

  projectPages(): AsyncGenerator<JiraIssue[], void, undefined> {
    return this.api.searchJqlPages(this.query(jqlProjectIssues(this.projectKey)));
  }

  /** Issues by key, in requests of ANCESTOR_BATCH; keys Jira cannot show are left out. */
  async ancestors(keys: readonly string[]): Promise<JiraIssue[]> {
    return (await this.api.bulkFetch(keys, this.fieldIds, this.properties)).issues;
  }

  /** How many `parent in` batches `features` make. */
  childBatches(features: number): number {
    return Math.ceil(features / this.childBatch);
  }

  /** Batch `n` of the features (in the order given) whose stories one `parent in` query reads. */
  childBatchOf(features: { slice(from: number, to: number): string[] }, n: number): string[] {
    return features.slice(n * this.childBatch, (n + 1) * this.childBatch);
  }

  /** One page of the stories below `features` that live in other projects. */
  childrenPage(features: readonly string[], token?: string): Promise<SearchPage> {
    return this.page(jqlParentIn(features, [this.projectKey]), token);
  }

  childrenPages(features: readonly string[]): AsyncGenerator<JiraIssue[], void, undefined> {
    return this.api.searchJqlPages(this.query(jqlParentIn(features, [this.projectKey])));
  }
}

export type ScanPhase = 'metadata' | 'project' | 'ancestors' | 'children' | 'users';

export interface ScanProgress {
  phase: ScanPhase;
  /** Issues (or, for metadata, requests) done so far in this phase. */
  done: number;
  total?: number;
}

export interface ScanOptions extends ReadOptions {
  onProgress?: (progress: ScanProgress) => void;
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
  const { issueTypes, fields } = await readMetadata(api, (done) =>
    progress({ phase: 'metadata', done, total: 2 }),
  );
  progress({ phase: 'metadata', done: 2, total: 2 });
  account('metadata');

  const reader = new ProjectReader(
    api,
    projectKey,
    neededFieldIds(fields, config),
    [ACCEPTANCE_PROPERTY],
    opts,
  );
  const pageSize = reader.pageSize;
  const byKey = new Map<string, JiraIssue>();
  const add = (issue: JiraIssue): boolean => {
    if (byKey.has(issue.key)) return false;
    byKey.set(issue.key, issue);
    return true;
  };

  // 1. The project's own issues.
  const own: JiraIssue[] = [];
  for await (const page of reader.projectPages()) {
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
    floor += Math.ceil(wanted.size / ANCESTOR_BATCH);
    const next: JiraIssue[] = [];
    // Only keys not yet held are ever requested, so a parent cycle (A -> B -> A) ends the walk
    // instead of looping, and a key Jira answers under a new name (moved issue) is kept once.
    for (const issue of await reader.ancestors([...wanted])) if (add(issue)) next.push(issue);
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
  const batches = reader.childBatches(features.length);
  for (let n = 0; n < batches; n++) {
    for await (const page of reader.childrenPages(reader.childBatchOf(features, n))) {
      totalFound += page.length;
      for (const issue of page) if (add(issue)) children++;
    }
    progress({
      phase: 'children',
      done: Math.min((n + 1) * reader.childBatch, features.length),
      total: features.length,
    });
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
