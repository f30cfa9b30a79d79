import { FIELD_IDS } from '../../src/emulator/generate';
import { dailyReconcile, readTrend, TREND_POINTS } from '../../src/scale/daily';
import { runScanToCompletion } from '../../src/scale/scan-job';
import {
  KVS_VALUE_LIMIT,
  newWriteId,
  readAll,
  readRows,
  treeKey,
  writeTree,
} from '../../src/scale/tree-store';
import { treePage } from '../../src/scale/service';
import type { ScanQueue } from '../../src/platform/deps';
import { MemoryStore } from '../../src/storage/memory';
import { apiFor, config, createEmulator, site } from './support';

const now = () => new Date('2026-03-01T10:00:00.000Z');

describe('snapshot store', () => {
  it('keeps every stored value under the kvs value limit', async () => {
    const store = new MemoryStore();
    await runScanToCompletion(
      { store, api: apiFor(createEmulator(site(40, 60))), config, now, clock: () => 0 },
      'ART',
    );
    const values = await store.list('snap:ART:');
    expect(values.length).toBeGreaterThan(5);
    for (const { value } of values)
      expect(Buffer.byteLength(JSON.stringify(value))).toBeLessThan(KVS_VALUE_LIMIT);
  });

  it('never shows a reader a half-written snapshot', async () => {
    const before = site(30, 40);
    const after = structuredClone(before);
    for (const issue of after.issues)
      if (issue.key.startsWith('ART-')) delete issue.fields[FIELD_IDS.productManager];
    const store = new MemoryStore();
    await runScanToCompletion(
      { store, api: apiFor(createEmulator(before)), config, now, clock: () => 0 },
      'ART',
    );
    const old = (await readAll(store, 'ART'))!;
    // Build the new snapshot's content in a scratch store, then write it into the live one while
    // reading the live one after every chunk.
    const scratch = new MemoryStore();
    await runScanToCompletion(
      { store: scratch, api: apiFor(createEmulator(after)), config, now, clock: () => 0 },
      'ART',
    );
    const fresh = (await readAll(scratch, 'ART'))!;
    expect(fresh.rows).not.toEqual(old.rows);
    let reads = 0;
    const outcome = await writeTree(
      store,
      {
        projectKey: 'ART',
        writeId: newWriteId(),
        builtAt: now().toISOString(),
        configHash: fresh.manifest.configHash,
        meta: fresh.manifest.meta,
        entries: fresh.rows.map((row, i) => ({ row, fact: fresh.facts[i]! })),
        factUsers: fresh.users,
      },
      {
        onChunk: async () => {
          const seen = await readRows(store, 'ART', 0, 100_000);
          expect(seen!.rows).toEqual(old.rows);
          reads++;
          return true;
        },
      },
    );
    expect(outcome.done).toBe(true);
    expect(reads).toBeGreaterThan(1);
    expect((await readRows(store, 'ART', 0, 100_000))!.rows).toEqual(fresh.rows);
    // Only the chunks of the manifest and of its fallback (the one it replaced) are kept.
    const manifest = (await readAll(store, 'ART'))!.manifest;
    expect(manifest.previous?.id).toBe(old.manifest.id);
    const chunkKeys = (await store.list('snap:ART:c:')).map((e) => e.key).sort();
    const live = [...manifest.chunks, ...manifest.previous!.chunks].map((c) => treeKey.chunk('ART', c.id));
    expect(chunkKeys).toEqual(live.sort());
  });

  it('answers a broken tree from the previous one and queues a repairing rescan', async () => {
    const before = site(4, 5);
    const after = structuredClone(before);
    delete after.issues.find((i) => i.key === 'ART-2')!.fields[FIELD_IDS.productManager];
    const store = new MemoryStore();
    await runScanToCompletion(
      { store, api: apiFor(createEmulator(before)), config, now, clock: () => 0 },
      'ART',
    );
    const old = (await readAll(store, 'ART'))!;
    await runScanToCompletion(
      { store, api: apiFor(createEmulator(after)), config, now, clock: () => 0 },
      'ART',
    );
    const current = (await readAll(store, 'ART'))!;
    expect(current.rows).not.toEqual(old.rows);
    // Damage the current tree: one chunk gone, as the old generation-numbered writers did.
    await store.delete(treeKey.chunk('ART', current.manifest.chunks[0]!.id));
    const page = (await readRows(store, 'ART', 0, 100_000))!;
    expect(page.degraded).toBe(true);
    expect(page.rows).toEqual(old.rows);
    const queued: unknown[] = [];
    const tree = await treePage(
      { store, now, queue: { push: (e) => (queued.push(e), Promise.resolve()) } },
      'ART',
      undefined,
      100_000,
    );
    expect(tree!.rows).toEqual(old.rows);
    expect(queued).toEqual([expect.objectContaining({ projectKey: 'ART', reason: 'repair' })]);
  });

  it('daily reconcile records the day and queues a scan per known project, keeping 90 points', async () => {
    const store = new MemoryStore();
    await runScanToCompletion(
      { store, api: apiFor(createEmulator(site(5, 5))), config, now, clock: () => 0 },
      'ART',
    );
    const pushed: string[] = [];
    const queue: ScanQueue = { push: (e) => (pushed.push(e.projectKey), Promise.resolve()) };
    for (let day = 0; day < TREND_POINTS + 5; day++) {
      const at = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
      // Each day's scan completes before the next reconcile.
      await runScanToCompletion(
        { store, api: apiFor(createEmulator(site(5, 5))), config, now: () => at, clock: () => 0 },
        'ART',
      );
      await dailyReconcile({ store, now: () => at, queue });
    }
    const trend = await readTrend(store, 'ART');
    expect(trend).toHaveLength(TREND_POINTS);
    expect(trend[trend.length - 1]!.date).toBe('2026-04-05');
    expect(trend[0]!.featuresWithPm).toEqual(expect.any(Number));
    expect(pushed).toHaveLength(TREND_POINTS + 5);
  });
});
