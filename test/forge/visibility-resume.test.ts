/**
 * The first view of a big project: the viewer's key list (5,000 keys a search page) is read over
 * several resolver calls, each within ACCESS_BUDGET_MS, resuming from the stored page token. Time
 * is a virtual clock that each of the viewer's Jira requests moves on, so no test waits.
 */
import { createEmulator, generateSite, type JiraEmulator } from '../../src/emulator';
import { fault } from '../../src/emulator/faults';
import { isRecord } from '../../src/domain/read';
import type { Transport } from '../../src/jira/transport';
import { buildResolver } from '../../src/resolvers';
import { invokeResolver, type Definitions } from '../../src/resolvers/invoke';
import { startTreeScan } from '../../src/scale/service';
import type { AppDeps } from '../../src/platform/deps';
import { ACCESS_BUDGET_MS, IDS_PAGE, VISIBILITY_TTL_MS } from '../../src/services/visibility';
import type { ProjectTree, TreeRow } from '../../src/shared/contract';
import type { Snapshot } from '../../src/snapshot/format';
import { MemoryStore } from '../../src/storage/memory';

const APP = 'u-0'; // the generated site's admin stands in for the app
const PROJECT = 'T1';
// 12,000 stories in T1: three key pages.
const STORIES = 12_000;
const HIDDEN = ['T1-7', 'T1-5001', 'T1-11999'];

function site(): Snapshot {
  const s = generateSite({ features: STORIES / 100, storiesPerFeature: 100, teamProjects: 1, seed: 5 });
  return { ...s, restrictions: Object.fromEntries(HIDDEN.map((k) => [k, [APP]])) };
}

interface ViewerRequest {
  path: string;
  token: string | undefined;
}

interface World {
  emulator: JiraEmulator;
  store: MemoryStore;
  clock: { now: Date; stepMs: number };
  /** The viewers' requests, with the page token each search sent. */
  requests: ViewerRequest[];
  keyPages(): ViewerRequest[];
  tree(accountId: string, cursor?: string): Promise<ProjectTree>;
  /** Every page of the tree, following nextCursor (only once the key list is complete). */
  allRows(accountId: string): Promise<TreeRow[]>;
}

let shared: { emulator: JiraEmulator; store: MemoryStore } | undefined;

/** One scanned snapshot for the whole file; each test uses its own viewers, so caches never meet. */
async function world(): Promise<World> {
  const clock = { now: new Date('2026-03-01T12:00:00.000Z'), stepMs: 0 };
  const requests: ViewerRequest[] = [];
  if (!shared) {
    const emulator = createEmulator(site());
    const store = new MemoryStore();
    await startTreeScan(
      {
        jiraAsUser: (id) => emulator.transportFor(id),
        jiraAsApp: () => emulator.transportFor(APP),
        store,
        now: () => clock.now,
      },
      PROJECT,
    );
    shared = { emulator, store };
  }
  const { emulator, store } = shared;
  // Every request as a viewer takes `stepMs` of virtual time.
  const asViewer =
    (id: string): Transport =>
    async (req) => {
      const token = isRecord(req.body) ? req.body.nextPageToken : undefined;
      requests.push({ path: req.path, token: typeof token === 'string' ? token : undefined });
      clock.now = new Date(clock.now.getTime() + clock.stepMs);
      return emulator.transportFor(id)(req);
    };
  const deps: AppDeps = {
    jiraAsUser: asViewer,
    jiraAsApp: () => emulator.transportFor(APP),
    store,
    now: () => clock.now,
    jiraClient: { sleep: () => Promise.resolve(), random: () => 0.5 },
  };
  const definitions: Definitions = buildResolver(deps).getDefinitions();
  const tree = async (accountId: string, cursor?: string): Promise<ProjectTree> => {
    const r = await invokeResolver(
      definitions,
      'getProjectTree',
      cursor ? { projectKey: PROJECT, cursor } : { projectKey: PROJECT },
      { accountId },
    );
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.data;
  };
  return {
    emulator,
    store,
    clock,
    requests,
    keyPages: () => requests.filter((r) => r.path.endsWith('/search/jql')),
    tree,
    async allRows(accountId) {
      const first = await tree(accountId);
      if (first.access) throw new Error('the key list is not complete');
      const rows = [...first.rows];
      let cursor = first.nextCursor;
      while (cursor) {
        const next = await tree(accountId, cursor);
        if (next.access) throw new Error('the key list is not complete');
        rows.push(...next.rows);
        cursor = next.nextCursor;
      }
      return rows;
    },
  };
}

/** Calls until the access check is done; returns the "checking" answers and the complete one. */
async function untilChecked(w: World, accountId: string) {
  const checking: ProjectTree[] = [];
  const elapsed: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = w.clock.now.getTime();
    const page = await w.tree(accountId);
    elapsed.push(w.clock.now.getTime() - t0);
    if (!page.access) return { checking, done: page, elapsed };
    checking.push(page);
  }
  throw new Error('the access check never completed');
}

const keyPageCount = Math.ceil(STORIES / IDS_PAGE);

