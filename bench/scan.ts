/**
 * Scale: the resumable scan, incremental updates and snapshot views, against the in-process Jira
 * emulator with a per-request latency (150 ms stands for Jira Cloud).
 *
 * Latency is ADDED TO A VIRTUAL CLOCK, not slept: every request advances the clock the scan job
 * budgets against (Forge's 900 s per async event), so a 250,000-issue scan takes its real CPU
 * time here while its checkpoints, continuations and "wall time at 150 ms/request" are those of
 * the real thing.
 *
 * Options (environment): SCAN_SIZES=1000,10000 (default 1k,10k,100k,250k), SCAN_LATENCY_MS=150.
 * `npm run bench -- --only scan` scans a 250,000-issue project to a complete snapshot.
 */
import { DEFAULT_CONFIG } from '../src/domain/config';
import { createEmulator, type JiraEmulator } from '../src/emulator';
import { FIELD_IDS } from '../src/emulator/generate';
import { JiraApi } from '../src/jira/api';
import { jqlProjectIssues } from '../src/jira/jql';
import { applyIssueChange } from '../src/scale/incremental';
import type { ScanEvent } from '../src/scale/scan-checkpoint';
import { requestScan, runScanStep } from '../src/scale/scan-job';
import type { ScanStepOutcome } from '../src/scale/scan-steps';
import { KVS_VALUE_LIMIT, readTreeManifest } from '../src/scale/tree-store';
import { runResolver } from '../src/resolvers';
import type { AppDeps, ScanQueue } from '../src/platform/deps';
import type { Transport } from '../src/jira/transport';
import type { Snapshot } from '../src/snapshot/format';
import { MemoryStore } from '../src/storage/memory';
import { mib, sizesFromEnv, storiesSite, type BenchSection } from './section';

const PROJECT = 'T1';
const config = DEFAULT_CONFIG;
const now = () => new Date('2026-03-01T10:00:00.000Z');

const sizes = (): number[] => sizesFromEnv('SCAN_SIZES', [1_000, 10_000, 100_000, 250_000]);
const latency = (): number => Number(process.env.SCAN_LATENCY_MS ?? 150);

class Meter {
  virtualMs = 0;
  emulatorMs = 0;
  peakRss = 0;
  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peakRss) this.peakRss = rss;
  }
  transport(inner: Transport, latencyMs: number): Transport {
    return async (req) => {
      this.virtualMs += latencyMs;
      const t = performance.now();
      try {
        return await inner(req);
      } finally {
        this.emulatorMs += performance.now() - t;
        this.sample();
      }
    };
  }
}

const row = (cells: (string | number)[]): string => cells.map((c) => String(c).padStart(13)).join('');
const count = (x: number): string => Math.round(x).toLocaleString('en-US');
const ratio = (x: number): string => `${x.toFixed(2)}x`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

interface ScanRun {
  store: MemoryStore;
  emulator: JiraEmulator;
  requests: number;
  objects: number;
  inScope: number;
  floor: number;
  steps: number;
  virtualMs: number;
  cpuMs: number;
  appMs: number;
  peakRss: number;
  chunks: number;
  storedBytes: number;
  /** Bulk popm.findings writes of the first scan (every in-scope issue, 100 a request). */
  writes: number;
  /** A second scan of the unchanged project: its requests, and how many of them were writes. */
  rescan: { requests: number; writes: number; floor: number };
}

const BULK_PROPERTIES_PATH = '/rest/api/3/issue/properties/multi';

