/**
 * Accepting and revoking a story's acceptance. The app's store is the truth and is changed
 * atomically (two racing accepts/revokes end in one consistent state); the `popm.acceptance`
 * issue property is then mirrored from whatever the store holds at that moment, re-checked after
 * writing, so the last mirror to land always matches the final record.
 */
import { criteriaFingerprint, isSelfAppointed, isStale, mayAccept, reasonSchema } from '../domain/acceptance';
import { requireBudget } from '../domain/deadline';
import { effectiveConfig, type EffectiveConfig } from '../domain/config';
import { assigneeOf } from '../domain/engine';
import { acceptanceCriteriaFieldId } from '../domain/fields';
import { ACCEPTANCE_PROPERTY, type Decision, type EvaluatedIssue, type JiraIssue } from '../domain/types';
import type { JiraApi } from '../jira/api';
import type { AcceptanceView } from '../shared/contract';
import { AcceptanceChangeRefused, mirrorValue } from '../storage/acceptance-store';
import { AppointmentStore } from '../storage/appointment-store';
import { afterWrite, withIssue } from './after-write';
import { Invocation } from './cache';
import { isJiraError } from '../jira/errors';
import type { AppDeps } from '../platform/deps';
import { ServiceError, invalidState, notFound } from './errors';
import { refusalOf } from './refusal';
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
  effective: EffectiveConfig;
  /** Fingerprint of the story's acceptance criteria now (rules.md, "Decisions"). */
  criteria: string | undefined;
}

export type DecisionAction = 'accept' | 'reject' | 'revoke';

/**
 * Reads the story as the user (so hidden issues stay hidden) with everything the write needs
 * afterwards: its chain, its sub-tasks and its siblings (the parent's findings count them).
 */
async function loadStory(inv: Invocation, accountId: string, issueKey: string): Promise<StoryState> {
  const api = userApi(inv.deps, accountId);
  const ec = await evaluateIssue(inv, api, issueKey, { siblings: true });
  const ev = ec.byKey.get(ec.ctx.issue.key);
  if (!ev) throw notFound(`issue ${issueKey} could not be evaluated`);
  const effective = effectiveConfig(ec.config, ev.projectKey);
  const issue = ec.ctx.issue;
  const acField = acceptanceCriteriaFieldId(effective, ec.fields);
  const criteria = criteriaFingerprint(acField ? issue.fields[acField] : undefined, issue.fields.description);
  return { api, ec, ev, delegates: effective.delegates, effective, criteria };
}

function authorize(accountId: string, state: StoryState, action: DecisionAction): void {
  const refusal = refusalOf(accountId, state.ev, state.effective, action, assigneeOf(state.ec.ctx.issue));
  if (refusal) throw refusal;
}

/**
 * Mirrors the stored record to the issue property until the store stops changing under us;
 * returns what the property holds now.
 */

async function mirror(deps: AppDeps, issue: JiraIssue): Promise<Record<string, unknown> | null> {
  const store = acceptanceStore(deps);
  const api = appApi(deps);
  let read = await store.read(issue.id);
  for (let round = 0; round < MAX_MIRROR_ROUNDS; round++) {
    const entry = read.state === 'present' ? read.entry : undefined;
    const value = mirrorValue(entry);
    if (value) await api.setIssueProperty(issue.id, ACCEPTANCE_PROPERTY, value);
    else await api.deleteIssueProperty(issue.id, ACCEPTANCE_PROPERTY).catch(ignoreNotFound);
    const after = await store.read(issue.id);
    const before = entry?.revision ?? -1;
    const now = after.state === 'present' ? after.entry.revision : -1;
    if (now === before) return value ?? null;
    read = after;
  }
  deps.log?.('acceptance mirror kept changing; the next change will mirror again', { issueId: issue.id });
  return mirrorValue(read.state === 'present' ? read.entry : undefined) ?? null;
}

