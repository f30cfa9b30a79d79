/**
 * The daily sync by change, against the emulator on a clock the test moves: edits stamp
 * `updated`, and the sync's `updated >= -Nm` search is answered by the emulator's JQL.
 */
import { FIELD_IDS, generateSite } from '../../src/emulator/generate';
import type { Snapshot } from '../../src/snapshot/format';
import type { Transport } from '../../src/jira/transport';
import { JiraApi } from '../../src/jira/api';
import { runScanToCompletion } from '../../src/scale/scan-job';
import { readAll } from '../../src/scale/tree-store';
import {
  mayRescanNow,
  maxSyncChanges,
  RESCAN_COOLDOWN_MS,
  syncKey,
  SYNC_RESERVE_MS,
  syncProject,
} from '../../src/scale/sync';
import { MemoryStore } from '../../src/storage/memory';
import { apiFor, config, createEmulator, site } from './support';

const t0 = Date.parse('2026-03-01T10:00:00.000Z');

function world(snapshot: Snapshot = site(4, 3)) {
  let now = t0;
  const emulator = createEmulator(snapshot, { now: () => new Date(now) });
  const store = new MemoryStore();
  const searches: string[] = [];
  /** Issues asked for in each POST /issue/bulkfetch. */
  const bulkFetches: number[] = [];
  const inner = emulator.transportFor('u-0');
  const transport: Transport = async (request) => {
    const body = request.body as { jql?: string; issueIdsOrKeys?: unknown[] } | undefined;
    if (request.path.startsWith('/rest/api/3/search/jql') && body?.jql?.includes('updated >='))
      searches.push(body.jql);
    if (request.method === 'POST' && request.path === '/rest/api/3/issue/bulkfetch')
      bulkFetches.push(body?.issueIdsOrKeys?.length ?? 0);
    return inner(request);
  };
  const queued: unknown[] = [];
  const deps = () => ({
    store,
    api: new JiraApi(transport, { sleep: () => Promise.resolve() }),
    config,
    now: () => new Date(now),
    acceptance: 'store' as const,
    queue: { push: (e: unknown) => (queued.push(e), Promise.resolve()) },
  });
  return { emulator, store, searches, bulkFetches, queued, deps, advance: (ms: number) => (now += ms) };
}

