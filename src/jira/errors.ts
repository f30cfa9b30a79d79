/**
 * Every way a Jira call can fail, by kind, in one place (after jira.js's `core/errors`). Callers
 * branch on `kind` through `isJiraError`, never on message text; messages are written for the
 * person who has to act on them (the CLI prints them as they are, the UI maps `kind` to its own
 * words). The underlying failure (network error, zod error) is the standard `Error.cause`.
 */
import { z } from 'zod';
import type { TransportRequest, TransportResponse } from './transport';

export const JIRA_ERROR_KINDS = [
  'auth',
  'forbidden',
  'not-found',
  'rate-limit',
  'server',
  'network',
  'bad-request',
  'bad-response',
] as const;
export type JiraErrorKind = (typeof JIRA_ERROR_KINDS)[number];

export interface JiraErrorDetails {
  status?: number;
  method?: TransportRequest['method'];
  path?: string;
  /** Jira's `errorMessages`, when the body was Jira's error shape. */
  errorMessages?: string[];
  /** Jira's `errors` (per parameter), when the body was Jira's error shape. */
  errors?: Record<string, string>;
  /** How long Jira asked us to wait (429/503 `Retry-After`), when it said. */
  retryAfterMs?: number;
  /** How many attempts were made before giving up (retries included). */
  attempts?: number;
  /** The underlying failure (network error, zod error), chained as `Error.cause`. */
  cause?: unknown;
}

export class JiraError extends Error {
  /** Why the call failed, for callers and for the UI's error codes. */
  readonly kind: JiraErrorKind;
  readonly status: number | undefined;
  readonly method: TransportRequest['method'] | undefined;
  readonly path: string | undefined;
  readonly errorMessages: string[];
  readonly errors: Record<string, string>;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number | undefined;

  constructor(kind: JiraErrorKind, message: string, details: JiraErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'JiraError';
    this.kind = kind;
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.errorMessages = details.errorMessages ?? [];
    this.errors = details.errors ?? {};
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
  }
}

/** Whether `error` is a JiraError (of `kind`, when given): the one way callers branch on a failure. */
export function isJiraError(error: unknown, kind?: JiraErrorKind): error is JiraError {
  return error instanceof JiraError && (kind === undefined || error.kind === kind);
}

/** Causes worth another attempt: the same request may well succeed a moment later. */
export function isRetryableKind(kind: JiraErrorKind): boolean {
  return kind === 'rate-limit' || kind === 'server' || kind === 'network';
}

const errorCollectionSchema = z.looseObject({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
  // Some gateways (and older endpoints) answer `{ "message": "..." }` instead.
  message: z.string().optional(),
});

/** Jira's `ErrorCollection` from a response body, or empty when the body is something else. */
export function parseErrorBody(text: string): { errorMessages: string[]; errors: Record<string, string> } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { errorMessages: [], errors: {} };
  }
  const parsed = errorCollectionSchema.safeParse(json);
  if (!parsed.success) return { errorMessages: [], errors: {} };
  const messages = [...(parsed.data.errorMessages ?? [])];
  if (parsed.data.message && messages.length === 0) messages.push(parsed.data.message);
  return { errorMessages: messages, errors: parsed.data.errors ?? {} };
}

/**
 * `Retry-After` in milliseconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns undefined when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

function jiraSays(errorMessages: string[], errors: Record<string, string>): string {
  const all = [...errorMessages, ...Object.entries(errors).map(([k, v]) => `${k}: ${v}`)];
  return all.length > 0 ? ` Jira says: ${all.join('; ')}` : '';
}

/** The error for a non-2xx answer. Never called for 2xx. */
export function errorFromResponse(
  request: TransportRequest,
  response: TransportResponse,
  nowMs: number = Date.now(),
): JiraError {
  const { status } = response;
  const { errorMessages, errors } = parseErrorBody(response.text);
  const where = `${request.method} ${request.path.split('?')[0] ?? request.path}`;
  const says = jiraSays(errorMessages, errors);
  const base = { status, method: request.method, path: request.path, errorMessages, errors };
  if (status === 401) {
    return new JiraError(
      'auth',
      `Jira refused the credentials (401) for ${where}: check the email and API token (or that the app is installed and authorised).${says}`,
      base,
    );
  }
  if (status === 403) {
    return new JiraError(
      'forbidden',
      `Jira denied access (403) to ${where}: the account lacks the permission this needs (for example Browse projects or Edit issues).${says}`,
      base,
    );
  }
  if (status === 404) {
    return new JiraError(
      'not-found',
      `Jira found nothing (404) at ${where}: check the project or issue key, and that the account can see it.${says}`,
      base,
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
    // Which limit: per second on one endpoint, the site's or the app's hourly points, one issue's writes.
    const reason = response.headers['ratelimit-reason'];
    const which = reason ? ` (${reason})` : '';
    return new JiraError(
      'rate-limit',
      `Jira is rate-limiting requests (429${which}) to ${where}: wait a little and try again.${says}`,
      { ...base, retryAfterMs },
    );
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
    return new JiraError(
      'server',
      `Jira failed with ${status} on ${where}: this is on Jira's side; try again later.${says}`,
      { ...base, retryAfterMs },
    );
  }
  if (status >= 400) {
    return new JiraError('bad-request', `Jira rejected the request (${status}) ${where}.${says}`, base);
  }
  // 1xx/3xx: fetch follows redirects, so reaching here means an answer we do not understand.
  return new JiraError('bad-response', `Jira answered ${where} with unexpected status ${status}.`, base);
}

/** The error for a request that got no HTTP answer at all. */
export function networkError(request: TransportRequest, source: unknown): JiraError {
  const reason = source instanceof Error ? source.message : String(source);
  return new JiraError(
    'network',
    `Could not reach Jira for ${request.method} ${request.path.split('?')[0] ?? request.path}: ${reason}. Check the site URL and the network.`,
    { method: request.method, path: request.path, cause: source },
  );
}

/** The error for a 2xx answer whose body is not what the operation returns. */
export function badResponseError(
  request: TransportRequest,
  status: number,
  reason: string,
  source?: unknown,
): JiraError {
  return new JiraError(
    'bad-response',
    `Jira answered ${request.method} ${request.path.split('?')[0] ?? request.path} (${status}) with a body we could not read: ${reason}.`,
    { status, method: request.method, path: request.path, cause: source },
  );
}

/**
 * Thrown by a transport that refuses to send a request at all (a path it will not trust). Unlike
 * a network failure it is never retried: the same request would be refused again.
 */
export class RequestRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestRefusedError';
  }
}

/**
 * Forge's `NeedsAuthenticationError` (@forge/api): the user has not yet granted the app access to
 * Jira on their behalf. Recognised by its name, as Forge's own `isHostedCodeError` does, so this
 * layer needs no Forge import. It is never retried or wrapped: it must leave the function as it
 * is, so that Jira shows the user its consent prompt.
 */
export const NEEDS_AUTHENTICATION_ERR = 'NEEDS_AUTHENTICATION_ERR';

export function isConsentRequired(error: unknown): error is Error {
  return error instanceof Error && error.name === NEEDS_AUTHENTICATION_ERR;
}
