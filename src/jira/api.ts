/**
 * Every Jira REST operation the app uses, one method each, shaped after platform-v3.json. Nothing
 * else in the code base builds a Jira path or reads a Jira body.
 */
import type { FieldInfo, IssueTypeInfo, JiraIssue, UserRef } from '../domain/types';
import { JiraClient, type JiraClientOptions } from './client';
import { badResponseError } from './errors';
import { apiPath } from './paths';
import {
  approximateCountSchema,
  bulkIssueResultsSchema,
  entityPropertySchema,
  fieldsSchema,
  issueSchema,
  issueTypesSchema,
  permissionsSchema,
  projectPageSchema,
  projectSchema,
  searchResultsSchema,
  serverInfoSchema,
  userSchema,
  usersSchema,
  userPageSchema,
  type IssueBean,
  type JiraProject,
  type JiraUser,
} from './schemas';
import type { Transport } from './transport';

/** Jira's page size cap for search/jql when fields are asked for (it allows 5,000 for ids only). */
export const MAX_SEARCH_PAGE_WITH_FIELDS = 100;
/**
 * The bulk fetch's request line, shared with the transport that answers it from issues already in
 * hand (src/services/tree-refresh.ts) so the two cannot drift apart.
 */
export const BULK_FETCH_REQUEST = { method: 'POST', path: apiPath(['issue', 'bulkfetch']) } as const;
/** POST /issue/bulkfetch takes at most 100 ids or keys per request. */
export const BULK_FETCH_MAX = 100;
/** Jira returns at most 5 issue properties per issue in search and bulk fetch. */
export const MAX_PROPERTIES = 5;
/** POST /issue/properties/multi takes at most 100 issues per request. */
export const BULK_PROPERTIES_MAX = 100;
/** ...and at most 10 properties per issue. */
export const BULK_PROPERTIES_PER_ISSUE_MAX = 10;
/** Jira's page size cap for GET /user/bulk. */
export const USER_BULK_MAX = 200;

export interface SearchJqlParams {
  jql: string;
  fields?: readonly string[];
  properties?: readonly string[];
  maxResults?: number;
  nextPageToken?: string;
}

