/** "Awaiting my acceptance": the stories the signed-in user may accept, bulk accept, reject with a reason. */
import { useState } from 'react';
import { PageTitle } from '../ui/headings';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import DynamicTable from '@atlaskit/dynamic-table';
import type { RowType } from '@atlaskit/dynamic-table/types';
import type { BulkAcceptResult, QueueItem, QueueView, ResultError } from '../../../src/shared/contract';
import { MAX_BULK_ACCEPT } from '../../../src/shared/limits';
import { api } from '../api';
import { problemWithReason, RejectForm } from '../issue-panel/Decisions';
import { age } from '../lib/format';
import { StatusLozenge } from '../ui/findings';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { useResult } from '../ui/useResult';
import { messages, t, tp } from '../i18n';

const LATEST_KIND = messages({
  accepted: 'queue.kind.accepted',
  rejected: 'queue.kind.rejected',
  revoked: 'queue.kind.revoked',
});

export function QueuePage({ issueHref }: { issueHref: (key: string) => string }) {
  const { value, reload } = useResult(() => api.getQueue({}), []);
  // What the last action did outlives the reload that follows it.
  const [outcome, setOutcome] = useState<BulkAcceptResult | null>(null);
  const [rejected, setRejected] = useState<string | null>(null);
  return (
    <main aria-label={t('queue.title')}>
      <PageTitle>{t('queue.title')}</PageTitle>
      {outcome && <Outcome outcome={outcome} />}
      {rejected && (
        <p role="status" data-outcome="rejected">
          {t('queue.rejected', { issue: rejected })}
        </p>
      )}
      {value.state === 'loading' && <Loading label={t('queue.loading')} />}
      {value.state === 'error' && <ErrorMessage error={value.error} onRetry={reload} />}
      {value.state === 'ok' && (
        <QueueTable
          view={value.data}
          issueHref={issueHref}
          onChanged={reload}
          onOutcome={(o) => {
            setRejected(null);
            setOutcome(o);
          }}
          onRejected={(key) => {
            setOutcome(null);
            setRejected(key);
          }}
        />
      )}
    </main>
  );
}

function QueueTable(props: {
  view: QueueView;
  issueHref: (key: string) => string;
  onChanged: () => void;
  onOutcome: (outcome: BulkAcceptResult) => void;
  onRejected: (issueKey: string) => void;
}) {
  const { items } = props.view;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ResultError | null>(null);
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [reason, setReason] = useState('');

  if (items.length === 0)
    return (
      <>
        <Empty title={t('queue.empty')}>{t('queue.emptyHint')}</Empty>
      </>
    );

  const toggle = (key: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });

  const bulkAccept = async () => {
    setBusy(true);
    setError(null);
    const r = await api.bulkAccept({ issueKeys: [...selected] });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    props.onOutcome(r.data);
    setSelected(new Set());
    props.onChanged();
  };

  const reject = async () => {
    if (!rejecting) return;
    setBusy(true);
    setError(null);
    const r = await api.rejectStory({ issueKey: rejecting, reason });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    props.onRejected(rejecting);
    setRejecting(null);
    setReason('');
    props.onChanged();
  };

  const now = new Date();
  const head = {
    cells: [
      { key: 'select', content: <span className="popm-sr-only">{t('queue.column.select')}</span> },
      { key: 'key', content: t('queue.column.story') },
      { key: 'feature', content: t('queue.column.feature') },
      { key: 'status', content: t('queue.column.status') },
      { key: 'age', content: t('queue.column.waiting') },
      { key: 'criteria', content: t('queue.column.criteria') },
      { key: 'latest', content: t('queue.column.latest') },
      { key: 'actions', content: <span className="popm-sr-only">{t('queue.column.actions')}</span> },
    ],
  };
  const rows: RowType[] = items.map((item: QueueItem) => ({
    key: item.key,
    ...({ 'data-issue-key': item.key } as object),
    cells: [
      {
        key: 'select',
        content: (
          <Checkbox
            isChecked={selected.has(item.key)}
            onChange={() => toggle(item.key)}
            label={<span className="popm-sr-only">{t('queue.selectOne', { issue: item.key })}</span>}
            {...({ 'data-select': item.key } as object)}
          />
        ),
      },
      {
        key: 'key',
        content: (
          <span>
            <a href={props.issueHref(item.key)} target="_top">
              {item.key}
            </a>{' '}
            {item.summary}
          </span>
        ),
      },
      {
        key: 'feature',
        content: item.feature
          ? t('queue.feature', { issue: item.feature.key, summary: item.feature.summary })
          : t('queue.nothing'),
      },
      { key: 'status', content: <StatusLozenge status={item.status} /> },
      { key: 'age', content: item.waitingSince ? age(item.waitingSince, now) : t('queue.nothing') },
      {
        key: 'criteria',
        content: item.hasCriteria ? t('queue.criteriaYes') : <strong>{t('queue.criteriaNone')}</strong>,
      },
      {
        key: 'latest',
        content: item.latest ? (
          <span data-decision={item.latest.kind} data-by={item.latest.by}>
            {item.latest.reason
              ? t('queue.latestWithReason', {
                  kind: LATEST_KIND[item.latest.kind],
                  who: item.latest.byName,
                  reason: item.latest.reason,
                })
              : t('queue.latest', { kind: LATEST_KIND[item.latest.kind], who: item.latest.byName })}
          </span>
        ) : (
          t('queue.nothing')
        ),
      },
      {
        key: 'actions',
        content: (
          <Button
            appearance="subtle"
            isDisabled={busy}
            onClick={() => {
              setRejecting(item.key);
              setReason('');
            }}
            data-action="reject"
          >
            {t('decisions.reject')}
          </Button>
        ),
      },
    ],
  }));

  const problem = problemWithReason(reason);
  const tooMany = selected.size > MAX_BULK_ACCEPT;

  return (
    <>
      <div className="popm-queue-toolbar">
        <Button
          appearance="primary"
          isDisabled={busy || selected.size === 0 || tooMany}
          onClick={() => void bulkAccept()}
          data-action="bulk-accept"
        >
          {selected.size > 0 ? t('queue.acceptN', { count: selected.size }) : t('queue.acceptSelected')}
        </Button>
        <span className="popm-muted">
          {tooMany ? t('queue.tooMany', { max: MAX_BULK_ACCEPT }) : tp('queue.waiting', items.length)}
        </span>
      </div>
      {error && <ErrorMessage error={error} />}
      {rejecting && (
        <RejectForm
          issueKey={rejecting}
          reason={reason}
          problem={problem}
          busy={busy}
          onChange={setReason}
          onConfirm={() => void reject()}
          onCancel={() => setRejecting(null)}
        />
      )}
      <DynamicTable head={head} rows={rows} caption={t('queue.caption')} />
    </>
  );
}

function Outcome({ outcome }: { outcome: BulkAcceptResult }) {
  return (
    <div role="status" className="popm-section" data-outcome="bulk-accept">
      {outcome.accepted.length > 0 && <p>{t('queue.accepted', { issues: outcome.accepted.join(', ') })}</p>}
      {outcome.refused.length > 0 && (
        <>
          <p>{t('queue.notAccepted')}</p>
          <ul>
            {outcome.refused.map((r) => (
              <li key={r.issueKey} data-refused={r.issueKey}>
                {t('queue.refused', { issue: r.issueKey, message: r.message })}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
