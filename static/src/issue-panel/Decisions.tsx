/** A story's decisions (newest first) and the PO's accept / reject / revoke, with reasons when unavailable. */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import TextArea from '@atlaskit/textarea';
import type { DecisionAction, DecisionView, IssueView, ResultError } from '../../../src/shared/contract';
import { MAX_REASON_LENGTH } from '../../../src/domain/types';
import { api } from '../api';
import { Confirm } from '../ui/Confirm';
import { dateTime } from '../lib/format';
import { messages, t, tx } from '../i18n';

const KIND_WORDS: Readonly<Record<DecisionView['kind'], string>> = messages({
  accepted: 'decisions.kind.accepted',
  rejected: 'decisions.kind.rejected',
  revoked: 'decisions.kind.revoked',
});
const CATEGORY_WORDS = messages({
  new: 'decisions.category.new',
  indeterminate: 'decisions.category.indeterminate',
  done: 'decisions.category.done',
});

export function DecisionHistory({ decisions }: { decisions: readonly DecisionView[] }) {
  if (decisions.length === 0) return <p className="popm-muted">{t('decisions.none')}</p>;
  return (
    <ol className="popm-decisions" aria-label={t('decisions.listLabel')}>
      {decisions.map((d, i) => (
        <li key={`${d.at}-${i}`} data-decision={d.kind} data-by={d.by}>
          {tx('decisions.entry', {
            kind: <strong>{KIND_WORDS[d.kind]}</strong>,
            who: d.byName,
            when: dateTime(d.at),
            category: CATEGORY_WORDS[d.statusCategory],
          })}
          {d.selfAppointed && <span className="popm-muted"> {t('decisions.selfAppointed')}</span>}
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
        ? t('decisions.done.accept', { issue: issue.key })
        : action === 'reject'
          ? t('decisions.done.reject', { issue: issue.key })
          : t('decisions.done.revoke', { issue: issue.key }),
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
              {t('decisions.acceptAs', { role: issue.role ?? t('issuePanel.ownerWord') })}
            </Button>
          )}
          {actions.reject.allowed && !rejecting && (
            <Button isDisabled={busy} onClick={() => setRejecting(true)} data-action="reject">
              {t('decisions.reject')}
            </Button>
          )}
          {actions.revoke.allowed && (
            <Button isDisabled={busy} onClick={() => setConfirmingRevoke(true)} data-action="revoke">
              {t('decisions.revokeEllipsis')}
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
        title={t('decisions.revokeTitle', { issue: issue.key })}
        confirmLabel={t('decisions.revoke')}
        confirmAction="confirm-revoke"
        onCancel={() => setConfirmingRevoke(false)}
        onConfirm={() => {
          setConfirmingRevoke(false);
          void run('revoke');
        }}
      >
        <p>{t('decisions.revokeBody', { issue: issue.key })}</p>
      </Confirm>
      {reasons.length > 0 && (
        <ul className="popm-muted popm-unavailable" aria-label={t('decisions.unavailableLabel')}>
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
      <label htmlFor={id}>{t('decisions.reasonLabel', { issue: props.issueKey })}</label>
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
          {t('decisions.confirmReject', { issue: props.issueKey })}
        </Button>
        <Button appearance="subtle" onClick={props.onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </div>
  );
}

/** Why a typed reason cannot be sent yet, or null (the server checks the same bounds). */
export function problemWithReason(reason: string): string | null {
  const trimmed = reason.trim();
  if (trimmed === '') return t('decisions.reasonMissing');
  if (trimmed.length > MAX_REASON_LENGTH)
    return t('decisions.reasonTooLong', { max: MAX_REASON_LENGTH, length: trimmed.length });
  return null;
}
