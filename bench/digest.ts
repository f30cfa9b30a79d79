/**
 * The daily digest's Jira cost, counted with the emulator's request log: a run for the bundled
 * sample and for a synthetic site, after each project's tree is stored (the digest reads the
 * trees, never searches Jira). Points: about one per request plus one per object returned (the
 * users of GET /user/bulk; serverInfo's one object; notify returns none).
 *
 * Options (environment): DIGEST_SIZES=10000 (issues of the synthetic site; default 10000).
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG } from '../src/domain/config';
import { createEmulator, generateSite, SAMPLE_SNAPSHOT_PATH, type JiraEmulator } from '../src/emulator';
import type { Transport } from '../src/jira/transport';
import type { AppDeps } from '../src/platform/deps';
import { startTreeScan } from '../src/scale/service';
import { runDigest, waitingStories } from '../src/services/digest';
import { parseSnapshot, type Snapshot } from '../src/snapshot/format';
import { ConfigStore } from '../src/storage/config-store';
import { MemoryStore } from '../src/storage/memory';
import { sizesFromEnv, type BenchSection } from './section';

const sizes = (): number[] => sizesFromEnv('DIGEST_SIZES', [10_000]);

async function measure(name: string, site: Snapshot, admin: string, projects: string[]): Promise<void> {
  const emulator: JiraEmulator = createEmulator(site);
  const store = new MemoryStore();
  // Late in the year: every started story has waited past the threshold.
  const now = new Date('2026-12-01T06:00:00.000Z');
  let objects = 0;
  const counted: Transport = async (request) => {
    const response = await emulator.transportFor(admin)(request);
    if (response.status === 200 && request.path.startsWith('/rest/api/3/user/bulk'))
      objects += (JSON.parse(response.text) as { values: unknown[] }).values.length;
    if (response.status === 200 && request.path.startsWith('/rest/api/3/serverInfo')) objects += 1;
    return response;
  };
  const deps: AppDeps = {
    jiraAsUser: (id) => emulator.transportFor(id),
    jiraAsApp: () => counted,
    store,
    now: () => now,
    jiraClient: { sleep: () => Promise.resolve() },
  };
  await new ConfigStore(store, () => now).save(
    { ...DEFAULT_CONFIG, digest: { enabled: true, thresholdDays: 2 } },
    0,
    admin,
  );
  for (const p of projects) await startTreeScan(deps, p);
  const stories = (await waitingStories(deps)).length;
  emulator.requests.reset();
  objects = 0;
  const started = performance.now();
  const outcome = await runDigest(deps);
  const ms = performance.now() - started;
  const requests = emulator.requests.count;
  const runObjects = objects;
  // The same day again (the trigger firing twice): what the guard leaves of the cost.
  emulator.requests.reset();
  const again = await runDigest(deps);
  const cells = [
    name.padEnd(16),
    site.issues.length,
    stories,
    outcome.due,
    outcome.sent,
    outcome.inactive,
    requests,
    runObjects,
    requests + runObjects,
    ms.toFixed(0),
    again.sent,
    emulator.requests.count,
  ];
  console.log(cells.map((c, i) => (i === 0 ? String(c) : String(c).padStart(WIDTHS[i - 1] ?? 8))).join(' '));
}

const HEADER = [
  'issues',
  'waiting',
  'due',
  'sent',
  'inactive',
  'requests',
  'objects',
  'points',
  'run ms',
  'again sent',
  'again req',
];
const WIDTHS = HEADER.map((h) => Math.max(h.length, 7));

export const digestBench: BenchSection = {
  name: 'digest',
  description: 'Jira requests and points of one daily digest run (emulator request log)',
  async run() {
    console.log(['site'.padEnd(16), ...HEADER.map((h, i) => h.padStart(WIDTHS[i] ?? 8))].join(' '));
    const sample = parseSnapshot(JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')));
    await measure(
      'bundled sample',
      sample,
      sample.admins[0] ?? '',
      sample.projects.map((p) => p.key),
    );
    for (const n of sizes()) {
      const site = generateSite({
        features: Math.max(1, Math.round(n / 100)),
        storiesPerFeature: 99,
        seed: 5,
      });
      await measure(`synthetic ${n}`, site, 'u-0', ['T1', 'T2', 'T3']);
    }
  },
};
