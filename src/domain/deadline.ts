/**
 * The time one Forge invocation has left. Forge kills a function at its limit (resolvers and the
 * validator 25 s, triggers 55 s, queue consumers 900 s) without letting it answer, so every wait
 * and every write sequence asks here first whether it can finish in time. The clock is a
 * parameter: tests run it virtually.
 */

export interface Deadline {
  /** Epoch milliseconds by which the invocation must have answered. */
  readonly at: number;
  readonly now: () => number;
}

export function deadlineAfter(ms: number, now: () => number = Date.now): Deadline {
  return { at: now() + ms, now };
}

/** Milliseconds left (negative once passed); Infinity without a deadline. */
export function remainingMs(deadline: Deadline | undefined): number {
  return deadline === undefined ? Number.POSITIVE_INFINITY : deadline.at - deadline.now();
}

/**
 * Thrown instead of starting work that could not finish before the deadline. Nothing was changed
 * by the refused step. `retryAfterMs` is how long the caller should wait before trying again
 * when that is known (Jira's Retry-After).
 */
export class DeadlineError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/** Throws DeadlineError unless at least `neededMs` remain. */
export function requireBudget(deadline: Deadline | undefined, neededMs: number, what: string): void {
  const left = remainingMs(deadline);
  if (left < neededMs) {
    throw new DeadlineError(
      `not enough time left in this request to ${what} safely (${Math.max(0, Math.floor(left))} ms left, ${neededMs} ms needed); nothing was changed, try again`,
    );
  }
}
