/**
 * An in-memory Jira Cloud over a snapshot: the REST v3 endpoints the app uses, with Jira's answer
 * shapes, paging, errors and permissions. Used in-process (tests, CLI `--snapshot`, local host) via
 * `transportFor`, or over HTTP via ./server.ts.
 */
import { z } from 'zod';
import type { Transport, TransportResponse } from '../jira/transport';
import type { Snapshot } from '../snapshot/format';
import { compileJql, JqlError, runQuery } from './jql';
import {
  onlyIdentifiers,
  parseFieldSelection,
  renderFields,
  renderIssue,
  renderIssueType,
  renderProject,
  renderUser,
  type FieldSelection,
} from './render';
import { Site, type AvatarUrlOf, type IssueRecord } from './site';
import { fnv1a32 } from '../domain/hash';

export interface EmulatorRequest {
  method: string;
  /** Path and query, starting with `/rest/api/3/`. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** The authenticated account, or null for an anonymous / unauthenticated call. */
  accountId: string | null;
}

/**
 * Called before each request is handled. Return a response to answer instead of the site, return
 * undefined to let the site answer, or throw to simulate a network failure (no HTTP answer).
 * `index` is the 1-based number of the request in the emulator's life.
 */
export type FaultHook = (
  request: EmulatorRequest,
  index: number,
  /**
   * Runs the later hooks and the site and resolves with their answer, so a hook can alter a real
   * answer (a repeated page token, issues vanishing between pages) instead of inventing one.
   */
  next: () => Promise<TransportResponse>,
) => TransportResponse | undefined | Promise<TransportResponse | undefined>;

export interface EmulatorOptions {
  faults?: FaultHook;
  /** Delay before every answer, to model a remote site. */
  latencyMs?: number;
  /** The site's clock (edits stamp `updated`; `updated >= -60m` counts from it). Default: real time. */
  now?: () => Date;
  /** Where avatars live; default Atlassian's avatar service (users) and the site (projects). */
  avatarUrlOf?: AvatarUrlOf;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  accountId: string | null;
  status: number | 'network-error';
}

export interface RequestLog {
  /** Requests received (including those answered by a fault). */
  count: number;
  entries: RequestLogEntry[];
  reset(): void;
}

/** A notification Jira accepted (POST /issue/{key}/notify), as a mail queue would hold it. */
export interface SentNotification {
  issueKey: string;
  /** Accounts the caller listed in `to.users`. */
  requested: string[];
  /** Accounts it went to: the listed users who are active and (with `restrict`) may see the issue. */
  to: string[];
  subject: string;
  textBody: string;
  htmlBody: string;
  /** Who asked for it. */
  by: string;
}

export interface JiraEmulator {
  handle(request: EmulatorRequest): Promise<TransportResponse>;
  /** Notifications sent through POST /issue/{key}/notify, oldest first. */
  readonly notifications: SentNotification[];
  /** A Transport that calls the emulator in-process as the given account. */
  transportFor(accountId: string): Transport;
  readonly requests: RequestLog;
  /** Adds a fault hook; returns a function that removes it. */
  injectFault(hook: FaultHook): () => void;
  clearFaults(): void;
  /** The site as a snapshot, writes included. */
  snapshot(): Snapshot;
  /** The account an unspecified caller acts as: the first admin. */
  readonly defaultAccountId: string | null;
}

const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, text: JSON.stringify(body) };
}
function empty(status: number): TransportResponse {
  return { status, headers: {}, text: '' };
}
export function jiraError(
  status: number,
  messages: string[],
  errors: Record<string, string> = {},
): TransportResponse {
  return json(status, { errorMessages: messages, errors });
}
/** Jira Cloud's answer to missing or wrong credentials. */
export function unauthorized(): TransportResponse {
  return {
    status: 401,
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'www-authenticate': 'Basic realm="protected-area"',
      'x-seraph-loginreason': 'AUTHENTICATED_FAILED',
    },
    text: 'Client must be authenticated to access this resource.',
  };
}