/** A new (empty) Product Owner on each of `keys`, as someone edits them in Jira. */
async function clearOwners(emulator: ReturnType<typeof createEmulator>, keys: readonly string[]) {
  for (const key of keys) {
    const put = await emulator.transportFor('u-0')({
      method: 'PUT',
      path: `/rest/api/3/issue/${key}`,
      body: { fields: { [FIELD_IDS.productOwner]: null } },
    });
    if (put.status !== 204) throw new Error(`edit of ${key} refused`);
  }
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * A tree of `features` x `storiesPerFeature` stories scanned yesterday; during the day the stories
 * `pick` chooses get a new (empty) Product Owner without the app hearing of it. Counters start now.
 */
async function dayOfChanges(
  features: number,
  storiesPerFeature: number,
  pick: (stories: readonly string[], treeRows: number) => string[],
) {
  const w = world(generateSite({ features, storiesPerFeature, teamProjects: 1, seed: 7 }));
  await runScanToCompletion({ ...w.deps(), clock: () => 0 }, 'T1');
  const stories = w.emulator
    .snapshot()
    .issues.filter((i) => i.key.startsWith('T1-'))
    .map((i) => i.key);
  const changed = pick(stories, (await readAll(w.store, 'T1'))!.rows.length);
  w.advance(DAY / 2);
  await clearOwners(w.emulator, changed);
  w.advance(DAY / 2);
  w.queued.length = 0;
  w.bulkFetches.length = 0;
  return { w, stories, changed };
}

async function rescanOf(emulator: ReturnType<typeof createEmulator>, projectKey: string) {
  const store = new MemoryStore();
  await runScanToCompletion(
    { store, api: apiFor(emulator), config, now: () => new Date(t0), clock: () => 0, acceptance: 'store' },
    projectKey,
  );
  return (await readAll(store, projectKey))!;
}

describe('daily sync by change', () => {
  it('reads nothing for an unchanged project and patches only what changed', async () => {
    const w = world();
    expect(await syncProject(w.deps(), 'T1')).toEqual({ status: 'rescan', reason: 'first scan' });
    await runScanToCompletion({ ...w.deps(), clock: () => 0 }, 'T1');
    w.queued.length = 0;

    w.advance(24 * 60 * 60 * 1000);
    w.emulator.requests.reset();
    expect(await syncProject(w.deps(), 'T1')).toEqual({
      status: 'synced',
      changed: 0,
      requests: 1,
      objects: 0,
    });
    expect(w.emulator.requests.count).toBe(1); // the catch-up search
    expect(w.searches[0]).toMatch(/^project = "T1" AND updated >= -\d+m$/);
    // A day and the margin: 1,470 minutes.
    expect(w.searches[0]).toContain('-1470m');

    // Someone replaces a story's Product Owner without the app hearing of it.
    const story = w.emulator.snapshot().issues.find((i) => i.key.startsWith('T1-'))!;
    const put = await w.emulator.transportFor('u-0')({
      method: 'PUT',
      path: `/rest/api/3/issue/${story.key}`,
      body: { fields: { [FIELD_IDS.productOwner]: [{ accountId: 'u-9' }] } },
    });
    expect(put.status).toBe(204);
    w.advance(24 * 60 * 60 * 1000);
    const synced = await syncProject(w.deps(), 'T1');
    expect(synced).toEqual({ status: 'synced', changed: 1, requests: 2, objects: 1 });
    expect(w.queued).toEqual([]);
    expect((await readAll(w.store, 'T1'))!.rows).toEqual((await rescanOf(w.emulator, 'T1')).rows);
  });

  it('fetches N changed issues in ceil(N/100) bulk fetches and ends with the tree a rescan builds', async () => {
    const { w } = await dayOfChanges(6, 40, (stories) => stories.slice(0, 105));
    const outcome = await syncProject(w.deps(), 'T1');
    expect(outcome).toMatchObject({ status: 'synced', changed: 105, objects: 105 });
    expect(w.bulkFetches).toEqual([100, 5]);
    expect(w.queued).toEqual([]);
    expect((await readAll(w.store, 'T1'))!.rows).toEqual((await rescanOf(w.emulator, 'T1')).rows);
  }, 120_000);

  it('syncs more than 2,000 changes while that costs less than a rescan of the tree', async () => {
    const { w, stories } = await dayOfChanges(45, 100, (keys) =>
      keys.filter((_, k) => k % 2 === 0).slice(0, 2_100),
    );
    expect(stories.length).toBe(4_500);
    // 2 points a change against 1 a tree issue: up to 2,250 changes sync.
    expect(maxSyncChanges(4_500)).toBe(2_250);
    // Patching all 2,100 takes minutes here; the budget ends the run after the first batch, which
    // is enough to see the choice: a sync (continued in a follow-up), not a rescan.
    let elapsed = 0;
    const budgetMs = SYNC_RESERVE_MS + 500;
    const outcome = await syncProject({ ...w.deps(), budgetMs, clock: () => (elapsed += 1_000) }, 'T1');
    expect(outcome).toMatchObject({ status: 'continued', changed: 100, remaining: 2_000, objects: 2_100 });
    expect(w.bulkFetches).toEqual([100]);
    expect(w.queued).toEqual([expect.objectContaining({ projectKey: 'T1', kind: 'scan', action: 'sync' })]);
  }, 120_000);

  it('rescans when the changes cost more than a rescan', async () => {
    const { w } = await dayOfChanges(2, 10, (stories, rows) => stories.slice(0, maxSyncChanges(rows) + 1));
    expect(await syncProject(w.deps(), 'T1')).toEqual({
      status: 'rescan',
      reason: 'many changes since the last sync',
    });
    expect(w.queued).toEqual([expect.objectContaining({ projectKey: 'T1', kind: 'scan' })]);
  });

  it('continues in a follow-up event when the budget runs out, and finishes there', async () => {
    const { w } = await dayOfChanges(12, 20, (stories) => stories.slice(0, 110));
    // Past the budget after the first batch.
    let elapsed = 0;
    const budgetMs = SYNC_RESERVE_MS + 500;
    const first = await syncProject({ ...w.deps(), budgetMs, clock: () => (elapsed += 1_000) }, 'T1');
    expect(first).toMatchObject({ status: 'continued', changed: 100, remaining: 10, objects: 110 });
    expect(w.queued).toEqual([
      { projectKey: 'T1', kind: 'scan', action: 'sync', reason: 'daily (continued)' },
    ]);
    // The mark did not move: a lost follow-up leaves tomorrow's listing to cover the rest.
    expect(await w.store.get(syncKey('T1'))).toMatchObject({ pending: { keys: expect.any(Array) } });

    w.bulkFetches.length = 0;
    w.emulator.requests.reset();
    const second = await syncProject(w.deps(), 'T1');
    expect(second).toMatchObject({ status: 'synced', changed: 10, objects: 0 });
    expect(w.searches).toHaveLength(1); // the follow-up did not list again
    expect(w.bulkFetches).toEqual([10]);
    expect(await w.store.get(syncKey('T1'))).toEqual({ at: new Date(t0 + DAY).toISOString() });
    expect((await readAll(w.store, 'T1'))!.rows).toEqual((await rescanOf(w.emulator, 'T1')).rows);
  }, 120_000);

  it('rescans weekly and after a configuration change, not otherwise', async () => {
    const w = world();
    await runScanToCompletion({ ...w.deps(), clock: () => 0 }, 'T1');
    w.advance(8 * 24 * 60 * 60 * 1000);
    expect(await syncProject(w.deps(), 'T1')).toEqual({ status: 'rescan', reason: 'weekly' });
    expect(w.queued).toEqual([expect.objectContaining({ projectKey: 'T1', reason: 'weekly' })]);

    const v = world();
    await runScanToCompletion({ ...v.deps(), clock: () => 0 }, 'T1');
    const changedConfig = { ...config, rules: { ...config.rules } };
    changedConfig.rules['story-missing-po'] = { ...changedConfig.rules['story-missing-po'], enabled: false };
    expect(await syncProject({ ...v.deps(), config: changedConfig }, 'T1')).toEqual({
      status: 'rescan',
      reason: 'the configuration changed',
    });
  });

  it('lets a viewer rescan at most once per cool-down', async () => {
    const w = world();
    expect(await mayRescanNow(w.deps(), 'T1', false)).toBe(true);
    await runScanToCompletion({ ...w.deps(), clock: () => 0 }, 'T1');
    expect(await mayRescanNow(w.deps(), 'T1', false)).toBe(false);
    expect(await mayRescanNow(w.deps(), 'T1', true)).toBe(true);
    w.advance(RESCAN_COOLDOWN_MS);
    expect(await mayRescanNow(w.deps(), 'T1', false)).toBe(true);
  });
});
