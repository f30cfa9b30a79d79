/**
 * Accepting and revoking a story's acceptance. The app's store is the truth and is changed
 * atomically (two racing accepts/revokes end in one consistent state); the `popm.acceptance`
 * issue property is then mirrored from whatever the store holds at that moment, re-checked after
 * writing, so the last mirror to land always matches the final record.
 */
import { criteriaFingerprint, isSelfAppointed, isStale, mayAccept, reasonSchema } from '../domain/acceptance';
import { effectiveConfig, type EffectiveConfig } from '../domain/config';
import { assigneeOf, evaluate } from '../domain/engine';
import { acceptanceCriteriaFieldId, neededFieldIds } from '../domain/fields';
import { activeRules } from '../domain/rules';
import { ACCEPTANCE_PROPERTY, type Decision, type EvaluatedIssue, type JiraIssue } from '../domain/types';
import type { AcceptanceView } from '../shared/contract';
import { AcceptanceChangeRefused, mirrorValue } from '../storage/acceptance-store';
import { AppointmentStore } from '../storage/appointment-store';
import type { AppDeps } from './deps';
import { ServiceError, forbidden, invalidState, notFound } from './errors';
import { refreshFindings } from './findings-refresh';
import { refreshSnapshotsAfterWrite } from './snapshot-refresh';
import { acceptanceStore, appApi, configStore, loadMeta, parentKeyOf, projectKeyOf, userApi } from './site';
import { issueSummary } from './views';

const MAX_MIRROR_ROUNDS = 5;

interface StoryState {
  issue: JiraIssue;
  ev: EvaluatedIssue;
  delegates: Record<string, string[]>;
  effective: EffectiveConfig;
  /** Fingerprint of the story's acceptance criteria now (rules.md, "Decisions"). */
  criteria: string | undefined;
}

export type DecisionAction = 'accept' | 'reject' | 'revoke';

/** Reads the story as the user (so hidden issues stay hidden) and resolves its owners. */
async function loadStory(deps: AppDeps, accountId: string, issueKey: string): Promise<StoryState> {
  const api = userApi(deps, accountId);
  const config = (await configStore(deps).current()).config;
  const meta = await loadMeta(api);
  const issue = await api.getIssue(issueKey, { fields: neededFieldIds(meta.fields, config) });
  const record = await acceptanceStore(deps).record(issue.id);
  const projectKey = projectKeyOf(issue);
  const result = evaluate({ ...meta, issues: [issue] }, config, projectKey, { acceptanceOf: () => record });
  const ev = result.issues.find((i) => i.key === issue.key);
  if (!ev) throw notFound(`issue ${issueKey} could not be evaluated`);
  const effective = effectiveConfig(config, projectKey);
  const acField = acceptanceCriteriaFieldId(effective, meta.fields);
  const criteria = criteriaFingerprint(acField ? issue.fields[acField] : undefined, issue.fields.description);
  return { issue, ev, delegates: effective.delegates, effective, criteria };
}

/**
 * Why `accountId` may not take `action` on the story, or null when they may (rules.md, "Who may
 * decide"). Shared by the writes and by the views, so a button is never offered that the server
 * would refuse for a reason the view could have known.
 */
export function refusalOf(
  accountId: string,
  ev: EvaluatedIssue,
  effective: EffectiveConfig,
  action: DecisionAction,
  assignee: string | undefined,
): ServiceError | null {
  const verb = action === 'accept' ? 'accepted' : action === 'reject' ? 'rejected' : 'revoked';
  if (ev.level !== 'team') {
    return invalidState(
      `${ev.key} is a ${ev.issueTypeName} (${ev.level} level); only stories carry a PO acceptance`,
    );
  }
  if (ev.status.category === 'new') {
    return invalidState(
      `${ev.key} has not started (status ${ev.status.name}); it can be ${verb} once in progress or done`,
    );
  }
  const ownerIds = ev.owners.map((o) => o.accountId);
  if (!mayAccept(accountId, ownerIds, effective.delegates)) {
    return forbidden(
      ownerIds.length === 0
        ? `${ev.key} has no Product Owner, so nobody may ${action} it yet; set the owner first`
        : `only ${ev.key}'s Product Owner or a configured delegate may ${action} it`,
    );
  }
  if (
    action === 'accept' &&
    assignee === accountId &&
    activeRules(effective.rules).enabled('acceptance-by-assignee')
  ) {
    return forbidden(
      `you are the assignee of ${ev.key}; with separation of duties on (acceptance-by-assignee), another Product Owner or a delegate must accept it`,
    );
  }
  return null;
}

