/**
 * Stored project trees in the KeyValueStore: the evaluated tree (rows shaped like the contract's
 * `TreeRow`) plus the compact facts behind each row (for incremental re-evaluation), chunked under
 * @forge/kvs's 240 KiB value limit, with a manifest key that names the chunks in tree order.
 *
 * Safe under concurrent writers (two accepts, two events, a rescan overlapping a write):
 *  - every write gets its own random write id, and its chunks and shards are stored under keys
 *    that start with it, so two writers never share a storage key;
 *  - the manifest is switched with a compare-and-swap (`store.update`): a patch commits only if
 *    the manifest it was computed from is still current, otherwise it drops its own chunks and
 *    the caller recomputes it on the new manifest; a full scan replaces whatever is current;
 *  - the manifest value keeps the previous manifest (`previous`) as a fallback, and cleanup after
 *    a switch deletes only chunks and shards that neither the new manifest nor its `previous`
 *    names;
 *  - a reader that finds a chunk of the current manifest missing or unreadable (a broken tree)
 *    serves the previous manifest's rows and says so (`degraded`), so the caller can queue a
 *    repairing rescan.
 *
 * Keys (all within kvs's key alphabet):
 *   snap:P:manifest       the manifest (with the previous one inside)
 *   snap:P:c:<wid>n<slot> a chunk: rows, facts, and the directory of the accounts they name
 *   snap:P:x:<wid>n<s>    an index shard: issue key -> chunk slot (for incremental updates)
 *   snap:P:pending        writes in progress (id, start), so a crashed write can be cleaned up
 *
 * Slots are stable names of chunk positions; a rewritten chunk keeps its slot and gets a new
 * storage id, so the key index changes only when issues move between chunks.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { FieldInfo, IssueTypeInfo, RuleId, Severity } from '../domain/types';
import { RULE_IDS, ROLE_NAMES, SEVERITIES, STATUS_CATEGORIES, LEVELS } from '../domain/types';
import type { Coverage } from '../domain/types';
import type { TreeRow } from '../shared/contract';
import type { KeyValueStore } from '../storage/store';
import type { Fact, UserDirectory } from './compact';
import { fnv1a32 } from '../domain/hash';
import { fieldInfoSchema } from '../domain/fields';

/** @forge/kvs: "Value size 240 KiB — maximum size of a single persisted value". */
export const KVS_VALUE_LIMIT = 240 * 1024;
/** Target chunk size, leaving room for the directory and JSON overhead under the limit. */
export const CHUNK_TARGET_BYTES = 180_000;
/** Index entries per shard (an entry is ~20 bytes: far under the limit). */
const INDEX_ENTRIES_PER_SHARD = 6_000;

/**
 * Storage keys of a stored tree. The `snap:` prefix dates from when the stored tree was called a
 * snapshot; it stays, because installed sites keep their trees under it (renaming it would need a
 * migration and gain nothing).
 */
export const treeKey = {
  manifest: (p: string) => `snap:${p}:manifest`,
  chunk: (p: string, id: string) => `snap:${p}:c:${id}`,
  shard: (p: string, id: string) => `snap:${p}:x:${id}`,
  pending: (p: string) => `snap:${p}:pending`,
  prefixOfWrite: (p: string, kind: 'c' | 'x', writeId: string) => `snap:${p}:${kind}:${writeId}n`,
};

/** Chunks and index shards: written once under a fresh key, never rewritten (see newWriteId). */
export function isWriteOnceTreeKey(key: string): boolean {
  return /^snap:[^:]+:[cx]:/.test(key);
}

/**
 * A fresh write id: random, so two writers that start from the same manifest at the same moment
 * never pick the same chunk keys (generation numbers did, and the loser deleted the winner's live
 * chunks).
 */
export function newWriteId(): string {
  return `w${randomBytes(6).toString('hex')}`;
}

/** Storage id of part `n` of write `writeId`. */
export function partId(writeId: string, n: number | string): string {
  return `${writeId}n${n}`;
}

/** A crashed write's leftovers are deleted once it has been pending this long (longer than any step). */
export const PENDING_EXPIRY_MS = 6 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Stored shapes

const ruleCounts = z.partialRecord(z.enum(RULE_IDS), z.number().int().min(0));

