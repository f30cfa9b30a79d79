/** Loading, error and empty states, the same on every surface. */
import type { ReactNode } from 'react';
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import type { ResultError } from '../../../src/shared/contract';
import { describeError, isRetryable } from '../errors';

export function Loading({ label }: { label: string }) {
  return (
    <div role="status" aria-live="polite" className="popm-loading">
      <Spinner size="medium" label={label} />
      <span className="popm-muted">{label}…</span>
    </div>
  );
}

export function ErrorMessage({ error, onRetry }: { error: ResultError; onRetry?: () => void }) {
  const d = describeError(error);
  const actions =
    onRetry && isRetryable(error.code)
      ? [
          <SectionMessageAction key="retry" onClick={onRetry}>
            {error.code === 'CONFLICT' ? 'Reload' : 'Try again'}
          </SectionMessageAction>,
        ]
      : undefined;
  return (
    <div role="alert" data-error-code={error.code}>
      <SectionMessage
        appearance={error.code === 'FORBIDDEN' || error.code === 'INVALID_STATE' ? 'warning' : 'error'}
        title={d.title}
        actions={actions}
      >
        <p>{d.action}</p>
        <p className="popm-muted">{d.detail}</p>
        {error.details && error.details.length > 0 && (
          <ul>
            {error.details.map((x) => (
              <li key={x.path + x.message}>
                <code>{x.path || '(root)'}</code>: {x.message}
              </li>
            ))}
          </ul>
        )}
      </SectionMessage>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="popm-empty" role="status">
      <p className="popm-empty-title">{title}</p>
      {children && <div className="popm-muted">{children}</div>}
    </div>
  );
}
