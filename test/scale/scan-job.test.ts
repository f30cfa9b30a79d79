import { readFileSync } from 'node:fs';
import { SAMPLE_SNAPSHOT_PATH } from '../../src/emulator';
import { applyIssueChange } from '../../src/scale/incremental';
import { parseSnapshot } from '../../src/snapshot/format';
import { MemoryStore } from '../../src/storage/memory';
import { coverageOf, readAll, readRows } from '../../src/scale/tree-store';
import { readScanState, STUCK_AFTER_MS, type ScanEvent } from '../../src/scale/scan-checkpoint';
import { runScanStep, runScanToCompletion, requestScan } from '../../src/scale/scan-job';
import type { ScanQueue } from '../../src/platform/deps';
import { apiFor, config, createEmulator, directAudit, directViaFacts, site } from './support';

const now = () => new Date('2026-03-01T10:00:00.000Z');

describe('resumable scan job', () => {
  // ART: 50 features with 100 stories each in team projects (children phase), epics in PORT (ancestors).
  const snapshot = site(50, 100);

  it('scans a ~5k-issue project to a snapshot identical to scanProject + evaluate', async () => {
    const emulator = createEmulator(snapshot);
    const expected = await directAudit(emulator, 'ART');
    expect(expected.result.issues.length).toBeGreaterThan(4500);
    const store = new MemoryStore();
    emulator.requests.reset();
    const outcome = await runScanToCompletion(
      { store, api: apiFor(emulator), config, now, clock: () => 0 },
      'ART',
    );
    expect(outcome.status).toBe('complete');
    const all = await readAll(store, 'ART');
    expect(all).toBeDefined();
    expect(all!.rows).toEqual(expected.rows);
    expect(all!.manifest.totals.countsByRule).toEqual(expected.result.countsByRule);
    expect(all!.manifest.totals.issues).toBe(expected.result.issueCount);
    expect(coverageOf(all!.manifest.totals)).toEqual(expected.result.coverage);
    expect(all!.rows.flatMap((r) => r.findings)).toEqual(expected.result.issues.flatMap((i) => i.findings));
    // Staging is gone once the snapshot is in place.
    expect((await store.list('scan:ART:g')).length).toBe(0);
  });

  it('names acceptors that no user field names, as scanProject does, and keeps them through an update', async () => {
    // The sample site has stories accepted by someone who is not their PO (acceptance-not-by-po).
    const sample = parseSnapshot(JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')));
    const emulator = createEmulator(sample);
    const expected = await directAudit(emulator, 'ART');
    const notByPo = expected.result.findings.filter((f) => f.rule === 'acceptance-not-by-po');
    expect(notByPo.length).toBeGreaterThan(0);
    expect(notByPo.every((f) => !/accepted by u-/.test(f.message))).toBe(true);
    const store = new MemoryStore();
    await runScanToCompletion({ store, api: apiFor(emulator), config, now, clock: () => 0 }, 'ART');
    const all = (await readAll(store, 'ART'))!;
    expect(all.rows).toEqual(expected.rows);
    // An update re-evaluates the story from the stored chunk: the name is still there.
    const story = notByPo[0]!.issueKey;
    const outcome = await applyIssueChange({ store, api: apiFor(emulator), config, now }, 'ART', {
      kind: 'updated',
      issueKey: story,
    });
    expect(outcome.status).not.toBe('needs-rescan');
    const after = (await readAll(store, 'ART'))!.rows.find((r) => r.key === story)!;
    expect(after.findings.find((f) => f.rule === 'acceptance-not-by-po')?.message).toBe(notByPo[0]!.message);
  });

  it('loses nothing the engine reads when issues are reduced to compact facts', async () => {
    const emulator = createEmulator(site(10, 20, { subtasksPerStory: 1 }));
    for (const project of ['ART', 'T1']) {
      expect(await directViaFacts(emulator, project)).toEqual((await directAudit(emulator, project)).rows);
    }
  });

  it('resumes after a budget stop and a failed page without re-reading finished pages', async () => {
    const emulator = createEmulator(snapshot);
    const reference = await directAudit(emulator, 'ART');

    // A baseline run counts the requests of an uninterrupted scan, on a site of its own: its
    // popm.findings writes would otherwise leave the interrupted scan nothing to write.
    const cleanStore = new MemoryStore();
    const baseline = createEmulator(snapshot);
    await runScanToCompletion(
      { store: cleanStore, api: apiFor(baseline), config, now, clock: () => 0 },
      'ART',
    );
    const uninterrupted = baseline.requests.count;

    // Now: a virtual clock that advances 10 s per request and a 120 s budget (so each step does a
    // few pages), and a network failure on the 30th request (a children page).
    let virtual = 0;
    const store = new MemoryStore();
    const events: ScanEvent[] = [];
    const queue: ScanQueue = {
      push: (e) => (events.push({ kind: 'scan', action: 'continue', ...e }), Promise.resolve()),
    };
    emulator.requests.reset();
    let failed = false;
    emulator.injectFault((_req, index) => {
      virtual += 10_000;
      if (index === 30 && !failed) {
        failed = true;
        throw new Error('connection reset');
      }
      return undefined;
    });
    // No retries inside the client: the failure must reach the job, which resumes from its checkpoint.
    const { JiraApi } = await import('../../src/jira/api');
    const api = new JiraApi(emulator.transportFor('u-0'), {
      retry: { maxAttempts: 1 },
      sleep: () => Promise.resolve(),
    });
    await requestScan({ store, now, queue }, 'ART');
    const outcomes: string[] = [];
    while (events.length > 0) {
      const event = events.shift()!;
      const start = virtual;
      const outcome = await runScanStep(
        { store, api, config, now, queue, clock: () => virtual - start + 0 },
        'ART',
        { budgetMs: 120_000, reserveMs: 20_000, evaluateReserveMs: 20_000 },
        event,
      );
      outcomes.push(outcome.status);
    }
    expect(outcomes).toContain('continued');
    expect(outcomes).toContain('retrying');
    expect(outcomes[outcomes.length - 1]).toBe('complete');
    // Exactly one request more than an uninterrupted scan: the page that failed, asked again.
    expect(emulator.requests.count).toBe(uninterrupted + 1);
    const all = await readAll(store, 'ART');
    expect(all!.rows).toEqual(reference.rows);
    const state = await readScanState(store, 'ART');
    expect(state?.status).toBe('complete');
    expect(state!.counts.steps).toBeGreaterThan(3);
  });

  it('revives a scan whose continuation was lost, from its checkpoint, once it has been silent too long', async () => {
    const emulator = createEmulator(site(5, 10));
    const store = new MemoryStore();
    const events: ScanEvent[] = [];
    const queue: ScanQueue = {
      push: (e) => (events.push({ kind: 'scan', action: 'continue', ...e }), Promise.resolve()),
    };
    let clock = Date.parse('2026-03-01T10:00:00.000Z');
    const at = () => new Date(clock);
    const first = await requestScan({ store, now: at, queue }, 'ART');
    expect(events).toHaveLength(1);
    events.length = 0; // the invocation that should run it dies: its event is gone

    // Within a step's lifetime a second request only reports the running scan.
    clock += 10 * 60 * 1000;
    expect((await requestScan({ store, now: at, queue }, 'ART')).generation).toBe(first.generation);
    expect(events).toHaveLength(0);

    // Silent for longer than any step could run: the same generation is queued again.
    clock += STUCK_AFTER_MS;
    const revived = await requestScan({ store, now: at, queue }, 'ART');
    expect(revived.generation).toBe(first.generation);
    expect(events).toEqual([expect.objectContaining({ generation: first.generation, reason: 'stuck' })]);
    const outcome = await runScanStep(
      { store, api: apiFor(emulator), config, now: at, queue, clock: () => 0 },
      'ART',
      {},
      events[0],
    );
    expect(outcome.status).toBe('complete');
    expect((await readScanState(store, 'ART'))?.generation).toBe(first.generation);
  });

  it('serves project-page views from the snapshot with zero Jira requests', async () => {
    const emulator = createEmulator(site(10, 20));
    const store = new MemoryStore();
    await runScanToCompletion({ store, api: apiFor(emulator), config, now, clock: () => 0 }, 'ART');
    emulator.requests.reset();
    const page = await readRows(store, 'ART', 100, 50);
    expect(page?.rows).toHaveLength(50);
    expect(emulator.requests.count).toBe(0);
    const all = await readAll(store, 'ART');
    expect(page!.rows).toEqual(all!.rows.slice(100, 150));
  });
});