/** Scans the project to a complete snapshot, one Forge-sized step (900 virtual seconds) at a time. */
async function scanRun(snapshot: Snapshot, latencyMs: number): Promise<ScanRun> {
  const emulator = createEmulator(snapshot);
  const meter = new Meter();
  const api = new JiraApi(meter.transport(emulator.transportFor('u-0'), latencyMs));
  const store = new MemoryStore();
  const events: ScanEvent[] = [];
  const queue: ScanQueue = {
    push: (e) => (events.push({ kind: 'scan', action: 'continue', ...e }), Promise.resolve()),
  };
  const writesSoFar = () => emulator.requests.entries.filter((e) => e.path === BULK_PROPERTIES_PATH).length;
  let steps = 0;
  const scanOnce = async (): Promise<ScanStepOutcome | undefined> => {
    await requestScan({ store, now, queue }, PROJECT);
    let outcome: ScanStepOutcome | undefined;
    while (events.length > 0) {
      const event = events.shift()!;
      const start = meter.virtualMs;
      steps++;
      outcome = await runScanStep(
        { store, api, config, now, queue, clock: () => meter.virtualMs - start },
        PROJECT,
        {},
        event,
      );
      meter.sample();
    }
    return outcome;
  };
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const last = await scanOnce();
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  if (last?.status !== 'complete') throw new Error(`scan ended ${last?.status ?? 'without running'}`);
  const writes = writesSoFar();
  const manifest = (await readTreeManifest(store, PROJECT))!;
  const c = last.state.counts;
  const ancestorsAndChildren = c.ancestors + c.children;
  const readFloor =
    2 +
    Math.ceil(c.project / 100) +
    Math.ceil(c.ancestors / 100) +
    (c.children > 0 ? Math.ceil(c.children / 100) : 0);
  // A first scan writes popm.findings on every in-scope issue: 100 issues a bulk request at best.
  const floor = readFloor + Math.ceil(manifest.totals.issues / 100);
  let storedBytes = 0;
  for (const { value } of await store.list(`snap:${PROJECT}:`))
    storedBytes += Buffer.byteLength(JSON.stringify(value));
  const measured = { requests: api.requestCount, steps, virtualMs: meter.virtualMs, peakRss: meter.peakRss };
  // The same project again, nothing changed: the reads alone, no property write.
  const requestsBefore = api.requestCount;
  const again = await scanOnce();
  if (again?.status !== 'complete') throw new Error(`rescan ended ${again?.status ?? 'without running'}`);
  const rescan = {
    requests: api.requestCount - requestsBefore,
    writes: writesSoFar() - writes,
    floor: readFloor,
  };
  return {
    store,
    emulator,
    requests: measured.requests,
    objects: c.project + ancestorsAndChildren,
    inScope: manifest.totals.issues,
    floor,
    steps: measured.steps,
    virtualMs: measured.virtualMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    appMs: wall - meter.emulatorMs,
    peakRss: measured.peakRss,
    chunks: manifest.chunks.length,
    storedBytes,
    writes,
    rescan,
  };
}

/** The naive way: list the project's ids (5,000 a page), then GET every issue and every parent. */
async function naiveRun(snapshot: Snapshot): Promise<{ requests: number; objects: number }> {
  const emulator = createEmulator(snapshot);
  const api = new JiraApi(emulator.transportFor('u-0'));
  const keys: string[] = [];
  for await (const page of api.searchJqlPages({
    jql: jqlProjectIssues(PROJECT),
    fields: ['key'],
    maxResults: 5000,
  })) {
    for (const issue of page) keys.push(issue.key);
  }
  const seen = new Set<string>();
  let objects = 0;
  const queue = [...keys];
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const issue = await api.getIssue(key);
    objects++;
    const parent = issue.fields.parent;
    if (typeof parent === 'object' && parent !== null && 'key' in parent && typeof parent.key === 'string')
      queue.push(parent.key);
  }
  return { requests: api.requestCount, objects };
}

/**
 * The first view of the largest project by a viewer with nothing cached: the viewer's key list is
 * read over several resolver calls (ACCESS_BUDGET_MS each), then every page of the tree. Key-only
 * search pages of 5,000 keys cost VIEW_KEY_PAGE_MS of virtual time (default 2,000: real ones take
 * 1-3 s), every other request the bench latency.
 */
