/**
 * The daily sync of a project's stored tree, by change rather than by re-reading everything:
 * issues Jira reports as updated since the last sync (with a safety margin for clock skew and
 * Jira's indexing delay) are patched one by one, like events; the app's own events keep the tree
 * current between syncs, and deletions come from events. A full rescan happens only when there is
 * no tree yet, when the configuration changed since it was built, once a week (what events and
 * the catch-up cannot see: deletions whose event was lost, moves out of other projects), or when
 * an admin asks; a viewer's request waits for the cool-down.
 *
 * An unchanged project costs one request and no issue object.
 */
import { z } from 'zod';
import { jqlProjectIssues } from '../jira/jql';
import type { ScanQueue } from '../platform/deps';
import { FINDINGS_PROPERTY } from '../domain/types';
import { applyIssueChange, type IncrementalDeps, type MirrorWrite } from './incremental';
import { configHash } from './rows';
import { readScanState, requestScan } from './scan-job';
import { readManifest } from './snapshot-store';

export const WEEKLY_RESCAN_MS = 7 * 24 * 60 * 60 * 1000;
/** Looked back further than the last sync: Jira's index lags, clocks differ. */
export const SYNC_MARGIN_MS = 30 * 60 * 1000;
/** Jira's page size for searches that return ids only. */
export const ID_PAGE = 5_000;
/** Beyond this many changed issues, one full rescan costs less than patching each. */
export const MAX_SYNC_CHANGES = 2_000;
/** A viewer may ask for a rescan at most this often per project (admins any time). */
export const RESCAN_COOLDOWN_MS = 15 * 60 * 1000;

export const syncKey = (projectKey: string) => `scan:${projectKey}:sync`;
const syncSchema = z.object({ at: z.string() });

export type SyncOutcome =
  | { status: 'rescan'; reason: string }
  | { status: 'busy' }
  | { status: 'synced'; changed: number; requests: number; objects: number };

export type SyncDeps = IncrementalDeps & { queue?: ScanQueue };

/** Why the project needs a full rescan rather than a sync, if it does. */
async function rescanReason(deps: SyncDeps, projectKey: string): Promise<string | undefined> {
  const manifest = await readManifest(deps.store, projectKey);
  if (!manifest) return 'first scan';
  if (manifest.configHash !== configHash(deps.config)) return 'the configuration changed';
  if (deps.now().getTime() - Date.parse(manifest.builtAt) > WEEKLY_RESCAN_MS) return 'weekly';
  return undefined;
}

export async function syncProject(deps: SyncDeps, projectKey: string): Promise<SyncOutcome> {
  const startedAt = deps.now();
  if ((await readScanState(deps.store, projectKey))?.status === 'running') return { status: 'busy' };
  const scanDeps = { store: deps.store, now: () => deps.now(), queue: deps.queue };
  const reason = await rescanReason(deps, projectKey);
  if (reason) {
    await requestScan(scanDeps, projectKey, reason);
    return { status: 'rescan', reason };
  }
  const manifest = (await readManifest(deps.store, projectKey))!;
  const last = syncSchema.safeParse(await deps.store.get(syncKey(projectKey)));
  const since = Date.parse(last.success ? last.data.at : manifest.builtAt);
  const minutes = Math.max(1, Math.ceil((startedAt.getTime() - since + SYNC_MARGIN_MS) / 60_000));
  const mark = deps.api.requestCount;
  const keys: string[] = [];
  for await (const issues of deps.api.searchJqlPages({
    jql: `${jqlProjectIssues(projectKey)} AND updated >= -${minutes}m`,
    fields: ['key'],
    maxResults: ID_PAGE,
  })) {
    for (const issue of issues) keys.push(issue.key);
    if (keys.length > MAX_SYNC_CHANGES) {
      await requestScan(scanDeps, projectKey, 'many changes since the last sync');
      return { status: 'rescan', reason: 'many changes since the last sync' };
    }
  }
  const objects = keys.length;
  const mirror = new Map<string, MirrorWrite>();
  for (const issueKey of keys) {
    const outcome = await applyIssueChange(deps, projectKey, { kind: 'updated', issueKey });
    if (outcome.status === 'needs-rescan') {
      await requestScan(scanDeps, projectKey, outcome.reason);
      return { status: 'rescan', reason: outcome.reason };
    }
    if (outcome.status === 'updated') for (const w of outcome.mirror) mirror.set(w.issueId, w);
  }
  // The changed popm.findings values, 100 issues a request (as the scan writes them).
  if (mirror.size > 0)
    await deps.api.bulkSetIssueProperties(
      [...mirror.values()].map((w) => ({ issueId: w.issueId, properties: { [FINDINGS_PROPERTY]: w.value } })),
    );
  await deps.store.set(syncKey(projectKey), { at: startedAt.toISOString() });
  return { status: 'synced', changed: keys.length, requests: deps.api.requestCount - mark, objects };
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
