/**
 * The daily sync of a project's stored tree, by change rather than by re-reading everything:
 * issues Jira reports as updated since the last sync (with a safety margin for clock skew and
 * Jira's indexing delay) are patched one by one, like events; the app's own events keep the tree
 * current between syncs, and deletions come from events. A full rescan happens only when there is
 * no tree yet, when the configuration changed since it was built, once a week (what events and
 * the catch-up cannot see: deletions whose event was lost, moves out of other projects), or when
 * an admin asks; a viewer's request waits for the cool-down.
 *
 * An unchanged project costs one request and no issue object; each changed issue costs its id in
 * the listing and its share of a 100-issue bulk fetch.
 */
import { z } from 'zod';
import { BULK_FETCH_MAX } from '../jira/api';
import { jqlProjectIssues } from '../jira/jql';
import type { ScanQueue } from '../platform/deps';
import { ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY, type JiraIssue } from '../domain/types';
import { factPlan } from './compact';
import { applyIssueChange, type IncrementalDeps, type MirrorWrite } from './incremental';
import { configHash } from './rows';
import { readScanState } from './scan-checkpoint';
import { requestScan } from './scan-job';
import { FORGE_EVENT_BUDGET_MS } from './scan-steps';
import { WriteOnceReadCache } from '../storage/write-once-cache';
import { isWriteOnceTreeKey, readTreeManifest } from './tree-store';

export const WEEKLY_RESCAN_MS = 7 * 24 * 60 * 60 * 1000;
/** Looked back further than the last sync: Jira's index lags, clocks differ. */
export const SYNC_MARGIN_MS = 30 * 60 * 1000;
/** Jira's page size for searches that return ids only. */
export const ID_PAGE = 5_000;
/**
 * Jira's points for one synced change: its id in the listing and the issue in a bulk fetch (the
 * requests, 1 per 5,000 ids and 1 per 100 issues, add about 0.01).
 */
export const SYNC_POINTS_PER_CHANGE = 2;
/** ...and for one issue of a full rescan: the issue object (its 100-issue pages add about 0.01). */
export const RESCAN_POINTS_PER_ISSUE = 1;
/**
 * However cheap the sync, the keys still to patch are kept in one stored value between runs
 * (a key with its JSON quotes is about 12 bytes; kvs values stop at 240 KiB), so beyond this many
 * changes a day the project is rescanned.
 */
export const MAX_SYNC_CHANGES_STORED = 15_000;
/**
 * Time kept back from the queue consumer's 900 s for one more batch (100 patches, each a few
 * stored chunks read and written) and the hand-over; a run past it continues in a new event.
 */
export const SYNC_RESERVE_MS = 180_000;
/** A follow-up event runs within minutes; a hand-over this old means it was lost. */
export const PENDING_TTL_MS = 6 * 60 * 60 * 1000;

/**
 * The most changes a sync may patch before a full rescan is cheaper: a rescan costs about
 * RESCAN_POINTS_PER_ISSUE per issue of the tree, a sync SYNC_POINTS_PER_CHANGE per change, so the
 * sync wins while changes x 2 < issues x 1 (a fixed count would rescan a 250,000-issue project
 * with 1% churn, 2,500 changes, at ~250k points instead of ~5k).
 */
export function maxSyncChanges(treeIssues: number): number {
  const cheaper = Math.floor((treeIssues * RESCAN_POINTS_PER_ISSUE) / SYNC_POINTS_PER_CHANGE);
  return Math.min(cheaper, MAX_SYNC_CHANGES_STORED);
}
/** A viewer may ask for a rescan at most this often per project (admins any time). */
export const RESCAN_COOLDOWN_MS = 15 * 60 * 1000;

export const syncKey = (projectKey: string) => `scan:${projectKey}:sync`;
const syncSchema = z.object({
  at: z.string(),
  /** A run that ran out of time: the keys it had still to patch, and when its listing began. */
  pending: z.object({ startedAt: z.string(), keys: z.array(z.string()) }).optional(),
});

export type SyncOutcome =
  | { status: 'rescan'; reason: string }
  | { status: 'busy' }
  | { status: 'synced'; changed: number; requests: number; objects: number }
  /** Out of time: the rest is stored and a follow-up `sync` event was queued. */
  | { status: 'continued'; changed: number; remaining: number; requests: number; objects: number };

export type SyncDeps = IncrementalDeps & {
  queue?: ScanQueue;
  /** Milliseconds this invocation has run (without one, or without a queue, a run never stops early). */
  clock?: () => number;
  /** This invocation's time budget (default: Forge's 900 s for a queue consumer). */
  budgetMs?: number;
};

/** Why the project needs a full rescan rather than a sync, if it does. */
async function rescanReason(deps: SyncDeps, projectKey: string): Promise<string | undefined> {
  const manifest = await readTreeManifest(deps.store, projectKey);
  if (!manifest) return 'first scan';
  if (manifest.configHash !== configHash(deps.config)) return 'the configuration changed';
  if (deps.now().getTime() - Date.parse(manifest.builtAt) > WEEKLY_RESCAN_MS) return 'weekly';
  return undefined;
}