async function firstViewOfLargest(run: ScanRun, lat: number): Promise<void> {
  const keyPageMs = Number(process.env.VIEW_KEY_PAGE_MS ?? 2_000);
  let virtualMs = 0;
  const timed =
    (inner: Transport): Transport =>
    (req) => {
      virtualMs += req.path.includes('/search/jql') ? keyPageMs : lat;
      return inner(req);
    };
  const deps: AppDeps = {
    jiraAsUser: (id) => timed(run.emulator.transportFor(id)),
    jiraAsApp: () => run.emulator.transportFor('u-0'),
    store: run.store,
    now: () => new Date(now().getTime() + 60_000 + virtualMs),
  };
  const viewer = 'u-2';
  const log = run.emulator.requests;
  const call = async (cursor?: string) => {
    const before = { ms: virtualMs, requests: log.count };
    const r = await runResolver(deps, 'getProjectTree', {
      payload: cursor ? { projectKey: PROJECT, cursor } : { projectKey: PROJECT },
      context: { accountId: viewer },
    });
    if (!r.ok) throw new Error(`getProjectTree failed: ${r.error.message}`);
    return { tree: r.data, ms: virtualMs - before.ms, requests: log.count - before.requests };
  };
  log.reset();
  const calls: { ms: number; requests: number; processed: number | null }[] = [];
  let first = await call();
  calls.push({ ms: first.ms, requests: first.requests, processed: first.tree.access?.processed ?? null });
  while (first.tree.access) {
    first = await call();
    calls.push({ ms: first.ms, requests: first.requests, processed: first.tree.access?.processed ?? null });
  }
  const keyPages = log.entries.filter((e) => e.path.includes('/search/jql')).length;
  const checkMs = calls.reduce((t, c) => t + c.ms, 0);
  const checkRequests = log.count;
  let pages = 1;
  let rows = first.tree.rows.length;
  let cursor = first.tree.nextCursor ?? undefined;
  while (cursor) {
    const next = await call(cursor);
    if (next.tree.access) throw new Error('the access check restarted during the load');
    pages++;
    rows += next.tree.rows.length;
    cursor = next.tree.nextCursor ?? undefined;
  }
  console.log(
    `\nfirst view of ${count(run.inScope)} issues by a viewer with nothing cached (key pages ${keyPageMs} ms, other requests ${lat} ms, virtual)`,
  );
  console.log(
    row([
      'calls',
      'max s/call',
      'max req/call',
      'key pages',
      'check req',
      'check time',
      'as one call',
      'total req',
      'pages',
      'rows',
    ]),
  );
  console.log(
    row([
      calls.length,
      secs(Math.max(...calls.map((c) => c.ms))),
      Math.max(...calls.map((c) => c.requests)),
      keyPages,
      checkRequests,
      secs(checkMs),
      secs(keyPages * keyPageMs + (checkRequests - keyPages) * lat),
      log.count,
      pages,
      count(rows),
    ]),
  );
  console.log(
    `progress per call (keys read): ${calls.map((c) => (c.processed === null ? 'done' : count(c.processed))).join(', ')}`,
  );
}

