/**
 * The app served from stored snapshots, end to end through the real resolvers and Forge entry
 * functions (their AppDeps swapped for an emulator-backed one): a first view starts a scan, the
 * queue consumer completes it, views read storage only, issue events and the app's own writes
 * patch the snapshot, and every view is filtered to what the viewer may see.
 */
import { readFileSync } from 'node:fs';
import { createEmulator, SAMPLE_SNAPSHOT_PATH, type JiraEmulator } from '../../src/emulator';
import { serverError, withRestricted } from '../../src/emulator/faults';
import { buildResolver } from '../../src/resolvers';
import { invokeResolver } from '../../src/resolvers/invoke';
import { readTreeManifest } from '../../src/scale/tree-store';
import type { AppDeps } from '../../src/platform/deps';
import { VISIBILITY_TTL_MS } from '../../src/services/visibility';
import type { ProjectTree, ResolverName, Result, ResultTypes, TreeRow } from '../../src/shared/contract';
import { parseSnapshot, type Snapshot } from '../../src/snapshot/format';
import { MemoryStore } from '../../src/storage/memory';
import { handler as scanConsumer } from '../../src/entry/scan-consumer';
import { handler as issueEvents } from '../../src/entry/issue-events';
import { handler as daily } from '../../src/entry/daily';

let mockDeps: AppDeps | undefined;
jest.mock('../../src/entry/deps', () => ({
  // The deadline is tested in test/hardening/deadline.test.ts; these entries run without one.
  invocationDeadline: () => undefined,
  forgeDeps: () => {
    if (!mockDeps) throw new Error('no deps set for the entry under test');
    return mockDeps;
  },
}));