export const totalsSchema = z.object({
  /** In-scope issues. */
  issues: z.number().int().min(0),
  rows: z.number().int().min(0),
  features: z.number().int().min(0),
  featuresWithPm: z.number().int().min(0),
  doneStories: z.number().int().min(0),
  doneStoriesAccepted: z.number().int().min(0),
  countsByRule: ruleCounts,
  countsBySeverity: z.object({ error: z.number(), warning: z.number(), info: z.number() }),
});
export type Totals = z.infer<typeof totalsSchema>;

const issueTypeSchema = z.object({
  id: z.string(),
  name: z.string(),
  hierarchyLevel: z.number(),
  subtask: z.boolean(),
});

const manifestCore = z.object({
  v: z.literal(1),
  projectKey: z.string(),
  /** The write that made this manifest (its chunks' and shards' key prefix). */
  id: z.string().default('legacy'),
  /** Counts writes, for people and logs; never used to name storage keys. */
  generation: z.number().int().min(0),
  /** When the last full scan completed. */
  builtAt: z.string(),
  /** When the stored tree last changed (scan or incremental update). */
  updatedAt: z.string(),
  /** Fingerprint of the configuration the rows were evaluated with; a change needs a rescan. */
  configHash: z.string(),
  meta: z.object({ issueTypes: z.array(issueTypeSchema), fields: z.array(fieldInfoSchema) }),
  chunks: z.array(z.object({ slot: z.number().int().min(0), id: z.string(), n: z.number().int().min(0) })),
  nextSlot: z.number().int().min(0),
  shards: z.array(z.string()),
  totals: totalsSchema,
});
export const treeManifestSchema = manifestCore.extend({
  /** The manifest this one replaced: the readers' fallback, and its chunks are kept alive. */
  previous: manifestCore.optional(),
});
export type TreeManifest = z.infer<typeof manifestCore> & { previous?: z.infer<typeof manifestCore> };

export function coverageOf(t: Totals): Coverage {
  return {
    featuresWithPm: t.features === 0 ? null : t.featuresWithPm / t.features,
    doneStoriesAccepted: t.doneStories === 0 ? null : t.doneStoriesAccepted / t.doneStories,
  };
}

/** A TreeRow, compactly: owners by account id (details in the chunk's `uo`), role and finding keys implied. */
const storedRowSchema = z.object({
  k: z.string(),
  s: z.string(),
  pk: z.string(),
  t: z.string(),
  l: z.enum(LEVELS),
  st: z.tuple([z.string(), z.enum(STATUS_CATEGORIES)]),
  o: z.array(z.string()).optional(),
  os: z.enum(['field', 'team', 'project']).optional(),
  ac: z
    .object({
      acceptedBy: z.string(),
      acceptedAt: z.string(),
      statusCategory: z.enum(STATUS_CATEGORIES).optional(),
      acceptedByName: z.string().optional(),
      valid: z.boolean(),
      stale: z.boolean(),
    })
    .optional(),
  f: z.array(z.tuple([z.enum(RULE_IDS), z.enum(SEVERITIES), z.string()])).optional(),
  b: ruleCounts.optional(),
  pa: z.string().optional(),
  d: z.number().int().min(0),
  c: z.literal(1).optional(),
});
export type StoredRow = z.infer<typeof storedRowSchema>;

const detailsSchema = z.tuple([z.string().nullable(), z.boolean().nullable(), z.string().nullable()]);
const factSchema: z.ZodType<Fact> = z.object({
  i: z.string(),
  k: z.string(),
  s: z.string(),
  p: z.string().optional(),
  t: z.string(),
  ty: z.object({ name: z.string(), hierarchyLevel: z.number(), subtask: z.boolean() }).optional(),
  pa: z.string().optional(),
  st: z.tuple([z.string(), z.enum(STATUS_CATEGORIES)]),
  sc: z.string().optional(),
  u: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  x: z.record(z.string(), z.unknown()).optional(),
  ac: z.literal(1).optional(),
  a: z.unknown().optional(),
  ab: z.string().optional(),
  fp: z.string().optional(),
});
export { factSchema };