export interface SearchPage {
  issues: JiraIssue[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

export interface BulkFetchResult {
  issues: JiraIssue[];
  /** Ids or keys Jira could not return (missing, not visible, or a retriable error). */
  errors: { id?: string; errorMessage?: string }[];
}

/** The body of POST /issue/{issueIdOrKey}/notify ([Notification] in platform-v3.json), as the app sends it. */
export interface IssueNotification {
  subject: string;
  textBody: string;
  htmlBody: string;
  /** Only these accounts: never the issue's watchers, voters, reporter or assignee. */
  to: { users: { accountId: string }[] };
}

export interface ProjectPage {
  projects: JiraProject[];
  startAt: number;
  isLast: boolean;
}

function toIssue(bean: IssueBean): JiraIssue {
  const issue: JiraIssue = { id: bean.id, key: bean.key, fields: bean.fields };
  if (bean.properties !== undefined) issue.properties = bean.properties;
  return issue;
}

export function toUserRef(user: JiraUser): UserRef {
  const ref: UserRef = { accountId: user.accountId };
  if (user.displayName !== undefined) ref.displayName = user.displayName;
  if (user.active !== undefined) ref.active = user.active;
  const avatar = user.avatarUrls?.['48x48'];
  if (avatar !== undefined) ref.avatarUrl = avatar;
  return ref;
}

function limitProperties(properties: readonly string[] | undefined): readonly string[] | undefined {
  if (properties && properties.length > MAX_PROPERTIES) {
    throw new Error(
      `Jira returns at most ${MAX_PROPERTIES} issue properties per request, ${properties.length} asked`,
    );
  }
  return properties;
}

export class JiraApi {
  readonly client: JiraClient;

  constructor(clientOrTransport: JiraClient | Transport, options?: JiraClientOptions) {
    this.client =
      clientOrTransport instanceof JiraClient
        ? clientOrTransport
        : new JiraClient(clientOrTransport, options);
  }

  /** Requests sent through this API so far (every attempt). */
  get requestCount(): number {
    return this.client.requestCount;
  }

  /**
   * POST /rest/api/3/search/approximate-count: about how many issues a bounded JQL matches (recent
   * changes may be missing), for progress bars; never for anything that must be exact.
   */
  async approximateCount(jql: string): Promise<number> {
    const result = await this.client.request(
      { method: 'POST', path: apiPath(['search', 'approximate-count']), body: { jql } },
      approximateCountSchema,
    );
    return result.count;
  }

  /** One page of POST /rest/api/3/search/jql. */
  async searchJql(params: SearchJqlParams): Promise<SearchPage> {
    const body: Record<string, unknown> = { jql: params.jql };
    if (params.fields) body.fields = [...params.fields];
    const properties = limitProperties(params.properties);
    if (properties) body.properties = [...properties];
    if (params.maxResults !== undefined) body.maxResults = params.maxResults;
    if (params.nextPageToken !== undefined) body.nextPageToken = params.nextPageToken;
    const result = await this.client.request(
      { method: 'POST', path: apiPath(['search', 'jql']), body },
      searchResultsSchema,
    );
    const page: SearchPage = { issues: result.issues.map(toIssue) };
    // `isLast: true` wins over a stray token; a missing/null token means the last page too.
    if (result.nextPageToken && result.isLast !== true) page.nextPageToken = result.nextPageToken;
    return page;
  }

  /**
   * Every page of a search, following `nextPageToken`. Stops on the last page; refuses a token
   * Jira already gave (it would loop forever) and more than `maxPages` pages.
   */
  async *searchJqlPages(
    params: Omit<SearchJqlParams, 'nextPageToken'>,
    maxPages = 10_000,
  ): AsyncGenerator<JiraIssue[], void, undefined> {
    const seen = new Set<string>();
    let token: string | undefined;
    for (let pages = 1; ; pages++) {
      const page = await this.searchJql(token === undefined ? params : { ...params, nextPageToken: token });
      yield page.issues;
      if (page.nextPageToken === undefined) return;
      if (seen.has(page.nextPageToken)) {
        throw badResponseError(
          { method: 'POST', path: apiPath(['search', 'jql']) },
          200,
          'the same nextPageToken came back twice, so paging would never end',
        );
      }
      if (pages >= maxPages) {
        throw badResponseError(
          { method: 'POST', path: apiPath(['search', 'jql']) },
          200,
          `more than ${maxPages} pages; refusing to page further`,
        );
      }
      seen.add(page.nextPageToken);
      token = page.nextPageToken;
    }
  }

  /** All issues of a search, every page. */
  async searchJqlAll(params: Omit<SearchJqlParams, 'nextPageToken'>): Promise<JiraIssue[]> {
    const all: JiraIssue[] = [];
    for await (const issues of this.searchJqlPages(params)) all.push(...issues);
    return all;
  }

  /**
   * POST /rest/api/3/issue/bulkfetch, in requests of at most 100 ids or keys (Jira's limit), in
   * the order given.
   */
  async bulkFetch(
    issueIdsOrKeys: readonly string[],
    fields?: readonly string[],
    properties?: readonly string[],
  ): Promise<BulkFetchResult> {
    const out: BulkFetchResult = { issues: [], errors: [] };
    const props = limitProperties(properties);
    for (let i = 0; i < issueIdsOrKeys.length; i += BULK_FETCH_MAX) {
      const body: Record<string, unknown> = { issueIdsOrKeys: issueIdsOrKeys.slice(i, i + BULK_FETCH_MAX) };
      if (fields) body.fields = [...fields];
      if (props) body.properties = [...props];
      const result = await this.client.request({ ...BULK_FETCH_REQUEST, body }, bulkIssueResultsSchema);
      out.issues.push(...result.issues.map(toIssue));
      out.errors.push(...result.issueErrors);
    }
    return out;
  }

  /** GET /rest/api/3/issue/{issueIdOrKey}. */
  async getIssue(
    issueIdOrKey: string,
    options: { fields?: readonly string[]; properties?: readonly string[] } = {},
  ): Promise<JiraIssue> {
    const bean = await this.client.request(
      {
        method: 'GET',
        path: apiPath(['issue', issueIdOrKey], {
          fields: options.fields?.join(','),
          properties: options.properties?.join(','),
        }),
      },
      issueSchema,
    );
    return toIssue(bean);
  }

  /** GET /rest/api/3/issuetype: every issue type the user can see. */
  async getIssueTypes(): Promise<IssueTypeInfo[]> {
    const types = await this.client.request(
      { method: 'GET', path: apiPath(['issuetype']) },
      issueTypesSchema,
    );
    return types.map((t) => {
      const subtask = t.subtask ?? false;
      // Sites without the hierarchy feature omit hierarchyLevel; Jira's own defaults are -1/0.
      return { id: t.id, name: t.name, hierarchyLevel: t.hierarchyLevel ?? (subtask ? -1 : 0), subtask };
    });
  }

  /** GET /rest/api/3/field: every field, system and custom. */
  async getFields(): Promise<(FieldInfo & { custom: boolean })[]> {
    const fields = await this.client.request({ method: 'GET', path: apiPath(['field']) }, fieldsSchema);
    return fields.map((f) => {
      const info: FieldInfo & { custom: boolean } = {
        id: f.id,
        name: f.name,
        custom: f.custom ?? f.id.startsWith('customfield_'),
      };
      if (f.schema) {
        info.schema = { type: f.schema.type };
        if (f.schema.items !== undefined) info.schema.items = f.schema.items;
        if (f.schema.custom !== undefined) info.schema.custom = f.schema.custom;
      }
      return info;
    });
  }

  /** GET /rest/api/3/project/{projectIdOrKey}. */
  async getProject(projectIdOrKey: string): Promise<JiraProject> {
    return this.client.request({ method: 'GET', path: apiPath(['project', projectIdOrKey]) }, projectSchema);
  }

  /** One page of GET /rest/api/3/project/search. */
  async searchProjects(
    options: { query?: string; startAt?: number; maxResults?: number } = {},
  ): Promise<ProjectPage> {
    const startAt = options.startAt ?? 0;
    const page = await this.client.request(
      {
        method: 'GET',
        path: apiPath(['project', 'search'], {
          query: options.query,
          startAt,
          maxResults: options.maxResults,
        }),
      },
      projectPageSchema,
    );
    const isLast =
      page.isLast ??
      (page.total !== undefined ? startAt + page.values.length >= page.total : page.values.length === 0);
    return { projects: page.values, startAt, isLast: isLast || page.values.length === 0 };
  }

  /** Every project the user can see, page by page. */
  async *allProjects(options: { query?: string; maxResults?: number } = {}): AsyncGenerator<JiraProject[]> {
    let startAt = 0;
    for (;;) {
      const page = await this.searchProjects({ ...options, startAt });
      yield page.projects;
      if (page.isLast) return;
      startAt += page.projects.length;
    }
  }

  /** GET /rest/api/3/myself. */
  async getMyself(): Promise<UserRef> {
    return toUserRef(await this.client.request({ method: 'GET', path: apiPath(['myself']) }, userSchema));
  }

  /**
   * GET /rest/api/3/mypermissions: which of `permissions` the user holds, globally or in a
   * project. Permissions Jira leaves out of the answer count as not held.
   */
  async getMyPermissions(
    permissions: readonly string[],
    projectKey?: string,
  ): Promise<Record<string, boolean>> {
    if (permissions.length === 0) throw new Error('getMyPermissions needs at least one permission key');
    const result = await this.client.request(
      { method: 'GET', path: apiPath(['mypermissions'], { permissions: permissions.join(','), projectKey }) },
      permissionsSchema,
    );
    const held: Record<string, boolean> = {};
    for (const p of permissions) held[p] = result.permissions[p]?.havePermission === true;
    return held;
  }

  /** GET /rest/api/3/user/search. */
  async searchUsers(query: string, maxResults = 20): Promise<UserRef[]> {
    const users = await this.client.request(
      { method: 'GET', path: apiPath(['user', 'search'], { query, maxResults }) },
      usersSchema,
    );
    return users.map(toUserRef);
  }

  /**
   * GET /rest/api/3/user/bulk: the accounts behind ids we only know as ids (e.g. who accepted a
   * story), so messages name people. Up to 200 ids a request; unknown ids are simply absent.
   */
  async bulkUsers(accountIds: readonly string[]): Promise<UserRef[]> {
    const out: UserRef[] = [];
    for (let i = 0; i < accountIds.length; i += USER_BULK_MAX) {
      const batch = accountIds.slice(i, i + USER_BULK_MAX);
      const page = await this.client.request(
        { method: 'GET', path: apiPath(['user', 'bulk'], { accountId: batch, maxResults: USER_BULK_MAX }) },
        userPageSchema,
      );
      out.push(...page.values.map(toUserRef));
    }
    return out;
  }

  /**
   * POST /rest/api/3/issue/{issueIdOrKey}/notify: an email about the issue to the named accounts,
   * queued by Jira (204). Restricted to people who may browse the issue, so a notification never
   * shows an issue to someone Jira would hide it from. Retried only after a 429 (Jira refused it):
   * after a network or server error the mail may have been queued, and a second one would be spam.
   */
  async notify(issueIdOrKey: string, notification: IssueNotification): Promise<void> {
    await this.client.requestVoid(
      {
        method: 'POST',
        path: apiPath(['issue', issueIdOrKey, 'notify']),
        body: {
          subject: notification.subject,
          textBody: notification.textBody,
          htmlBody: notification.htmlBody,
          to: {
            users: notification.to.users.map((u) => ({ accountId: u.accountId })),
            reporter: false,
            assignee: false,
            watchers: false,
            voters: false,
          },
          restrict: { permissions: [{ key: 'BROWSE_PROJECTS' }] },
        },
      },
      { retryOnlyOn: ['rate-limit'] },
    );
  }

  /** GET /rest/api/3/serverInfo: the site's base URL (no scope needed). */
  async serverBaseUrl(): Promise<string> {
    const info = await this.client.request(
      { method: 'GET', path: apiPath(['serverInfo']) },
      serverInfoSchema,
    );
    return info.baseUrl.replace(/\/+$/, '');
  }

  /** GET /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}; a missing one is a `not-found` JiraError. */
  async getIssueProperty(issueIdOrKey: string, propertyKey: string): Promise<unknown> {
    const property = await this.client.request(
      { method: 'GET', path: apiPath(['issue', issueIdOrKey, 'properties', propertyKey]) },
      entityPropertySchema,
    );
    return property.value;
  }

  /** PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}. */
  async setIssueProperty(issueIdOrKey: string, propertyKey: string, value: unknown): Promise<void> {
    await this.client.requestVoid({
      method: 'PUT',
      path: apiPath(['issue', issueIdOrKey, 'properties', propertyKey]),
      body: value,
    });
  }

  /**
   * POST /rest/api/3/issue/properties/multi ("Bulk set issue properties by issue"), 100 issues a
   * request. Jira runs it as an asynchronous task and answers 303 with the task's location; that
   * is taken as success and the task is not polled. The operation is non-transactional (some
   * issues may fail inside the task): callers that need the values current re-check them on their
   * next read, as the project scan does on its next run. Issues Jira cannot find are ignored by
   * Jira. Returns the requests made.
   */
  async bulkSetIssueProperties(
    entries: readonly { issueId: string; properties: Record<string, unknown> }[],
  ): Promise<number> {
    let requests = 0;
    for (let i = 0; i < entries.length; i += BULK_PROPERTIES_MAX) {
      const issues = entries.slice(i, i + BULK_PROPERTIES_MAX).map((entry) => {
        // The operation takes numeric ids only (int64); a key here would be a caller's mistake.
        if (!/^[0-9]{1,15}$/.test(entry.issueId))
          throw new Error(
            `bulk property writes need numeric issue ids, got ${JSON.stringify(entry.issueId)}`,
          );
        const count = Object.keys(entry.properties).length;
        if (count < 1 || count > BULK_PROPERTIES_PER_ISSUE_MAX)
          throw new Error(
            `issue ${entry.issueId}: 1 to ${BULK_PROPERTIES_PER_ISSUE_MAX} properties per issue, ${count} given`,
          );
        return { issueID: Number(entry.issueId), properties: entry.properties };
      });
      await this.client.requestVoid(
        { method: 'POST', path: apiPath(['issue', 'properties', 'multi']), body: { issues } },
        // 303 is this operation's success (a fetch that follows it lands on the task, a 200).
        { alsoAccept: [303] },
      );
      requests++;
    }
    return requests;
  }

  /** DELETE /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}. */
  async deleteIssueProperty(issueIdOrKey: string, propertyKey: string): Promise<void> {
    await this.client.requestVoid({
      method: 'DELETE',
      path: apiPath(['issue', issueIdOrKey, 'properties', propertyKey]),
    });
  }

  /** PUT /rest/api/3/issue/{issueIdOrKey} with `{ fields }` (Jira's value shapes, e.g. `{ accountId }`). */
  async editIssue(
    issueIdOrKey: string,
    fields: Record<string, unknown>,
    options: { notifyUsers?: boolean } = {},
  ): Promise<void> {
    await this.client.requestVoid({
      method: 'PUT',
      path: apiPath(['issue', issueIdOrKey], { notifyUsers: options.notifyUsers }),
      body: { fields },
    });
  }
}
