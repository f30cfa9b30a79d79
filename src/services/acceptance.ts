/**
 * Accepting and revoking a story's acceptance. The app's store is the truth and is changed
 * atomically (two racing accepts/revokes end in one consistent state); the `popm.acceptance`
 * issue property is then mirrored from whatever the store holds at that moment, re-checked after
 * writing, so the last mirror to land always matches the final record.
 */
import { isStale, mayAccept } from '../domain/acceptance';
import { requireBudget } from '../domain/deadline';
import { effectiveConfig } from '../domain/config';
import {
  ACCEPTANCE_PROPERTY,
  type AcceptanceRecord,
  type EvaluatedIssue,
  type JiraIssue,
} from '../domain/types';
import type { JiraApi } from '../jira/api';
import type { AcceptanceView } from '../shared/contract';
import { AcceptanceChangeRefused, type StoredAcceptance } from '../storage/acceptance-store';
import { afterWrite, withIssue } from './after-write';
import { Invocation } from './cache';
import type { AppDeps } from '../platform/deps';
import { forbidden, invalidState, notFound } from './errors';
import { evaluateIssue, type EvaluatedContext } from './issue-view';
import { acceptanceStore, appApi, userApi } from './site';

const MAX_MIRROR_ROUNDS = 5;
/**
 * What an accept or revoke needs after its checks: the record's locked write and its property
 * mirror. Without it the record could land and the mirror be cut off by Forge's time limit.
 */
export const ACCEPTANCE_WRITE_BUDGET_MS = 10_000;

interface StoryState {
  api: JiraApi;
  ec: EvaluatedContext;
  ev: EvaluatedIssue;
  delegates: Record<string, string[]>;
}

/**
 * Reads the story as the user (so hidden issues stay hidden) with everything the write needs
 * afterwards: its chain, its sub-tasks and its siblings (the parent's findings count them).
 */
async function loadStory(inv: Invocation, accountId: string, issueKey: string): Promise<StoryState> {
  const api = userApi(inv.deps, accountId);
  const ec = await evaluateIssue(inv, api, issueKey, { siblings: true });
  const ev = ec.byKey.get(ec.ctx.issue.key);
  if (!ev) throw notFound(`issue ${issueKey} could not be evaluated`);
  return { api, ec, ev, delegates: effectiveConfig(ec.config, ev.projectKey).delegates };
}

function authorize(accountId: string, state: StoryState, action: 'accept' | 'revoke'): void {
  const { ev } = state;
  if (ev.level !== 'team') {
    throw invalidState(
      `${ev.key} is a ${ev.issueTypeName} (${ev.level} level); only stories carry a PO acceptance`,
    );
  }
  if (ev.status.category === 'new') {
    throw invalidState(
      `${ev.key} has not started (status ${ev.status.name}); it can be ${action}ed once in progress or done`,
    );
  }
  const ownerIds = ev.owners.map((o) => o.accountId);
  if (!mayAccept(accountId, ownerIds, state.delegates)) {
    throw forbidden(
      ownerIds.length === 0
        ? `${ev.key} has no Product Owner, so nobody may ${action} it yet; set the owner first`
        : `only ${ev.key}'s Product Owner or a configured delegate may ${action} it`,
    );
  }
}

/**
 * Mirrors the stored record to the issue property until the store stops changing under us;
 * returns what the property holds now.
 */
async function mirror(deps: AppDeps, issue: JiraIssue): Promise<AcceptanceRecord | null> {
  const store = acceptanceStore(deps);
  const api = appApi(deps);
  let read = await store.read(issue.id);
  for (let round = 0; round < MAX_MIRROR_ROUNDS; round++) {
    const entry = read.state === 'present' ? read.entry : undefined;
    const record = entry?.record ?? null;
    if (record) await api.setIssueProperty(issue.id, ACCEPTANCE_PROPERTY, record);
    else await api.deleteIssueProperty(issue.id, ACCEPTANCE_PROPERTY).catch(ignoreNotFound);
    const after = await store.read(issue.id);
    const before = entry?.revision ?? -1;
    const now = after.state === 'present' ? after.entry.revision : -1;
    if (now === before) return record;
    read = after;
  }
  deps.log?.('acceptance mirror kept changing; the next change will mirror again', { issueId: issue.id });
  return read.state === 'present' ? read.entry.record : null;
}

