/**
 * Failures a use case reports on purpose, with the contract's error code. Anything else that
 * escapes a service (JiraError, ConfigError, a bug) is mapped by the resolver layer.
 */
import type { ErrorCode, ResultError } from '../shared/contract';

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ResultError['details'],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const forbidden = (message: string) => new ServiceError('FORBIDDEN', message);
export const invalidState = (message: string) => new ServiceError('INVALID_STATE', message);
export const notFound = (message: string) => new ServiceError('NOT_FOUND', message);
