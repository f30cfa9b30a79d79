/** "Awaiting my acceptance": the stories the signed-in user may accept, bulk accept, reject with a reason. */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import DynamicTable from '@atlaskit/dynamic-table';
import type { RowType } from '@atlaskit/dynamic-table/types';
import type { BulkAcceptResult, QueueItem, QueueView, ResultError } from '../../../src/shared/contract';
import { MAX_BULK_ACCEPT } from '../../../src/shared/contract';
import { api } from '../api';
import { problemWithReason, RejectForm } from '../issue-panel/Decisions';
import { age } from '../lib/format';
import { StatusLozenge } from '../ui/findings';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { useResult } from '../ui/useResult';

export function QueuePage({ issueHref }: { issueHref: (key: string) => string }) {
  const { value, reload } = useResult(() => api.getQueue({}), []);
  // What the last action did outlives the reload that follows it.
  const [outcome, setOutcome] = useState<BulkAcceptResult | null>(null);
  const [rejected, setRejected] = useState<string | null>(null);
  return (
    <main aria-label="Awaiting my acceptance">
      <h1>Awaiting my acceptance</h1>
      {outcome && <Outcome outcome={outcome} />}
      {rejected && (
        <p role="status" data-outcome="rejected">
          {rejected} rejected.
        </p>
      )}
      {value.state === 'loading' && <Loading label="Finding the stories waiting for you" />}
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
        <Empty title="Nothing is waiting for your acceptance">
          Stories you own (or accept for as a delegate) appear here once they are in progress or done.
        </Empty>
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
      { key: 'select', content: <span className="popm-sr-only">Select</span> },
      { key: 'key', content: 'Story' },
      { key: 'feature', content: 'Feature' },
      { key: 'status', content: 'Status' },
      { key: 'age', content: 'Waiting' },
      { key: 'criteria', content: 'Criteria' },
      { key: 'latest', content: 'Last decision' },
      { key: 'actions', content: <span className="popm-sr-only">Actions</span> },
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
            label={<span className="popm-sr-only">Select {item.key}</span>}
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
      { key: 'feature', content: item.feature ? `${item.feature.key} ${item.feature.summary}` : '—' },
      { key: 'status', content: <StatusLozenge status={item.status} /> },
      { key: 'age', content: item.waitingSince ? age(item.waitingSince, now) : '—' },
      { key: 'criteria', content: item.hasCriteria ? 'Yes' : <strong>None</strong> },
      {
        key: 'latest',
        content: item.latest ? (
          <span data-decision={item.latest.kind} data-by={item.latest.by}>
            {item.latest.kind} by {item.latest.byName}
            {item.latest.reason ? `: ${item.latest.reason}` : ''}
          </span>
        ) : (
          '—'
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
            Reject…
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
          {selected.size > 0 ? `Accept ${selected.size} selected` : 'Accept selected'}
        </Button>
        <span className="popm-muted">
          {tooMany
            ? `Select at most ${MAX_BULK_ACCEPT} stories at a time.`
            : `${items.length} ${items.length === 1 ? 'story is' : 'stories are'} waiting; done ones first, longest waiting first.`}
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
      <DynamicTable head={head} rows={rows} caption="Stories awaiting your acceptance" />
    </>
  );
}

function Outcome({ outcome }: { outcome: BulkAcceptResult }) {
  return (
    <div role="status" className="popm-section" data-outcome="bulk-accept">
      {outcome.accepted.length > 0 && <p>Accepted: {outcome.accepted.join(', ')}</p>}
      {outcome.refused.length > 0 && (
        <>
          <p>Not accepted:</p>
          <ul>
            {outcome.refused.map((r) => (
              <li key={r.issueKey} data-refused={r.issueKey}>
                {r.issueKey}: {r.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
