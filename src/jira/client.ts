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
  parseRetryAfter,
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
  /**
   * Pause before the next request after an answer that says a budget is nearly spent (and no
   * Beta-Retry-After names the wait): slowing down before Jira refuses costs less than a 429.
   */
  nearLimitPauseMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxTotalWaitMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  retryAfterJitterMs: 1_000,
  attemptReserveMs: 3_000,
  nearLimitPauseMs: 1_000,
};

/** Below this share of a budget left, Jira's own X-RateLimit-NearLimit turns true. */
const NEAR_LIMIT_SHARE = 0.2;

/** What an answer's rate-limit headers say about the app's budgets (Jira Cloud, "Rate limiting"). */
export interface RateSignal {
  /**
   * Less than 20% of some budget is left: `X-RateLimit-NearLimit: true` (or its beta form while a
   * limit is reported but not enforced), or `X-RateLimit-Remaining` below 20% of `X-RateLimit-Limit`.
   */
  nearLimit: boolean;
  /** The wait Jira would ask for under a limit it reports but does not enforce yet (Beta-Retry-After). */
  betaRetryAfterMs: number | undefined;
}

/** Reads the rate-limit headers of any answer, 2xx included (names are lower case). Pure. */
export function readRateSignal(headers: Record<string, string>, nowMs: number): RateSignal {
  const flag = (name: string) => headers[name]?.trim().toLowerCase() === 'true';
  const remaining = Number(headers['x-ratelimit-remaining'] ?? NaN);
  const limit = Number(headers['x-ratelimit-limit'] ?? NaN);
  const low = limit > 0 && remaining >= 0 && remaining < limit * NEAR_LIMIT_SHARE;
  return {
    nearLimit: flag('x-ratelimit-nearlimit') || flag('x-beta-ratelimit-nearlimit') || low,
    betaRetryAfterMs: parseRetryAfter(headers['beta-retry-after'], nowMs),
  };
}

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
  /** Wait before the next request, from the last answer's rate-limit headers. */
  private pauseMs = 0;
  private paused = 0;
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

  /** Time spent pausing because Jira said a budget was nearly spent, in ms. */
  get pausedMs(): number {
    return this.paused;
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
      await this.pace();
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

  /**
   * Waits as the last answer asked before sending the next request, within the deadline: a pause
   * the invocation cannot afford is skipped (the request may still get through; a 429 is retried).
   */
  private async pace(): Promise<void> {
    const ms = this.pauseMs;
    if (ms <= 0 || remainingMs(this.deadline) < ms + this.policy.attemptReserveMs) return;
    this.paused += ms;
    await this.sleep(ms);
  }

  private notePace(response: TransportResponse): void {
    // A 429 is waited for by the retry loop with its own Retry-After; no pause on top.
    if (response.status === 429) {
      this.pauseMs = 0;
      return;
    }
    const signal = readRateSignal(response.headers, this.now());
    const asked = signal.betaRetryAfterMs ?? (signal.nearLimit ? this.policy.nearLimitPauseMs : 0);
    this.pauseMs = Math.min(asked, this.policy.maxDelayMs);
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
    this.notePace(response);
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
