/** Exports the project's decision log as CSV, the same bytes as `popm decisions --format csv`. */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import type { DecisionLogRow, ResultError } from '../../../src/shared/contract';
import { decisionsToCsv } from '../../../src/shared/decision-log';
import { api } from '../api';
import { ErrorMessage } from '../ui/states';
import { t } from '../i18n';

export function DecisionLogExport({ projectKey }: { projectKey: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ResultError | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    const rows: DecisionLogRow[] = [];
    let cursor: string | undefined;
    do {
      const r = await api.getDecisionLog({ projectKey, ...(cursor ? { cursor } : {}) });
      if (!r.ok) {
        setBusy(false);
        return setError(r.error);
      }
      rows.push(...r.data.rows);
      cursor = r.data.cursor ?? undefined;
    } while (cursor);
    setBusy(false);
    const url = URL.createObjectURL(new Blob([decisionsToCsv(rows)], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${projectKey}-decisions.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <>
      <Button onClick={() => void run()} isDisabled={busy} data-action="export-decisions">
        {t('projectPage.exportDecisions')}
      </Button>
      {error && <ErrorMessage error={error} />}
    </>
  );
}
