/**
 * What a viewer may see of a stored project tree. Stored trees are built as the app, which may
 * see issues the viewer may not (issue security levels), so every view is filtered to the issues
 * Jira shows the viewer, with as few requests as possible:
 *
 * - the project itself: one GET /project/{key} as the viewer (NOT_FOUND when hidden), cached;
 * - the project's issues: the keys of `project = P` as the viewer (fields: key only, which Jira
 *   pages 5,000 at a time), kept as ranges of issue numbers (few gaps, few ranges). A big project's
 *   list is read over several calls, ACCESS_BUDGET_MS each, resuming from the stored page token;
 *   until it is complete the view answers "checking" with no rows;
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
 * Left as they are: the stored tree's totals (coverage, counts, roll-ups), which cover the whole
 * project as the app sees it; the UI says so. Keys the app could not read either are not rows of
 * the stored tree, and a message naming one ("its parent X could not be read") stays as it is.
 */
import { z } from 'zod';
import type { JiraApi, SearchPage } from '../jira/api';
import { BULK_FETCH_MAX } from '../jira/api';
import { badResponseError, isJiraError } from '../jira/errors';
import { jqlProjectIssues } from '../jira/jql';
import { lookupSlots, type TreeManifest } from '../scale/tree-store';
import type { TreeRow } from '../shared/contract';
import type { AppDeps } from '../platform/deps';
import { userApi } from './site';

export const VISIBILITY_TTL_MS = 10 * 60_000;
/** search/jql returns up to 5,000 issues a page when only identifiers are asked for. */
export const IDS_PAGE = 5_000;
/**
 * Time a view may spend reading the viewer's key list before it answers "checking" and leaves the
 * rest to the next call: about half of a Forge resolver's 25 s, so one more page (1-3 s on a real
 * site) and the rest of the view still fit.
 */
export const ACCESS_BUDGET_MS = 12_000;
/** A key list of more pages than this is refused (a token cycle would never end). */
const MAX_KEY_PAGES = 10_000;
/** Largest JSON of one stored page of a key list being read (kvs allows 240 KiB). */
const PART_BYTES = 150_000;
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
  /** The key list while it is read over several calls: progress, then one entry per page read. */
  build: (p: string, account: string) => `viewer:${p}:${account}:reading`,
  buildPart: (p: string, account: string, n: number) => `viewer:${p}:${account}:reading:${n}`,
};

const projectEntrySchema = z.object({ at: z.string(), name: z.string() });