const chunkSchema = z.object({
  /** Facts' accounts (Jira's raw details). */
  u: z.record(z.string(), detailsSchema),
  /** Row owners' display details (resolved: displayName, active, avatar). */
  uo: z.record(z.string(), detailsSchema),
  r: z.array(storedRowSchema),
  f: z.array(factSchema),
});
export interface Chunk {
  u: UserDirectory;
  uo: UserDirectory;
  r: StoredRow[];
  f: Fact[];
}

const shardSchema = z.record(z.string(), z.number().int().min(0));

// ---------------------------------------------------------------------------------------------
// Rows <-> stored rows

export function encodeRow(row: TreeRow, owners: UserDirectory): StoredRow {
  const out: StoredRow = {
    k: row.key,
    s: row.summary,
    pk: row.projectKey,
    t: row.issueType,
    l: row.level,
    st: [row.status.name, row.status.category],
    d: row.depth,
  };
  if (row.owners.length > 0) {
    out.o = row.owners.map((o) => {
      owners[o.accountId] = [o.displayName, o.active, o.avatarUrl ?? null];
      return o.accountId;
    });
  }
  if (row.ownerSource !== null) out.os = row.ownerSource;
  if (row.acceptance) out.ac = row.acceptance;
  if (row.findings.length > 0) out.f = row.findings.map((f) => [f.rule, f.severity, f.message]);
  if (Object.keys(row.belowCounts).length > 0) out.b = row.belowCounts;
  if (row.parentKey !== null) out.pa = row.parentKey;
  if (row.context) out.c = 1;
  return out;
}

export function decodeRow(s: StoredRow, owners: UserDirectory): TreeRow {
  return {
    key: s.k,
    summary: s.s,
    projectKey: s.pk,
    issueType: s.t,
    level: s.l,
    status: { name: s.st[0], category: s.st[1] },
    owners: (s.o ?? []).map((accountId) => {
      const d = owners[accountId];
      const view: TreeRow['owners'][number] = {
        accountId,
        displayName: d?.[0] ?? accountId,
        active: d?.[1] ?? true,
      };
      if (d?.[2]) view.avatarUrl = d[2];
      return view;
    }),
    ownerSource: s.os ?? null,
    role: s.l === 'subtask' ? null : ROLE_NAMES[s.l],
    acceptance: s.ac ?? null,
    findings: (s.f ?? []).map(([rule, severity, message]) => ({ rule, severity, issueKey: s.k, message })),
    belowCounts: s.b ?? {},
    parentKey: s.pa ?? null,
    depth: s.d,
    context: s.c === 1,
  };
}

/** Bumps the totals by one row's contribution (`sign` -1 to take it away). */
export function addToTotals(t: Totals, row: StoredRow, sign: 1 | -1): void {
  t.rows += sign;
  if (row.c === 1) return;
  t.issues += sign;
  if (row.l === 'program') {
    t.features += sign;
    if (row.o && row.o.length > 0) t.featuresWithPm += sign;
  } else if (row.l === 'team' && row.st[1] === 'done') {
    t.doneStories += sign;
    if (row.ac?.valid) t.doneStoriesAccepted += sign;
  }
  for (const [rule, severity] of row.f ?? []) {
    t.countsByRule[rule] = (t.countsByRule[rule] ?? 0) + sign;
    if (t.countsByRule[rule] === 0) delete t.countsByRule[rule];
    t.countsBySeverity[severity] += sign;
  }
}

export function emptyTotals(): Totals {
  return {
    issues: 0,
    rows: 0,
    features: 0,
    featuresWithPm: 0,
    doneStories: 0,
    doneStoriesAccepted: 0,
    countsByRule: {},
    countsBySeverity: { error: 0, warning: 0, info: 0 },
  };
}

// ---------------------------------------------------------------------------------------------
// Chunking

export interface Entry {
  row: StoredRow;
  fact: Fact;
}

/**
 * Splits entries (tree order) into chunks under the target size. Deterministic, so a write that
 * resumes after a crash cuts the same chunks again.
 */
