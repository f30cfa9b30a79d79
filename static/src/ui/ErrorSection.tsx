/** An error as Atlaskit's SectionMessage: what went wrong, what to do, the server's words, a retry. */
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import type { ResultError } from '../../../src/shared/contract';
import { describeError, isRetryable } from '../errors';

export default function ErrorSection({ error, onRetry }: { error: ResultError; onRetry?: () => void }) {
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
