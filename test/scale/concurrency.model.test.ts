/**
 * Model-based concurrency test of the stored project trees: accepts, issue events and scans run at
 * the same time over the in-memory store, with fast-check's scheduler choosing the order in which
 * every storage call and every Jira request starts and finishes. Whatever the interleaving, once
 * everything has settled the stored tree must be readable and equal to a fresh full rescan of the
 * same Jira data and acceptance records.
 */
import fc from 'fast-check';
import { FIELD_IDS } from '../../src/emulator/generate';
import type { Transport } from '../../src/jira/transport';
import { handleScanEvent, startTreeScan } from '../../src/scale/service';
import { handleIssueEvent } from '../../src/services/trigger';
import { runScanToCompletion } from '../../src/scale/scan-job';
import { readAll } from '../../src/scale/tree-store';
import type { AppDeps } from '../../src/platform/deps';
import { ACCEPTANCE_PREFIX, acceptanceKey } from '../../src/storage/acceptance-store';
import { MemoryStore } from '../../src/storage/memory';
import type { KeyValueStore } from '../../src/storage/store';
import { apiFor, config, createEmulator, site } from './support';

const PROJECT = 'ART';
const now = () => new Date('2026-03-01T10:00:00.000Z');
const base = site(3, 2, { teamProjects: 1 });
const features = base.issues.filter((i) => i.key.startsWith('ART-')).map((i) => i.key);
const stories = base.issues.filter((i) => i.key.startsWith('T1-')).map((i) => ({ id: i.id, key: i.key }));
const people = ['u-1', 'u-2', 'u-3'];

type Op =
  | { kind: 'accept'; story: number; by: number }
  | { kind: 'revoke'; story: number }
  | { kind: 'pm'; feature: number; to: number | null }
  | { kind: 'po'; story: number; to: number | null }
  | { kind: 'scan' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('accept' as const),
    story: fc.nat(stories.length - 1),
    by: fc.nat(people.length - 1),
  }),
  fc.record({ kind: fc.constant('revoke' as const), story: fc.nat(stories.length - 1) }),
  fc.record({
    kind: fc.constant('pm' as const),
    feature: fc.nat(features.length - 1),
    to: fc.option(fc.nat(people.length - 1)),
  }),
  fc.record({
    kind: fc.constant('po' as const),
    story: fc.nat(stories.length - 1),
    to: fc.option(fc.nat(people.length - 1)),
  }),
  fc.constant({ kind: 'scan' as const }),
);

/** Every call starts and finishes when the scheduler says so. */
function scheduled<T extends object>(s: fc.Scheduler, target: T, methods: readonly (keyof T)[]): T {
  const out = Object.create(target) as T;
  for (const m of methods) {
    const fn = (target[m] as (...a: unknown[]) => Promise<unknown>).bind(target);
    (out as Record<keyof T, unknown>)[m] = async (...args: unknown[]) => {
      await s.schedule(Promise.resolve(), `${String(m)} start`);
      const result = await fn(...args);
      await s.schedule(Promise.resolve(), `${String(m)} end`);
      return result;
    };
  }
  return out;
}

async function fullRescan(emulator: ReturnType<typeof createEmulator>, store: MemoryStore) {
  const fresh = new MemoryStore();
  for (const { key, value } of await store.list(ACCEPTANCE_PREFIX)) await fresh.set(key, value);
  await runScanToCompletion(
    { store: fresh, api: apiFor(emulator), config, now, clock: () => 0, acceptance: 'store' },
    PROJECT,
  );
  return (await readAll(fresh, PROJECT))!;
}

async function runModel(s: fc.Scheduler, ops: Op[], initialScan: boolean): Promise<void> {
  const emulator = createEmulator(structuredClone(base));
  const memory = new MemoryStore();
  const admin = emulator.transportFor('u-0');
  const queued: unknown[] = [];
  const plainDeps = (store: KeyValueStore, jira: Transport): AppDeps => ({
    jiraAsUser: () => jira,
    jiraAsApp: () => jira,
    store,
    now,
    queue: { push: (e) => (queued.push(e), Promise.resolve()) },
    jiraClient: { sleep: () => Promise.resolve() },
  });
  if (initialScan) {
    await runScanToCompletion(
      { store: memory, api: apiFor(emulator), config, now, clock: () => 0, acceptance: 'store' },
      PROJECT,
    );
  }
  const store = scheduled<KeyValueStore>(s, memory, ['get', 'set', 'delete', 'list', 'update']);
  const jira: Transport = async (request) => {
    await s.schedule(Promise.resolve(), 'jira start');
    const response = await admin(request);
    await s.schedule(Promise.resolve(), 'jira end');
    return response;
  };
  const deps = plainDeps(store, jira);
  // The app's one event pipeline (src/services/trigger.ts), as Jira's events and the app's own
  // writes reach it.
  const event = (key: string) =>
    handleIssueEvent(deps, { eventType: 'avi:jira:updated:issue', issue: { key } });

  const run = async (op: Op): Promise<unknown> => {
    switch (op.kind) {
      case 'accept': {
        const story = stories[op.story]!;
        await store.set(acceptanceKey(story.id), {
          issueKey: story.key,
          record: { acceptedBy: people[op.by]!, acceptedAt: now().toISOString() },
          revision: 1,
          history: [],
        });
        return event(story.key);
      }
      case 'revoke': {
        const story = stories[op.story]!;
        await store.delete(acceptanceKey(story.id));
        return event(story.key);
      }
      case 'pm':
      case 'po': {
        const key = op.kind === 'pm' ? features[op.feature]! : stories[op.story]!.key;
        const field = op.kind === 'pm' ? FIELD_IDS.productManager : FIELD_IDS.productOwner;
        const who = op.to === null ? null : { accountId: people[op.to]! };
        const value = op.kind === 'po' && who !== null ? [who] : who;
        const res = await admin({
          method: 'PUT',
          path: `/rest/api/3/issue/${key}`,
          body: { fields: { [field]: value } },
        });
        if (res.status >= 300) throw new Error(`edit of ${key} refused: ${res.text}`);
        return event(key);
      }
      case 'scan': {
        // As on Forge: the request queues the first step, each step is a queue event.
        const mine: unknown[] = [];
        const scanDeps = { ...deps, queue: { push: (e: unknown) => (mine.push(e), Promise.resolve()) } };
        await startTreeScan(scanDeps, PROJECT);
        while (mine.length > 0) await handleScanEvent(scanDeps, mine.shift());
        return undefined;
      }
    }
  };

  const all = Promise.all(ops.map((op) => run(op)));
  await s.waitFor(all);
  // Settle: whatever the pipeline queued (repairs, rescans) runs now, in order.
  const settleDeps = plainDeps(memory, admin);
  for (let n = 0; queued.length > 0 && n < 50; n++) await handleScanEvent(settleDeps, queued.shift());

  const got = await readAll(memory, PROJECT);
  const expected = await fullRescan(emulator, memory);
  expect(got).toBeDefined();
  expect(got!.rows).toEqual(expected.rows);
  expect(got!.manifest.totals).toEqual(expected.manifest.totals);
}

describe('project trees under concurrent accepts, events and scans', () => {
  it('always equal a full rescan once everything has settled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(opArb, { minLength: 2, maxLength: 5 }),
        fc.boolean(),
        async (s, ops, initialScan) => runModel(s, ops, initialScan || !ops.some((o) => o.kind === 'scan')),
      ),
      { numRuns: Number(process.env.MODEL_RUNS ?? 100) },
    );
  }, 180_000);
});
