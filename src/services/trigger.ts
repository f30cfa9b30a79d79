/**
 * Issue events (avi:jira:created/updated/deleted:issue): one pipeline per event. The event is
 * parsed once, the stored project trees that hold the issue are patched once (refetching the
 * issue: one request), and everything else comes from that patch: the issue's status for marking
 * an acceptance stale when a story leaves done, and the `popm.findings` values that changed, sent
 * in one bulk request. A status change costs two Jira requests.
 *
 * Issues no tree holds yet (a project nobody has opened) take the per-issue path instead: the
 * status is read for stale-marking and `popm.findings` is refreshed issue by issue.
 */
import { isStale } from '../domain/acceptance';
import { statusOf } from '../domain/read';
import type { StatusCategory } from '../domain/types';
import { FINDINGS_PROPERTY } from '../domain/types';
import type { Fact } from '../scale/compact';
import { parseIssueEvent, type IssueEvent } from '../scale/event';
import type { MirrorWrite } from '../scale/incremental';
import { applyEventToTrees } from '../scale/service';
import { AcceptanceChangeRefused, acceptanceKey } from '../storage/acceptance-store';
import type { AppDeps } from '../platform/deps';
import { refreshFindings } from './findings-refresh';
import { acceptanceStore, appApi, configStore } from './site';
import { AppointmentStore } from '../storage/appointment-store';
import { ROLE_NAMES } from '../domain/types';

export interface IssueEventOutcome {
  markedStale: boolean;
  /** Issues whose `popm.findings` was written. */
  refreshed: string[];
  /** Trees patched, by project, with the patch's status. */
  trees: string[];
}

const NOTHING: IssueEventOutcome = { markedStale: false, refreshed: [], trees: [] };

export async function handleIssueEvent(deps: AppDeps, input: unknown): Promise<IssueEventOutcome> {
  const event = parseIssueEvent(input);
  if (!event) {
    deps.log?.('issue event ignored: unexpected shape');
    return NOTHING;
  }
  if (event.kind === 'deleted' && event.issueId !== undefined)
    await deps.store.delete(acceptanceKey(event.issueId));
  if (!event.relevant) return NOTHING;
  await recordAppointments(deps, event);

  const trees = await applyEventToTrees(deps, event);
  const patched = trees.filter((t) => t.outcome.status === 'updated' || t.outcome.status === 'unchanged');
  const summary = trees.map((t) => `${t.projectKey}:${t.outcome.status}`);

  if (patched.length === 0) {
    // No tree holds the issue: the per-issue path.
    let markedStale = false;
    if (event.statusChanged && event.issueId !== undefined)
      markedStale = await markStaleIfLeftDone(deps, event.issueId, event.issueKey);
    const touched = event.kind === 'deleted' ? event.parentKeys : [event.issueKey, ...event.parentKeys];
    return { markedStale, refreshed: await refreshFindings(deps, touched), trees: summary };
  }

  let fresh: Fact | undefined;
  const writes = new Map<string, MirrorWrite>();
  // The issue's own project's tree first: its evaluation is the one its property mirrors.
  const own = event.issueKey.slice(0, event.issueKey.lastIndexOf('-'));
  const ordered = [...patched].sort((a, b) => Number(b.projectKey === own) - Number(a.projectKey === own));
  for (const { outcome } of ordered) {
    if (outcome.status !== 'updated' && outcome.status !== 'unchanged') continue;
    fresh ??= outcome.fresh;
    if (outcome.status === 'updated')
      for (const w of outcome.mirror) if (!writes.has(w.issueId)) writes.set(w.issueId, w);
  }
  let markedStale = false;
  if (event.statusChanged && event.issueId !== undefined && fresh)
    markedStale = await markStaleIfLeftDone(deps, event.issueId, event.issueKey, {
      category: fresh.st[1],
      changedAt: fresh.sc ?? null,
    });
  const list = [...writes.values()];
  if (list.length > 0)
    await appApi(deps).bulkSetIssueProperties(
      list.map((w) => ({ issueId: w.issueId, properties: { [FINDINGS_PROPERTY]: w.value } })),
    );
  return { markedStale, refreshed: list.map((w) => w.issueKey), trees: summary };
}

/**
 * Marks the acceptance stale when the story left done after it. The status comes from the tree
 * patch's refetch when there was one; otherwise it is read (one request).
 */
async function markStaleIfLeftDone(
  deps: AppDeps,
  issueId: string,
  issueKey: string,
  known?: { category: StatusCategory; changedAt: string | null },
): Promise<boolean> {
  const store = acceptanceStore(deps);
  const read = await store.read(issueId);
  if (read.state !== 'present' || !read.entry.record || read.entry.staleSince !== undefined) return false;
  let status = known;
  if (!status) {
    const issue = await appApi(deps).getIssue(issueKey, { fields: ['status', 'statuscategorychangedate'] });
    status = {
      category: statusOf(issue.fields.status).category,
      changedAt:
        typeof issue.fields.statuscategorychangedate === 'string'
          ? issue.fields.statuscategorychangedate
          : null,
    };
  }
  if (!isStale(read.entry.record, status.category, status.changedAt)) return false;
  const at = deps.now().toISOString();
  let marked = false;
  try {
    await store.change(issueId, (current) => {
      marked = false;
      if (!current) throw new AcceptanceChangeRefused('not-accepted', 'revoked and removed meanwhile');
      if (!current.record || current.staleSince !== undefined) return current;
      marked = true;
      return {
        ...current,
        staleSince: at,
        revision: current.revision + 1,
        history: [...current.history.slice(-40), { action: 'stale', at }],
      };
    });
  } catch (error) {
    if (error instanceof AcceptanceChangeRefused) return false;
    throw error;
  }
  return marked;
}

/**
 * Owner changes made in Jira itself, for acceptance-self-appointed (rules.md): the accounts a
 * Product Owner field gained, and who made the change. Fields are recognised by the configured
 * team role fields, or by name as discovery does.
 */
async function recordAppointments(deps: AppDeps, event: IssueEvent): Promise<void> {
  const { actor: by, items, issueId } = event;
  if (issueId === undefined) return;
  if (!by || items.length === 0) return;
  const config = (await configStore(deps).current()).config;
  const configured = new Set(config.roles.team?.fields ?? []);
  for (const override of Object.values(config.projects))
    for (const f of override.roles?.team?.fields ?? []) configured.add(f);
  const added = new Set<string>();
  for (const item of items) {
    const isPoField =
      (item.fieldId !== undefined && configured.has(item.fieldId)) ||
      (item.field ?? '').trim().toLowerCase() === ROLE_NAMES.team.toLowerCase();
    if (!isPoField) continue;
    const before = new Set(accountTokens(item.from));
    for (const id of accountTokens(item.to)) if (!before.has(id)) added.add(id);
  }
  if (added.size > 0)
    await new AppointmentStore(deps.store).record(issueId, [...added], by, deps.now().toISOString());
}

/** Account ids in a changelog value: one id, or Jira's "[id1, id2]" list for multi-user fields. */
function accountTokens(value: string | null | undefined): string[] {
  return (value ?? '').match(/[A-Za-z0-9:_-]{3,128}/g) ?? [];
}
