/**
 * The storage side of an incremental update: reading a stored tree lazily (only the chunks and
 * index shards the change reaches) and writing a patch back in the tree's storage format (new
 * chunk ids for rewritten chunks, split when grown, the index shards of keys that moved, then the
 * manifest switched by compare-and-swap). What the patch is comes from tree-patch.ts.
 */
import type { KeyValueStore } from '../storage/store';
import { directoryFor, type Fact, type UserDirectory } from './compact';
import { MAX_NEIGHBOURHOOD, splitRows, TooLarge, type Pos } from './tree-patch';
import {
  beginWrite,
  CHUNK_TARGET_BYTES,
  lookupSlots,
  newWriteId,
  partId,
  readChunk,
  readShard,
  shardOf,
  switchManifest,
  treeKey,
  type Chunk,
  type StoredRow,
  type Totals,
  type TreeManifest,
} from './tree-store';

/** Another writer switched the manifest while the patch was computed: compute it again. */
export class TreeChangedError extends Error {
  constructor(projectKey: string) {
    super(`the stored tree of ${projectKey} changed during an incremental update; apply the event again`);
    this.name = 'TreeChangedError';
  }
}

/** Lazily loaded chunks and index shards of one manifest, with global row positions. */
export class Working {
  readonly chunks = new Map<number, Chunk>();
  readonly order: number[];
  readonly orderOf = new Map<number, number>();
  private readonly shards = new Map<number, Record<string, number>>();

  constructor(
    private readonly store: KeyValueStore,
    readonly manifest: TreeManifest,
  ) {
    this.order = manifest.chunks.map((c) => c.slot);
    this.order.forEach((slot, i) => this.orderOf.set(slot, i));
  }

  async chunk(slot: number): Promise<Chunk> {
    let c = this.chunks.get(slot);
    if (!c) {
      const ref = this.manifest.chunks[this.orderOf.get(slot) ?? -1];
      if (!ref) throw new Error(`tree slot ${slot} is not in the manifest`);
      c = await readChunk(this.store, this.manifest.projectKey, ref.id);
      if (!c) throw new Error(`stored tree chunk ${ref.id} is missing`);
      this.chunks.set(slot, c);
    }
    return c;
  }

  async locate(key: string): Promise<Pos | undefined> {
    const s = shardOf(key, this.manifest.shards.length);
    let shard = this.shards.get(s);
    if (!shard) {
      shard = await readShard(this.store, this.manifest.projectKey, this.manifest.shards[s]!);
      this.shards.set(s, shard);
    }
    const slot = Object.hasOwn(shard, key) ? shard[key] : undefined;
    if (slot === undefined || !this.orderOf.has(slot)) return undefined;
    const chunk = await this.chunk(slot);
    const index = chunk.r.findIndex((r) => r.k === key);
    return index < 0 ? undefined : { slot, index };
  }

  /** The row at `pos` and every row after it deeper than it: its subtree, in order. */
  async subtree(pos: Pos): Promise<Pos[]> {
    const root = (await this.chunk(pos.slot)).r[pos.index]!;
    const out: Pos[] = [pos];
    let o = this.orderOf.get(pos.slot)!;
    let i = pos.index + 1;
    for (;;) {
      const slot = this.order[o];
      if (slot === undefined) return out;
      const chunk = await this.chunk(slot);
      for (; i < chunk.r.length; i++) {
        if (chunk.r[i]!.d <= root.d) return out;
        out.push({ slot, index: i });
        if (out.length > MAX_NEIGHBOURHOOD) throw new TooLarge();
      }
      o += 1;
      i = 0;
    }
  }

  async row(pos: Pos): Promise<{ row: StoredRow; fact: Fact }> {
    const c = await this.chunk(pos.slot);
    return { row: c.r[pos.index]!, fact: c.f[pos.index]! };
  }

  /** Global index of a position (for containment checks). */
  global(pos: Pos): number {
    let n = 0;
    const o = this.orderOf.get(pos.slot)!;
    for (let k = 0; k < o; k++) n += this.manifest.chunks[k]!.n;
    return n + pos.index;
  }
}

/**
 * Stores the rewritten chunks of `w` under a new write id (split when grown), the index shards of
 * keys whose slot changed (or that left the tree), and switches the manifest, only if nobody
 * switched it since `w.manifest` was read (else TreeChangedError: recompute on the new one).
 */
export async function writePatch(
  store: KeyValueStore,
  w: Working,
  rewritten: ReadonlyMap<number, { r: StoredRow[]; f: Fact[] }>,
  patch: { users: UserDirectory; ownerDir: UserDirectory; totals: Totals; now(): Date },
): Promise<{ chunksWritten: number }> {
  const manifest = w.manifest;
  const P = manifest.projectKey;
  const writeId = newWriteId();
  await beginWrite(store, P, writeId);
  const chunks: TreeManifest['chunks'] = [];
  let nextSlot = manifest.nextSlot;
  const slotOf = new Map<string, number | null>();
  for (const slot of rewritten.keys()) for (const row of w.chunks.get(slot)!.r) slotOf.set(row.k, null);
  let chunksWritten = 0;
  for (const ref of manifest.chunks) {
    const edit = rewritten.get(ref.slot);
    if (!edit) {
      chunks.push(ref);
      continue;
    }
    const parts = splitRows(edit.r, edit.f, CHUNK_TARGET_BYTES);
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k]!;
      if (part.r.length === 0) continue;
      const slot = k === 0 ? ref.slot : nextSlot++;
      const uo: UserDirectory = {};
      for (const row of part.r)
        for (const id of row.o ?? []) if (patch.ownerDir[id]) uo[id] = patch.ownerDir[id];
      const stored: Chunk = { u: directoryFor(part.f, patch.users), uo, r: part.r, f: part.f };
      const id = partId(writeId, slot);
      await store.set(treeKey.chunk(P, id), stored);
      chunksWritten++;
      chunks.push({ slot, id, n: part.r.length });
      for (const row of part.r) slotOf.set(row.k, slot);
    }
  }
  const shardEdits = new Map<number, Map<string, number | null>>();
  const known = await lookupSlots(store, manifest, [...slotOf.keys()]);
  for (const [key, slot] of slotOf) {
    if ((known.get(key) ?? null) === slot) continue;
    const s = shardOf(key, manifest.shards.length);
    const m = shardEdits.get(s) ?? new Map<string, number | null>();
    m.set(key, slot);
    shardEdits.set(s, m);
  }
  const shards = [...manifest.shards];
  for (const [s, edits] of shardEdits) {
    const shard = await readShard(store, P, manifest.shards[s]!);
    for (const [key, slot] of edits) {
      if (slot === null) delete shard[key];
      else shard[key] = slot;
    }
    const id = partId(writeId, `x${s}`);
    await store.set(treeKey.shard(P, id), shard);
    shards[s] = id;
  }
  const next: TreeManifest = {
    ...manifest,
    id: writeId,
    updatedAt: patch.now().toISOString(),
    chunks,
    nextSlot,
    shards,
    totals: patch.totals,
  };
  if (!(await switchManifest(store, next, manifest.id))) throw new TreeChangedError(P);
  return { chunksWritten };
}
