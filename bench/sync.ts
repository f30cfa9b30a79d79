/**
 * Daily cost in Jira points (about one per request plus one per issue object returned) of keeping
 * a project's stored tree current when 1% of its issues change a day: before, a full rescan every
 * day; after, the sync by change (`src/scale/sync.ts`). Both run against the emulator on the same
 * changes (two copies of the site, so each finds the same `popm.findings` values to write).
 *
 * The emulator runs on the bench's clock: the edits stamp `updated`, and the sync's catch-up search
 * (`updated >= -Nm`) is answered by the emulator's JQL like every other request.
 *
 * Options (environment): SYNC_SIZES=10000,250000 (the default).
 */
import { DEFAULT_CONFIG } from '../src/domain/config';
import { createEmulator, type JiraEmulator } from '../src/emulator';
import { FIELD_IDS } from '../src/emulator/generate';
import { JiraApi } from '../src/jira/api';
import type { Transport } from '../src/jira/transport';
import { runScanToCompletion } from '../src/scale/scan-job';
import { syncProject } from '../src/scale/sync';
import { valueBytes } from '../src/storage/limits';
import { MemoryStore } from '../src/storage/memory';
import type { KeyValueStore } from '../src/storage/store';
import { sizesFromEnv, storiesSite, type BenchSection } from './section';

const PROJECT = 'T1';
const DAY = 24 * 60 * 60 * 1000;

const sizes = (): number[] => sizesFromEnv('SYNC_SIZES', [10_000, 250_000]);

/** Counts requests and the issue objects Jira returns (what it meters). */
class Points {
  requests = 0;
  objects = 0;
  reset(): void {
    this.requests = 0;
    this.objects = 0;
  }
  get total(): number {
    return this.requests + this.objects;
  }
  wrap(inner: Transport): Transport {
    return async (request) => {
      this.requests += 1;
      const response = await inner(request);
      if (response.status === 200 && response.text.startsWith('{"issues"'))
        this.objects += (JSON.parse(response.text) as { issues: unknown[] }).issues.length;
      return response;
    };
  }
}

/**
 * Forge meters kvs in 10 KB units per operation (about 4,000 read and 4,000 write units a minute
 * per installation), so the tree's storage traffic is counted as Forge would bill it.
 */
const KVS_UNIT_BYTES = 10_000;
const units = (value: unknown): number => Math.max(1, Math.ceil(valueBytes(value) / KVS_UNIT_BYTES));

class MeteredStore implements KeyValueStore {
  reads = 0;
  writes = 0;
  counting = false;
  constructor(private readonly inner: MemoryStore) {}
  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.counting = true;
  }
  async get(key: string): Promise<unknown> {
    const value = await this.inner.get(key);
    if (this.counting) this.reads += units(value);
    return value;
  }
  async set(key: string, value: unknown): Promise<void> {
    if (this.counting) this.writes += units(value);
    await this.inner.set(key, value);
  }
  async delete(key: string): Promise<void> {
    if (this.counting) this.writes += 1;
    await this.inner.delete(key);
  }
  async list(prefix: string): Promise<{ key: string; value: unknown }[]> {
    const entries = await this.inner.list(prefix);
    if (this.counting) for (const e of entries) this.reads += units(e.value);
    return entries;
  }
  async update<T>(key: string, update: (current: unknown) => T | undefined): Promise<T | undefined> {
    return this.inner.update(key, (current) => {
      const next = update(current);
      if (this.counting) {
        this.reads += units(current);
        this.writes += units(next);
      }
      return next;
    });
  }
}

interface Day {
  before: Points;
  after: Points;
  changed: number;
  issues: number;
  /** kvs units (10 KB each) read and written by the rescan [0] and by the sync [1]. */
  kvs: { reads: number; writes: number }[];
}

async function day(n: number): Promise<Day> {
  const site = storiesSite(n);
  const at = Date.parse('2026-03-01T02:00:00.000Z');
  let clock = at;
  const now = () => new Date(clock);
  const emulators: JiraEmulator[] = [
    createEmulator(site, { now }),
    createEmulator(structuredClone(site), { now }),
  ];
  const stories = site.issues.filter((i) => i.key.startsWith(`${PROJECT}-`));
  const changed = new Set<string>();
  // 1% of the project's issues change a day: a new Product Owner.
  for (let k = 0; k < stories.length; k += 100) changed.add(stories[k]!.key);
  const config = DEFAULT_CONFIG;
  const before = new Points();
  const after = new Points();
  const stores = [new MeteredStore(new MemoryStore()), new MeteredStore(new MemoryStore())];
  for (const [k, emulator] of emulators.entries()) {
    const points = k === 0 ? before : after;
    const api = new JiraApi(points.wrap(emulator.transportFor('u-0')), {
      sleep: () => Promise.resolve(),
    });
    // Yesterday's tree (and popm.findings everywhere): not counted.
    await runScanToCompletion(
      { store: stores[k]!, api, config, now: () => new Date(at), clock: () => 0, acceptance: 'store' },
      PROJECT,
    );
    clock = at + DAY / 2; // the changes happen during the day
    for (const key of changed) {
      const put = await emulator.transportFor('u-0')({
        method: 'PUT',
        path: `/rest/api/3/issue/${key}`,
        body: { fields: { [FIELD_IDS.productOwner]: null } },
      });
      if (put.status !== 204) throw new Error(`edit of ${key} refused`);
    }
    points.reset();
    stores[k]!.reset();
    clock = at + DAY;
    const today = () => new Date(at + DAY);
    if (k === 0) {
      await runScanToCompletion(
        { store: stores[k]!, api, config, now: today, clock: () => 0, acceptance: 'store' },
        PROJECT,
      );
    } else {
      const outcome = await syncProject(
        { store: stores[k]!, api, config, now: today, acceptance: 'store' },
        PROJECT,
      );
      if (outcome.status !== 'synced') throw new Error(`sync did not run: ${JSON.stringify(outcome)}`);
    }
  }
  const kvs = stores.map((store) => ({ reads: store.reads, writes: store.writes }));
  return { before, after, changed: changed.size, issues: stories.length, kvs };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

export const syncBench: BenchSection = {
  name: 'sync',
  description:
    'points per day to keep a project tree current, 1% of issues changing a day: full rescan vs sync by change',
  async run() {
    const cols = [
      'issues',
      'changed',
      'before req',
      'before obj',
      'before pts',
      'after req',
      'after obj',
      'after pts',
      'after/before',
      'kvs units r/w before',
      'kvs units r/w after',
    ];
    console.log(cols.map((c, k) => c.padStart(k < 9 ? 12 : 18)).join(''));
    for (const n of sizes()) {
      const r = await day(n);
      console.log(
        [
          fmt(r.issues),
          fmt(r.changed),
          fmt(r.before.requests),
          fmt(r.before.objects),
          fmt(r.before.total),
          fmt(r.after.requests),
          fmt(r.after.objects),
          fmt(r.after.total),
          `${(r.after.total / r.before.total).toFixed(3)}x`,
          ...r.kvs.map((k) => `${fmt(k.reads)}/${fmt(k.writes)}`),
        ]
          .map((c, k) => c.padStart(k < 9 ? 12 : 18))
          .join(''),
      );
    }
  },
};