const ADMIN = 'u-morgan-reyes';
const PO = 'u-lena-fischer';
const OTHER = 'u-kenji-sato';
const APP = 'u-popm-app';
const sample = parseSnapshot(JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')));
const withApp = (s: Snapshot): Snapshot => ({
  ...s,
  users: [...s.users, { accountId: APP, displayName: 'POPM Guard', active: true, accountType: 'app' }],
});

interface World {
  emulator: JiraEmulator;
  store: MemoryStore;
  deps: AppDeps;
  queued: { projectKey: string; [k: string]: unknown }[];
  clock: { now: Date };
  call<N extends ResolverName>(name: N, payload: unknown, accountId: string): Promise<Result<ResultTypes[N]>>;
  /** Runs every queued scan event through the Forge consumer entry, as the queue would. */
  drain(): Promise<number>;
  /** Every page of the tree, following nextCursor. */
  allRows(projectKey: string, accountId: string): Promise<{ first: ProjectTree; rows: TreeRow[] }>;
}

function world(snapshot: Snapshot = withApp(sample)): World {
  const emulator = createEmulator(snapshot);
  const store = new MemoryStore();
  const queued: World['queued'] = [];
  const clock = { now: new Date('2026-03-01T12:00:00.000Z') };
  const deps: AppDeps = {
    jiraAsUser: (id) => emulator.transportFor(id),
    jiraAsApp: () => emulator.transportFor(APP),
    store,
    now: () => clock.now,
    queue: { push: (e) => (queued.push(e), Promise.resolve()) },
    jiraClient: { sleep: () => Promise.resolve(), random: () => 0.5 },
  };
  mockDeps = deps;
  const definitions = buildResolver(deps).getDefinitions();
  const call: World['call'] = (name, payload, accountId) =>
    invokeResolver(definitions, name, payload, { accountId });
  return {
    emulator,
    store,
    deps,
    queued,
    clock,
    call,
    async drain() {
      let steps = 0;
      while (queued.length > 0) {
        await scanConsumer({ body: queued.shift() });
        steps++;
      }
      return steps;
    },
    async allRows(projectKey, accountId) {
      const first = await call('getProjectTree', { projectKey }, accountId);
      if (!first.ok) throw new Error(first.error.message);
      const rows = [...first.data.rows];
      let cursor = first.data.nextCursor;
      while (cursor) {
        const next = await call('getProjectTree', { projectKey, cursor }, accountId);
        if (!next.ok) throw new Error(next.error.message);
        rows.push(...next.data.rows);
        cursor = next.data.nextCursor;
      }
      return { first: first.data, rows };
    },
  };
}

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

describe('project page from the snapshot', () => {
  it('first view starts a scan, the consumer completes it, later views and pages read storage only', async () => {
    const w = world();
    const first = ok(await w.call('getProjectTree', { projectKey: 'ORB' }, PO));
    expect(first.rows).toEqual([]);
    expect(first.scan).toEqual(expect.objectContaining({ status: 'running', processed: 0 }));
    expect(w.queued).toEqual([expect.objectContaining({ projectKey: 'ORB', action: 'continue' })]);
    // The scan ran as the app, never as the viewer.
    const asViewer = w.emulator.requests.entries.filter((e) => e.accountId !== APP);
    expect(asViewer.map((e) => e.path)).toEqual(['/rest/api/3/project/ORB']);

    // A poll while the scan is queued starts nothing more.
    expect(ok(await w.call('getProjectTree', { projectKey: 'ORB' }, PO)).scan.status).toBe('running');
    expect(w.queued).toHaveLength(1);

    expect(await w.drain()).toBe(1);
    w.emulator.requests.reset();
    const { first: page, rows } = await w.allRows('ORB', PO);
    expect(page.scan).toEqual(
      expect.objectContaining({ status: 'complete', builtAt: '2026-03-01T12:00:00.000Z' }),
    );
    expect(rows.length).toBe(page.issues + rows.filter((r) => r.context).length);
    expect(rows.map((r) => r.key)).toContain('ORB-12');
    // First complete view: the viewer's key list (one ids-only search) and the context rows'
    // check (a key-only bulk fetch per 100); the project check was cached by the first view.
    const firstViewRequests = w.emulator.requests.entries.map((e) => `${e.accountId} ${e.method} ${e.path}`);
    expect(firstViewRequests.every((r) => r.startsWith(`${PO} `))).toBe(true);
    expect(firstViewRequests.filter((r) => r.endsWith('/search/jql'))).toHaveLength(1);
    expect(firstViewRequests.length).toBeLessThanOrEqual(4);

    // Repeat view and paging: zero Jira requests.
    w.emulator.requests.reset();
    const again = await w.allRows('ORB', PO);
    expect(again.rows).toEqual(rows);
    expect(w.emulator.requests.count).toBe(0);

    // After the cache's time: the project check and the key list again, nothing else.
    w.clock.now = new Date(w.clock.now.getTime() + VISIBILITY_TTL_MS + 1);
    w.emulator.requests.reset();
    await w.allRows('ORB', PO);
    expect(w.emulator.requests.entries.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/rest/api/3/project/ORB', '/rest/api/3/search/jql']),
    );
  });

  it('a project the viewer cannot see: NOT_FOUND, and no scan is started', async () => {
    const w = world();
    const r = await w.call('getProjectTree', { projectKey: 'NOPE' }, PO);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(w.queued).toEqual([]);
    expect((await w.call('startScan', { projectKey: 'NOPE' }, PO)).ok).toBe(false);
    expect(w.queued).toEqual([]);
  });

  it('a bad cursor is refused before anything is read or started', async () => {
    const w = world();
    const r = await w.call('getProjectTree', { projectKey: 'ORB', cursor: 'garbage' }, PO);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(w.emulator.requests.count).toBe(0);
    expect(w.queued).toEqual([]);
  });

  it('rows Jira hides from the viewer are left out, and their keys are not named', async () => {
    const w = world(withApp(withRestricted(sample, 'ORB-12', [PO, APP])));
    await w.call('getProjectTree', { projectKey: 'ART' }, ADMIN);
    await w.drain();
    const po = await w.allRows('ART', PO);
    const other = await w.allRows('ART', OTHER);
    expect(po.rows.map((r) => r.key)).toContain('ORB-12');
    expect(other.rows.map((r) => r.key)).not.toContain('ORB-12');
    expect(other.rows.length).toBe(po.rows.length - 1);
    expect(JSON.stringify(other.rows)).not.toMatch(/\bORB-12\b/);
    // Everyone else sees exactly the same rows.
    expect(other.rows).toEqual(po.rows.filter((r) => r.key !== 'ORB-12'));
    // Figures are project-wide (the snapshot's), the same for both.
    expect(other.first.coverage).toEqual(po.first.coverage);
    expect(other.first.countsByRule).toEqual(po.first.countsByRule);
  });

  it('a configuration change is picked up by a rescan; the old data shows meanwhile', async () => {
    const w = world();
    await w.call('getProjectTree', { projectKey: 'ART' }, PO);
    await w.drain();
    const before = ok(await w.call('getProjectTree', { projectKey: 'ART' }, PO));
    expect(before.rows.find((r) => r.key === 'ART-1')?.level).toBe('portfolio');
    const saved = await w.call(
      'saveConfig',
      { config: { version: 1, levels: { Epic: 'program' } }, revision: 0 },
      ADMIN,
    );
    expect(saved.ok).toBe(true);
    const during = ok(await w.call('getProjectTree', { projectKey: 'ART' }, PO));
    expect(during.scan.status).toBe('running');
    expect(during.scan.total).toBeGreaterThan(0); // the previous snapshot's size, as an estimate
    expect(during.rows.length).toBeGreaterThan(0);
    await w.drain();
    const after = ok(await w.call('getProjectTree', { projectKey: 'ART' }, PO));
    expect(after.scan.status).toBe('complete');
    expect(after.rows.find((r) => r.key === 'ART-1')?.level).toBe('program');
  });

  it('a failed scan is reported, not restarted by every poll, and a rescan retries it', async () => {
    const w = world();
    const remove = w.emulator.injectFault(
      serverError(503, Infinity, { match: { path: '/rest/api/3/search/jql' } }),
    );
    await w.call('getProjectTree', { projectKey: 'ORB' }, PO);
    await w.drain(); // five attempts, each resuming from the checkpoint, then failed
    const failed = ok(await w.call('getProjectTree', { projectKey: 'ORB' }, PO));
    expect(failed.scan.status).toBe('failed');
    expect(failed.scan.error).toMatch(/503|unavailable|Jira/i);
    expect(w.queued).toEqual([]);
    remove();
    const retry = ok(await w.call('startScan', { projectKey: 'ORB' }, PO));
    expect(retry.status).toBe('running');
    await w.drain();
    expect(ok(await w.call('getProjectTree', { projectKey: 'ORB' }, PO)).scan.status).toBe('complete');
  });
});

describe('keeping the snapshot current', () => {
  async function scanned(projectKey: string): Promise<World> {
    const w = world();
    await w.call('getProjectTree', { projectKey }, PO);
    await w.drain();
    return w;
  }

  it('an issue event patches the snapshot through the issue-events entry, with no rescan', async () => {
    const w = await scanned('ORB');
    await w.allRows('ORB', PO); // the viewer's key list is cached
    const generation = (await readTreeManifest(w.store, 'ORB'))!.generation;
    // Someone renames ORB-12 in Jira; Jira sends the event.
    const api = w.emulator.transportFor(ADMIN);
    const put = await api({
      method: 'PUT',
      path: '/rest/api/3/issue/ORB-12',
      body: { fields: { summary: 'Renamed in Jira' } },
    });
    expect(put.status).toBe(204);
    const issue = JSON.parse(
      (await api({ method: 'GET', path: '/rest/api/3/issue/ORB-12?fields=parent' })).text,
    ) as { id: string; fields: { parent?: { key: string } } };
    w.emulator.requests.reset();
    await issueEvents({
      eventType: 'avi:jira:updated:issue',
      issue: { id: issue.id, key: 'ORB-12', fields: { parent: issue.fields.parent } },
      changelog: { items: [{ field: 'summary', fieldId: 'summary', toString: 'Renamed in Jira' }] },
    });
    expect(w.queued).toEqual([]);
    expect(w.emulator.requests.count).toBeLessThanOrEqual(2);
    expect((await readTreeManifest(w.store, 'ORB'))!.generation).toBe(generation + 1);
    w.emulator.requests.reset();
    const { rows } = await w.allRows('ORB', PO);
    expect(rows.find((r) => r.key === 'ORB-12')?.summary).toBe('Renamed in Jira');
    // The patch moved no issue in or out of sight: the cached verdicts still hold.
    expect(w.emulator.requests.count).toBe(0);
  });

  it('an acceptance made in the app shows on the project page at once', async () => {
    const w = await scanned('ORB');
    const before = await w.allRows('ORB', PO);
    expect(before.rows.find((r) => r.key === 'ORB-12')?.acceptance).toBeNull();
    expect(ok(await w.call('acceptStory', { issueKey: 'ORB-12' }, PO)).acceptance?.valid).toBe(true);
    const after = await w.allRows('ORB', PO);
    expect(after.rows.find((r) => r.key === 'ORB-12')?.acceptance).toEqual(
      expect.objectContaining({ acceptedBy: PO, valid: true }),
    );
    expect(w.queued).toEqual([]);
  });

  it('the daily entry records the trend point and queues a reconciling rescan', async () => {
    const w = await scanned('ORB');
    expect(ok(await w.call('getGadgetSummary', { projectKey: 'ORB' }, PO)).trend).toHaveLength(1);
    w.clock.now = new Date('2026-03-02T03:00:00.000Z');
    await daily();
    expect(w.queued).toEqual([expect.objectContaining({ projectKey: 'ORB', reason: 'daily' })]);
    await w.drain();
    const summary = ok(await w.call('getGadgetSummary', { projectKey: 'ORB' }, PO));
    expect(summary.trend.map((p) => p.date)).toEqual(['2026-03-01', '2026-03-02']);
  });
});

describe('gadget from the snapshot', () => {
  it('starts a scan when there is none, then serves project-wide figures with zero requests', async () => {
    const w = world();
    const first = ok(await w.call('getGadgetSummary', { projectKey: 'ORB' }, PO));
    expect(first.scan.status).toBe('running');
    expect(first.coverage).toEqual({ featuresWithPm: null, doneStoriesAccepted: null });
    expect(first.projectName.length).toBeGreaterThan(0);
    await w.drain();
    const done = ok(await w.call('getGadgetSummary', { projectKey: 'ORB', rules: ['story-missing-po'] }, PO));
    expect(done.scan.status).toBe('complete');
    expect(Object.keys(done.countsByRule)).toEqual(['story-missing-po']);
    expect(done.trend).toEqual([expect.objectContaining({ date: '2026-03-01' })]);
    const tree = ok(await w.call('getProjectTree', { projectKey: 'ORB' }, PO));
    expect(done.coverage).toEqual(tree.coverage);
    expect(done.countsByRule['story-missing-po']).toBe(tree.countsByRule['story-missing-po']);
    w.emulator.requests.reset();
    await w.call('getGadgetSummary', { projectKey: 'ORB' }, PO);
    expect(w.emulator.requests.count).toBe(0);
  });
});