const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';
const PAGE_CAP_FIELDS = 100;
const PAGE_CAP_IDS = 5000;
const MAX_PROPERTIES = 5;

/** [Notification] and its parts ([NotificationRecipientsRestrictions] is closed). */
const notifyBodySchema = z.looseObject({
  subject: z.string().optional(),
  textBody: z.string().optional(),
  htmlBody: z.string().optional(),
  to: z
    .looseObject({
      users: z.array(z.looseObject({ accountId: z.string().max(128) })).optional(),
      reporter: z.boolean().optional(),
      assignee: z.boolean().optional(),
      watchers: z.boolean().optional(),
      voters: z.boolean().optional(),
    })
    .optional(),
  restrict: z
    .strictObject({
      permissions: z
        .array(z.looseObject({ key: z.string().optional(), id: z.string().optional() }))
        .optional(),
      groups: z.array(z.unknown()).optional(),
      groupIds: z.array(z.string()).optional(),
    })
    .optional(),
});

/** [JQLCountRequestBean]: `additionalProperties: false`. */
const countBodySchema = z.strictObject({ jql: z.string().optional() });

const searchBodySchema = z
  .object({
    jql: z.string().optional(),
    nextPageToken: z.string().optional(),
    maxResults: z.number().int().optional(),
    fields: z.array(z.string()).optional(),
    properties: z.array(z.string()).optional(),
    expand: z.string().optional(),
    fieldsByKeys: z.boolean().optional(),
    reconcileIssues: z.array(z.number().int()).optional(),
  })
  .strict();

const bulkBodySchema = z
  .object({
    issueIdsOrKeys: z.array(z.string()),
    fields: z.array(z.string()).optional(),
    properties: z.array(z.string()).optional(),
    expand: z.array(z.string()).optional(),
    fieldsByKeys: z.boolean().optional(),
  })
  .strict();