export function* chunkEntries(
  entries: Iterable<{ row: TreeRow; fact: Fact }>,
  factUsers: UserDirectory,
  target = CHUNK_TARGET_BYTES,
): Generator<Chunk> {
  let chunk: Chunk = { u: {}, uo: {}, r: [], f: [] };
  let bytes = 0;
  for (const { row, fact } of entries) {
    const stored = encodeRow(row, chunk.uo);
    let size = JSON.stringify(stored).length + JSON.stringify(fact).length + 2;
    const acceptor = fact.ab === undefined ? undefined : factUsers[fact.ab];
    if (fact.ab !== undefined && acceptor && !chunk.u[fact.ab]) {
      chunk.u[fact.ab] = acceptor;
      size += 80;
    }
    if (fact.u) {
      for (const value of Object.values(fact.u)) {
        for (const id of Array.isArray(value) ? value : [value]) {
          if (!chunk.u[id] && factUsers[id]) {
            chunk.u[id] = factUsers[id];
            size += 80;
          }
        }
      }
    }
    if (stored.o) size += 80 * stored.o.length;
    if (bytes + size > target && chunk.r.length > 0) {
      // The row just encoded went into the full chunk's directories too; harmless (a few extra
      // names). Start the next chunk with it.
      yield chunk;
      chunk = { u: {}, uo: {}, r: [], f: [] };
      bytes = 0;
      encodeRow(row, chunk.uo);
      if (fact.ab !== undefined && acceptor) chunk.u[fact.ab] = acceptor;
      if (fact.u) {
        for (const value of Object.values(fact.u)) {
          for (const id of Array.isArray(value) ? value : [value]) {
            const d = factUsers[id];
            if (d) chunk.u[id] = d;
          }
        }
      }
    }
    chunk.r.push(stored);
    chunk.f.push(fact);
    bytes += size;
  }
  if (chunk.r.length > 0) yield chunk;
}

function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Stores a chunk, splitting it when (non-ASCII text) it turns out over kvs's limit. */
async function putChunk(
  store: KeyValueStore,
  projectKey: string,
  chunk: Chunk,
  nextId: () => string,
  out: { id: string; chunk: Chunk }[],
): Promise<void> {
  if (byteSize(chunk) > KVS_VALUE_LIMIT - 1024 && chunk.r.length > 1) {
    const half = Math.ceil(chunk.r.length / 2);
    for (const part of [0, 1]) {
      const r = part === 0 ? chunk.r.slice(0, half) : chunk.r.slice(half);
      const f = part === 0 ? chunk.f.slice(0, half) : chunk.f.slice(half);
      await putChunk(store, projectKey, { u: chunk.u, uo: chunk.uo, r, f }, nextId, out);
    }
    return;
  }
  if (byteSize(chunk) > KVS_VALUE_LIMIT) {
    throw new Error(`issue ${chunk.r[0]?.k ?? '?'} alone is over the ${KVS_VALUE_LIMIT}-byte storage limit`);
  }
  const id = nextId();
  await store.set(treeKey.chunk(projectKey, id), chunk);
  out.push({ id, chunk });
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function readTreeManifest(
  store: KeyValueStore,
  projectKey: string,
): Promise<TreeManifest | undefined> {
  const raw = await store.get(treeKey.manifest(projectKey));
  if (raw === undefined) return undefined;
  const parsed = treeManifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`stored tree manifest of ${projectKey} is unreadable: ${parsed.error.message}`);
  return parsed.data;
}

export async function readChunk(
  store: KeyValueStore,
  projectKey: string,
  id: string,
): Promise<Chunk | undefined> {
  const raw = await store.get(treeKey.chunk(projectKey, id));
  if (raw === undefined) return undefined;
  const parsed = chunkSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`stored tree chunk ${id} of ${projectKey} is unreadable: ${parsed.error.message}`);
  return parsed.data;
}

export interface RowsPage {
  manifest: TreeManifest;
  rows: TreeRow[];
  /** Rows in the whole stored tree (in-scope and context). */
  total: number;
  /**
   * The current tree is broken (a chunk it names is missing or unreadable): these rows come from
   * the previous manifest, and the caller should queue a repairing rescan.
   */
  degraded?: true;
}

