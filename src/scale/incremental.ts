/**
 * Incremental updates of stored trees from issue events: refetch the touched issue (one request), take its
 * neighbourhood from the stored tree (its old and new parent chains, and the whole subtree of
 * the topmost feature above each position, since feature rules count every story below), evaluate
 * that small site with the engine, and write back only the chunks that changed, flipping the
 * manifest as a full write does.
 *
 * Why the topmost feature's subtree: a feature's findings depend on every story below it
 * (feature-without-stories, feature-done-with-unaccepted-stories, pm-po-same-person), a story's on
 * its ancestors (story-without-feature), everything else on the issue alone. Above the topmost
 * feature only roll-ups change, and those are patched by the difference in findings.
 *
 * Known divergences from a full rescan, fixed by the daily reconcile: an issue that moves to the
 * top level or under a non-feature parent is placed at the end of its new parent's subtree rather
 * than in key order; a context ancestor no longer referenced stays as a row. Deleting an issue
 * that has children, or a change whose neighbourhood is unexpectedly large, queues a full rescan.
 *
 * This module is the flow of one change (refetch, neighbourhood, evaluation, mirror values); what
 * the patch does to the rows is pure (tree-patch.ts), and reading and writing the tree's storage
 * format is patch-store.ts.
 */
import type { PopmConfig } from '../domain/config';
import { levelIndex, levelOf } from '../domain/levels';
import {
  ACCEPTANCE_PROPERTY,
  FINDINGS_PROPERTY,
  type JiraIssue,
  type Level,
  type RuleId,
} from '../domain/types';
import type { JiraApi } from '../jira/api';
import { findingsFingerprint, findingsPropertyValue, type FindingsPropertyValue } from './findings-property';
import type { KeyValueStore } from '../storage/store';
import { factPlan, projectOfFact, toFact, type Fact, type UserDirectory } from './compact';
import { configHash, evaluateFacts, nameAcceptors, storeAcceptanceFor, type AcceptanceSource } from './rows';
import {
  addToTotals,
  encodeRow,
  lookupSlots,
  readTreeManifest,
  type StoredRow,
  type TreeManifest,
} from './tree-store';
import { noteDirty } from './dirty';
import { readScanState } from './scan-checkpoint';
import { TreeChangedError, Working, writePatch } from './patch-store';
import {
  addOuterRange,
  bumpRollup,
  MAX_NEIGHBOURHOOD,
  rewriteChunks,
  TooLarge,
  topRoot,
  type ChainLink,
  type Pos,
  type Range,
  type RowEntry,
} from './tree-patch';

export type IssueEventKind = 'created' | 'updated' | 'deleted';

export interface IssueChange {
  kind: IssueEventKind;
  issueKey: string;
}

export interface IncrementalDeps {
  store: KeyValueStore;
  /** Jira as the app. */
  api: JiraApi;
  config: PopmConfig;
  now(): Date;
  acceptance?: 'store' | 'property';
}

/** A `popm.findings` value the patch changed, for the caller to write to Jira. */
export interface MirrorWrite {
  issueId: string;
  issueKey: string;
  value: FindingsPropertyValue;
}

export type IncrementalOutcome =
  | {
      status: 'updated';
      requests: number;
      rowsRewritten: number;
      chunksWritten: number;
      mirror: MirrorWrite[];
      /** The issue as Jira has it now (absent when it was deleted). */
      fresh?: Fact;
    }
  | { status: 'unchanged'; requests: number; fresh?: Fact }
  | { status: 'no-tree' }
  /** A first scan is running and there is no tree yet: the change is noted for it to replay. */
  | { status: 'scan-running' }
  /** The change cannot be patched safely; the caller should request a full scan. */
  | { status: 'needs-rescan'; reason: string; requests: number };

const MAX_CHAIN = 12;

/** Attempts of one change against manifests that other writers keep switching. */
const MAX_ATTEMPTS = 6;

/**
 * Applies one issue event to the project's stored tree. Requests: one to refetch the issue, plus
 * one per level of a new parent chain that the tree does not hold yet (and again for each lost
 * race with another writer: the issue is refetched, since the winner may have seen newer data).
 *
 * While a scan of the project runs, the change is first noted in its dirty list (the scan applies
 * it again after its own switch, which replaces this patch) and then patched into the current tree
 * so views see it at once.
 */
