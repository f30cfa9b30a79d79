/**
 * What a scan stages in the KeyValueStore under its generation while it runs, so that nothing but
 * the checkpoint and these small values survives between queue events: the compact facts of every
 * page read (one key per page), the key lists the later phases walk (ancestors to fetch, features
 * whose stories to read), and the `popm.findings` writes the evaluation found different. Then the
 * step that turns them into the stored tree and switches it into place, and the cleanup.
 */
import { z } from 'zod';
import { BULK_PROPERTIES_MAX } from '../jira/api';
import type { KeyValueStore } from '../storage/store';
import type { Fact, UserDirectory } from './compact';
import { scanKey, type ScanCheckpoint } from './scan-checkpoint';
import {
  beginWrite,
  factSchema,
  newWriteId,
  writeTree,
  type FullTree,
  type WriteOutcome,
} from './tree-store';

/** Entries per part of a staged key list. */
const LIST_PART = 5_000;
/**
 * Pending property writes per staged part: a multiple of the bulk request's 100, so a batch never
 * spans two parts; 500 values of at most a few hundred bytes stay well under kvs's value limit.
 */
export const WRITE_PART = 5 * BULK_PROPERTIES_MAX;

/** A pending write: issue id and the `popm.findings` value to set. */
export type PendingWrite = [string, Record<string, unknown>];

const stagedWritesSchema = z.array(z.tuple([z.string(), z.record(z.string(), z.unknown())]));

const stagedPageSchema = z.object({
  u: z.record(z.string(), z.tuple([z.string().nullable(), z.boolean().nullable(), z.string().nullable()])),
  f: z.array(factSchema),
});

/** Stores one page's facts (and the accounts they name) as page `n` of the scan. */
export async function stagePage(
  store: KeyValueStore,
  state: ScanCheckpoint,
  n: number,
  facts: Fact[],
  users: UserDirectory,
): Promise<void> {
  await store.set(scanKey.page(state.projectKey, state.generation, n), { u: users, f: facts });
}

/** Every staged page's facts, in the order read, and the accounts they name. */
export async function readStagedPages(
  store: KeyValueStore,
  state: ScanCheckpoint,
): Promise<{ facts: Fact[]; users: UserDirectory }> {
  const facts: Fact[] = [];
  const users: UserDirectory = {};
  for (let n = 0; n < state.pages; n++) {
    const raw = await store.get(scanKey.page(state.projectKey, state.generation, n));
    const parsed = stagedPageSchema.safeParse(raw);
    if (!parsed.success)
      throw new Error(`staged scan page ${n} of ${state.projectKey} is missing or unreadable; rescan needed`);
    for (const f of parsed.data.f) facts.push(f);
    Object.assign(users, parsed.data.u);
  }
  return { facts, users };
}

/** Stores the pending writes in parts of WRITE_PART; returns how many there are. */
export async function stageWrites(
  store: KeyValueStore,
  state: ScanCheckpoint,
  pending: readonly PendingWrite[],
): Promise<number> {
  for (let n = 0; n * WRITE_PART < pending.length; n++)
    await store.set(
      scanKey.writePart(state.projectKey, state.generation, n),
      pending.slice(n * WRITE_PART, (n + 1) * WRITE_PART),
    );
  return pending.length;
}

/** Part `n` of the staged writes. */
export async function readWritePart(
  store: KeyValueStore,
  state: ScanCheckpoint,
  n: number,
): Promise<PendingWrite[]> {
  const raw = await store.get(scanKey.writePart(state.projectKey, state.generation, n));
  const parsed = stagedWritesSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`staged property writes part ${n} of ${state.projectKey} are missing or unreadable`);
  return parsed.data;
}

/**
 * Writes the evaluated tree under the checkpoint's write id (a fresh one on a first attempt, so a
 * superseded runner's chunks can never be ours), resuming after `state.storeChunks` chunks, and
 * switches it into place. `keepWriteId` records a fresh id in the checkpoint before any chunk is
 * written; `onChunk` may stop the write (the caller checkpoints how far it got).
 */
