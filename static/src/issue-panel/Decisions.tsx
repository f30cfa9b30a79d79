/** A story's decisions (newest first) and the PO's accept / reject / revoke, with reasons when unavailable. */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import TextArea from '@atlaskit/textarea';
import type { DecisionAction, DecisionView, IssueView, ResultError } from '../../../src/shared/contract';
import { MAX_REASON_LENGTH } from '../../../src/domain/types';
import { api } from '../api';
import { Confirm } from '../ui/Confirm';
import { dateTime } from '../lib/format';

const KIND_WORDS: Record<DecisionView['kind'], string> = {
  accepted: 'Accepted',
  rejected: 'Rejected',
  revoked: 'Revoked',
};
const CATEGORY_WORDS = { new: 'not started', indeterminate: 'in progress', done: 'done' } as const;

export function DecisionHistory({ decisions }: { decisions: readonly DecisionView[] }) {
  if (decisions.length === 0) return <p className="popm-muted">No decisions yet.</p>;
  return (
    <ol className="popm-decisions" aria-label="Decisions, newest first">
      {decisions.map((d, i) => (
        <li key={`${d.at}-${i}`} data-decision={d.kind} data-by={d.by}>
          <strong>{KIND_WORDS[d.kind]}</strong> by {d.byName} on {dateTime(d.at)}, while{' '}
          {CATEGORY_WORDS[d.statusCategory]}
          {d.selfAppointed && <span className="popm-muted"> (had made themselves owner shortly before)</span>}
          {d.reason && <blockquote className="popm-reason">{d.reason}</blockquote>}
        </li>
      ))}
    </ol>
  );
}

export interface DecisionControlsProps {
  view: IssueView;
  /** After a decision: the flag's words, the write's answer (it carries the updated view), the action. */
  onDone: (message: string, answer: unknown, action: DecisionAction) => void;
  onError: (error: ResultError) => void;
}

/** Only the actions the signed-in user may take, and a line saying why each other one is not offered. */
export function DecisionControls({ view, onDone, onError }: DecisionControlsProps) {
  const { issue } = view;
  const [busy, setBusy] = useState(false);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [confirmingRevoke, setConfirmingRevoke] = useState(false);
  const actions = view.actions;
  if (!actions) return null;
  const anyAllowed = actions.accept.allowed || actions.reject.allowed || actions.revoke.allowed;

  const run = async (action: DecisionAction) => {
    setBusy(true);
    const r =
      action === 'accept'
        ? await api.acceptStory({ issueKey: issue.key })
        : action === 'reject'
          ? await api.rejectStory({ issueKey: issue.key, reason })
          : await api.revokeAcceptance({ issueKey: issue.key });
    setBusy(false);
    if (!r.ok) return onError(r.error);
    setRejecting(false);
    setReason('');
    onDone(
      action === 'accept'
        ? `${issue.key} accepted`
        : action === 'reject'
          ? `${issue.key} rejected`
          : `Acceptance of ${issue.key} revoked`,
      r.data,
      action,
    );
  };

  const reasonProblem = problemWithReason(reason);

  // People who may not decide at all get one sentence, not a row of disabled buttons.
  const unavailable = (['accept', 'reject', 'revoke'] as const)
    .map((a) => actions[a])
    .filter((s) => !s.allowed && s.reason)
    .map((s) => s.reason as string);
  const reasons = anyAllowed ? [...new Set(unavailable)] : [...new Set(unavailable)].slice(0, 1);

  return (
    <div className="popm-decision-controls">
      {anyAllowed && (
        <div className="popm-row-actions">
          {actions.accept.allowed && (
            <Button
              appearance="primary"
              isDisabled={busy}
              onClick={() => void run('accept')}
              data-action="accept"
            >
              Accept as {issue.role ?? 'owner'}
            </Button>
          )}
          {actions.reject.allowed && !rejecting && (
            <Button isDisabled={busy} onClick={() => setRejecting(true)} data-action="reject">
              Reject…
            </Button>
          )}
          {actions.revoke.allowed && (
            <Button isDisabled={busy} onClick={() => setConfirmingRevoke(true)} data-action="revoke">
              Revoke acceptance…
            </Button>
          )}
        </div>
      )}
      {rejecting && (
        <RejectForm
          issueKey={issue.key}
          reason={reason}
          problem={reasonProblem}
          busy={busy}
          onChange={setReason}
          onConfirm={() => void run('reject')}
          onCancel={() => setRejecting(false)}
        />
      )}
      <Confirm
        open={confirmingRevoke}
        title={`Revoke the acceptance of ${issue.key}?`}
        confirmLabel="Revoke acceptance"
        confirmAction="confirm-revoke"
        onCancel={() => setConfirmingRevoke(false)}
        onConfirm={() => {
          setConfirmingRevoke(false);
          void run('revoke');
        }}
      >
        <p>
          {issue.key} will no longer count as accepted: it shows again as done without a valid acceptance, and
          the revocation is added to its decisions. You or another Product Owner can accept it again later.
        </p>
      </Confirm>
      {reasons.length > 0 && (
        <ul className="popm-muted popm-unavailable" aria-label="Why some actions are not offered">
          {reasons.map((r) => (
            <li key={r} data-unavailable>
              {r}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function RejectForm(props: {
  issueKey: string;
  reason: string;
  problem: string | null;
  busy: boolean;
  onChange: (value: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const id = `popm-reason-${props.issueKey}`;
  return (
    <div className="popm-reject-form">
      <label htmlFor={id}>Why is {props.issueKey} not accepted?</label>
      <TextArea
        id={id}
        name="reason"
        data-field="reason"
        value={props.reason}
        minimumRows={3}
        maxHeight="12em"
        isInvalid={props.problem !== null && props.reason !== ''}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
      {props.problem && <p className="popm-muted">{props.problem}</p>}
      <div className="popm-row-actions">
        <Button
          appearance="warning"
          isDisabled={props.busy || props.problem !== null}
          onClick={props.onConfirm}
          data-action="confirm-reject"
        >
          Reject {props.issueKey}
        </Button>
        <Button appearance="subtle" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}

/** Why a typed reason cannot be sent yet, or null (the server checks the same bounds). */
export function problemWithReason(reason: string): string | null {
  const trimmed = reason.trim();
  if (trimmed === '') return 'Say why, so the team knows what to change.';
  if (trimmed.length > MAX_REASON_LENGTH)
    return `At most ${MAX_REASON_LENGTH} characters (now ${trimmed.length}).`;
  return null;
}
