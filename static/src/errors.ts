/** Words a person can act on, per error code. The server's message is kept as the detail. */
import type { ErrorCode, ResultError } from '../../src/shared/contract';
import { messages, t, tp } from './i18n';

export const ERROR_TITLES: Readonly<Record<ErrorCode, string>> = messages({
  BAD_REQUEST: 'errors.title.BAD_REQUEST',
  UNAUTHENTICATED: 'errors.title.UNAUTHENTICATED',
  FORBIDDEN: 'errors.title.FORBIDDEN',
  NOT_FOUND: 'errors.title.NOT_FOUND',
  INVALID_STATE: 'errors.title.INVALID_STATE',
  INVALID_CONFIG: 'errors.title.INVALID_CONFIG',
  CONFLICT: 'errors.title.CONFLICT',
  RATE_LIMITED: 'errors.title.RATE_LIMITED',
  JIRA_UNAVAILABLE: 'errors.title.JIRA_UNAVAILABLE',
  INTERNAL: 'errors.title.INTERNAL',
});

export const ERROR_ACTIONS: Readonly<Record<ErrorCode, string>> = messages({
  BAD_REQUEST: 'errors.action.BAD_REQUEST',
  UNAUTHENTICATED: 'errors.action.UNAUTHENTICATED',
  FORBIDDEN: 'errors.action.FORBIDDEN',
  NOT_FOUND: 'errors.action.NOT_FOUND',
  INVALID_STATE: 'errors.action.INVALID_STATE',
  INVALID_CONFIG: 'errors.action.INVALID_CONFIG',
  CONFLICT: 'errors.action.CONFLICT',
  RATE_LIMITED: 'errors.action.RATE_LIMITED',
  JIRA_UNAVAILABLE: 'errors.action.JIRA_UNAVAILABLE',
  INTERNAL: 'errors.action.INTERNAL',
});

export function describeError(error: ResultError): { title: string; action: string; detail: string } {
  const action =
    error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined
      ? t('errors.waitAndRetry', { wait: waitText(error.retryAfterMs) })
      : ERROR_ACTIONS[error.code];
  return { title: ERROR_TITLES[error.code], action, detail: error.message };
}

/** "about 40 seconds", "about 2 minutes": Jira's Retry-After, rounded up for a person. */
function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return tp('errors.waitSeconds', seconds);
  return tp('errors.waitMinutes', Math.ceil(seconds / 60));
}

/** Codes worth offering a "Try again" for. */
export function isRetryable(code: ErrorCode): boolean {
  return code === 'RATE_LIMITED' || code === 'JIRA_UNAVAILABLE' || code === 'INTERNAL' || code === 'CONFLICT';
}
