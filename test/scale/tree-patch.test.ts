/**
 * The pure rules of an incremental patch, on plain rows: no storage, no Jira. The end-to-end
 * behaviour (a patched tree equals a rescan) is test/scale/incremental.test.ts.
 */
import type { Fact } from '../../src/scale/compact';
import {
  addOuterRange,
  bumpRollup,
  rewriteChunks,
  splitRows,
  topRoot,
  withRollup,
  type ChainLink,
  type Range,
} from '../../src/scale/tree-patch';
import type { StoredRow } from '../../src/scale/tree-store';

const row = (k: string, d: number, extra: Partial<StoredRow> = {}): StoredRow => ({
  k,
  s: `summary of ${k}`,
  pk: k.split('-')[0]!,
  t: '10001',
  l: 'team',
  st: ['In Progress', 'indeterminate'],
  d,
  ...extra,
});
const fact = (k: string, t = '10001', pa?: string): Fact => ({
  i: k,
  k,
  s: k,
  t,
  st: ['In Progress', 'indeterminate'],
  ...(pa !== undefined ? { pa } : {}),
});
const range = (root: string, start: number, length: number): Range => ({
  root,
  start,
  positions: Array.from({ length }, (_, index) => ({ slot: 0, index: start + index })),
});

describe('tree patch', () => {
  it('keeps only the outermost of nested ranges, and disjoint ones side by side', () => {
    const ranges: Range[] = [];
    addOuterRange(ranges, range('STORY', 5, 1));
    addOuterRange(ranges, range('FEATURE', 3, 6)); // holds STORY: replaces it
    addOuterRange(ranges, range('TASK', 4, 2)); // inside FEATURE: dropped
    addOuterRange(ranges, range('OTHER', 20, 3));
    expect(ranges.map((r) => r.root)).toEqual(['FEATURE', 'OTHER']);
  });

  it('roots a block at the topmost feature on the chain, or at a link the tree lacks', () => {
    const levels: Record<string, 'team' | 'program' | 'portfolio'> = {
      s: 'team',
      f: 'program',
      e: 'portfolio',
    };
    const levelOf = (f: Fact) => levels[f.t]!;
    const self: ChainLink = { key: 'T-1', pos: { slot: 0, index: 2 }, fact: fact('T-1', 's', 'A-1') };
    const feature: ChainLink = { key: 'A-1', pos: { slot: 0, index: 1 }, fact: fact('A-1', 'f', 'P-1') };
    const epic: ChainLink = { key: 'P-1', pos: { slot: 0, index: 0 }, fact: fact('P-1', 'e') };
    expect(topRoot(self, [feature, epic], levelOf)).toEqual({ root: feature, above: [epic] });
    expect(topRoot(self, [], levelOf)).toEqual({ root: self, above: [] });
    const unheld: ChainLink = { key: 'P-2', fact: fact('P-2', 'e') };
    expect(topRoot(self, [feature, unheld], levelOf).root).toBe(unheld);
  });

  it('moves roll-ups by the findings of rows below, and drops counts that reach zero', () => {
    const delta = {};
    bumpRollup(delta, row('T-1', 2, { f: [['story-missing-po', 'error', 'm']] }), -1);
    bumpRollup(delta, row('T-2', 2, { f: [['story-missing-po', 'error', 'm']], c: 1 }), 1); // context: counts nothing
    expect(delta).toEqual({ 'story-missing-po': -1 });
    const feature = row('A-1', 1, { l: 'program', b: { 'story-missing-po': 1 } });
    expect(withRollup(feature, delta)).not.toHaveProperty('b');
    expect(withRollup(feature, { 'story-missing-po': 0 })).toBeUndefined();
  });

  it('rewrites only the chunks an edit reaches: inserts before a key, at a chunk end, removals and roll-ups', () => {
    const chunks = new Map([
      [
        0,
        {
          r: [row('A-1', 0, { b: { 'story-missing-po': 1 } }), row('T-1', 1)],
          f: [fact('A-1'), fact('T-1')],
        },
      ],
      [1, { r: [row('T-9', 0)], f: [fact('T-9')] }],
      [2, { r: [row('T-5', 0)], f: [fact('T-5')] }],
    ]);
    const moved = { row: row('T-1', 0), fact: fact('T-1') };
    const { rewritten, rowsRewritten, added, dropped } = rewriteChunks(chunks, {
      insertBefore: new Map([['T-9', [moved]]]),
      insertAtEnd: new Map(),
      removed: new Set(['T-1']),
      delta: new Map([['A-1', { 'story-missing-po': -1 }]]),
    });
    expect([...rewritten.keys()]).toEqual([0, 1]);
    expect(rewritten.get(0)!.r).toEqual([row('A-1', 0)]);
    expect(rewritten.get(1)!.r.map((r) => r.k)).toEqual(['T-1', 'T-9']);
    expect(rewritten.get(1)!.f.map((f) => f.k)).toEqual(['T-1', 'T-9']);
    expect(rowsRewritten).toBe(2);
    expect(added.map((r) => r.k)).toEqual(['T-1']);
    expect(dropped.map((r) => r.k)).toEqual(['T-1']);
  });

  it('splits a grown chunk in halves until each is near the target size', () => {
    const rows = Array.from({ length: 8 }, (_, n) => row(`T-${n}`, 0));
    const facts = rows.map((r) => fact(r.k));
    expect(splitRows(rows, facts, 1_000_000)).toHaveLength(1);
    const parts = splitRows(rows, facts, 200);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flatMap((p) => p.r)).toEqual(rows);
    expect(parts.flatMap((p) => p.f)).toEqual(facts);
  });
});
