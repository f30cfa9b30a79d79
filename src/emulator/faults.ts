/**
 * Ready-made fault hooks for the emulator (`createEmulator(snapshot, { faults })` or
 * `emulator.injectFault(hook)`), and builders of sites Jira can end up in but a snapshot file may
 * not describe (parents deleted, hidden or looping). Tests compose them; nothing here is used in
 * production.
 *
 * Every hook fires on the requests its `match` selects, `times` times at most (default: every
 * time), and counts how often it fired in `fired`, so a test can tell retries from first attempts.
 */
import { isRecord } from '../domain/read';
import type { TransportResponse } from '../jira/transport';
import type { Snapshot, SnapshotIssue } from '../snapshot/format';
import type { EmulatorRequest, FaultHook } from './emulator';

/** Which requests a fault applies to; every given part must match. */
export interface RequestMatch {
  method?: string;
  /** A substring of the path (query included), or a pattern tested against it. */
  path?: string | RegExp;
  /** Only requests made as this account. */
  accountId?: string;
}

export interface FaultOptions {
  match?: RequestMatch;
  /** Fire on at most this many matching requests, then let the site answer. Default: always. */
  times?: number;
}

/** A fault hook that also says how often it fired. */
export interface CountingFault extends FaultHook {
  readonly fired: number;
}

export function matches(request: EmulatorRequest, match: RequestMatch | undefined): boolean {
  if (!match) return true;
  if (match.method !== undefined && request.method.toUpperCase() !== match.method.toUpperCase()) return false;
  if (match.accountId !== undefined && request.accountId !== match.accountId) return false;
  if (match.path !== undefined) {
    const ok =
      typeof match.path === 'string' ? request.path.includes(match.path) : match.path.test(request.path);
    if (!ok) return false;
  }
  return true;
}

/**
 * Wraps `respond` so it runs only on matching requests and only `times` times. `respond` may
 * return undefined to pass a request on without counting it.
 */
export function fault(
  options: FaultOptions,
  respond: (...args: Parameters<FaultHook>) => ReturnType<FaultHook>,
): CountingFault {
  let fired = 0;
  const limit = options.times ?? Number.POSITIVE_INFINITY;
  const hook = async (...args: Parameters<FaultHook>): Promise<TransportResponse | undefined> => {
    const [request] = args;
    if (fired >= limit || !matches(request, options.match)) return undefined;
    // Counted before answering: a fault that throws (no answer) or stalls has fired all the same.
    fired += 1;
    const answer = await respond(...args);
    if (answer === undefined) fired -= 1;
    return answer;
  };
  Object.defineProperty(hook, 'fired', { get: () => fired });
  return hook as CountingFault;
}

/** Runs hooks in order; the first to answer wins (as `injectFault` called for each). */
export function composeFaults(...hooks: FaultHook[]): FaultHook {
  return async (request, index, next) => {
    for (const hook of hooks) {
      const answer = await hook(request, index, next);
      if (answer !== undefined) return answer;
    }
    return undefined;
  };
}

function jsonError(
  status: number,
  messages: string[],
  headers: Record<string, string> = {},
): TransportResponse {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
    text: JSON.stringify({ errorMessages: messages, errors: {} }),
  };
}

/** Jira Cloud's rate-limit reasons (`RateLimit-Reason`). */
export type RateLimitReason =
  'jira-burst-based' | 'jira-quota-global-based' | 'jira-quota-tenant-based' | 'jira-per-issue-on-write';

/**
 * 429 Too Many Requests with the headers Jira Cloud sends (developer.atlassian.com, "Rate
 * limiting"): `Retry-After` in seconds, `X-RateLimit-Reset` as an ISO 8601 time (`yyyy-MM-ddTHH:mmZ`),
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining: 0`, `X-RateLimit-NearLimit` and `RateLimit-Reason`.
 */
