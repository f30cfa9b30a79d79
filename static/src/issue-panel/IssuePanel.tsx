/** The issue panel: ownership chain, this issue's findings, the items below, accept/revoke, owner. */
import { useRef, useState } from 'react';
import { SectionTitle, SubTitle } from '../ui/headings';
import Button from '@atlaskit/button/new';
import { showFlag } from '@forge/bridge';
import type { IssueSummary, IssueView, OwnerView, ResultError } from '../../../src/shared/contract';
import { api } from '../api';
import { Acceptance, FindingList, Owners } from '../ui/findings';
import { ErrorMessage, Loading } from '../ui/states';
import { UserPicker } from '../ui/UserPicker';
import { Confirm } from '../ui/Confirm';
import { IssueLink } from '../ui/IssueLink';
import { BelowSection } from './BelowSection';
import { useFocusAfterUpdate } from '../ui/focus';
import { useIssueView } from '../ui/useIssueView';
import { DecisionControls, DecisionHistory } from './Decisions';
import { dateTime, LEVEL_LABEL } from '../lib/format';
import { t, tp, tx } from '../i18n';

function flag(title: string, type: 'success' | 'error' | 'info' = 'success') {
  try {
    showFlag({ id: `popm-${Date.now()}`, title, type, isAutoDismiss: true });
  } catch {
    // A host without flags still shows the result inline.
  }
}

export function IssuePanel({ issueKey }: { issueKey: string | undefined }) {
  if (!issueKey) return <ErrorMessage error={{ code: 'NOT_FOUND', message: t('issuePanel.noIssue') }} />;
  return <IssuePanelFor issueKey={issueKey} />;
}

function IssuePanelFor({ issueKey }: { issueKey: string }) {
  const { value, reload, refresh } = useIssueView(issueKey);
  if (value.state === 'loading') return <Loading label={t('issuePanel.loading', { issue: issueKey })} />;
  if (value.state === 'error') return <ErrorMessage error={value.error} onRetry={reload} />;
  return <IssuePanelView view={value.data} onChanged={refresh} />;
}

export function ChainRow({ issue, current }: { issue: IssueSummary; current: boolean }) {
  return (
    <li aria-current={current ? 'true' : undefined}>
      <span className="popm-muted">{LEVEL_LABEL[issue.level]}</span>
      <span>
        <span>
          <IssueLink issueKey={issue.key} /> {issue.summary}
        </span>
        <br />
        <Owners issue={issue} />
      </span>
    </li>
  );
}

