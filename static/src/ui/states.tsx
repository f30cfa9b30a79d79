/** Loading, error and empty states, the same on every surface. */
import { lazy, Suspense, type ReactNode } from 'react';
import Spinner from '@atlaskit/spinner';
import type { ResultError } from '../../../src/shared/contract';
import { describeError } from '../errors';
import { t } from '../i18n';

export function Loading({ label }: { label?: string }) {
  return (
    <div role="status" aria-live="polite" className="popm-loading">
      <Spinner size="medium" {...(label !== undefined ? { label } : {})} />
      {label !== undefined && <span className="popm-muted">{t('states.loading', { label })}</span>}
    </div>
  );
}

/**
 * Atlaskit's SectionMessage (with its buttons, tooltips and popper) is a chunk of its own: most
 * views never fail, so they never fetch it. Until it arrives the title and action show as text.
 */
const ErrorSection = lazy(() => import('./ErrorSection'));

export function ErrorMessage(props: { error: ResultError; onRetry?: () => void }) {
  const d = describeError(props.error);
  return (
    <Suspense
      fallback={
        <div role="alert" data-error-code={props.error.code}>
          <p>
            <strong>{d.title}</strong> {d.action}
          </p>
        </div>
      }
    >
      <ErrorSection {...props} />
    </Suspense>
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