export function rateLimited(
  times: number,
  retryAfterSeconds: number,
  options: {
    match?: RequestMatch;
    reason?: RateLimitReason;
    limit?: number;
    now?: () => Date;
  } = {},
): CountingFault {
  const now = options.now ?? (() => new Date());
  return fault({ times, ...(options.match ? { match: options.match } : {}) }, () => {
    const reset = new Date(now().getTime() + retryAfterSeconds * 1000).toISOString().slice(0, 16) + 'Z';
    return jsonError(429, ['Rate limit exceeded.'], {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-limit': String(options.limit ?? 100),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': reset,
      'x-ratelimit-nearlimit': 'true',
      'ratelimit-reason': options.reason ?? 'jira-burst-based',
    });
  });
}

/** Objects in a Jira answer body as Jira meters them: a list counts its members, anything else 1. */
export function objectsIn(text: string): number {
  if (text === '') return 0;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 0;
  }
  if (Array.isArray(json)) return json.length;
  if (!isRecord(json)) return 1;
  for (const list of ['issues', 'values', 'users']) {
    const items = json[list];
    if (Array.isArray(items)) return items.length;
  }
  return 1;
}

/** A points budget that refills at the top of every window, with the headers Jira sends about it. */
export interface PointsBudget extends FaultHook {
  /** Points spent in the current window. */
  readonly spent: number;
}

/**
 * Jira's hourly points quota (`jira-quota-tenant-based`): every answer costs 1 point plus 1 per
 * object returned and carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and, under 20% left,
 * `X-RateLimit-NearLimit: true`; once the budget is spent, requests get 429 with `RateLimit-Reason`
 * and a `Retry-After` to the end of the window. Answers from later hooks and the site pass through
 * with the headers added.
 */
export function pointsBudget(
  points: number,
  options: { windowMs?: number; now?: () => Date; match?: RequestMatch } = {},
): PointsBudget {
  const windowMs = options.windowMs ?? 60 * 60 * 1000;
  const now = options.now ?? (() => new Date());
  let window = -1;
  let spent = 0;
  const headers = (): Record<string, string> => {
    const remaining = Math.max(0, points - spent);
    return {
      'x-ratelimit-limit': String(points),
      'x-ratelimit-remaining': String(remaining),
      ...(remaining < points * 0.2 ? { 'x-ratelimit-nearlimit': 'true' } : {}),
    };
  };
  const hook: FaultHook = async (request, _index, next) => {
    if (!matches(request, options.match)) return undefined;
    const at = now().getTime();
    const current = Math.floor(at / windowMs);
    if (current !== window) {
      window = current;
      spent = 0;
    }
    if (spent >= points) {
      const retryAfterSeconds = Math.max(1, Math.ceil(((current + 1) * windowMs - at) / 1000));
      return jsonError(429, ['Rate limit exceeded.'], {
        ...headers(),
        'retry-after': String(retryAfterSeconds),
        'ratelimit-reason': 'jira-quota-tenant-based',
      });
    }
    const answer = await next();
    spent += 1 + (answer.status < 300 ? objectsIn(answer.text) : 0);
    return { ...answer, headers: { ...answer.headers, ...headers() } };
  };
  Object.defineProperty(hook, 'spent', { get: () => spent });
  return hook as PointsBudget;
}

const SERVER_TEXT: Record<500 | 502 | 503 | 504, { contentType: string; text: string }> = {
  500: {
    contentType: 'application/json;charset=UTF-8',
    text: JSON.stringify({ errorMessages: ['Internal server error'], errors: {} }),
  },
  // Gateways answer with their own HTML page, not Jira's error shape.
  502: { contentType: 'text/html', text: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
  503: {
    contentType: 'application/json;charset=UTF-8',
    text: JSON.stringify({ message: 'Service Unavailable' }),
  },
  504: { contentType: 'text/html', text: '<html><body><h1>504 Gateway Timeout</h1></body></html>' },
};

/** 500/502/503/504, `times` times; a 503 may carry `Retry-After` as Jira's does under load. */
export function serverError(
  status: 500 | 502 | 503 | 504,
  times: number,
  options: { match?: RequestMatch; retryAfterSeconds?: number } = {},
): CountingFault {
  return fault({ times, ...(options.match ? { match: options.match } : {}) }, () => {
    const { contentType, text } = SERVER_TEXT[status];
    const headers: Record<string, string> = { 'content-type': contentType };
    if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
    return { status, headers, text };
  });
}

/** Error shaped as Node's fetch/undici reports a dead connection or an aborted request. */
export class SimulatedNetworkError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = code === 'ETIMEDOUT' ? 'TimeoutError' : 'SimulatedNetworkError';
  }
}

