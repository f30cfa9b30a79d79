/** An error as Atlaskit's SectionMessage: what went wrong, what to do, the server's words, a retry. */
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import type { ResultError } from '../../../src/shared/contract';
import { describeError, isRetryable } from '../errors';
import { t, tx } from '../i18n';

export default function ErrorSection({ error, onRetry }: { error: ResultError; onRetry?: () => void }) {
  const d = describeError(error);
  const actions =
    onRetry && isRetryable(error.code)
      ? [
          <SectionMessageAction key="retry" onClick={onRetry}>
            {error.code === 'CONFLICT' ? t('errors.reload') : t('errors.tryAgain')}
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
                {tx('errors.detail', { path: <code>{x.path || t('errors.root')}</code>, message: x.message })}
              </li>
            ))}
          </ul>
        )}
      </SectionMessage>
    </div>
  );
}