/** Rows [offset, offset + limit) of one manifest; undefined when a chunk it needs is gone or bad. */
async function rowsOf(
  store: KeyValueStore,
  manifest: z.infer<typeof manifestCore>,
  offset: number,
  limit: number,
): Promise<TreeRow[] | undefined> {
  const rows: TreeRow[] = [];
  let start = 0;
  for (const ref of manifest.chunks) {
    const end = start + ref.n;
    if (end > offset && start < offset + limit) {
      let chunk: Chunk | undefined;
      try {
        chunk = await readChunk(store, manifest.projectKey, ref.id);
      } catch {
        chunk = undefined;
      }
      if (!chunk) return undefined;
      const from = Math.max(0, offset - start);
      const to = Math.min(ref.n, offset + limit - start);
      for (let i = from; i < to; i++) {
        const stored = chunk.r[i];
        if (stored) rows.push(decodeRow(stored, chunk.uo));
      }
    }
    start = end;
    if (start >= offset + limit) break;
  }
  return rows;
}

/**
 * Rows [offset, offset + limit) of the stored tree: kvs reads only, never Jira. Undefined when the
 * project has no stored tree yet. A chunk that vanished because a writer switched the manifest after
 * we read it makes us read the new manifest; a chunk missing from the manifest that is still
 * current means the tree is broken, and the previous manifest's rows are served instead.
 */
export async function readRows(
  store: KeyValueStore,
  projectKey: string,
  offset: number,
  limit: number,
): Promise<RowsPage | undefined> {
  let manifest = await readTreeManifest(store, projectKey);
  for (let attempt = 0; attempt < 3 && manifest; attempt++) {
    const rows = await rowsOf(store, manifest, offset, limit);
    if (rows) return { manifest, rows, total: manifest.totals.rows };
    const now = await readTreeManifest(store, projectKey);
    if (now && now.id === manifest.id) {
      const previous = manifest.previous;
      const fallback = previous ? await rowsOf(store, previous, offset, limit) : undefined;
      if (!previous || !fallback) throw new BrokenTreeError(projectKey);
      return {
        manifest: previous,
        rows: fallback,
        total: previous.totals.rows,
        degraded: true,
      };
    }
    manifest = now;
  }
  if (!manifest) return undefined;
  throw new Error(`stored tree of ${projectKey} kept changing while being read`);
}

/** The current tree and its fallback are both unreadable: only a rescan can help. */
export class BrokenTreeError extends Error {
  constructor(readonly projectKey: string) {
    super(`the stored tree of ${projectKey} is damaged; a rescan has to rebuild it`);
    this.name = 'BrokenTreeError';
  }
}

/** Every row and fact of a stored tree, in tree order (tests, reconciliation, export). */
export async function readAll(
  store: KeyValueStore,
  projectKey: string,
): Promise<{ manifest: TreeManifest; rows: TreeRow[]; facts: Fact[]; users: UserDirectory } | undefined> {
  const manifest = await readTreeManifest(store, projectKey);
  if (!manifest) return undefined;
  const rows: TreeRow[] = [];
  const facts: Fact[] = [];
  const users: UserDirectory = {};
  for (const ref of manifest.chunks) {
    const chunk = await readChunk(store, projectKey, ref.id);
    if (!chunk) throw new Error(`stored tree chunk ${ref.id} of ${projectKey} is missing`);
    for (const r of chunk.r) rows.push(decodeRow(r, chunk.uo));
    facts.push(...chunk.f);
    Object.assign(users, chunk.u);
  }
  return { manifest, rows, facts, users };
}

// ---------------------------------------------------------------------------------------------
// Index

export function shardOf(key: string, shards: number): number {
  return fnv1a32(key) % shards;
}

export async function readShard(
  store: KeyValueStore,
  projectKey: string,
  id: string,
): Promise<Record<string, number>> {
  const raw = await store.get(treeKey.shard(projectKey, id));
  const parsed = shardSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`stored tree index shard ${id} of ${projectKey} is unreadable`);
  return parsed.data;
}

