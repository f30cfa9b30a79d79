/** Words a person can act on, per error code. The server's message is kept as the detail. */
import type { ErrorCode, ResultError } from '../../src/shared/contract';

export const ERROR_TITLES: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The app sent a request the server could not read',
  UNAUTHENTICATED: 'You are not signed in',
  FORBIDDEN: 'You do not have permission to do this',
  NOT_FOUND: 'Not found',
  INVALID_STATE: 'This cannot be done right now',
  INVALID_CONFIG: 'The configuration is not valid',
  CONFLICT: 'Someone else changed this first',
  RATE_LIMITED: 'Jira is busy',
  JIRA_UNAVAILABLE: 'Jira could not be reached',
  INTERNAL: 'Something went wrong in POPM Guard',
};

export const ERROR_ACTIONS: Record<ErrorCode, string> = {
  BAD_REQUEST: 'Reload the page. If it happens again, report it to your Jira admin with what you clicked.',
  UNAUTHENTICATED: 'Sign in to Jira again, then reload this page.',
  FORBIDDEN:
    'Ask the owner of this item or a Jira admin to do it, or to give you the needed role or delegation.',
  NOT_FOUND: 'Check the issue or project key. It may have been deleted, or you may not have access to it.',
  INVALID_STATE: 'Check the issue status: for example, a story still in "To Do" cannot be accepted yet.',
  INVALID_CONFIG: 'Fix the fields marked below and save again.',
  CONFLICT: 'Reload to get the latest version, then apply your change again.',
  RATE_LIMITED: 'Wait a minute and try again.',
  JIRA_UNAVAILABLE: 'Check your connection and try again in a moment.',
  INTERNAL: 'Try again. If it keeps failing, report it to your Jira admin.',
};

export function describeError(error: ResultError): { title: string; action: string; detail: string } {
  const action =
    error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined
      ? `Wait ${waitText(error.retryAfterMs)} and try again.`
      : ERROR_ACTIONS[error.code];
  return { title: ERROR_TITLES[error.code], action, detail: error.message };
}

/** "about 40 seconds", "about 2 minutes": Jira's Retry-After, rounded up for a person. */
function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return `about ${seconds} second${seconds === 1 ? '' : 's'}`;
  return `about ${Math.ceil(seconds / 60)} minutes`;
}

/** Codes worth offering a "Try again" for. */
export function isRetryable(code: ErrorCode): boolean {
  return code === 'RATE_LIMITED' || code === 'JIRA_UNAVAILABLE' || code === 'INTERNAL' || code === 'CONFLICT';
}