/** MultiIssueEntityProperties: up to 100 issues, each with 1 to 10 properties. */
const bulkPropertiesBodySchema = z
  .object({
    issues: z
      .array(
        z
          .object({
            issueID: z.number().int().min(0),
            properties: z.record(z.string().min(1).max(255), z.unknown()),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();
const MAX_PROPERTY_VALUE_LENGTH = 32768;

interface EmulatedTask {
  id: string;
  submitted: number;
  result: unknown;
}

const editBodySchema = z.looseObject({
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.unknown()).optional(),
});

const userRefSchema = z.looseObject({ accountId: z.string().min(1) });

function zodMessages(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
}

/** Ties a page token to its query without any I/O or crypto dependency. */
function hash(s: string): string {
  return fnv1a32(s).toString(36);
}

interface CachedSearch {
  version: number;
  records: IssueRecord[];
  /** The query counts from now (`updated >= -1d`): a new search runs it again, a next page does not. */
  relative: boolean;
}

export function createEmulator(snapshot: Snapshot, options: EmulatorOptions = {}): JiraEmulator {
  const site = new Site(snapshot, options.now, options.avatarUrlOf);
  const hooks: FaultHook[] = options.faults ? [options.faults] : [];
  const log: RequestLog = {
    count: 0,
    entries: [],
    reset() {
      log.count = 0;
      log.entries.length = 0;
    },
  };
  const notifications: SentNotification[] = [];
  // Results of recent searches, so following nextPageToken is O(page), not O(site) per page.
  const searchCache = new Map<string, CachedSearch>();
  // Asynchronous operations' tasks. The emulator does the work at once, so every task is complete.
  const tasks = new Map<string, EmulatedTask>();
  let nextTaskId = 10000;

  function search(
    accountId: string,
    jql: string,
    token: string | undefined,
    maxResults: number | undefined,
    sel: FieldSelection,
    properties: string[],
  ): TransportResponse {
    if (properties.length > MAX_PROPERTIES) {
      return jiraError(400, [`A maximum of ${MAX_PROPERTIES} issue property keys can be specified.`]);
    }
    const cacheKey = `${accountId}\u0000${jql}`;
    const queryHash = hash(cacheKey);
    let offset = 0;
    if (token !== undefined) {
      const decoded = decodeToken(token);
      if (!decoded || decoded.q !== queryHash) {
        return jiraError(400, ['The provided next page token is invalid or expired.']);
      }
      offset = decoded.o;
    }
    let cached = searchCache.get(cacheKey);
    if (!cached || cached.version !== site.version || (token === undefined && cached.relative)) {
      try {
        const query = compileJql(jql, site, accountId);
        cached = {
          version: site.version,
          records: runQuery(query, site, accountId),
          relative: query.relative,
        };
      } catch (e) {
        if (e instanceof JqlError) return jiraError(400, e.messages);
        throw e;
      }
      searchCache.delete(cacheKey);
      searchCache.set(cacheKey, cached);
      if (searchCache.size > 32) {
        const oldest = searchCache.keys().next();
        if (!oldest.done) searchCache.delete(oldest.value);
      }
    }
    const cap = onlyIdentifiers(sel) && properties.length === 0 ? PAGE_CAP_IDS : PAGE_CAP_FIELDS;
    const size = Math.max(1, Math.min(maxResults ?? 50, cap));
    const page = cached.records.slice(offset, offset + size);
    const next = offset + page.length;
    const isLast = next >= cached.records.length;
    const body: Record<string, unknown> = {
      issues: page.map((r) => renderIssue(site, r, sel, properties)),
      isLast,
    };
    if (!isLast) body.nextPageToken = encodeToken({ q: queryHash, o: next });
    return json(200, body);
  }

  function bulkFetch(accountId: string, body: unknown): TransportResponse {
    const parsed = bulkBodySchema.safeParse(body);
    if (!parsed.success) return jiraError(400, zodMessages(parsed.error));
    const { issueIdsOrKeys, fields = [], properties = [] } = parsed.data;
    if (issueIdsOrKeys.length === 0) return jiraError(400, ['No issue IDs or keys were provided.']);
    if (issueIdsOrKeys.length > 100) {
      return jiraError(400, ['You can request a maximum of 100 issues at a time.']);
    }
    if (properties.length > MAX_PROPERTIES) {
      return jiraError(400, [`A maximum of ${MAX_PROPERTIES} issue property keys can be specified.`]);
    }
    const sel = parseFieldSelection(fields, '*navigable');
    const seen = new Set<string>();
    const issues: unknown[] = [];
    for (const k of issueIdsOrKeys) {
      const rec = site.find(k, accountId);
      if (!rec || seen.has(rec.issue.id)) continue;
      seen.add(rec.issue.id);
      issues.push(renderIssue(site, rec, sel, properties));
    }
    return json(200, { issues, issueErrors: [] });
  }

  /**
   * POST /issue/properties/multi. Jira queues a task and answers 303 pointing at it; the emulator
   * applies the values before answering, so a read right after sees them, and the task it points
   * at is already complete. Issues that do not exist or the caller cannot see are skipped, as Jira
   * ignores them; the task's result lists them.
   */
  function bulkSetProperties(accountId: string, body: unknown): TransportResponse {
    const parsed = bulkPropertiesBodySchema.safeParse(body);
    if (!parsed.success) return jiraError(400, zodMessages(parsed.error));
    const errors: Record<string, string> = {};
    parsed.data.issues.forEach((entry, n) => {
      const count = Object.keys(entry.properties).length;
      if (count < 1 || count > 10)
        errors[`issues[${n}].properties`] = 'Between 1 and 10 properties can be set per issue.';
      for (const [key, value] of Object.entries(entry.properties)) {
        const text = JSON.stringify(value) as string | undefined;
        if (text === undefined) errors[`issues[${n}].properties.${key}`] = 'The value must be valid JSON.';
        else if (text.length > MAX_PROPERTY_VALUE_LENGTH)
          errors[`issues[${n}].properties.${key}`] =
            `The property value is longer than ${MAX_PROPERTY_VALUE_LENGTH} characters.`;
      }
    });
    if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
    let updated = 0;
    const ignored: number[] = [];
    for (const entry of parsed.data.issues) {
      const rec = site.find(String(entry.issueID), accountId);
      if (!rec) {
        ignored.push(entry.issueID);
        continue;
      }
      for (const [key, value] of Object.entries(entry.properties)) site.setProperty(rec, key, value);
      updated++;
    }
    const id = String(nextTaskId++);
    tasks.set(id, { id, submitted: Date.now(), result: { updated, ignoredIssueIds: ignored } });
    return { status: 303, headers: { location: `/rest/api/3/task/${id}` }, text: '' };
  }

  /** GET /task/{taskId}: a TaskProgressBean, always COMPLETE (see bulkSetProperties). */
  function task(id: string): TransportResponse {
    const t = tasks.get(id);
    if (!t) return jiraError(404, [`The task with ID ${id} was not found.`]);
    return json(200, {
      self: `${site.baseUrl}/rest/api/3/task/${t.id}`,
      id: t.id,
      description: 'Bulk set issue properties',
      status: 'COMPLETE',
      result: t.result,
      submittedBy: 0,
      progress: 100,
      elapsedRuntime: 0,
      submitted: t.submitted,
      started: t.submitted,
      finished: t.submitted,
      lastUpdate: t.submitted,
    });
  }

  function editIssue(
    accountId: string,
    rec: IssueRecord,
    body: unknown,
    returnIssue: boolean,
  ): TransportResponse {
    const parsed = editBodySchema.safeParse(body);
    if (!parsed.success) return jiraError(400, zodMessages(parsed.error));
    if (parsed.data.update && Object.keys(parsed.data.update).length > 0) {
      return jiraError(400, ['The emulator supports edits through `fields` only, not `update`.']);
    }
    const errors: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(parsed.data.fields ?? {})) {
      const kind = site.userFieldKind(name);
      if (name === 'summary') {
        if (typeof value === 'string' && value.trim() !== '') values.summary = value;
        else errors.summary = 'You must specify a summary of the issue.';
      } else if (kind === 'single') {
        if (value === null) values[name] = null;
        else {
          const ref = userRefSchema.safeParse(value);
          if (!ref.success) errors[name] = "Specify the user as an object with an 'accountId'.";
          else if (!site.users.has(ref.data.accountId))
            errors[name] = `User '${ref.data.accountId}' does not exist.`;
          else values[name] = ref.data.accountId;
        }
      } else if (kind === 'multi') {
        if (value === null) values[name] = null;
        else {
          const refs = z.array(userRefSchema).safeParse(value);
          if (!refs.success) errors[name] = "Specify the users as an array of objects with an 'accountId'.";
          else {
            const ids = refs.data.map((r) => r.accountId);
            const unknown = ids.find((id) => !site.users.has(id));
            if (unknown !== undefined) errors[name] = `User '${unknown}' does not exist.`;
            else values[name] = ids;
          }
        }
      } else {
        errors[name] = `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`;
      }
    }
    if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
    site.setFields(rec, values);
    if (returnIssue) return json(200, renderIssue(site, rec, parseFieldSelection([], '*all'), []));
    return empty(204);
  }

  function permissions(accountId: string, query: URLSearchParams): TransportResponse {
    const raw = query.get('permissions');
    if (!raw) return jiraError(400, ["The 'permissions' query parameter is required."]);
    const keys = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const unknown = keys.filter((k) => !(k in PERMISSIONS));
    if (unknown.length > 0 || keys.length === 0) {
      return jiraError(400, [`Invalid permission key(s): ${unknown.join(', ') || '(none)'}.`]);
    }
    const projectKey = query.get('projectKey') ?? query.get('projectId');
    const issueKey = query.get('issueKey') ?? query.get('issueId');
    let project = projectKey !== null ? site.findProject(projectKey) : undefined;
    if (projectKey !== null && !project) {
      return jiraError(404, [`No project could be found with key '${projectKey}'.`]);
    }
    let issueVisible = true;
    if (issueKey !== null) {
      const rec = site.find(issueKey, accountId);
      if (!rec) return jiraError(404, [ISSUE_NOT_FOUND]);
      project = site.projectsByKey.get(rec.issue.fields.project);
      issueVisible = site.canSee(rec, accountId);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const info = PERMISSIONS[key];
      if (!info) continue;
      let have: boolean;
      if (key === 'ADMINISTER') have = site.admins.has(accountId);
      else if (key === 'ADMINISTER_PROJECTS') {
        // Without a project, Jira answers whether the user administers any project.
        have =
          project !== undefined
            ? site.isProjectAdmin(accountId, project)
            : site.admins.has(accountId) || site.projects.some((p) => p.lead === accountId);
      } else have = issueVisible;
      out[key] = { ...info, key, havePermission: have };
    }
    return json(200, { permissions: out });
  }

  /**
   * [Notification]: records what a mail queue would get. Only `to.users` is served (the app names
   * its recipients); inactive accounts get nothing, as in Jira, and `restrict.permissions` with
   * BROWSE_PROJECTS drops those who may not see the issue.
   */
  function notify(accountId: string, rec: IssueRecord, body: unknown): TransportResponse {
    const parsed = notifyBodySchema.safeParse(body ?? {});
    if (!parsed.success) return jiraError(400, zodMessages(parsed.error));
    const b = parsed.data;
    const users = b.to?.users ?? [];
    if (users.length === 0 && !b.to?.reporter && !b.to?.assignee && !b.to?.watchers && !b.to?.voters)
      return jiraError(400, ['Notification must have at least one recipient.']);
    for (const u of users)
      if (!site.users.has(u.accountId))
        return jiraError(400, [`The user with account ID '${u.accountId}' does not exist.`]);
    const browse = (b.restrict?.permissions ?? []).some(
      (p) => p.key === 'BROWSE_PROJECTS' || p.key === 'BROWSE',
    );
    const to = users
      .map((u) => u.accountId)
      .filter((id) => site.users.get(id)?.active !== false && (!browse || site.canSee(rec, id)));
    notifications.push({
      issueKey: rec.issue.key,
      requested: users.map((u) => u.accountId),
      to,
      subject: b.subject ?? `${rec.issue.key}: ${rec.issue.fields.summary}`,
      textBody: b.textBody ?? '',
      htmlBody: b.htmlBody ?? '',
      by: accountId,
    });
    return empty(204);
  }

  function route(req: EmulatorRequest, accountId: string): TransportResponse {
    const url = new URL(req.path, 'http://emulator.invalid');
    const path = url.pathname.replace(/\/+$/, '');
    const q = url.searchParams;
    const method = req.method.toUpperCase();
    const list = (name: string): string[] =>
      q
        .getAll(name)
        .flatMap((s) => s.split(','))
        .filter((s) => s !== '');
    const notAllowed = (): TransportResponse =>
      jiraError(405, [`Method ${method} is not allowed for ${path}.`]);
    let m: RegExpExecArray | null;

    if (path === '/rest/api/3/search/jql') {
      if (method === 'GET') {
        const max = q.get('maxResults');
        const maxResults = max === null ? undefined : Number(max);
        if (maxResults !== undefined && !Number.isInteger(maxResults)) {
          return jiraError(400, [`maxResults '${max}' is not a number.`]);
        }
        return search(
          accountId,
          q.get('jql') ?? '',
          q.get('nextPageToken') ?? undefined,
          maxResults,
          parseFieldSelection(list('fields'), 'id'),
          list('properties'),
        );
      }
      if (method === 'POST') {
        const parsed = searchBodySchema.safeParse(req.body ?? {});
        if (!parsed.success) return jiraError(400, zodMessages(parsed.error));
        const b = parsed.data;
        return search(
          accountId,
          b.jql ?? '',
          b.nextPageToken,
          b.maxResults,
          parseFieldSelection(b.fields ?? [], 'id'),
          b.properties ?? [],
        );
      }
      return notAllowed();
    }
    if (path === '/rest/api/3/search/approximate-count') {
      if (method !== 'POST') return notAllowed();
      const parsed = countBodySchema.safeParse(req.body ?? {});
      if (!parsed.success) return jiraError(400, zodMessages(parsed.error));
      // Jira refuses unbounded queries here; an empty one is the simplest unbounded query.
      if ((parsed.data.jql ?? '').trim() === '') return jiraError(400, ['The JQL query must be bounded.']);
      try {
        const query = compileJql(parsed.data.jql ?? '', site, accountId);
        return json(200, { count: runQuery(query, site, accountId).length });
      } catch (e) {
        if (e instanceof JqlError) return jiraError(400, e.messages);
        throw e;
      }
    }
    if (path === '/rest/api/3/issue/bulkfetch') {
      return method === 'POST' ? bulkFetch(accountId, req.body) : notAllowed();
    }
    if (path === '/rest/api/3/issue/properties/multi') {
      return method === 'POST' ? bulkSetProperties(accountId, req.body) : notAllowed();
    }
    if ((m = /^\/rest\/api\/3\/issue\/([^/]+)\/notify$/.exec(path))) {
      if (method !== 'POST') return notAllowed();
      const rec = site.find(decodeURIComponent(m[1] ?? ''), accountId);
      if (!rec) return jiraError(404, [ISSUE_NOT_FOUND]);
      return notify(accountId, rec, req.body);
    }
    if ((m = /^\/rest\/api\/3\/issue\/([^/]+)\/properties\/([^/]+)$/.exec(path))) {
      const rec = site.find(decodeURIComponent(m[1] ?? ''), accountId);
      if (!rec) return jiraError(404, [ISSUE_NOT_FOUND]);
      const key = decodeURIComponent(m[2] ?? '');
      if (method === 'GET') {
        const v = rec.issue.properties?.[key];
        if (v === undefined) return jiraError(404, [`The property with key '${key}' does not exist.`]);
        return json(200, { key, value: v });
      }
      if (method === 'PUT') {
        if (req.body === undefined) return jiraError(400, ['The property value must be valid JSON.']);
        if (key.length > 255)
          return jiraError(400, ['The property key cannot be longer than 255 characters.']);
        const existed = site.setProperty(rec, key, req.body);
        return empty(existed ? 200 : 201);
      }
      if (method === 'DELETE') {
        return site.deleteProperty(rec, key)
          ? empty(204)
          : jiraError(404, [`The property with key '${key}' does not exist.`]);
      }
      return notAllowed();
    }
    if ((m = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(path))) {
      const rec = site.find(decodeURIComponent(m[1] ?? ''), accountId);
      if (!rec) return jiraError(404, [ISSUE_NOT_FOUND]);
      if (method === 'GET') {
        const props = list('properties');
        if (props.length > MAX_PROPERTIES) {
          return jiraError(400, [`A maximum of ${MAX_PROPERTIES} issue property keys can be specified.`]);
        }
        const sel = parseFieldSelection(list('fields'), '*all');
        // GET issue always carries key and fields, even when only ids are asked for.
        if (onlyIdentifiers(sel)) sel.include.add('key');
        return json(200, renderIssue(site, rec, sel, props));
      }
      if (method === 'PUT') return editIssue(accountId, rec, req.body, q.get('returnIssue') === 'true');
      return notAllowed();
    }
    if (method !== 'GET') {
      return KNOWN_GET.has(path)
        ? notAllowed()
        : jiraError(404, [`The emulator does not serve ${method} ${path}.`]);
    }
    switch (path) {
      case '/rest/api/3/issuetype':
        return json(
          200,
          site.issueTypes.map((t) => renderIssueType(site, t)),
        );
      case '/rest/api/3/field':
        return json(200, renderFields(site));
      case '/rest/api/3/myself': {
        const user = site.users.get(accountId);
        return user ? json(200, renderUser(site, user, true)) : unauthorized();
      }
      case '/rest/api/3/mypermissions':
        return permissions(accountId, q);
      case '/rest/api/3/serverInfo':
        return json(200, {
          baseUrl: site.baseUrl,
          deploymentType: 'Cloud',
          version: '1001.0.0-SNAPSHOT',
          serverTitle: 'Jira',
        });
      case '/rest/api/3/user/bulk': {
        const ids = q.getAll('accountId');
        if (ids.length === 0) return jiraError(400, ['At least one accountId must be provided.']);
        const startAt = Math.max(0, Number(q.get('startAt') ?? 0) || 0);
        // Jira serves at most 200 users a page here (its default is 10).
        const maxResults = Math.min(200, Math.max(1, Number(q.get('maxResults') ?? 10) || 10));
        const known = ids.flatMap((id) => {
          const user = site.users.get(id);
          return user ? [renderUser(site, user)] : [];
        });
        const values = known.slice(startAt, startAt + maxResults);
        const isLast = startAt + maxResults >= known.length;
        return json(200, {
          self: `${site.baseUrl}/rest/api/3/user/bulk?startAt=${startAt}&maxResults=${maxResults}`,
          maxResults,
          startAt,
          total: values.length,
          isLast,
          values,
        });
      }
      case '/rest/api/3/user/search': {
        const text = (q.get('query') ?? '').toLowerCase();
        const id = q.get('accountId');
        if (text === '' && id === null) {
          return jiraError(400, ["One of 'query' or 'accountId' parameters must be provided."]);
        }
        const startAt = Math.max(0, Number(q.get('startAt') ?? 0) || 0);
        const maxResults = Math.min(1000, Math.max(1, Number(q.get('maxResults') ?? 50) || 50));
        const found = site.userList.filter(
          (u) =>
            u.active &&
            (id === null || u.accountId === id) &&
            (text === '' ||
              u.displayName
                .toLowerCase()
                .split(/\s+/)
                .some((w) => w.startsWith(text)) ||
              u.displayName.toLowerCase().startsWith(text) ||
              (u.emailAddress ?? '').toLowerCase().startsWith(text)),
        );
        return json(
          200,
          found.slice(startAt, startAt + maxResults).map((u) => renderUser(site, u)),
        );
      }
      case '/rest/api/3/project/search': {
        const startAt = Math.max(0, Number(q.get('startAt') ?? 0) || 0);
        const maxResults = Math.min(100, Math.max(1, Number(q.get('maxResults') ?? 50) || 50));
        const keys = new Set(list('keys').map((k) => k.toUpperCase()));
        const ids = new Set(list('id'));
        const text = (q.get('query') ?? '').toLowerCase();
        const matching = site.projects.filter(
          (p) =>
            (keys.size === 0 || keys.has(p.key)) &&
            (ids.size === 0 || ids.has(p.id)) &&
            (text === '' || p.key.toLowerCase().includes(text) || p.name.toLowerCase().includes(text)),
        );
        const values = matching.slice(startAt, startAt + maxResults).map((p) => renderProject(site, p));
        const isLast = startAt + values.length >= matching.length;
        const self = `${site.baseUrl}${req.path}`;
        const body: Record<string, unknown> = {
          self,
          maxResults,
          startAt,
          total: matching.length,
          isLast,
          values,
        };
        if (!isLast) {
          const nextQ = new URLSearchParams(q);
          nextQ.set('startAt', String(startAt + values.length));
          nextQ.set('maxResults', String(maxResults));
          body.nextPage = `${site.baseUrl}/rest/api/3/project/search?${nextQ.toString()}`;
        }
        return json(200, body);
      }
    }
    if ((m = /^\/rest\/api\/3\/task\/([^/]+)$/.exec(path))) return task(decodeURIComponent(m[1] ?? ''));
    if ((m = /^\/rest\/api\/3\/project\/([^/]+)$/.exec(path))) {
      const key = decodeURIComponent(m[1] ?? '');
      const p = site.findProject(key);
      if (!p) return jiraError(404, [`No project could be found with key '${key}'.`]);
      return json(200, renderProject(site, p));
    }
    return jiraError(404, [`The emulator does not serve GET ${path}.`]);
  }

  async function handle(req: EmulatorRequest): Promise<TransportResponse> {
    log.count++;
    const index = log.count;
    const entry: RequestLogEntry = {
      method: req.method.toUpperCase(),
      path: req.path,
      accountId: req.accountId,
      status: 'network-error',
    };
    log.entries.push(entry);
    if (options.latencyMs !== undefined && options.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    }
    const active = [...hooks];
    const from = async (i: number): Promise<TransportResponse> => {
      const hook = active[i];
      if (hook === undefined) {
        if (req.accountId === null || !site.users.has(req.accountId)) return unauthorized();
        return route(req, req.accountId);
      }
      return (await hook(req, index, () => from(i + 1))) ?? from(i + 1);
    };
    const res = await from(0);
    entry.status = res.status;
    return res;
  }

  return {
    handle,
    transportFor(accountId: string): Transport {
      return (request) =>
        handle({
          method: request.method,
          path: request.path,
          // A JSON round trip, as over the wire: the caller's object is never shared with the site.
          body: request.body === undefined ? undefined : roundTrip(request.body),
          accountId,
        });
    },
    requests: log,
    notifications,
    injectFault(hook) {
      hooks.push(hook);
      return () => {
        const i = hooks.indexOf(hook);
        if (i >= 0) hooks.splice(i, 1);
      };
    },
    clearFaults() {
      hooks.length = 0;
    },
    snapshot: () => site.toSnapshot(),
    defaultAccountId: site.firstAdmin,
  };
}

function roundTrip(value: unknown): unknown {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

const KNOWN_GET = new Set([
  '/rest/api/3/issuetype',
  '/rest/api/3/field',
  '/rest/api/3/myself',
  '/rest/api/3/mypermissions',
  '/rest/api/3/serverInfo',
  '/rest/api/3/user/search',
  '/rest/api/3/user/bulk',
  '/rest/api/3/project/search',
]);

const PERMISSIONS: Record<
  string,
  { id: string; name: string; type: 'GLOBAL' | 'PROJECT'; description: string }
> = {
  ADMINISTER: {
    id: '0',
    name: 'Administer Jira',
    type: 'GLOBAL',
    description:
      'Create and administer projects, issue types, fields, workflows, and schemes for all projects.',
  },
  ADMINISTER_PROJECTS: {
    id: '23',
    name: 'Administer Projects',
    type: 'PROJECT',
    description: 'Ability to administer a project in Jira.',
  },
  BROWSE_PROJECTS: {
    id: '10',
    name: 'Browse Projects',
    type: 'PROJECT',
    description: 'Ability to browse projects and the issues within them.',
  },
  EDIT_ISSUES: {
    id: '12',
    name: 'Edit Issues',
    type: 'PROJECT',
    description: 'Ability to edit issues.',
  },
};

interface PageToken {
  q: string;
  o: number;
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t), 'utf8').toString('base64url');
}

const tokenSchema = z.object({ q: z.string(), o: z.number().int().min(0) });

function decodeToken(token: string): PageToken | null {
  try {
    const parsed = tokenSchema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