/** Slots of the given keys (undefined: not in the stored tree), reading only the shards they hash to. */
export async function lookupSlots(
  store: KeyValueStore,
  manifest: TreeManifest,
  keys: readonly string[],
): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  const byShard = new Map<number, string[]>();
  for (const key of keys) {
    const s = shardOf(key, manifest.shards.length);
    const list = byShard.get(s) ?? [];
    list.push(key);
    byShard.set(s, list);
  }
  for (const [s, list] of byShard) {
    const shard = await readShard(store, manifest.projectKey, manifest.shards[s]!);
    for (const key of list) out.set(key, Object.hasOwn(shard, key) ? shard[key] : undefined);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

const pendingSchema = z.array(z.object({ id: z.string(), at: z.number() }));

/**
 * Starts a write: records its id as pending, and deletes what crashed earlier writes left (their
 * chunks and shards never became current and no manifest names them).
 */
export async function beginWrite(
  store: KeyValueStore,
  projectKey: string,
  writeId: string,
  now = Date.now(),
): Promise<void> {
  let expired: string[] = [];
  await store.update<unknown>(treeKey.pending(projectKey), (raw) => {
    const parsed = pendingSchema.safeParse(raw ?? []);
    const list = parsed.success ? parsed.data : [];
    expired = list.filter((p) => now - p.at > PENDING_EXPIRY_MS && p.id !== writeId).map((p) => p.id);
    const kept = list.filter((p) => !expired.includes(p.id) && p.id !== writeId);
    return [...kept, { id: writeId, at: now }];
  });
  if (expired.length === 0) return;
  const current = await readTreeManifest(store, projectKey);
  const live = new Set([current?.id, current?.previous?.id]);
  for (const id of expired) if (!live.has(id)) await deleteWrite(store, projectKey, id);
}

async function endWrite(store: KeyValueStore, projectKey: string, writeId: string): Promise<void> {
  await store.update<unknown>(treeKey.pending(projectKey), (raw) => {
    const parsed = pendingSchema.safeParse(raw ?? []);
    const list = (parsed.success ? parsed.data : []).filter((p) => p.id !== writeId);
    return list.length > 0 ? list : undefined;
  });
}

/** Deletes every chunk and shard stored under a write id (never one a manifest names). */
async function deleteWrite(store: KeyValueStore, projectKey: string, writeId: string): Promise<void> {
  for (const kind of ['c', 'x'] as const) {
    for (const { key } of await store.list(treeKey.prefixOfWrite(projectKey, kind, writeId))) {
      await store.delete(key);
    }
  }
}

export interface FullTree {
  projectKey: string;
  /** This write's id (`newWriteId`); a resumed write passes the same id again. */
  writeId: string;
  builtAt: string;
  configHash: string;
  meta: { issueTypes: IssueTypeInfo[]; fields: FieldInfo[] };
  /** Rows with their facts, in tree order. */
  entries: Iterable<{ row: TreeRow; fact: Fact }>;
  factUsers: UserDirectory;
}

export interface WriteProgress {
  /** Chunks already stored by an earlier, interrupted attempt of this same write: skipped. */
  skipChunks?: number;
  /** After each chunk stored; return false to stop (time budget) before the flip. */
  onChunk?: (written: number) => boolean | Promise<boolean>;
}

export type WriteOutcome = { done: true; manifest: TreeManifest } | { done: false; chunksWritten: number };

/**
 * Writes a whole stored tree under its write id, then makes it current whatever is current now (a
 * full scan is the reconciliation; events it may have missed are replayed by the caller).
 */
export async function writeTree(
  store: KeyValueStore,
  snap: FullTree,
  progress: WriteProgress = {},
): Promise<WriteOutcome> {
  const { projectKey, writeId } = snap;
  const skip = progress.skipChunks ?? 0;
  const totals = emptyTotals();
  const refs: TreeManifest['chunks'] = [];
  const index: Record<string, number>[] = [];
  const keySlots: [string, number][] = [];
  let produced = 0;
  let written = skip;
  let seq = 0;
  for (const chunk of chunkEntries(snap.entries, snap.factUsers)) {
    // Split chunks get ids n<i>, n<i>.1 ...: deterministic, so a resumed write skips the same ones.
    const base = produced++;
    const stored: { id: string; chunk: Chunk }[] = [];
    if (base < skip) {
      // Written by the interrupted attempt: recompute its ids (and any split) without writing.
      await putChunk(nullStore, projectKey, chunk, splitIds(writeId, base), stored);
    } else {
      await putChunk(store, projectKey, chunk, splitIds(writeId, base), stored);
      written++;
    }
    for (const s of stored) {
      const slot = seq++;
      refs.push({ slot, id: s.id, n: s.chunk.r.length });
      for (const row of s.chunk.r) {
        addToTotals(totals, row, 1);
        keySlots.push([row.k, slot]);
      }
    }
    if (base >= skip && progress.onChunk && !(await progress.onChunk(written))) {
      return { done: false, chunksWritten: written };
    }
  }
  const shardCount = Math.max(1, Math.ceil(keySlots.length / INDEX_ENTRIES_PER_SHARD));
  for (let s = 0; s < shardCount; s++) index.push({});
  for (const [key, slot] of keySlots) index[shardOf(key, shardCount)]![key] = slot;
  const shards: string[] = [];
  for (let s = 0; s < shardCount; s++) {
    const id = partId(writeId, `x${s}`);
    await store.set(treeKey.shard(projectKey, id), index[s]);
    shards.push(id);
  }
  const manifest: TreeManifest = {
    v: 1,
    projectKey,
    id: writeId,
    generation: 0,
    builtAt: snap.builtAt,
    updatedAt: snap.builtAt,
    configHash: snap.configHash,
    meta: snap.meta,
    chunks: refs,
    nextSlot: seq,
    shards,
    totals,
  };
  const committed = await switchManifest(store, manifest, null);
  if (!committed) throw new Error(`stored tree of ${projectKey} could not be switched`);
  return { done: true, manifest: committed };
}

function splitIds(writeId: string, base: number): () => string {
  let part = 0;
  return () => (part++ === 0 ? partId(writeId, base) : partId(writeId, `${base}.${part - 1}`));
}

const nullStore: KeyValueStore = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
  delete: () => Promise.resolve(),
  list: () => Promise.resolve([]),
  update: () => Promise.resolve(undefined),
};