function authorize(accountId: string, state: StoryState, action: DecisionAction): void {
  const refusal = refusalOf(accountId, state.ev, state.effective, action, assigneeOf(state.issue));
  if (refusal) throw refusal;
}

/** Mirrors the stored record to the issue property until the store stops changing under us. */
async function mirror(deps: AppDeps, issue: JiraIssue): Promise<void> {
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
    if (now === before) return;
    read = after;
  }
  deps.log?.('acceptance mirror kept changing; the next change will mirror again', { issueId: issue.id });
}

function ignoreNotFound(error: unknown): void {
  if (typeof error === 'object' && error !== null && 'cause' in error && error.cause === 'not-found') return;
  throw error;
}

async function afterChange(deps: AppDeps, accountId: string, state: StoryState): Promise<AcceptanceView> {
  await mirror(deps, state.issue);
  const parent = parentKeyOf(state.issue);
  await refreshFindings(deps, parent ? [state.issue.key, parent] : [state.issue.key]);
  await refreshSnapshotsAfterWrite(deps, state.issue.key);
  const fresh = await loadStory(deps, accountId, state.issue.key);
  const stored = await acceptanceStore(deps).read(state.issue.id);
  return {
    issueKey: state.issue.key,
    acceptance: issueSummary(fresh.ev, stored.state === 'present' ? stored.entry : undefined).acceptance,
  };
}

export async function acceptStory(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
): Promise<AcceptanceView> {
  const state = await loadStory(deps, accountId, issueKey);
  authorize(accountId, state, 'accept');
  const at = deps.now().toISOString();
  const ownerIds = state.ev.owners.map((o) => o.accountId);
  const statusCategory = state.ev.status.category;
  const changedAt = state.ev.statusCategoryChangedAt;
  const appointments = await new AppointmentStore(deps.store).list(state.issue.id);
  const decision: Decision = { kind: 'accepted', by: accountId, at, statusCategory };
  if (state.criteria !== undefined) decision.criteria = state.criteria;
  if (isSelfAppointed(accountId, at, appointments)) decision.selfAppointed = true;
  await acceptanceStore(deps).append(state.issue.id, state.issue.key, (current) => {
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
  return afterChange(deps, accountId, state);
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
  const state = await loadStory(deps, accountId, issueKey);
  authorize(accountId, state, 'reject');
  const decision: Decision = {
    kind: 'rejected',
    by: accountId,
    at: deps.now().toISOString(),
    statusCategory: state.ev.status.category,
    ...(reason !== undefined ? { reason } : {}),
  };
  if (state.criteria !== undefined) decision.criteria = state.criteria;
  await acceptanceStore(deps).append(state.issue.id, state.issue.key, () => decision);
  return afterChange(deps, accountId, state);
}

export async function revokeAcceptance(
  deps: AppDeps,
  accountId: string,
  issueKey: string,
  reasonInput?: string,
): Promise<AcceptanceView> {
  const reason = parseReason(reasonInput, false);
  const state = await loadStory(deps, accountId, issueKey);
  authorize(accountId, state, 'revoke');
  const decision: Decision = {
    kind: 'revoked',
    by: accountId,
    at: deps.now().toISOString(),
    statusCategory: state.ev.status.category,
    ...(reason !== undefined ? { reason } : {}),
  };
  try {
    await acceptanceStore(deps).append(state.issue.id, state.issue.key, (current) => {
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
  return afterChange(deps, accountId, state);
}