export async function applyIssueChange(
  deps: IncrementalDeps,
  projectKey: string,
  change: IssueChange,
  /** False when replaying the dirty list itself. */
  noteIfScanning = true,
  /**
   * The issue as a batched bulk fetch already returned it (the daily sync fetches 100 a request),
   * with `plan.fieldIds` and both properties; used on the first attempt only, since after a lost
   * race the winner may have seen newer data.
   */
  prefetched?: JiraIssue,
): Promise<IncrementalOutcome> {
  const scan = noteIfScanning ? await readScanState(deps.store, projectKey) : undefined;
  const noted = scan?.status === 'running';
  if (noted) await noteDirty(deps.store, projectKey, change);
  const mark = deps.api.requestCount;
  const requests = () => deps.api.requestCount - mark;
  for (let attempt = 1; ; attempt++) {
    const manifest = await readTreeManifest(deps.store, projectKey);
    if (!manifest) return noted ? { status: 'scan-running' } : { status: 'no-tree' };
    if (manifest.configHash !== configHash(deps.config)) {
      return {
        status: 'needs-rescan',
        reason: 'the configuration changed since the stored tree was built',
        requests: requests(),
      };
    }
    try {
      return await patch(deps, manifest, change, requests, attempt === 1 ? prefetched : undefined);
    } catch (error) {
      if (error instanceof TreeChangedError && attempt < MAX_ATTEMPTS) continue;
      if (error instanceof TooLarge)
        return {
          status: 'needs-rescan',
          reason: 'the change touches too much of the tree',
          requests: requests(),
        };
      throw error;
    }
  }
}