describe('first view of a big project: the access check resumes across calls', () => {
  jest.setTimeout(60_000);

  it('a viewer with no time limit reads every key page in one call (the reference)', async () => {
    const w = await world();
    const { checking, done } = await untilChecked(w, 'u-5');
    expect(checking).toEqual([]);
    expect(w.keyPages()).toHaveLength(keyPageCount);
    expect(done.rows.length).toBeGreaterThan(0);
  });

  it('slow key pages: "checking" answers with rising progress and no rows, then the filtered tree', async () => {
    const w = await world();
    const reference = await world();
    const expected = await reference.allRows('u-6');

    w.clock.stepMs = 5_000; // each request as the viewer: 5 virtual seconds
    w.requests.length = 0;
    const { checking, done, elapsed } = await untilChecked(w, 'u-7');
    expect(checking.length).toBeGreaterThanOrEqual(1);
    for (const page of checking) {
      expect(page.rows).toEqual([]);
      expect(page.nextCursor).toBeNull();
      expect(page.hidden).toBeUndefined();
      expect(page.access?.status).toBe('checking');
      expect(page.scan.status).toBe('complete');
    }
    const processed = checking.map((p) => p.access?.processed ?? 0);
    expect(processed[0]).toBeGreaterThan(0);
    for (let i = 1; i < processed.length; i++) expect(processed[i]).toBeGreaterThan(processed[i - 1]!);
    expect(processed[processed.length - 1]).toBeLessThan(STORIES);
    // Each call stopped at its budget, with at most the page that crossed it over.
    for (const ms of elapsed) expect(ms).toBeLessThanOrEqual(ACCESS_BUDGET_MS + w.clock.stepMs);
    // Exactly as many key pages as one uninterrupted read: no page read twice.
    expect(w.keyPages()).toHaveLength(keyPageCount);
    expect(new Set(w.keyPages().map((r) => r.token)).size).toBe(keyPageCount);

    expect(done.access).toBeUndefined();
    const rows = await w.allRows('u-7');
    expect(rows).toEqual(expected);
    const keys = new Set(rows.map((r) => r.key));
    for (const k of HIDDEN) expect(keys.has(k)).toBe(false);
    expect(JSON.stringify(rows)).not.toMatch(/\bT1-(7|5001|11999)\b/);
    expect(keys.has('T1-8')).toBe(true);
    // The progress entries are gone once the list is complete.
    expect(await w.store.list(`viewer:${PROJECT}:u-7:reading`)).toEqual([]);

    // Cached now: repeat views make no key requests.
    const before = w.keyPages().length;
    await w.allRows('u-7');
    expect(w.keyPages()).toHaveLength(before);
  });

  it('one request per call at most past the budget: each call reads one page when pages are slow', async () => {
    const w = await world();
    w.clock.stepMs = ACCESS_BUDGET_MS + 1;
    const { checking } = await untilChecked(w, 'u-8');
    // The project check and the first page share the first call; every later call reads one page.
    expect(checking.map((p) => p.access?.processed)).toEqual(
      Array.from({ length: keyPageCount - 1 }, (_, i) => (i + 1) * IDS_PAGE),
    );
    expect(w.keyPages()).toHaveLength(keyPageCount);
  });

  it('a page token Jira refuses (400) restarts the key list cleanly', async () => {
    const w = await world();
    const reference = await world();
    const expected = await reference.allRows('u-9');
    w.clock.stepMs = 7_000;
    w.requests.length = 0;
    const first = await w.tree('u-10');
    expect(first.access).toEqual({ status: 'checking', processed: IDS_PAGE });
    const refuse = fault({ match: { path: '/search/jql', accountId: 'u-10' }, times: 1 }, (req) =>
      isRecord(req.body) && typeof req.body.nextPageToken === 'string'
        ? {
            status: 400,
            headers: { 'content-type': 'application/json' },
            text: JSON.stringify({
              errorMessages: ['The provided next page token is invalid or expired.'],
              errors: {},
            }),
          }
        : undefined,
    );
    const remove = w.emulator.injectFault(refuse);
    try {
      const { done } = await untilChecked(w, 'u-10');
      expect(done.access).toBeUndefined();
    } finally {
      remove();
    }
    expect(refuse.fired).toBe(1);
    const pages = w.keyPages();
    // The page before the refusal, the refused request, then a whole list from its first page.
    expect(pages).toHaveLength(1 + 1 + keyPageCount);
    expect(pages[0]!.token).toBeUndefined();
    expect(pages[1]!.token).toBeDefined();
    expect(pages[2]!.token).toBeUndefined();
    expect(await w.allRows('u-10')).toEqual(expected);
    expect(await w.store.list(`viewer:${PROJECT}:u-10:reading`)).toEqual([]);
  });

  it('a stored page of the list gone missing: the list is read anew, never completed with a gap', async () => {
    const w = await world();
    const reference = await world();
    const expected = await reference.allRows('u-12');
    w.clock.stepMs = 7_000;
    w.requests.length = 0;
    expect((await w.tree('u-13')).access?.processed).toBe(IDS_PAGE);
    await w.store.delete(`viewer:${PROJECT}:u-13:reading:0`);
    const { done } = await untilChecked(w, 'u-13');
    expect(done.access).toBeUndefined();
    // The first page, the rest up to the last (where the gap shows), then the whole list again.
    expect(w.keyPages()).toHaveLength(1 + (keyPageCount - 1) + keyPageCount);
    expect(await w.allRows('u-13')).toEqual(expected);
    expect(await w.store.list(`viewer:${PROJECT}:u-13:reading`)).toEqual([]);
  });

  it('a key list left half-read for longer than the cache time is read anew', async () => {
    const w = await world();
    w.clock.stepMs = 7_000;
    w.requests.length = 0;
    expect((await w.tree('u-11')).access?.processed).toBe(IDS_PAGE);
    w.clock.now = new Date(w.clock.now.getTime() + VISIBILITY_TTL_MS + 1);
    const { checking } = await untilChecked(w, 'u-11');
    expect(checking[0]?.access?.processed).toBe(IDS_PAGE);
    const pages = w.keyPages();
    expect(pages).toHaveLength(1 + keyPageCount);
    // The project check's cache ran out too; the list started over without a token.
    expect(pages[1]!.token).toBeUndefined();
  });
});
