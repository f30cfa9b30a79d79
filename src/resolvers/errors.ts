/** Every failure a resolver can meet, mapped once to the contract's Result envelope. */
import { ConfigError, MAX_CONFIG_ISSUES } from '../domain/config';
import { DeadlineError } from '../domain/deadline';
import { JiraError, type JiraErrorKind } from '../jira/errors';
import { JqlError } from '../jira/jql';
import { ServiceError } from '../services/errors';
import { fail, type ErrorCode, type Result, type ResultError } from '../shared/contract';
import { AcceptanceChangeRefused } from '../storage/acceptance-store';
import { RevisionConflictError } from '../storage/config-store';
import { StoreBusyError } from '../storage/kvs';

const JIRA_CODES: Record<JiraErrorKind, ErrorCode> = {
  auth: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  'rate-limit': 'RATE_LIMITED',
  server: 'JIRA_UNAVAILABLE',
  network: 'JIRA_UNAVAILABLE',
  'bad-request': 'BAD_REQUEST',
  'bad-response': 'JIRA_UNAVAILABLE',
};

/** As many details as a BAD_REQUEST carries: the person needs the first few, not thousands. */
function capped(details: ResultError['details']): ResultError['details'] {
  return details?.slice(0, MAX_CONFIG_ISSUES);
}

export function toFailure(
  error: unknown,
  log?: (m: string, extra?: Record<string, unknown>) => void,
): Result<never> {
  if (error instanceof ServiceError) return fail(error.code, error.message, capped(error.details));
  if (error instanceof JiraError) {
    const code = JIRA_CODES[error.kind];
    return fail(code, error.message, undefined, code === 'RATE_LIMITED' ? error.retryAfterMs : undefined);
  }
  // Out of time before a wait or a write could finish: nothing was changed, and trying again is
  // the remedy, as for a rate limit (which is what usually ate the time).
  if (error instanceof DeadlineError)
    return fail('RATE_LIMITED', error.message, undefined, error.retryAfterMs);
  if (error instanceof ConfigError) return fail('INVALID_CONFIG', error.message, capped(error.issues));
  if (error instanceof RevisionConflictError || error instanceof StoreBusyError)
    return fail('CONFLICT', error.message);
  if (error instanceof JqlError) return fail('BAD_REQUEST', error.message);
  if (error instanceof AcceptanceChangeRefused) return fail('INTERNAL', error.message);
  // A bug: say so without leaking internals; the log keeps the detail.
  log?.('resolver failed unexpectedly', {
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return fail('INTERNAL', 'POPM Guard hit an unexpected problem; the app log has the details.');
}