/**
 * No HTTP answer at all (the hook throws, so the transport rejects): `timeout` as an aborted
 * request, `reset` as a connection reset by the peer. Over the HTTP server the socket is dropped.
 */
export function networkFailure(
  kind: 'timeout' | 'reset',
  times: number,
  options: { match?: RequestMatch } = {},
): CountingFault {
  return fault({ times, ...(options.match ? { match: options.match } : {}) }, () => {
    throw kind === 'timeout'
      ? new SimulatedNetworkError('The operation was aborted due to timeout', 'ETIMEDOUT')
      : new SimulatedNetworkError('read ECONNRESET', 'ECONNRESET');
  });
}

/**
 * Requests that never get an answer until `release()` (then the site answers, too late for a
 * client that gave up). For the HTTP transport's own timeout.
 */
export function stalled(
  times: number,
  options: { match?: RequestMatch } = {},
): CountingFault & { release(): void } {
  const waiting: (() => void)[] = [];
  const hook = fault({ times, ...(options.match ? { match: options.match } : {}) }, async (_r, _i, next) => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    return next();
  });
  return Object.assign(hook, {
    release() {
      for (const resolve of waiting.splice(0)) resolve();
    },
  });
}

/** A 200 whose body is not JSON (a truncated answer, or a proxy's HTML login page). */
export function malformedJson(
  times: number,
  options: { match?: RequestMatch; text?: string } = {},
): CountingFault {
  return fault({ times, ...(options.match ? { match: options.match } : {}) }, () => ({
    status: 200,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    text: options.text ?? '{"issues":[{"id":"10001","key":"ART-1","fields":{',
  }));
}

/** A 200 whose JSON body is `body` (wrong shapes for the client's schemas). */
export function jsonAnswer(body: unknown, options: FaultOptions = {}): CountingFault {
  const text = (JSON.stringify(body) as string | undefined) ?? 'null';
  return fault(options, () => ({
    status: 200,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    text: text,
  }));
}

const SEARCH = { method: 'POST', path: '/rest/api/3/search/jql' } as const;