function ignoreNotFound(error: unknown): void {
  if (typeof error === 'object' && error !== null && 'cause' in error && error.cause === 'not-found') return;
  throw error;
}

function historyOf(current: StoredAcceptance | undefined): StoredAcceptance['history'] {
  return (current?.history ?? []).slice(-40);
}

async function afterChange(inv: Invocation, accountId: string, state: StoryState): Promise<AcceptanceView> {
  const before = state.ec.ctx.issue;
  const mirrored = await mirror(inv.deps, before);
  // The story as Jira holds it now: only the mirrored property changed.
  const properties = { ...before.properties };
  if (mirrored) properties[ACCEPTANCE_PROPERTY] = mirrored;
  else delete properties[ACCEPTANCE_PROPERTY];
  const view = await afterWrite(
    inv,
    state.api,
    accountId,
    withIssue(state.ec.ctx, { ...before, properties }),
  );
  return { issueKey: before.key, acceptance: view.issue.acceptance, view };
}

export async function acceptStory(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
): Promise<AcceptanceView> {
  const inv = new Invocation(deps);
  const state = await loadStory(inv, accountId, issueKey);
  authorize(accountId, state, 'accept');
  const at = deps.now().toISOString();
  const ownerIds = state.ev.owners.map((o) => o.accountId);
  const statusCategory = state.ev.status.category;
  const changedAt = state.ev.statusCategoryChangedAt;
  requireBudget(deps.deadline, ACCEPTANCE_WRITE_BUDGET_MS, `accept ${issueKey}`);
  await acceptanceStore(deps).change(state.ec.ctx.issue.id, (current) => {
    const existing = current?.record ?? null;
    // A valid acceptance stays as it is: a second (racing) accept changes nothing.
    if (
      current &&
      existing &&
      mayAccept(existing.acceptedBy, ownerIds, state.delegates) &&
      !isStale(existing, statusCategory, changedAt) &&
      current?.staleSince === undefined
    ) {
      return current;
    }
    const record: AcceptanceRecord = { acceptedBy: accountId, acceptedAt: at, statusCategory };
    return {
      issueKey: state.ec.ctx.issue.key,
      record,
      revision: (current?.revision ?? 0) + 1,
      history: [...historyOf(current), { action: 'accept', by: accountId, at }],
    };
  });
  return afterChange(inv, accountId, state);
}

export async function revokeAcceptance(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
): Promise<AcceptanceView> {
  const inv = new Invocation(deps);
  const state = await loadStory(inv, accountId, issueKey);
  authorize(accountId, state, 'revoke');
  const at = deps.now().toISOString();
  requireBudget(deps.deadline, ACCEPTANCE_WRITE_BUDGET_MS, `revoke the acceptance of ${issueKey}`);
  try {
    await acceptanceStore(deps).change(state.ec.ctx.issue.id, (current) => {
      if (!current)
        throw new AcceptanceChangeRefused('not-accepted', `${issueKey} has no acceptance to revoke`);
      // Revoking what a racing revoke already revoked is a no-op, not an error.
      if (!current.record) return current;
      return {
        issueKey: state.ec.ctx.issue.key,
        record: null,
        revision: current.revision + 1,
        history: [...historyOf(current), { action: 'revoke', by: accountId, at }],
      };
    });
  } catch (error) {
    if (error instanceof AcceptanceChangeRefused && error.reason === 'not-accepted')
      throw invalidState(error.message);
    throw error;
  }
  return afterChange(inv, accountId, state);
}