export async function writeStagedTree(
  store: KeyValueStore,
  state: ScanCheckpoint,
  tree: Omit<FullTree, 'projectKey' | 'writeId'>,
  keepWriteId: (writeId: string) => Promise<void>,
  onChunk: (written: number) => Promise<boolean>,
): Promise<WriteOutcome> {
  let writeId = state.writeId;
  const resuming = state.storeChunks > 0 && writeId !== undefined;
  if (!resuming || writeId === undefined) {
    writeId = newWriteId();
    await keepWriteId(writeId);
    await beginWrite(store, state.projectKey, writeId);
  }
  return writeTree(
    store,
    { ...tree, projectKey: state.projectKey, writeId },
    { skipChunks: resuming ? state.storeChunks : 0, onChunk },
  );
}

/**
 * An append-only list of keys staged in parts of LIST_PART entries, deduplicated. Only the last
 * part is rewritten when it grows, so a 20,000-entry list costs one small write per change.
 */
export class ListWriter {
  private items: string[] = [];
  private seen = new Set<string>();
  private dirtyFrom: number;

  constructor(
    private readonly store: KeyValueStore,
    private readonly projectKey: string,
    private readonly generation: number,
    private readonly name: string,
    private readonly storedLength: number,
  ) {
    this.dirtyFrom = storedLength;
  }

  /** A staged key list of the checkpoint's generation, loaded as far as the checkpoint says. */
  static async open(
    store: KeyValueStore,
    state: ScanCheckpoint,
    name: 'anc' | 'features',
  ): Promise<ListWriter> {
    const list = new ListWriter(store, state.projectKey, state.generation, name, state.lengths[name]);
    await list.load();
    return list;
  }

  get length(): number {
    return this.items.length;
  }

  async load(): Promise<void> {
    const parts = Math.ceil(this.storedLength / LIST_PART);
    for (let n = 0; n < parts; n++) {
      const raw = await this.store.get(scanKey.listPart(this.projectKey, this.generation, this.name, n));
      const parsed = z.array(z.string()).safeParse(raw);
      if (!parsed.success)
        throw new Error(`staged list ${this.name} part ${n} of ${this.projectKey} is unreadable`);
      for (const item of parsed.data) {
        if (this.items.length >= this.storedLength) break;
        if (!this.seen.has(item)) {
          this.seen.add(item);
          this.items.push(item);
        }
      }
    }
    this.dirtyFrom = this.items.length;
  }

  add(item: string): void {
    if (this.seen.has(item)) return;
    this.seen.add(item);
    this.items.push(item);
  }

  slice(from: number, to: number): string[] {
    return this.items.slice(from, to);
  }

  async flush(): Promise<void> {
    if (this.dirtyFrom >= this.items.length) return;
    const first = Math.floor(this.dirtyFrom / LIST_PART);
    const last = Math.floor((this.items.length - 1) / LIST_PART);
    for (let n = first; n <= last; n++) {
      await this.store.set(
        scanKey.listPart(this.projectKey, this.generation, this.name, n),
        this.items.slice(n * LIST_PART, (n + 1) * LIST_PART),
      );
    }
    this.dirtyFrom = this.items.length;
  }
}

/** Deletes a scan's staged pages and lists (after completion, or when a new scan replaces it). */
export async function cleanupStaging(
  store: KeyValueStore,
  projectKey: string,
  state: ScanCheckpoint,
): Promise<void> {
  for (let n = 0; n < state.pages; n++) await store.delete(scanKey.page(projectKey, state.generation, n));
  for (const name of ['anc', 'features']) {
    const len = name === 'anc' ? state.lengths.anc : state.lengths.features;
    for (let n = 0; n * LIST_PART < len; n++)
      await store.delete(scanKey.listPart(projectKey, state.generation, name, n));
  }
  for (let n = 0; n * WRITE_PART < state.writes.length; n++)
    await store.delete(scanKey.writePart(projectKey, state.generation, n));
}
