/**
 * The pure part of an incremental update: given rows and facts already read, what changes in a
 * stored tree when one issue changes. Which block of the tree a change re-evaluates, how the
 * replaced ranges nest, how roll-ups above a block move, and how the loaded chunks are rewritten
 * and split. No storage and no Jira here (types only): incremental.ts reads what these need and
 * writes what they return, so the rules of a patch can be read, and tested, on plain values.
 */
import { RULE_IDS, type Level, type RuleId } from '../domain/types';
import type { Fact } from './compact';
import type { StoredRow } from './tree-store';

/** Neighbourhoods larger than this are rescanned instead (an epic moved with its whole tree). */
export const MAX_NEIGHBOURHOOD = 20_000;

/** A row's place in the tree: its chunk's slot and its index in that chunk. */
export interface Pos {
  slot: number;
  index: number;
}

/** An issue on a parent chain: its key, its place if the tree holds it, and its fact. */
export interface ChainLink {
  key: string;
  pos?: Pos;
  fact: Fact;
}

/** A row with its fact, as a chunk stores them. */
export interface RowEntry {
  row: StoredRow;
  fact: Fact;
}

/** The change touches more of the tree than a patch should: the caller rescans instead. */
export class TooLarge extends Error {}

/**
 * The root of the block a change re-evaluates: the topmost feature at or above the issue on its
 * chain (features' findings count every story below them), else the issue itself; a link the tree
 * does not hold yet joins the block too. `above`: the chain above that root.
 */
export function topRoot(
  self: ChainLink,
  chain: readonly ChainLink[],
  levelOfFact: (fact: Fact) => Level,
): { root: ChainLink; above: ChainLink[] } {
  let root = self;
  let i = -1;
  for (let k = 0; k < chain.length; k++) {
    const c = chain[k]!;
    if (levelOfFact(c.fact) === 'program' || !c.pos) {
      root = c;
      i = k;
    }
  }
  if (levelOfFact(self.fact) !== 'program' && i === -1) root = self;
  return { root, above: chain.slice(i + 1) };
}

/** A range of the tree a patch replaces: a block root's subtree, from global row `start`. */
export interface Range {
  root: string;
  positions: Pos[];
  start: number;
}

/**
 * Adds `range` to `ranges` keeping only outer ones (subtrees are nested or disjoint in tree order):
 * a range inside one already there is dropped, ranges inside the new one are removed.
 */
export function addOuterRange(ranges: Range[], range: Range): void {
  const end = range.start + range.positions.length;
  for (const r of ranges) if (range.start >= r.start && end <= r.start + r.positions.length) return;
  for (let k = ranges.length - 1; k >= 0; k--) {
    const r = ranges[k]!;
    if (r.start >= range.start && r.start + r.positions.length <= end) ranges.splice(k, 1);
  }
  ranges.push(range);
}

/** Findings a row counts in the roll-ups of the rows above it (`sign` -1 to take them away). */
export function bumpRollup(into: Partial<Record<RuleId, number>>, row: StoredRow, sign: 1 | -1): void {
  if (row.c === 1) return;
  for (const [rule] of row.f ?? []) into[rule] = (into[rule] ?? 0) + sign;
}

/** The row with `delta` added to its roll-up, or undefined when the delta changes nothing. */
export function withRollup(row: StoredRow, delta: Partial<Record<RuleId, number>>): StoredRow | undefined {
  if (!RULE_IDS.some((rule) => (delta[rule] ?? 0) !== 0)) return undefined;
  const b: Partial<Record<RuleId, number>> = { ...row.b };
  for (const rule of RULE_IDS) {
    const v = (b[rule] ?? 0) + (delta[rule] ?? 0);
    if (v > 0) b[rule] = v;
    else delete b[rule];
  }
  const next: StoredRow = { ...row };
  if (Object.keys(b).length > 0) next.b = b;
  else delete next.b;
  return next;
}

/** Where a patch puts rows: new blocks before a row (by key) or at the end of a chunk (by slot). */
export interface ChunkEdits {
  insertBefore: ReadonlyMap<string, readonly RowEntry[]>;
  insertAtEnd: ReadonlyMap<number, readonly RowEntry[]>;
  /** Keys whose rows leave their place (re-inserted with a block, or gone). */
  removed: ReadonlySet<string>;
  /** Roll-up changes of rows that stay. */
  delta: ReadonlyMap<string, Partial<Record<RuleId, number>>>;
}

export interface RewrittenChunks {
  /** The new rows and facts of each slot that changed. */
  rewritten: Map<number, { r: StoredRow[]; f: Fact[] }>;
  rowsRewritten: number;
  /** Rows that joined and rows that left, for the totals. */
  added: StoredRow[];
  dropped: StoredRow[];
}

/** Applies `edits` to the loaded chunks (in their order), keeping only those that change. */
export function rewriteChunks(
  chunks: ReadonlyMap<number, { r: readonly StoredRow[]; f: readonly Fact[] }>,
  edits: ChunkEdits,
): RewrittenChunks {
  const out: RewrittenChunks = { rewritten: new Map(), rowsRewritten: 0, added: [], dropped: [] };
  for (const [slot, chunk] of chunks) {
    const r: StoredRow[] = [];
    const f: Fact[] = [];
    let changed = false;
    const insert = (added: readonly RowEntry[] | undefined): void => {
      if (!added) return;
      for (const e of added) {
        r.push(e.row);
        f.push(e.fact);
        out.added.push(e.row);
      }
      out.rowsRewritten += added.length;
      changed = true;
    };
    for (let i = 0; i < chunk.r.length; i++) {
      const row = chunk.r[i]!;
      insert(edits.insertBefore.get(row.k));
      if (edits.removed.has(row.k)) {
        out.dropped.push(row);
        changed = true;
        continue;
      }
      const d = edits.delta.get(row.k);
      const next = d ? withRollup(row, d) : undefined;
      if (next) {
        r.push(next);
        changed = true;
        out.rowsRewritten += 1;
      } else r.push(row);
      f.push(chunk.f[i]!);
    }
    insert(edits.insertAtEnd.get(slot));
    if (changed) out.rewritten.set(slot, { r, f });
  }
  return out;
}

/** Halves a grown chunk until each part is near `targetBytes` of JSON (or a single row). */
export function splitRows(r: StoredRow[], f: Fact[], targetBytes: number): { r: StoredRow[]; f: Fact[] }[] {
  const size = JSON.stringify(r).length + JSON.stringify(f).length;
  if (size <= targetBytes * 1.25 || r.length < 2) return [{ r, f }];
  const half = Math.ceil(r.length / 2);
  return [
    ...splitRows(r.slice(0, half), f.slice(0, half), targetBytes),
    ...splitRows(r.slice(half), f.slice(half), targetBytes),
  ];
}
