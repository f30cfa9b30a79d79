import { FIELD_IDS, STATUSES } from '../../src/emulator/generate';
import { applyIssueChange } from '../../src/scale/incremental';
import { runScanToCompletion } from '../../src/scale/scan-job';
import { readAll } from '../../src/scale/snapshot-store';
import type { Snapshot } from '../../src/snapshot/format';
import { MemoryStore } from '../../src/storage/memory';
import { apiFor, config, createEmulator, site } from '../../test/scale/support';
const now = () => new Date('2026-03-01T10:00:00.000Z');
async function full(s: Snapshot, p: string) {
  const store = new MemoryStore();
  await runScanToCompletion({ store, api: apiFor(createEmulator(s)), config, now, clock: () => 0 }, p);
  return { store, all: (await readAll(store, p))! };
}
it('dbg', async () => {
  const before = site(12, 8, { subtasksPerStory: 1 });
  const { store, all: b0 } = await full(before, 'T1');
  const after = structuredClone(before);
  const story = after.issues.find((i) => i.key.startsWith('T1-') && i.fields.parent === 'ART-1')!;
  story.fields.status = STATUSES.done!;
  delete story.fields[FIELD_IDS.productOwner];
  const out = await applyIssueChange({ store, api: apiFor(createEmulator(after)), config, now }, 'T1', { kind: 'updated', issueKey: story.key });
  console.log(story.key, out);
  const exp = (await full(after, 'T1')).all;
  const got = (await readAll(store, 'T1'))!;
  const e = new Map(exp.rows.map((r) => [r.key, r]));
  const b = new Map(b0.rows.map((r) => [r.key, r]));
  for (const r of got.rows) {
    const x = e.get(r.key);
    if (JSON.stringify(x) !== JSON.stringify(r)) console.log(r.key, 'before', JSON.stringify(b.get(r.key)?.belowCounts), JSON.stringify(b.get(r.key)?.findings.map(f=>f.rule)), '\n got', JSON.stringify(r.belowCounts), JSON.stringify(r.findings.map(f=>f.rule)), '\n exp', JSON.stringify(x?.belowCounts), JSON.stringify(x?.findings.map(f=>f.rule)));
  }
  console.log(exp.rows.slice(0,12).map(r=>r.key+':'+r.depth).join(' '));
});
