import { FIELD_IDS } from '../../src/emulator/generate';
import { handleIssueEventForTrees, handleScanEvent, treePage, startTreeScan } from '../../src/scale/service';
import { MemoryStore } from '../../src/storage/memory';
import { appDeps, createEmulator, site } from './support';

describe('scale service entry points', () => {
  it('queues a scan, runs its steps from queue events, serves pages with zero Jira requests, applies issue events', async () => {
    const snapshot = site(8, 30);
    let emulator = createEmulator(snapshot);
    const store = new MemoryStore();
    const queued: unknown[] = [];
    let deps = appDeps(emulator, store, queued);
    expect(await treePage(deps, 'ART', undefined)).toBeUndefined();
    expect((await startTreeScan(deps, 'ART')).status).toBe('running');
    while (queued.length > 0) await handleScanEvent(deps, queued.shift());
    emulator.requests.reset();
    const first = (await treePage(deps, 'ART', undefined))!;
    expect(first.scan.status).toBe('complete');
    expect(first.rows).toHaveLength(200);
    const second = (await treePage(deps, 'ART', first.nextCursor!))!;
    expect(second.rows[0]!.key).not.toBe(first.rows[0]!.key);
    expect(emulator.requests.count).toBe(0);
    await expect(treePage(deps, 'ART', 'not-a-cursor')).rejects.toThrow(RangeError);

    // A feature loses its Product Manager: the event updates the snapshot with one request.
    const after = structuredClone(snapshot);
    delete after.issues.find((i) => i.key === 'ART-2')!.fields[FIELD_IDS.productManager];
    emulator = createEmulator(after);
    deps = appDeps(emulator, store, queued);
    const results = await handleIssueEventForTrees(deps, {
      eventType: 'avi:jira:updated:issue',
      issue: { key: 'ART-2' },
    });
    expect(results).toEqual([
      { projectKey: 'ART', outcome: expect.objectContaining({ status: 'updated', requests: 1 }) },
    ]);
    const tree = (await treePage(deps, 'ART', undefined, 100_000))!;
    expect(tree.rows.find((r) => r.key === 'ART-2')!.findings.map((f) => f.rule)).toContain(
      'feature-missing-pm',
    );
  });
});