const headSchema = z.object({
  v: z.literal(1),
  /** The stored tree's `builtAt` the ranges were read against. */
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
  const name = project.name;
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
  manifest: TreeManifest,
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

/** Flattened [from, to] pairs (each list sorted and disjoint), merged into one such list. */
function mergeRanges(lists: readonly (readonly number[])[]): number[] {
  const pairs: [number, number][] = [];
  for (const list of lists) for (let i = 0; i + 1 < list.length; i += 2) pairs.push([list[i]!, list[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [from, to] of pairs) {
    const last = out.length - 1;
    if (last > 0 && from <= out[last]! + 1) out[last] = Math.max(out[last]!, to);
    else out.push(from, to);
  }
  return out;
}

/** One key page as stored while the list is read: its ranges and its keys that are not `P-n`. */
const buildPartSchema = z.object({ r: z.array(z.number()), x: z.array(z.string()) });
type BuildPart = z.infer<typeof buildPartSchema>;

/**
 * A key list being read over several views: where Jira's paging stands and how many parts the
 * pages read so far were stored in. Only written while a token is outstanding; the finished list
 * is a head and its parts (above), and this entry is deleted.
 */
const buildSchema = z.object({
  v: z.literal(1),
  /** When the first page was read: the finished list counts its age from here. */
  startedAt: z.string(),
  token: z.string(),
  pages: z.number().int().min(0),
  /** Keys read so far. */
  processed: z.number().int().min(0),
  parts: z.number().int().min(0),
  /** Parts ever written under this (project, account), so a restart's leftovers get deleted. */
  written: z.number().int().min(0),
});
type Build = z.infer<typeof buildSchema>;

/** Split so every stored value stays well under kvs's 240 KiB (a 5,000-key page rarely needs it). */
function splitPart(part: BuildPart): BuildPart[] {
  if (JSON.stringify(part).length <= PART_BYTES) return [part];
  if (part.x.length > 1) {
    const half = part.x.length >> 1;
    return [
      ...splitPart({ r: part.r, x: part.x.slice(0, half) }),
      ...splitPart({ r: [], x: part.x.slice(half) }),
    ];
  }
  const halfPairs = (part.r.length >> 2) * 2;
  return [
    ...splitPart({ r: part.r.slice(0, halfPairs), x: part.x }),
    ...splitPart({ r: part.r.slice(halfPairs), x: [] }),
  ];
}

async function writeKeySet(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  manifest: TreeManifest,
  at: string,
  ranges: number[],
  extra: string[],
): Promise<KeySet> {
  const parts = Math.ceil(ranges.length / RANGE_PART);
  for (let n = 0; n < parts; n++)
    await deps.store.set(
      viewerKey.part(projectKey, accountId, n),
      ranges.slice(n * RANGE_PART, (n + 1) * RANGE_PART),
    );
  const head: Head = {
    v: 1,
    builtAt: manifest.builtAt,
    at,
    maxN: ranges.length > 0 ? ranges[ranges.length - 1]! : 0,
    parts,
    extra,
    known: { v: [], h: [] },
  };
  await deps.store.set(viewerKey.head(projectKey, accountId), head);
  return { head, ranges, extra: new Set(extra) };
}

export interface KeyListOptions {
  /** When the resolver call began (default: now); the budget counts from here. */
  startedAt?: Date;
  /** How long a call may keep reading key pages before it answers "checking". */
  budgetMs?: number;
}

/** The key list is not complete yet; this many keys have been read. */
export interface KeyListPending {
  checking: number;
}

function sameBuild(a: Build, b: Build | undefined): boolean {
  return b !== undefined && a.token === b.token && a.parts === b.parts && a.startedAt === b.startedAt;
}

function isStaleToken(error: unknown): boolean {
  return isJiraError(error, 'bad-request') && error.status === 400;
}

/**
 * Every key of the project the viewer can see: key-only search pages (5,000 a page) as the viewer,
 * read for at most `budgetMs` per call (at least one page) and resumed by the next call from the
 * stored `nextPageToken`, so a project of any size fits Forge's 25 s per resolver call. After every
 * page the page's keys and the token are stored. A list that fits one page is written as before,
 * with no progress entries at all.
 */
async function advanceKeySet(
  deps: AppDeps,
  api: JiraApi,
  accountId: string,
  projectKey: string,
  manifest: TreeManifest,
  options: KeyListOptions,
): Promise<KeySet | KeyListPending> {
  const started = (options.startedAt ?? deps.now()).getTime();
  const budget = options.budgetMs ?? ACCESS_BUDGET_MS;
  const buildKey = viewerKey.build(projectKey, accountId);
  const stored = buildSchema.safeParse(await deps.store.get(buildKey));
  // What the store holds as far as this call knows: it advances the list only from there.
  let base: Build | undefined = stored.success ? stored.data : undefined;
  // Tokens do not last forever, and a list read long ago is no list of what the viewer sees now.
  let build: Build | undefined = base && fresh(base.startedAt, deps.now()) ? base : undefined;
  let written = base?.written ?? 0;
  let pagesNow = 0;
  /** Drops the list read so far, so neither this call nor the next resumes it. */
  const forget = async () => {
    await deps.store.delete(buildKey);
    for (let n = 0; n < written; n++) await deps.store.delete(viewerKey.buildPart(projectKey, accountId, n));
    base = undefined;
    build = undefined;
    written = 0;
  };
  for (;;) {
    if (pagesNow > 0 && deps.now().getTime() - started >= budget) return { checking: build?.processed ?? 0 };
    let page: SearchPage;
    try {
      page = await api.searchJql({
        jql: jqlProjectIssues(projectKey),
        fields: ['key'],
        maxResults: IDS_PAGE,
        ...(build ? { nextPageToken: build.token } : {}),
      });
    } catch (error) {
      if (!build || !isStaleToken(error)) throw error;
      // Jira no longer honours the token (expired, or the search changed): read the list anew.
      deps.log?.('viewer key list: page token refused, restarting the list', {
        projectKey,
        pages: build.pages,
      });
      await forget();
      continue;
    }
    pagesNow++;
    const numbers: number[] = [];
    const extra: string[] = [];
    for (const issue of page.issues) {
      const n = numberIn(projectKey, issue.key);
      if (n === undefined) extra.push(issue.key);
      else numbers.push(n);
    }
    const current: BuildPart = { r: toRanges(numbers), x: extra };
    const next = page.nextPageToken;

    if (next === undefined) {
      const at = build?.startedAt ?? deps.now().toISOString();
      const earlier: BuildPart[] = [];
      let lost = false;
      for (let n = 0; n < (build?.parts ?? 0) && !lost; n++) {
        const part = buildPartSchema.safeParse(
          await deps.store.get(viewerKey.buildPart(projectKey, accountId, n)),
        );
        if (part.success) earlier.push(part.data);
        else lost = true;
      }
      if (lost) {
        // A stored page is gone (or unreadable): the list cannot be trusted, so it is read anew.
        deps.log?.('viewer key list: a stored page is missing, restarting the list', { projectKey });
        await forget();
        continue;
      }
      const all = [...earlier, current];
      const set = await writeKeySet(
        deps,
        accountId,
        projectKey,
        manifest,
        at,
        mergeRanges(all.map((p) => p.r)),
        all.flatMap((p) => p.x),
      );
      if (stored.success || build) {
        await deps.store.delete(buildKey);
        for (let n = 0; n < written; n++)
          await deps.store.delete(viewerKey.buildPart(projectKey, accountId, n));
      }
      return set;
    }

    if (next === build?.token || (build?.pages ?? 0) + 1 >= MAX_KEY_PAGES)
      throw badResponseError(
        { method: 'POST', path: '/rest/api/3/search/jql' },
        200,
        next === build?.token
          ? 'the same nextPageToken came back twice, so paging would never end'
          : `more than ${MAX_KEY_PAGES} key pages; refusing to page further`,
      );
    const first = build?.parts ?? 0;
    const pieces = splitPart(current);
    for (const [i, piece] of pieces.entries())
      await deps.store.set(viewerKey.buildPart(projectKey, accountId, first + i), piece);
    written = Math.max(written, first + pieces.length);
    const previous = build;
    const expected = base;
    const advanced: Build = {
      v: 1,
      startedAt: previous?.startedAt ?? deps.now().toISOString(),
      token: next,
      pages: (previous?.pages ?? 0) + 1,
      processed: (previous?.processed ?? 0) + page.issues.length,
      parts: first + pieces.length,
      written,
    };
    // Another call of the same viewer may have moved the list on meanwhile: then it owns it.
    // Set inside the callback: widened so TS does not narrow it to its initial `false`.
    let mine = false as boolean;
    await deps.store.update<unknown>(buildKey, (raw) => {
      const now = buildSchema.safeParse(raw);
      mine = now.success ? sameBuild(now.data, expected) : expected === undefined;
      return mine ? advanced : raw;
    });
    if (!mine) return { checking: advanced.processed };
    build = advanced;
    base = advanced;
  }
}

export interface FilteredPage {
  rows: TreeRow[];
  /** Rows of the page left out because Jira hides them from the viewer. */
  hidden: number;
}

/** The viewer's key list is still being read: no rows can be shown yet. */
export interface AccessPending {
  checking: { processed: number };
}

/**
 * The rows of one stored tree page the viewer may see, with keys of hidden stored issues taken out
 * of parent links and finding messages. `following` reads rows after the page (storage only), to
 * check their context keys in the same request. While the viewer's key list of a big project is
 * still being read (over several calls, see advanceKeySet), answers `checking` and no rows: rows
 * are never shown unfiltered.
 */
export async function filterPage(
  deps: AppDeps,
  accountId: string,
  manifest: TreeManifest,
  rows: readonly TreeRow[],
  following: () => Promise<readonly TreeRow[]>,
  options: KeyListOptions = {},
): Promise<FilteredPage | AccessPending> {
  const P = manifest.projectKey;
  const api = userApi(deps, accountId);
  const set =
    (await readKeySet(deps, accountId, P, manifest)) ??
    (await advanceKeySet(deps, api, accountId, P, manifest, options));
  if ('checking' in set) return { checking: { processed: set.checking } };
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
  // Only keys the stored tree holds can be hidden by this filter: one the app could not read either
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