async function patch(
  deps: IncrementalDeps,
  manifest: TreeManifest,
  change: IssueChange,
  requests: () => number,
  prefetched: JiraIssue | undefined,
): Promise<IncrementalOutcome> {
  const P = manifest.projectKey;
  const w = new Working(deps.store, manifest);
  const plan = factPlan(manifest.meta, deps.config, P);
  const levels = levelIndex(manifest.meta.issueTypes, deps.config.levels);
  const levelOfFact = (f: Fact): Level =>
    levels.get(f.t) ?? (f.ty ? levelOf({ id: f.t, ...f.ty }, deps.config.levels) : 'team');
  const users: UserDirectory = {};

  // The issue now (one request), and where it was.
  let fresh: Fact | undefined;
  let freshFingerprint: string | undefined;
  if (change.kind !== 'deleted') {
    // popm.findings comes along (no extra request): its fingerprint says whether the mirror needs
    // writing after this patch.
    const issue =
      prefetched ??
      (await deps.api.bulkFetch([change.issueKey], plan.fieldIds, [ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY]))
        .issues[0];
    if (issue) {
      fresh = toFact(issue, plan, users);
      freshFingerprint = fresh.fp;
      delete fresh.fp;
    }
  }
  const oldPos = await w.locate(change.issueKey);
  const old = oldPos ? await w.row(oldPos) : undefined;
  const oldSubtree = oldPos ? await w.subtree(oldPos) : [];
  // An issue of another project belongs in this stored tree only as an ancestor of its issues or as
  // a story below one of its features (what a full scan reads); otherwise it leaves (or never
  // joins) the stored tree, like a deletion.
  if (fresh && projectOfFact(fresh) !== P) {
    let keeps = false;
    for (const pos of oldSubtree.slice(1)) if ((await w.row(pos)).row.c !== 1) keeps = true;
    const parentPos = fresh.pa !== undefined ? await w.locate(fresh.pa) : undefined;
    const parentRow = parentPos ? (await w.row(parentPos)).row : undefined;
    if (!keeps && !(parentRow && parentRow.c !== 1 && parentRow.l === 'program')) fresh = undefined;
  }
  if (!fresh && !oldPos) return { status: 'unchanged', requests: requests() };
  if (!fresh && oldSubtree.length > 1) {
    return {
      status: 'needs-rescan',
      reason: `${change.issueKey} left the stored tree with issues below it`,
      requests: requests(),
    };
  }
  if (fresh && old && JSON.stringify(fresh) === JSON.stringify(old.fact)) {
    // Same Jira data; with the store as the truth of acceptance, an accept or revoke changes
    // nothing Jira holds, so the stored record decides whether the row is still right.
    let same = true;
    if (deps.acceptance === 'store') {
      const source = await storeAcceptanceFor(deps.store, [fresh.i]);
      const record = source.kind === 'store' ? source.entries.get(fresh.i)?.record : undefined;
      same =
        (record?.acceptedBy ?? null) === (old.row.ac?.acceptedBy ?? null) &&
        (record?.acceptedAt ?? null) === (old.row.ac?.acceptedAt ?? null);
    }
    if (same) return { status: 'unchanged', requests: requests(), fresh };
  }

  // Chains: from the stored tree, or (new parents it lacks) from Jira, one level per request.
  const chainOf = async (start: string | undefined, fetch: boolean): Promise<ChainLink[]> => {
    const chain: ChainLink[] = [];
    const seen = new Set([change.issueKey]);
    let key = start;
    while (key !== undefined && !seen.has(key) && chain.length < MAX_CHAIN) {
      seen.add(key);
      const pos = await w.locate(key);
      if (pos) {
        const { fact } = await w.row(pos);
        chain.push({ key, pos, fact });
        key = fact.pa;
        continue;
      }
      if (!fetch) break;
      const { issues } = await deps.api.bulkFetch([key], plan.fieldIds, [ACCEPTANCE_PROPERTY]);
      const issue = issues[0];
      if (!issue) break;
      const fact = toFact(issue, plan, users);
      chain.push({ key: fact.k, fact });
      key = fact.pa;
    }
    return chain;
  };
  const oldChain = old ? await chainOf(old.fact.pa, false) : [];
  const newChain = fresh ? await chainOf(fresh.pa, true) : [];

  // Block roots: the topmost feature above (or at) each position; else the issue itself. A
  // new ancestor the stored tree lacks joins the new block (it becomes a row too).
  const oldTop =
    old && oldPos
      ? topRoot({ key: change.issueKey, pos: oldPos, fact: old.fact }, oldChain, levelOfFact)
      : undefined;
  const newTop = fresh
    ? topRoot({ key: fresh.k, ...(oldPos ? { pos: oldPos } : {}), fact: fresh }, newChain, levelOfFact)
    : undefined;

  // Ranges the update replaces (subtrees are nested or disjoint in tree order: keep outer ones).
  const ranges: Range[] = [];
  const addRange = async (key: string, pos: Pos | undefined): Promise<void> => {
    if (!pos) return;
    const positions = key === change.issueKey && oldPos ? oldSubtree : await w.subtree(pos);
    addOuterRange(ranges, { root: key, positions, start: w.global(pos) });
  };
  if (oldTop) await addRange(oldTop.root.key, oldTop.root.pos);
  if (newTop && newTop.root.pos && newTop.root.key !== change.issueKey)
    await addRange(newTop.root.key, newTop.root.pos);

  // The small site: removed blocks (with the issue's new fact), the new block's missing parts,
  // and both chains above as context.
  const removed = new Set<string>();
  const oldRows = new Map<string, StoredRow>();
  const facts: Fact[] = [];
  for (const r of ranges) {
    for (const pos of r.positions) {
      const { row, fact } = await w.row(pos);
      removed.add(row.k);
      oldRows.set(row.k, row);
      if (row.k === change.issueKey) {
        if (fresh) facts.push(fresh);
      } else facts.push(fact);
    }
    if (facts.length > MAX_NEIGHBOURHOOD) throw new TooLarge();
  }
  if (fresh && !removed.has(fresh.k)) facts.push(fresh);
  for (const pos of oldSubtree) {
    const { row, fact } = await w.row(pos);
    if (!removed.has(row.k)) {
      removed.add(row.k);
      facts.push(fact);
    }
  }
  const context = new Map<string, Fact>();
  for (const c of [...oldChain, ...newChain]) if (!removed.has(c.key)) context.set(c.key, c.fact);
  for (const fact of context.values()) facts.push(fact);
  for (const c of newChain) if (!c.pos) removed.add(c.key); // new rows: placed with the new block

  const freshUsers = { ...users };
  for (const chunk of w.chunks.values()) Object.assign(users, chunk.u);
  Object.assign(users, freshUsers);
  const acceptance: AcceptanceSource =
    deps.acceptance === 'store'
      ? await storeAcceptanceFor(
          deps.store,
          facts.map((f) => f.i),
        )
      : { kind: 'property' };
  // Usually none: acceptors are in the chunks' directories; a new one (a delegate) costs a request.
  await nameAcceptors(deps.api, facts, users, acceptance);
  const { result, entries } = evaluateFacts(facts, users, manifest.meta, deps.config, P, acceptance);

  // New blocks: the evaluated subtrees of the roots now in place, each with its anchor.
  const indexOf = new Map(entries.map((e, k) => [e.row.key, k]));
  const roots: string[] = [];
  for (const r of ranges) if (indexOf.has(r.root)) roots.push(r.root);
  if (newTop && !roots.includes(newTop.root.key)) roots.push(newTop.root.key);
  // Outer blocks first (tree order puts ancestors first), so a root inside another block is
  // placed with it rather than at its old position.
  roots.sort((a, b) => (indexOf.get(a) ?? 0) - (indexOf.get(b) ?? 0));
  const newBlocks: { root: string; rows: RowEntry[] }[] = [];
  const placed = new Set<string>();
  for (const root of roots) {
    const at = entries.findIndex((e) => e.row.key === root);
    if (at < 0 || placed.has(root)) continue;
    const depth = entries[at]!.row.depth;
    const block: RowEntry[] = [];
    for (let k = at; k < entries.length; k++) {
      const e = entries[k]!;
      if (k > at && e.row.depth <= depth) break;
      if (placed.has(e.row.key)) continue;
      placed.add(e.row.key);
      block.push({ row: encodeRow(e.row, {}), fact: e.fact });
    }
    if (block.length > 0) newBlocks.push({ root, rows: block });
  }
  // Everything removed must be placed again unless it is gone from Jira.
  for (const key of removed) {
    if (!placed.has(key) && !(key === change.issueKey && !fresh) && entries.some((e) => e.row.key === key)) {
      return {
        status: 'needs-rescan',
        reason: `could not place ${key} in the updated tree`,
        requests: requests(),
      };
    }
  }

  // Roll-ups above the blocks: subtract what the old blocks contributed, add the new.
  const delta = new Map<string, Partial<Record<RuleId, number>>>();
  const bump = (key: string, row: StoredRow, sign: 1 | -1): void => {
    const d = delta.get(key) ?? {};
    bumpRollup(d, row, sign);
    delta.set(key, d);
  };
  // Each block's ancestors in the stored tree, walking up from the block root's parent (old parent
  // for a removed range, new parent for a placed block).
  const above = async (parentKey: string | undefined): Promise<string[]> => {
    const out: string[] = [];
    const seen = new Set<string>();
    let key = parentKey;
    while (key !== undefined && !seen.has(key) && out.length < MAX_CHAIN) {
      seen.add(key);
      const pos = await w.locate(key);
      if (!pos) break;
      if (!removed.has(key)) out.push(key);
      key = (await w.row(pos)).fact.pa;
    }
    return out;
  };
  const aboveKeys = new Set<string>();
  for (const r of ranges) {
    const rootRow = await w.row(r.positions[0]!);
    const keys = await above(rootRow.fact.pa);
    for (const pos of r.positions) {
      const { row } = await w.row(pos);
      for (const key of keys) bump(key, row, -1);
    }
    keys.forEach((k) => aboveKeys.add(k));
  }
  for (const block of newBlocks) {
    const keys = await above(block.rows[0]?.fact.pa);
    for (const { row } of block.rows) for (const key of keys) bump(key, row, 1);
    keys.forEach((k) => aboveKeys.add(k));
  }
  // Anchors: a block replaces its old range in place; a block without one goes after its
  // parent's subtree (or at the very end).
  const insertBefore = new Map<string, RowEntry[]>();
  const insertAtEnd = new Map<number, RowEntry[]>();
  for (const block of newBlocks) {
    const range = ranges.find((r) => r.root === block.root);
    if (range) {
      const first = await w.row(range.positions[0]!);
      insertBefore.set(first.row.k, [...(insertBefore.get(first.row.k) ?? []), ...block.rows]);
      continue;
    }
    const parentKey = block.rows[0]?.row.pa;
    const parentPos = parentKey !== undefined ? await w.locate(parentKey) : undefined;
    let anchor: Pos | undefined;
    if (parentPos) {
      const sub = await w.subtree(parentPos);
      const lastPos = sub[sub.length - 1]!;
      const lastChunk = await w.chunk(lastPos.slot);
      if (lastPos.index + 1 < lastChunk.r.length) anchor = { slot: lastPos.slot, index: lastPos.index + 1 };
      else {
        insertAtEnd.set(lastPos.slot, [...(insertAtEnd.get(lastPos.slot) ?? []), ...block.rows]);
        continue;
      }
    }
    if (anchor) {
      const k = (await w.row(anchor)).row.k;
      insertBefore.set(k, [...(insertBefore.get(k) ?? []), ...block.rows]);
    } else {
      const lastSlot = w.order[w.order.length - 1]!;
      await w.chunk(lastSlot);
      insertAtEnd.set(lastSlot, [...(insertAtEnd.get(lastSlot) ?? []), ...block.rows]);
    }
  }
  for (const key of aboveKeys) await w.locate(key); // load their chunks

  // Rewrite the loaded chunks that change.
  const ownerDir: UserDirectory = {};
  for (const c of w.chunks.values()) Object.assign(ownerDir, c.uo);
  for (const e of entries)
    for (const o of e.row.owners) ownerDir[o.accountId] = [o.displayName, o.active, o.avatarUrl ?? null];
  const { rewritten, rowsRewritten, added, dropped } = rewriteChunks(w.chunks, {
    insertBefore,
    insertAtEnd,
    removed,
    delta,
  });
  if (rewritten.size === 0) return { status: 'unchanged', requests: requests() };
  const totals = structuredClone(manifest.totals);
  for (const row of added) addToTotals(totals, row, 1);
  for (const row of dropped) addToTotals(totals, row, -1);

  // Store: new chunk ids, index entries of keys that moved, then the flip (or TreeChangedError).
  const { chunksWritten } = await writePatch(deps.store, w, rewritten, {
    users,
    ownerDir,
    totals,
    now: () => deps.now(),
  });
  // The popm.findings values this patch changed (the caller writes them in one request): the
  // touched issue's against what Jira holds, the others' against their rows before the patch.
  const mirror: MirrorWrite[] = [];
  const at = deps.now();
  for (let k = 0; k < entries.length; k++) {
    const ev = result.issues[k]!;
    const key = entries[k]!.row.key;
    if (!ev.inScope || !placed.has(key)) continue;
    const value = findingsPropertyValue(ev, at);
    const before = oldRows.get(key);
    const after = encodeRow(entries[k]!.row, {});
    const changed =
      key === change.issueKey
        ? findingsFingerprint(value) !== freshFingerprint
        : !before ||
          JSON.stringify(before.f ?? []) !== JSON.stringify(after.f ?? []) ||
          (before.ac?.valid ?? null) !== (after.ac?.valid ?? null);
    if (changed) mirror.push({ issueId: ev.id, issueKey: key, value });
  }
  return {
    status: 'updated',
    requests: requests(),
    rowsRewritten,
    chunksWritten,
    mirror,
    ...(fresh ? { fresh } : {}),
  };
}

/** Project keys an issue event concerns: its own project, and the stored trees that hold it. */
export async function projectsHolding(
  store: KeyValueStore,
  issueKey: string,
  candidates: readonly string[],
  /** The issue's parents before and after the change (from the event): a new story below a
   * feature of another project belongs to that project's stored tree too. */
  parentKeys: readonly string[] = [],
): Promise<string[]> {
  const out: string[] = [];
  const own = issueKey.slice(0, issueKey.lastIndexOf('-'));
  for (const p of candidates) {
    if (p === own) {
      out.push(p);
      continue;
    }
    const manifest = await readTreeManifest(store, p);
    if (!manifest) continue;
    const slots = await lookupSlots(store, manifest, [issueKey, ...parentKeys]);
    if ([...slots.values()].some((slot) => slot !== undefined)) out.push(p);
  }
  return out;
}