function readJson(response: TransportResponse): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(response.text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function withBody(response: TransportResponse, body: Record<string, unknown>): TransportResponse {
  return { ...response, text: JSON.stringify(body) };
}

/**
 * Search pages whose `nextPageToken` comes back the same: every page asked for with a token
 * answers with that very token again (and not as the last page), so a client following tokens
 * blindly would loop forever. First pages are left alone.
 */
export function repeatedPageToken(options: { match?: RequestMatch } = {}): CountingFault {
  return fault({ match: options.match ?? SEARCH }, async (request, _index, next) => {
    const asked = isRecord(request.body) ? request.body.nextPageToken : undefined;
    if (typeof asked !== 'string') return undefined;
    const answer = await next();
    const body = answer.status === 200 ? readJson(answer) : undefined;
    return body ? withBody(answer, { ...body, nextPageToken: asked, isLast: false }) : answer;
  });
}

/**
 * Issues deleted while a scan pages through them: once `afterPages` search pages have been
 * answered, `keys` are gone from later pages, single reads answer 404 and bulk fetches leave
 * them out (as Jira does for issues that no longer exist).
 */
export function vanishingIssues(
  keys: readonly string[],
  options: { afterPages?: number } = {},
): CountingFault & { readonly gone: boolean } {
  const doomed = new Set(keys.map((k) => k.toUpperCase()));
  const afterPages = options.afterPages ?? 1;
  let pages = 0;
  const isGone = () => pages >= afterPages;
  const issueKeyIn = (path: string): string | undefined => {
    const m = /^\/rest\/api\/3\/issue\/([^/?]+)/.exec(path);
    return m?.[1] !== undefined ? decodeURIComponent(m[1]).toUpperCase() : undefined;
  };
  const filterIssues = (body: Record<string, unknown>): Record<string, unknown> => {
    const issues: unknown[] = Array.isArray(body.issues) ? body.issues : [];
    return {
      ...body,
      issues: issues.filter(
        (i) =>
          !(
            typeof i === 'object' &&
            i !== null &&
            'key' in i &&
            typeof i.key === 'string' &&
            doomed.has(i.key)
          ),
      ),
    };
  };
  const hook = fault({}, async (request, _index, next) => {
    const path = request.path.split('?')[0] ?? request.path;
    if (path === SEARCH.path) {
      const gone = isGone();
      const answer = await next();
      if (answer.status === 200) pages += 1;
      const body = gone && answer.status === 200 ? readJson(answer) : undefined;
      return body ? withBody(answer, filterIssues(body)) : answer;
    }
    if (!isGone()) return undefined;
    if (path === '/rest/api/3/issue/bulkfetch') {
      const answer = await next();
      const body = answer.status === 200 ? readJson(answer) : undefined;
      return body ? withBody(answer, filterIssues(body)) : answer;
    }
    const key = issueKeyIn(path);
    if (key !== undefined && doomed.has(key)) {
      return jsonError(404, ['Issue does not exist or you do not have permission to see it.']);
    }
    return undefined;
  });
  Object.defineProperty(hook, 'gone', { get: isGone });
  return hook as CountingFault & { readonly gone: boolean };
}

// ---------------------------------------------------------------------------------------------
// Sites with broken hierarchies. parseSnapshot refuses these (a snapshot file must be a forest
// of existing issues), but a live Jira can show them mid-change or through permissions, so they
// are built as Snapshot values and handed to createEmulator directly.

function cloneSnapshot(snapshot: Snapshot): Snapshot {
  return structuredClone(snapshot);
}

function issueOf(snapshot: Snapshot, key: string): SnapshotIssue {
  const issue = snapshot.issues.find((i) => i.key === key);
  if (!issue) throw new Error(`the snapshot has no issue ${key}`);
  return issue;
}

/** `childKey`'s parent is deleted: the issue is removed, its children keep pointing at it. */
export function withDeletedParent(
  snapshot: Snapshot,
  childKey: string,
): { snapshot: Snapshot; parentKey: string } {
  const out = cloneSnapshot(snapshot);
  const parentKey = issueOf(out, childKey).fields.parent;
  if (typeof parentKey !== 'string') throw new Error(`${childKey} has no parent to delete`);
  out.issues = out.issues.filter((i) => i.key !== parentKey);
  if (out.restrictions) delete out.restrictions[parentKey];
  return { snapshot: out, parentKey };
}

/** `childKey`'s parent is visible only to `visibleTo` (an issue-level security restriction). */
export function withHiddenParent(
  snapshot: Snapshot,
  childKey: string,
  visibleTo: readonly string[],
): { snapshot: Snapshot; parentKey: string } {
  const out = cloneSnapshot(snapshot);
  const parentKey = issueOf(out, childKey).fields.parent;
  if (typeof parentKey !== 'string') throw new Error(`${childKey} has no parent to hide`);
  out.restrictions = { ...out.restrictions, [parentKey]: [...visibleTo] };
  return { snapshot: out, parentKey };
}

/** `key` is visible only to `visibleTo`. */
export function withRestricted(snapshot: Snapshot, key: string, visibleTo: readonly string[]): Snapshot {
  const out = cloneSnapshot(snapshot);
  issueOf(out, key);
  out.restrictions = { ...out.restrictions, [key]: [...visibleTo] };
  return out;
}

/** Parent links that loop: keys[0] -> keys[1] -> ... -> keys[0]. */
export function withParentCycle(snapshot: Snapshot, keys: readonly string[]): Snapshot {
  if (keys.length === 0) throw new Error('a cycle needs at least one issue');
  const out = cloneSnapshot(snapshot);
  keys.forEach((key, i) => {
    const issue = issueOf(out, key);
    issue.fields = { ...issue.fields, parent: keys[(i + 1) % keys.length] ?? null };
  });
  return out;
}