export const scanBench: BenchSection = {
  name: 'scan',
  description: `resumable scan, incremental updates and snapshot views (project ${PROJECT}, emulator, virtual latency)`,
  async run() {
    const lat = latency();
    console.log(`latency ${lat} ms/request added to a virtual clock; Forge step budget 900 s (virtual)`);
    console.log(
      row([
        'issues',
        'requests',
        'floor',
        'req/floor',
        'writes',
        '2nd req',
        '2nd floor',
        '2nd writes',
        'naive req',
        'req/naive',
        'objects/iss',
        'steps',
        `wall@${lat}ms`,
        'naive wall',
        'cpu',
        'app cpu',
        'peak RSS',
        'chunks',
        'stored',
        'kvs w units',
      ]),
    );
    let mid: ScanRun | undefined;
    let midSnapshot: Snapshot | undefined;
    let largest: ScanRun | undefined;
    for (const n of sizes()) {
      const snapshot = storiesSite(n);
      const run = await scanRun(snapshot, lat);
      const naive = n <= 10_000 ? await naiveRun(snapshot) : undefined;
      console.log(
        row([
          count(run.inScope),
          count(run.requests),
          count(run.floor),
          ratio(run.requests / run.floor),
          count(run.writes),
          count(run.rescan.requests),
          count(run.rescan.floor),
          count(run.rescan.writes),
          naive ? count(naive.requests) : 'not run',
          naive ? ratio(run.requests / naive.requests) : '-',
          (run.objects / run.inScope).toFixed(3),
          run.steps,
          secs(run.virtualMs),
          naive ? secs(naive.requests * lat) : '-',
          secs(run.cpuMs),
          secs(run.appMs),
          mib(run.peakRss),
          run.chunks,
          mib(run.storedBytes),
          count(Math.ceil(run.storedBytes / 10_240)),
        ]),
      );
      if (!largest || run.inScope > largest.inScope) largest = run;
      if (n === 10_000 || (!mid && n >= 1_000)) {
        mid = run;
        midSnapshot = snapshot;
      }
    }
    if (!mid || !midSnapshot) return;

    // Incremental: requests per event on the mid-size snapshot; naive = rescan the project (its
    // reads; the one changed issue's property write would add a request).
    console.log(
      `\nincremental updates (snapshot of ${count(mid.inScope)} issues; naive = full rescan, ${count(mid.rescan.requests)} requests)`,
    );
    console.log(row(['event', 'requests', 'req/naive', 'rows rewr.', 'chunks wr.']));
    const story = midSnapshot.issues.find(
      (i) => i.key.startsWith(`${PROJECT}-`) && i.fields.parent === 'ART-2',
    )!;
    const events: [string, (s: Snapshot) => void][] = [
      [
        'story edit',
        (s) => void (s.issues.find((i) => i.key === story.key)!.fields[FIELD_IDS.productOwner] = ['u-9']),
      ],
      ['parent change', (s) => void (s.issues.find((i) => i.key === story.key)!.fields.parent = 'ART-5')],
      [
        'owner change',
        (s) => void (s.issues.find((i) => i.key === 'ART-5')!.fields[FIELD_IDS.productManager] = 'u-4'),
      ],
    ];
    let current = midSnapshot;
    for (const [name, mutate] of events) {
      current = structuredClone(current);
      mutate(current);
      const emulator = createEmulator(current);
      const api = new JiraApi(emulator.transportFor('u-0'));
      const key = name === 'owner change' ? 'ART-5' : story.key;
      const outcome = await applyIssueChange({ store: mid.store, api, config, now }, PROJECT, {
        kind: 'updated',
        issueKey: key,
      });
      const req = api.requestCount;
      const rows = outcome.status === 'updated' ? outcome.rowsRewritten : 0;
      const chunks = outcome.status === 'updated' ? outcome.chunksWritten : 0;
      console.log(
        row([name, req, ratio(req / mid.rescan.requests), rows, chunks]) +
          (outcome.status === 'updated' ? '' : `  (${outcome.status})`),
      );
    }

    // Views, through the real resolver (`getProjectTree`, as the project page calls it): the
    // viewer's project check and key list, the snapshot pages, the per-viewer filter.
    const viewer = 'u-1';
    const appDeps: AppDeps = {
      jiraAsUser: (id) => mid.emulator.transportFor(id),
      jiraAsApp: () => mid.emulator.transportFor('u-0'),
      store: mid.store,
      now: () => new Date(now().getTime() + 60_000),
    };
    const view = async (): Promise<{ pages: number; rows: number; requests: number }> => {
      mid.emulator.requests.reset();
      let pages = 0;
      let rows = 0;
      let cursor: string | undefined;
      do {
        const r = await runResolver(appDeps, 'getProjectTree', {
          payload: cursor ? { projectKey: PROJECT, cursor } : { projectKey: PROJECT },
          context: { accountId: viewer },
        });
        if (!r.ok) throw new Error(`getProjectTree failed: ${r.error.message}`);
        if (r.data.scan.status !== 'complete') throw new Error(`the snapshot is ${r.data.scan.status}`);
        pages++;
        rows += r.data.rows.length;
        cursor = r.data.nextCursor ?? undefined;
      } while (cursor);
      return { pages, rows, requests: mid.emulator.requests.count };
    };
    const firstView = await view();
    const repeatView = await view();
    console.log(
      `\nviews through the getProjectTree resolver (snapshot of ${count(mid.inScope)} issues; naive = a read-only rescan on every view, ${count(mid.rescan.requests)} requests)`,
    );
    console.log(row(['view', 'pages', 'rows', 'requests', 'req/naive']));
    for (const [name, v] of [
      ['first (no cache)', firstView],
      ['repeat (cache)', repeatView],
    ] as const)
      console.log(row([name, v.pages, count(v.rows), v.requests, ratio(v.requests / mid.rescan.requests)]));
    if (largest) await firstViewOfLargest(largest, lat);
    console.log(
      `chunk values stay under kvs's ${KVS_VALUE_LIMIT.toLocaleString('en-US')}-byte limit (checked on every write)`,
    );
  },
};
