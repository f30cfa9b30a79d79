/**
 * The one place Jira requests are sent from: counts every attempt, retries what is worth
 * retrying within a bounded budget, turns failures into `JiraError`s and validates every body it
 * hands back. `sleep`, `random` and `now` are parameters so tests run instantly and decide the
 * jitter themselves.
 *
 * A Forge invocation is killed at its time limit without answering, so with a `deadline` the client
 * never starts a wait that would leave too little time for the attempt after it: it gives up at
 * once instead, and a rate limit is reported with the time Jira asked us to wait (`retryAfterMs`),
 * which the resolvers hand to the UI as RATE_LIMITED.
 */
import type { z } from 'zod';
import { remainingMs, type Deadline } from '../domain/deadline';
import {
  badResponseError,
  errorFromResponse,
  isConsentRequired,
  isRetryableKind,
  JiraError,
  networkError,
  type JiraErrorKind,
  RequestRefusedError,
} from './errors';
import type { Transport, TransportRequest, TransportResponse } from './transport';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Total time one request may spend waiting between attempts; a wait beyond it is not made. */
  maxTotalWaitMs: number;
  /** First backoff for 5xx/network errors (and 429 without Retry-After); doubles each retry. */
  baseDelayMs: number;
  /** Cap of one backoff step (before jitter). */
  maxDelayMs: number;
  /** Upper bound of the random extra added to a Retry-After wait, so clients told the same
   * Retry-After do not all come back in the same instant. */
  retryAfterJitterMs: number;
  /** Time kept free after a wait for the attempt itself and the answer, when there is a deadline. */
  attemptReserveMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxTotalWaitMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  retryAfterJitterMs: 1_000,
  attemptReserveMs: 3_000,
};

export interface RetryEvent {
  attempt: number;
  waitMs: number;
  error: JiraError;
}

export interface JiraClientOptions {
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), like Math.random. */
  random?: () => number;
  now?: () => number;
  onRetry?: (event: RetryEvent) => void;
  /** When the invocation must have answered; no wait is started that would cross it. */
  deadline?: Deadline;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The wait before retry number `retry` (1-based) of an error, or undefined to give up.
 * Exported for tests and for documentation of the policy; pure.
 */
export function retryDelay(
  error: JiraError,
  retry: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs + Math.floor(random() * policy.retryAfterJitterMs);
  }
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  // "Equal jitter": half fixed, half random, so the wait grows with every retry yet clients spread.
  return Math.floor(step / 2 + random() * (step / 2));
}

export class JiraClient {
  private count = 0;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly deadline: Deadline | undefined;

  constructor(
    private readonly transport: Transport,
    options: JiraClientOptions = {},
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (!(this.policy.maxAttempts >= 1)) throw new Error('retry.maxAttempts must be at least 1');
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.onRetry = options.onRetry;
    this.deadline = options.deadline;
  }

  /** Requests sent so far, every attempt counted (a retried request counts each time). */
  get requestCount(): number {
    return this.count;
  }

  /** Sends a request and validates its JSON body with `schema`. */
  async request<T>(request: TransportRequest, schema: z.ZodType<T>): Promise<T> {
    const response = await this.send(request);
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch (e) {
      throw badResponseError(request, response.status, 'not JSON', e);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first && first.path.length > 0 ? first.path.map(String).join('.') : '(root)';
      throw badResponseError(
        request,
        response.status,
        `${where}: ${first?.message ?? 'invalid'}`,
        parsed.error,
      );
    }
    return parsed.data;
  }

  /**
   * Sends a request whose answer body we do not read (204s, PUTs). `alsoAccept` names the non-2xx
   * statuses this one call treats as success: Jira's asynchronous operations answer 303 See Other
   * with the task's location, which is their success. Nothing else widens what counts as success.
   * `retryOnlyOn` narrows the retries to the kinds where Jira surely did nothing (a request that
   * must not run twice, such as a notification, is not retried after a network or server error).
   */
  async requestVoid(
    request: TransportRequest,
    options: { alsoAccept?: readonly 303[]; retryOnlyOn?: readonly JiraErrorKind[] } = {},
  ): Promise<void> {
    await this.send(request, options.alsoAccept ?? [], options.retryOnlyOn);
  }

  /** Sends with retries; resolves with a 2xx response (or one of `alsoAccept`) or rejects with a JiraError. */
  async send(
    request: TransportRequest,
    alsoAccept: readonly number[] = [],
    retryOnlyOn?: readonly JiraErrorKind[],
  ): Promise<TransportResponse> {
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request, alsoAccept);
      if (!(outcome instanceof JiraError)) return outcome;
      const error = outcome;
      const retryable = isRetryableKind(error.kind) && (retryOnlyOn?.includes(error.kind) ?? true);
      if (!retryable || attempt >= this.policy.maxAttempts) {
        throw withAttempts(error, attempt);
      }
      const waitMs = retryDelay(error, attempt, this.policy, this.random);
      if (waited + waitMs > this.policy.maxTotalWaitMs) throw withAttempts(error, attempt);
      if (remainingMs(this.deadline) < waitMs + this.policy.attemptReserveMs) {
        throw withAttempts(error, attempt, 'no time left in this request to wait for a retry');
      }
      this.onRetry?.({ attempt, waitMs, error });
      waited += waitMs;
      await this.sleep(waitMs);
    }
  }

  private async attempt(
    request: TransportRequest,
    alsoAccept: readonly number[],
  ): Promise<TransportResponse | JiraError> {
    this.count++;
    let response: TransportResponse;
    try {
      response = await this.transport(request);
    } catch (e) {
      // Not a network failure: the user has to consent first, and only Forge can ask them.
      if (isConsentRequired(e)) throw e;
      if (e instanceof RequestRefusedError) {
        throw new JiraError('bad-request', e.message, {
          method: request.method,
          path: request.path,
          cause: e,
        });
      }
      return networkError(request, e);
    }
    if ((response.status >= 200 && response.status < 300) || alsoAccept.includes(response.status))
      return response;
    return errorFromResponse(request, response, this.now());
  }
}

function withAttempts(error: JiraError, attempts: number, reason?: string): JiraError {
  const parts = [
    ...(attempts > 1 ? [`gave up after ${attempts} attempts`] : []),
    ...(reason ? [reason] : []),
    ...(error.retryAfterMs !== undefined
      ? [`Jira asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s`]
      : []),
  ];
  const suffix = parts.length > 0 ? ` (${parts.join('; ')})` : '';
  return new JiraError(error.kind, `${error.message}${suffix}`, {
    status: error.status,
    method: error.method,
    path: error.path,
    errorMessages: error.errorMessages,
    errors: error.errors,
    retryAfterMs: error.retryAfterMs,
    attempts,
    // The attempt that gave up, with its own chain (the network or parse error) behind it.
    cause: error,
  });
}