function ignoreNotFound(error: unknown): void {
  if (isJiraError(error, 'not-found')) return;
  throw error;
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

/**
 * The decision `by` makes on the story now, as the three writes record it: the story's status
 * category at that moment, the reason given, and, for an accept or a rejection, the acceptance
 * criteria the decision was made against (a revocation judges the earlier acceptance, not them).
 */
function decisionOn(
  state: StoryState,
  kind: Decision['kind'],
  by: string,
  at: string,
  reason?: string,
): Decision {
  const decision: Decision = { kind, by, at, statusCategory: state.ev.status.category };
  if (reason !== undefined) decision.reason = reason;
  if (kind !== 'revoked' && state.criteria !== undefined) decision.criteria = state.criteria;
  return decision;
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
  const issue = state.ec.ctx.issue;
  const appointments = await new AppointmentStore(deps.store).list(issue.id);
  const decision = decisionOn(state, 'accepted', accountId, at);
  if (isSelfAppointed(accountId, at, appointments)) decision.selfAppointed = true;
  requireBudget(deps.deadline, ACCEPTANCE_WRITE_BUDGET_MS, `accept ${issueKey}`);
  await acceptanceStore(deps).append(issue.id, issue.key, (current) => {
    const existing = current?.record ?? null;
    // A valid acceptance stays as it is: a second (racing) accept changes nothing.
    if (
      existing &&
      mayAccept(existing.acceptedBy, ownerIds, state.delegates) &&
      !isStale(existing, statusCategory, changedAt) &&
      current?.staleSince === undefined
    ) {
      return null;
    }
    return decision;
  });
  return afterChange(inv, accountId, state);
}

/** Parses a reason as people type it; a clear BAD_REQUEST naming `reason` otherwise. */
function parseReason(raw: string | undefined, required: boolean): string | undefined {
  if (raw === undefined || (!required && raw.trim() === '')) {
    if (required)
      throw new ServiceError('BAD_REQUEST', 'a rejection needs a reason', [
        { path: 'reason', message: 'required' },
      ]);
    return undefined;
  }
  const parsed = reasonSchema.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'is not a valid reason';
    throw new ServiceError('BAD_REQUEST', `the reason ${message}`, [{ path: 'reason', message }]);
  }
  return parsed.data;
}

export async function rejectStory(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
  reasonInput: string,
): Promise<AcceptanceView> {
  const reason = parseReason(reasonInput, true);
  const inv = new Invocation(deps);
  const state = await loadStory(inv, accountId, issueKey);
  authorize(accountId, state, 'reject');
  const decision = decisionOn(state, 'rejected', accountId, deps.now().toISOString(), reason);
  requireBudget(deps.deadline, ACCEPTANCE_WRITE_BUDGET_MS, `reject ${issueKey}`);
  await acceptanceStore(deps).append(state.ec.ctx.issue.id, state.ec.ctx.issue.key, () => decision);
  return afterChange(inv, accountId, state);
}

export async function revokeAcceptance(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
  reasonInput?: string,
): Promise<AcceptanceView> {
  const reason = parseReason(reasonInput, false);
  const inv = new Invocation(deps);
  const state = await loadStory(inv, accountId, issueKey);
  authorize(accountId, state, 'revoke');
  const decision = decisionOn(state, 'revoked', accountId, deps.now().toISOString(), reason);
  requireBudget(deps.deadline, ACCEPTANCE_WRITE_BUDGET_MS, `revoke the acceptance of ${issueKey}`);
  try {
    await acceptanceStore(deps).append(state.ec.ctx.issue.id, state.ec.ctx.issue.key, (current) => {
      if (!current)
        throw new AcceptanceChangeRefused('not-accepted', `${issueKey} has no acceptance to revoke`);
      // Revoking what a racing revoke (or a rejection) already undid is a no-op, not an error.
      if (!current.record) return null;
      return decision;
    });
  } catch (error) {
    if (error instanceof AcceptanceChangeRefused && error.reason === 'not-accepted')
      throw invalidState(error.message);
    throw error;
  }
  return afterChange(inv, accountId, state);
}
