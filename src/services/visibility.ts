/**
 * What a viewer may see of a stored project snapshot. Snapshots are built as the app, which may
 * see issues the viewer may not (issue security levels), so every view is filtered to the issues
 * Jira shows the viewer, with as few requests as possible:
 *
 * - the project itself: one GET /project/{key} as the viewer (NOT_FOUND when hidden), cached;
 * - the project's issues: the keys of `project = P` as the viewer (fields: key only, which Jira
 *   pages 5,000 at a time), kept as ranges of issue numbers (few gaps, few ranges);
 * - everything else a page shows or names (context rows from other projects, keys in finding
 *   messages, issues newer than the cached key list): key-only bulk fetches as the viewer, 100
 *   keys each, filled up with the context rows of the pages that follow (read from storage), so
 *   a project's context costs about one request per 100 context rows, not one per page.
 *
 * The cache lives in the KeyValueStore per (project, account) for VISIBILITY_TTL_MS; a full rescan
 * (a new `builtAt`) invalidates it; an incremental update does not (verdicts are per key, and an
 * issue created since is newer than the ranges and checked on its own). So repeated views and
 * paging make no Jira requests, and a view after an issue event makes one at most.
 *
 * Left as they are: the snapshot's totals (coverage, counts, roll-ups), which cover the whole
 * project as the app sees it; the UI says so. Keys the app could not read either are not rows of
 * the snapshot, and a message naming one ("its parent X could not be read") stays as it is.
 */
import { z } from 'zod';
import type { JiraApi } from '../jira/api';
import { BULK_FETCH_MAX } from '../jira/api';
import { jqlProjectIssues } from '../jira/jql';
import { lookupSlots, type Manifest } from '../scale/snapshot-store';
import type { TreeRow } from '../shared/contract';
import type { AppDeps } from './deps';
import { userApi } from './site';

export const VISIBILITY_TTL_MS = 10 * 60_000;
/** search/jql returns up to 5,000 issues a page when only identifiers are asked for. */
export const IDS_PAGE = 5_000;
/** Numbers per stored part of the range list (~140 KB of JSON at most, under kvs's 240 KiB). */
const RANGE_PART = 20_000;
/** Past this size further per-key verdicts are not cached (the ranges still are). */
const MAX_HEAD_BYTES = 150_000;
/** Rows after the page searched for more context keys to fill a check request with. */
export const LOOKAHEAD_ROWS = 5_000;
const HIDDEN_TEXT = 'a hidden issue';

const KEY_IN_TEXT = /\b[A-Z][A-Z0-9_]*-[1-9]\d*\b/g;

export const viewerKey = {
  project: (p: string, account: string) => `viewer:${p}:${account}:project`,
  head: (p: string, account: string) => `viewer:${p}:${account}:keys`,
  part: (p: string, account: string, n: number) => `viewer:${p}:${account}:keys:${n}`,
};

const projectEntrySchema = z.object({ at: z.string(), name: z.string() });

const headSchema = z.object({
  v: z.literal(1),
  /** The snapshot's `builtAt` the ranges were read against. */
  builtAt: z.string(),
  at: z.string(),
  /** The highest issue number in the ranges: numbers above it are newer and checked one by one. */
  maxN: z.number().int().min(0),
  parts: z.number().int().min(0),
  /** Project issues whose key is not `P-n` (a renamed project's keys): listed as they are. */
  extra: z.array(z.string()),
  /** Keys outside the ranges checked one by one: visible (`v`) or hidden (`h`) from the viewer. */
  known: z.object({ v: z.array(z.string()), h: z.array(z.string()) }),
});
type Head = z.infer<typeof headSchema>;

function fresh(at: string, now: Date): boolean {
  const t = Date.parse(at);
  return Number.isFinite(t) && now.getTime() - t >= 0 && now.getTime() - t < VISIBILITY_TTL_MS;
}

/**
 * The viewer may browse the project: one request as the viewer, remembered for the TTL. Throws
 * Jira's 404 (NOT_FOUND) when the project does not exist or is hidden from them.
 */