export async function syncProject(given: SyncDeps, projectKey: string): Promise<SyncOutcome> {
  // The patches below read the same shards and chunks again and again: read each once.
  const deps = { ...given, store: new WriteOnceReadCache(given.store, isWriteOnceTreeKey) };
  const startedAt = deps.now();
  if ((await readScanState(deps.store, projectKey))?.status === 'running') return { status: 'busy' };
  const scanDeps = { store: deps.store, now: () => deps.now(), queue: deps.queue };
  const reason = await rescanReason(deps, projectKey);
  if (reason) {
    await requestScan(scanDeps, projectKey, reason);
    return { status: 'rescan', reason };
  }
  const manifest = (await readTreeManifest(deps.store, projectKey))!;
  const last = syncSchema.safeParse(await deps.store.get(syncKey(projectKey)));
  const mark = deps.api.requestCount;
  let keys: string[];
  let listedAt = startedAt;
  let objects = 0;
  const pending = last.success ? last.data.pending : undefined;
  // A hand-over older than this was lost (its event never ran): list again from the mark.
  if (pending && startedAt.getTime() - Date.parse(pending.startedAt) < PENDING_TTL_MS) {
    // A follow-up run: the listing was made (and paid for) by the run that stopped.
    keys = pending.keys;
    listedAt = new Date(pending.startedAt);
  } else {
    const since = Date.parse(last.success ? last.data.at : manifest.builtAt);
    const minutes = Math.max(1, Math.ceil((startedAt.getTime() - since + SYNC_MARGIN_MS) / 60_000));
    const limit = maxSyncChanges(manifest.chunks.reduce((n, c) => n + c.n, 0));
    keys = [];
    for await (const issues of deps.api.searchJqlPages({
      jql: `${jqlProjectIssues(projectKey)} AND updated >= -${minutes}m`,
      fields: ['key'],
      maxResults: ID_PAGE,
    })) {
      for (const issue of issues) keys.push(issue.key);
      if (keys.length > limit) {
        await requestScan(scanDeps, projectKey, 'many changes since the last sync');
        return { status: 'rescan', reason: 'many changes since the last sync' };
      }
    }
    objects = keys.length;
  }
  const plan = factPlan(manifest.meta, deps.config, projectKey);
  const budget = (deps.budgetMs ?? FORGE_EVENT_BUDGET_MS) - SYNC_RESERVE_MS;
  const mirror = new Map<string, MirrorWrite>();
  let done = 0;
  for (; done < keys.length; done += BULK_FETCH_MAX) {
    if (done > 0 && deps.queue && deps.clock && deps.clock() > budget) break;
    const batch = keys.slice(done, done + BULK_FETCH_MAX);
    // One request for the batch, with the fields and properties the scan and each patch read.
    const fetched = await deps.api.bulkFetch(batch, plan.fieldIds, [ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY]);
    const byKey = new Map<string, JiraIssue>(fetched.issues.map((issue) => [issue.key, issue]));
    for (const issueKey of batch) {
      // An issue missing from the answer (deleted, moved to a new key) is fetched by the patch alone.
      const outcome = await applyIssueChange(
        deps,
        projectKey,
        { kind: 'updated', issueKey },
        true,
        byKey.get(issueKey),
      );
      if (outcome.status === 'needs-rescan') {
        await requestScan(scanDeps, projectKey, outcome.reason);
        return { status: 'rescan', reason: outcome.reason };
      }
      if (outcome.status === 'updated') for (const w of outcome.mirror) mirror.set(w.issueId, w);
    }
  }
  // The changed popm.findings values, 100 issues a request (as the scan writes them).
  if (mirror.size > 0)
    await deps.api.bulkSetIssueProperties(
      [...mirror.values()].map((w) => ({ issueId: w.issueId, properties: { [FINDINGS_PROPERTY]: w.value } })),
    );
  const changed = Math.min(done, keys.length);
  const requests = deps.api.requestCount - mark;
  if (changed < keys.length && deps.queue) {
    // The sync mark stays where it was: if the follow-up is lost, tomorrow's listing covers these.
    const previous = last.success ? last.data.at : manifest.builtAt;
    await deps.store.set(syncKey(projectKey), {
      at: previous,
      pending: { startedAt: listedAt.toISOString(), keys: keys.slice(changed) },
    });
    await deps.queue.push({ projectKey, kind: 'scan', action: 'sync', reason: 'daily (continued)' });
    return { status: 'continued', changed, remaining: keys.length - changed, requests, objects };
  }
  await deps.store.set(syncKey(projectKey), { at: listedAt.toISOString() });
  return { status: 'synced', changed, requests, objects };
}

/**
 * A rescan someone asked for: admins any time; others at most once per RESCAN_COOLDOWN_MS per
 * project (counted from the last completed or started scan). Returns whether it was started.
 */
export async function mayRescanNow(
  deps: Pick<SyncDeps, 'store' | 'now'>,
  projectKey: string,
  admin: boolean,
): Promise<boolean> {
  if (admin) return true;
  const state = await readScanState(deps.store, projectKey);
  // Nothing to protect: no scan yet, or the last one failed and the person retries it.
  if (!state || state.status === 'failed') return true;
  const last = Date.parse(state.finishedAt ?? state.startedAt);
  return deps.now().getTime() - last >= RESCAN_COOLDOWN_MS;
}