type ManifestCore = z.infer<typeof manifestCore>;

function core(m: TreeManifest): ManifestCore {
  const { previous: _previous, ...rest } = m;
  return rest;
}

function keysOf(m: ManifestCore | undefined): { chunks: string[]; shards: string[] } {
  return m ? { chunks: m.chunks.map((c) => c.id), shards: m.shards } : { chunks: [], shards: [] };
}

/**
 * The one atomic step: makes `next` current with a compare-and-swap on the manifest key. With
 * `expectedId` a string, only if the current manifest is still that write's (a patch computed from
 * it); with null, whatever is current (a full scan). The replaced manifest becomes `previous`.
 *
 * Returns the manifest as stored, or undefined when another writer got there first: this write's
 * own chunks and shards are deleted (no manifest can name them) and the caller recomputes on the
 * new manifest. After a switch, chunks and shards that the old manifest or its `previous` named
 * and that neither the new manifest nor its `previous` names are deleted; nothing else is.
 */
export async function switchManifest(
  store: KeyValueStore,
  next: TreeManifest,
  expectedId: string | null,
): Promise<TreeManifest | undefined> {
  const P = next.projectKey;
  let replaced: TreeManifest | undefined;
  let stored: TreeManifest | undefined;
  await store.update<unknown>(treeKey.manifest(P), (raw) => {
    const parsed = raw === undefined ? undefined : treeManifestSchema.safeParse(raw);
    const current = parsed?.success ? parsed.data : undefined;
    replaced = current;
    if (expectedId !== null && current?.id !== expectedId) {
      stored = undefined;
      return raw;
    }
    stored = { ...core(next), generation: (current?.generation ?? 0) + 1 };
    if (current) {
      stored.previous = core(current);
      // Both manifests in one value must stay under kvs's limit; without room, no fallback.
      if (byteSize(stored) > KVS_VALUE_LIMIT - 4096) delete stored.previous;
    }
    return stored;
  });
  const won = stored;
  if (!won) {
    await deleteWrite(store, P, next.id);
    await endWrite(store, P, next.id);
    return undefined;
  }
  await endWrite(store, P, next.id);
  const live = keysOf(won);
  const livePrev = keysOf(won.previous);
  const keepChunks = new Set([...live.chunks, ...livePrev.chunks]);
  const keepShards = new Set([...live.shards, ...livePrev.shards]);
  for (const m of [replaced ? core(replaced) : undefined, replaced?.previous]) {
    const old = keysOf(m);
    for (const id of old.chunks) if (!keepChunks.has(id)) await store.delete(treeKey.chunk(P, id));
    for (const id of old.shards) if (!keepShards.has(id)) await store.delete(treeKey.shard(P, id));
  }
  return won;
}

export type { RuleId, Severity };