export function IssuePanelView({
  view,
  onChanged,
}: {
  view: IssueView;
  /** After a write: updates the view in place from the write's answer (or asks again quietly). */
  onChanged: (answer?: unknown) => Promise<ResultError | null>;
}) {
  const { issue } = view;
  const [actionError, setActionError] = useState<ResultError | null>(null);
  const root = useRef<HTMLElement>(null);
  const focusNext = useFocusAfterUpdate(root, view);

  /** Updates the view after a write, then puts focus back where the person was acting. */
  const afterWrite = async (answer: unknown, focus: readonly string[]) => {
    focusNext(focus);
    const e = await onChanged(answer);
    if (e) setActionError(e);
  };
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const [removing, setRemoving] = useState<OwnerView | null>(null);

  // A multi-user owner field gains and loses people one at a time; a single one is replaced. Owners
  // that come from a team or project fallback are not in the field, so the field starts empty.
  const addsOwners = view.ownerField?.multi === true;
  const fieldOwners = issue.ownerSource === 'field' ? issue.owners.map((o) => o.accountId) : [];
  const role = issue.role ?? t('issuePanel.ownerWord');

  const writeOwners = async (accountIds: string[], done: string) => {
    setBusy(true);
    setActionError(null);
    const r = await api.setOwner({ issueKey: issue.key, accountIds });
    setBusy(false);
    if (!r.ok) return setActionError(r.error);
    setPicking(false);
    flag(done);
    await afterWrite(r.data, ['set-owner']);
  };

  const setOwner = (user: OwnerView) =>
    addsOwners
      ? writeOwners(
          [...fieldOwners.filter((id) => id !== user.accountId), user.accountId],
          t('issuePanel.ownerAdded', { name: user.displayName, role, issue: issue.key }),
        )
      : writeOwners(
          [user.accountId],
          t('issuePanel.ownerSet', { name: user.displayName, role, issue: issue.key }),
        );

  const removeOwner = (user: OwnerView) =>
    writeOwners(
      fieldOwners.filter((id) => id !== user.accountId),
      t('issuePanel.ownerRemoved', { name: user.displayName, role, issue: issue.key }),
    );

  const isStory = issue.level === 'team';
  const hasBelow = issue.level === 'program' || issue.level === 'portfolio';

  return (
    <main aria-label={t('issuePanel.label', { issue: issue.key })} ref={root}>
      <section className="popm-section" aria-labelledby="popm-chain-h">
        <SectionTitle id="popm-chain-h">{t('issuePanel.ownership')}</SectionTitle>
        <ol className="popm-chain">
          {view.chain.map((c) => (
            <ChainRow key={c.key} issue={c} current={false} />
          ))}
          <ChainRow issue={issue} current />
        </ol>
        {view.permissions.setOwner && issue.role && (
          <div className="popm-section">
            {addsOwners && fieldOwners.length > 0 && (
              <p className="popm-muted" id="popm-owner-edit-h">
                {t('issuePanel.ownersInField', {
                  role: issue.role,
                  field: view.ownerField?.name ?? t('issuePanel.ownerWord'),
                })}
              </p>
            )}
            {addsOwners && fieldOwners.length > 0 && (
              <ul className="popm-owner-edit" aria-labelledby="popm-owner-edit-h">
                {issue.owners.map((o) => (
                  <li key={o.accountId}>
                    {o.displayName}{' '}
                    <Button
                      appearance="subtle"
                      isDisabled={busy}
                      data-action="remove-owner"
                      aria-label={t('issuePanel.removeOwnerLabel', { name: o.displayName, role })}
                      onClick={() => setRemoving(o)}
                    >
                      {t('issuePanel.removeEllipsis')}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
            <Confirm
              open={removing !== null}
              title={t('issuePanel.removeTitle', { name: removing?.displayName ?? '', role: issue.role })}
              confirmLabel={t('issuePanel.remove')}
              confirmAction="confirm-remove-owner"
              onCancel={() => setRemoving(null)}
              onConfirm={() => {
                const o = removing;
                setRemoving(null);
                if (o) void removeOwner(o);
              }}
            >
              <p>
                {t('issuePanel.removeBody', {
                  name: removing?.displayName ?? '',
                  field: view.ownerField?.name ?? t('issuePanel.ownerWord'),
                  issue: issue.key,
                })}{' '}
                {fieldOwners.length > 1
                  ? tp('issuePanel.removeOthersStay', fieldOwners.length - 1, {
                      names: issue.owners
                        .filter((x) => x.accountId !== removing?.accountId)
                        .map((x) => x.displayName)
                        .join(', '),
                      role: issue.role,
                    })
                  : t('issuePanel.removeNoneLeft', { issue: issue.key, role: issue.role })}
              </p>
            </Confirm>
            {picking ? (
              <>
                <UserPicker
                  mode="pick"
                  issueKey={issue.key}
                  label={
                    addsOwners
                      ? t('issuePanel.addOwnerLabel', { role: issue.role })
                      : t('issuePanel.newOwnerLabel', { role: issue.role })
                  }
                  onPick={(u) => void setOwner(u)}
                  isDisabled={busy}
                  autoFocus
                />
                <Button appearance="subtle" onClick={() => setPicking(false)}>
                  {t('common.cancel')}
                </Button>
              </>
            ) : (
              <Button onClick={() => setPicking(true)} data-action="set-owner">
                {addsOwners
                  ? t('issuePanel.addOwner', { role: issue.role })
                  : t('issuePanel.setOwner', { role: issue.role })}
              </Button>
            )}
          </div>
        )}
      </section>

      {actionError && (
        <ErrorMessage
          error={actionError}
          onRetry={() => {
            setActionError(null);
            void onChanged().then((e) => e && setActionError(e));
          }}
        />
      )}

      {isStory && (
        <section className="popm-section" aria-labelledby="popm-acc-h">
          <SectionTitle id="popm-acc-h">{t('issuePanel.acceptance')}</SectionTitle>
          <p>
            <Acceptance issue={issue} />
          </p>
          {issue.acceptance && (
            <p className="popm-muted" data-acceptance-record>
              {tx('issuePanel.recordedBy', {
                who: issue.acceptance.acceptedByName ?? issue.acceptance.acceptedBy,
                when: (
                  <time dateTime={issue.acceptance.acceptedAt}>{dateTime(issue.acceptance.acceptedAt)}</time>
                ),
              })}
            </p>
          )}
          <DecisionControls
            view={view}
            onError={setActionError}
            onDone={(message, answer, action) => {
              setActionError(null);
              flag(message);
              void afterWrite(
                answer,
                action === 'revoke' ? ['revoke', 'accept'] : [action, 'revoke', 'accept'],
              );
            }}
          />
          <SubTitle id="popm-decisions-h">{t('issuePanel.decisions')}</SubTitle>
          <DecisionHistory decisions={view.decisions ?? []} />
          {view.propertyMismatch && <p className="popm-muted">{t('issuePanel.propertyMismatch')}</p>}
        </section>
      )}

      <section className="popm-section" aria-labelledby="popm-find-h">
        <SectionTitle id="popm-find-h">{t('issuePanel.findingsOn', { issue: issue.key })}</SectionTitle>
        <FindingList findings={issue.findings} label={t('issuePanel.findingsOn', { issue: issue.key })} />
      </section>

      {hasBelow && <BelowSection key={issue.key} view={view} onError={setActionError} />}
    </main>
  );
}