export async function checkProjectAccess(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
): Promise<{ name: string }> {
  const key = viewerKey.project(projectKey, accountId);
  const cached = projectEntrySchema.safeParse(await deps.store.get(key));
  if (cached.success && fresh(cached.data.at, deps.now())) return { name: cached.data.name };
  const project = await userApi(deps, accountId).getProject(projectKey);
  const name = project.name ?? projectKey;
  await deps.store.set(key, { at: deps.now().toISOString(), name });
  return { name };
}

/** Sorted, disjoint [from, to] pairs, flattened. */
function toRanges(numbers: number[]): number[] {
  numbers.sort((a, b) => a - b);
  const out: number[] = [];
  for (const n of numbers) {
    const last = out.length - 1;
    if (last > 0 && n <= out[last]! + 1) out[last] = Math.max(out[last]!, n);
    else out.push(n, n);
  }
  return out;
}

function inRanges(ranges: readonly number[], n: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (n < ranges[mid * 2]!) hi = mid - 1;
    else if (n > ranges[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

function numberIn(projectKey: string, key: string): number | undefined {
  if (!key.startsWith(`${projectKey}-`)) return undefined;
  const n = Number(key.slice(projectKey.length + 1));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

interface KeySet {
  head: Head;
  ranges: number[];
  extra: Set<string>;
}

async function readKeySet(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  manifest: Manifest,
): Promise<KeySet | undefined> {
  const head = headSchema.safeParse(await deps.store.get(viewerKey.head(projectKey, accountId)));
  if (!head.success || head.data.builtAt !== manifest.builtAt || !fresh(head.data.at, deps.now()))
    return undefined;
  const ranges: number[] = [];
  for (let n = 0; n < head.data.parts; n++) {
    const part = z
      .array(z.number())
      .safeParse(await deps.store.get(viewerKey.part(projectKey, accountId, n)));
    if (!part.success) return undefined;
    ranges.push(...part.data);
  }
  return { head: head.data, ranges, extra: new Set(head.data.extra) };
}

/** Every key of the project the viewer can see: key-only search pages (5,000 a page) as the viewer. */
async function buildKeySet(
  deps: AppDeps,
  api: JiraApi,
  accountId: string,
  projectKey: string,
  manifest: Manifest,
): Promise<KeySet> {
  const numbers: number[] = [];
  const extra: string[] = [];
  for await (const issues of api.searchJqlPages({
    jql: jqlProjectIssues(projectKey),
    fields: ['key'],
    maxResults: IDS_PAGE,
  })) {
    for (const issue of issues) {
      const n = numberIn(projectKey, issue.key);
      if (n === undefined) extra.push(issue.key);
      else numbers.push(n);
    }
  }
  const ranges = toRanges(numbers);
  const parts = Math.ceil(ranges.length / RANGE_PART);
  for (let n = 0; n < parts; n++)
    await deps.store.set(
      viewerKey.part(projectKey, accountId, n),
      ranges.slice(n * RANGE_PART, (n + 1) * RANGE_PART),
    );
  const head: Head = {
    v: 1,
    builtAt: manifest.builtAt,
    at: deps.now().toISOString(),
    maxN: ranges.length > 0 ? ranges[ranges.length - 1]! : 0,
    parts,
    extra,
    known: { v: [], h: [] },
  };
  await deps.store.set(viewerKey.head(projectKey, accountId), head);
  return { head, ranges, extra: new Set(extra) };
}

export interface FilteredPage {
  rows: TreeRow[];
  /** Rows of the page left out because Jira hides them from the viewer. */
  hidden: number;
}

/**
 * The rows of one snapshot page the viewer may see, with keys of hidden snapshot issues taken out
 * of parent links and finding messages. `following` reads rows after the page (storage only), to
 * check their context keys in the same request.
 */
export async function filterPage(
  deps: AppDeps,
  accountId: string,
  manifest: Manifest,
  rows: readonly TreeRow[],
  following: () => Promise<readonly TreeRow[]>,
): Promise<FilteredPage> {
  const P = manifest.projectKey;
  const api = userApi(deps, accountId);
  const set =
    (await readKeySet(deps, accountId, P, manifest)) ??
    (await buildKeySet(deps, api, accountId, P, manifest));
  const knownVisible = new Set(set.head.known.v);
  const knownHidden = new Set(set.head.known.h);

  // True/false when the cache decides; undefined when the key needs a check as the viewer.
  const decided = (key: string): boolean | undefined => {
    if (set.extra.has(key) || knownVisible.has(key)) return true;
    if (knownHidden.has(key)) return false;
    const n = numberIn(P, key);
    if (n === undefined || n > set.head.maxN) return undefined;
    return inRanges(set.ranges, n);
  };

  const named = new Set<string>();
  for (const row of rows) {
    if (row.parentKey !== null) named.add(row.parentKey);
    for (const f of row.findings) for (const k of f.message.match(KEY_IN_TEXT) ?? []) named.add(k);
  }
  for (const row of rows) named.delete(row.key);
  // Only keys the snapshot holds can be hidden by this filter: one the app could not read either
  // is not a row anywhere, and what a message says about it is what the viewer would see too.
  const undecidedNamed = [...named].filter((k) => decided(k) === undefined);
  const slots =
    undecidedNamed.length > 0 ? await lookupSlots(deps.store, manifest, undecidedNamed) : new Map();
  const subjects = [...rows.map((r) => r.key), ...undecidedNamed.filter((k) => slots.get(k) !== undefined)];

  const unknown = new Set(subjects.filter((k) => decided(k) === undefined));
  if (unknown.size > 0) {
    // Fill the request up with the context rows that follow, so the next pages need none.
    if (unknown.size < BULK_FETCH_MAX) {
      for (const row of await following()) {
        if (unknown.size >= BULK_FETCH_MAX) break;
        if (decided(row.key) === undefined) unknown.add(row.key);
      }
    }
    const asked = [...unknown];
    const visible = new Set<string>();
    for (let i = 0; i < asked.length; i += BULK_FETCH_MAX) {
      const { issues } = await api.bulkFetch(asked.slice(i, i + BULK_FETCH_MAX), ['key']);
      for (const issue of issues) visible.add(issue.key);
    }
    const v = asked.filter((k) => visible.has(k));
    const h = asked.filter((k) => !visible.has(k));
    for (const k of v) knownVisible.add(k);
    for (const k of h) knownHidden.add(k);
    await remember(deps, accountId, P, set.head, v, h);
  }

  const hidden = new Set(subjects.filter((k) => decided(k) === false));
  const out: TreeRow[] = [];
  let left = 0;
  for (const row of rows) {
    if (hidden.has(row.key)) {
      left += 1;
      continue;
    }
    out.push(scrub(row, hidden));
  }
  return { rows: out, hidden: left };
}

async function remember(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  head: Head,
  visible: readonly string[],
  hidden: readonly string[],
): Promise<void> {
  await deps.store.update<unknown>(viewerKey.head(projectKey, accountId), (raw) => {
    const current = headSchema.safeParse(raw);
    // Rebuilt or replaced meanwhile: leave the newer entry alone.
    if (!current.success || current.data.at !== head.at) return raw;
    const v = new Set([...current.data.known.v, ...visible]);
    const h = new Set([...current.data.known.h, ...hidden]);
    const next: Head = { ...current.data, known: { v: [...v], h: [...h] } };
    return JSON.stringify(next).length > MAX_HEAD_BYTES ? current.data : next;
  });
}

function scrub(row: TreeRow, hidden: ReadonlySet<string>): TreeRow {
  if (hidden.size === 0) return row;
  const replace = (text: string) => text.replace(KEY_IN_TEXT, (k) => (hidden.has(k) ? HIDDEN_TEXT : k));
  const findings = row.findings.map((f) => {
    const message = replace(f.message);
    return message === f.message ? f : { ...f, message };
  });
  const parentKey = row.parentKey !== null && hidden.has(row.parentKey) ? null : row.parentKey;
  return { ...row, findings, parentKey };
}
