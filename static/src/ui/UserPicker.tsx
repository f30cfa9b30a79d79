/**
 * A simple accessible async people picker: a labelled search box, results announced in a live
 * region, each result a button. Uses the `searchUsers` resolver.
 */
import { useEffect, useId, useState } from 'react';
import Avatar from '@atlaskit/avatar';
import type { OwnerView, ResultError } from '../../../src/shared/contract';
import { api } from '../api';
import { ErrorMessage } from './states';
import { t, tp } from '../i18n';

export function UserPicker({
  issueKey,
  label,
  onPick,
  busy,
}: {
  issueKey?: string;
  label: string;
  onPick: (user: OwnerView) => void;
  busy?: boolean;
}) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<OwnerView[] | null>(null);
  const [error, setError] = useState<ResultError | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    const q = query.trim();
    if (q.length < 1) {
      setResults(null);
      return;
    }
    let cancelled = false;
    // Debounced so typing a name does not fire one request per key.
    const t = setTimeout(() => {
      setLoading(true);
      void api.searchUsers(issueKey ? { query: q, issueKey } : { query: q }).then((r) => {
        if (cancelled) return;
        setLoading(false);
        if (r.ok) {
          setResults(r.data);
          setError(null);
        } else {
          setResults(null);
          setError(r.error);
        }
      });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [query, issueKey]);

  return (
    <div className="popm-picker">
      <div className="popm-field">
        <label htmlFor={`${id}-q`}>{label}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={query}
          autoComplete="off"
          placeholder={t('picker.placeholder')}
          aria-describedby={`${id}-status`}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div id={`${id}-status`} role="status" aria-live="polite" className="popm-muted">
        {loading ? t('picker.searching') : results ? tp('picker.found', results.length) : ''}
      </div>
      {error && <ErrorMessage error={error} />}
      {results && results.length > 0 && (
        <ul className="popm-results" aria-label={t('picker.resultsLabel')}>
          {results.map((u) => (
            <li key={u.accountId}>
              <button type="button" disabled={busy} onClick={() => onPick(u)} data-account-id={u.accountId}>
                <Avatar size="xxsmall" src={u.avatarUrl} name={u.displayName} />
                {u.displayName}
                {!u.active && ` ${t('owners.inactive')}`}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
