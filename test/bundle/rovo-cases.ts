/**
 * The Rovo agent's actions (src/entry/rovo.ts) through the bundled handlers: each answers what the
 * UI's resolver answers the same person, at no more Jira requests, and refuses what the panel
 * refuses, with the panel's words. Run from bundle.test.ts, so the bundle is built once (two test
 * files building it into one folder at once would race).
 */
import { BundledApp, type ActionName, type Invocation } from './harness';

const PO = 'u-lena-fischer'; // ORB's lead and the PO of ORB stories
const NOT_PO = 'u-raj-patel'; // the PO of other stories, not of ORB-12
const STORY = 'ORB-12';
/** Bounded answers: a language model reads them whole. */
const MAX_ANSWER_CHARS = 16_000;

let bundleDir: () => string = () => {
  throw new Error('rovoActionCases was not registered');
};

/** A freshly installed app: nothing cached, no snapshot yet. */
const fresh = () => BundledApp.load({ bundleDir: bundleDir() });

interface Answer<T> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; details?: { path: string }[] };
}

function answer<T>(run: Invocation): Answer<T> {
  if (run.error !== undefined)
    throw run.error instanceof Error ? run.error : new Error(JSON.stringify(run.error));
  expect(JSON.stringify(run.result).length).toBeLessThan(MAX_ANSWER_CHARS);
  return run.result as Answer<T>;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer's type: the handler's result is unknown to the harness
function data<T>(run: Invocation): T {
  const a = answer<T>(run);
  if (!a.ok) throw new Error(`action answered ${JSON.stringify(a.error)}`);
  return a.data as T;
}

/** A project with its snapshot built, as after the first scan. */
async function scanned(app: BundledApp, projectKey: string): Promise<void> {
  const start = await app.resolver('startScan', { projectKey }, PO, { type: 'jira:projectPage' });
  expect(start.error).toBeUndefined();
  expect((await app.drainQueue()).filter((s) => s.error !== undefined)).toEqual([]);
}

interface Gaps {
  projectKey: string;
  countsByRule: Record<string, number>;
  gaps: Record<string, { count: number; keys: string[] }>;
  keysComplete: boolean;
  scan: { status: string };
  note?: string;
}

/** Registers the cases; `dir` is read once the bundle is built (in a beforeAll). */
export function rovoActionCases(dir: () => string): void {
  bundleDir = dir;

  describe('Rovo action: ownership gaps of a project', () => {
    it('starts the first scan and says so, then answers the project page’s counts with the keys', async () => {
      const app = await fresh();
      const first = data<Gaps>(await app.action('ownershipGapsAction', { projectKey: 'ART' }, PO));
      expect(first.scan.status).toBe('running');
      expect(first.note).toMatch(/scanning ART/);
      expect((await app.drainQueue()).filter((s) => s.error !== undefined)).toEqual([]);

      const run = await app.action('ownershipGapsAction', { projectKey: 'art' }, PO);
      const gaps = data<Gaps>(run);
      // The project page's first read, on a twin app in the same state (nothing cached for PO yet).
      const twin = await fresh();
      await scanned(twin, 'ART');
      const tree = await twin.resolver('getProjectTree', { projectKey: 'ART' }, PO, {
        type: 'jira:projectPage',
      });
      const page = (
        tree.result as Answer<{
          countsByRule: Record<string, number>;
          rows: { key: string; findings: { rule: string }[] }[];
        }>
      ).data!;
      expect(gaps.projectKey).toBe('ART');
      expect(gaps.countsByRule).toEqual(page.countsByRule);
      // ART-29 has no Product Manager in the sample (README's audit).
      expect(gaps.gaps['feature-missing-pm']?.keys).toContain('ART-29');
      for (const [rule, gap] of Object.entries(gaps.gaps)) {
        expect(gap.count).toBe(page.countsByRule[rule] ?? 0);
        const flagged = page.rows.filter((r) => r.findings.some((f) => f.rule === rule)).map((r) => r.key);
        expect(gap.keys).toEqual(flagged.slice(0, 20));
      }
      expect(gaps.keysComplete).toBe(true);
      // No more Jira requests than the project page's own read of the same page.
      expect(run.jira.requests).toBeLessThanOrEqual(tree.jira.requests);
    });

    it('refuses a project the caller may not browse, as the project page does', async () => {
      const app = await fresh();
      const rovo = answer(await app.action('ownershipGapsAction', { projectKey: 'NOPE' }, PO));
      const page = await app.resolver('getProjectTree', { projectKey: 'NOPE' }, PO, {
        type: 'jira:projectPage',
      });
      expect(rovo.ok).toBe(false);
      expect(rovo.error).toEqual((page.result as Answer<unknown>).error);
    });
  });

  interface Queue {
    total: number;
    more: boolean;
    stories: { key: string; done: boolean; url?: string }[];
  }

  describe('Rovo action: awaiting my acceptance', () => {
    it('lists the queue the “Awaiting my acceptance” page shows, at the same cost', async () => {
      const app = await fresh();
      const page = await app.resolver('getQueue', {}, PO, { type: 'jira:globalPage' });
      const items = (page.result as Answer<{ items: { key: string }[] }>).data!.items;
      const other = await fresh();
      const run = await other.action('awaitingMyAcceptanceAction', {}, PO, {
        url: `https://example.atlassian.net/browse/${STORY}`,
      });
      const queue = data<Queue>(run);
      expect(items.length).toBeGreaterThan(0);
      expect(queue.stories.map((s) => s.key)).toEqual(items.slice(0, 25).map((i) => i.key));
      expect(queue.total).toBe(items.length);
      expect(queue.stories.length).toBe(Math.min(25, items.length));
      expect(queue.more).toBe(items.length > 25);
      expect(queue.stories[0]?.url).toBe(`https://example.atlassian.net/browse/${queue.stories[0]?.key}`);
      expect(run.jira.requests).toBe(page.jira.requests);
    });

    it('is empty for someone who owns no story', async () => {
      const app = await fresh();
      expect(
        data<Queue>(await app.action('awaitingMyAcceptanceAction', {}, 'u-morgan-reyes')).stories,
      ).toEqual([]);
    });
  });

  interface Check {
    issueKey: string;
    story: boolean;
    accepted: boolean;
    acceptedBy: string | null;
    acceptedAt: string | null;
    youMayAccept: boolean;
    whyNot?: string;
    productOwners: string[];
  }

  describe('Rovo actions: check acceptance and accept a story', () => {
    it('refuses a caller who may not accept, with the panel’s refusal, and changes nothing', async () => {
      const app = await fresh();
      const check = data<Check>(await app.action('checkAcceptanceAction', { issueKey: STORY }, NOT_PO));
      expect(check).toMatchObject({ issueKey: STORY, story: true, accepted: false, youMayAccept: false });
      expect(check.whyNot).toMatch(/Product Owner or a configured delegate/);

      const rovo = answer(await app.action('acceptStoryAction', { issueKey: STORY }, NOT_PO));
      const panel = await app.resolver('acceptStory', { issueKey: STORY }, NOT_PO);
      expect(rovo.ok).toBe(false);
      expect(rovo.error?.code).toBe('FORBIDDEN');
      expect(rovo.error).toEqual((panel.result as Answer<unknown>).error);
      expect(app.kvs.keys().filter((k) => k.startsWith('acceptance:'))).toEqual([]);
      expect((await app.validator<{ result: boolean }>(STORY)).result?.result).toBe(false);
    });

    it('the PO accepts the story the chat is open on; the check and the workflow validator then see it', async () => {
      const app = await fresh();
      const before = data<Check>(await app.action('checkAcceptanceAction', { issueKey: STORY }, PO));
      expect(before).toMatchObject({ accepted: false, acceptedBy: null, youMayAccept: true });
      expect(before.productOwners).toContain('Lena Fischer');

      // No issueKey input: Rovo's context names the issue the chat was opened on.
      const run = await app.action('acceptStoryAction', {}, PO, { issueKey: STORY, projectKey: 'ORB' });
      const done = data<{ issueKey: string; accepted: boolean; acceptedBy: string; acceptedAt: string }>(run);
      expect(done).toMatchObject({ issueKey: STORY, accepted: true, acceptedBy: 'Lena Fischer' });
      expect(
        run.jira.calls.some((c) => c.method === 'PUT' && c.path.includes('/properties/popm.acceptance')),
      ).toBe(true);

      const after = data<Check>(await app.action('checkAcceptanceAction', { issueKey: 'orb-12' }, PO));
      expect(after).toMatchObject({
        accepted: true,
        acceptedBy: 'Lena Fischer',
        acceptedAt: done.acceptedAt,
      });
      expect((await app.validator(STORY)).result).toEqual({ result: true });
    });

    it('costs what the panel costs: the check is the panel’s read, the accept the panel’s accept', async () => {
      const cost = async (run: (app: BundledApp) => Promise<Invocation>) =>
        (await run(await fresh())).jira.requests;
      expect(await cost((a) => a.action('checkAcceptanceAction', { issueKey: STORY }, PO))).toBe(
        await cost((a) => a.resolver('getIssueView', { issueKey: STORY }, PO)),
      );
      expect(await cost((a) => a.action('acceptStoryAction', { issueKey: STORY }, PO))).toBe(
        await cost((a) => a.resolver('acceptStory', { issueKey: STORY }, PO)),
      );
    });
  });

  describe('Rovo actions: bad input and no user', () => {
    const cases: [ActionName, Record<string, unknown>, string, RegExp][] = [
      ['checkAcceptanceAction', {}, 'issueKey', /issueKey is required/],
      ['acceptStoryAction', {}, 'issueKey', /issueKey is required/],
      [
        'acceptStoryAction',
        { issueKey: 'story twelve' },
        'issueKey',
        /issueKey must be a Jira issue key such as ORB-12/,
      ],
      ['checkAcceptanceAction', { issueKey: 12 }, 'issueKey', /issueKey must be a Jira issue key/],
      ['ownershipGapsAction', {}, 'projectKey', /projectKey is required/],
      [
        'ownershipGapsAction',
        { projectKey: 'ART-1' },
        'projectKey',
        /projectKey must be a Jira project key such as ART/,
      ],
    ];

    it.each(cases)(
      '%s %j: BAD_REQUEST naming %s, before any Jira request',
      async (name, inputs, path, message) => {
        const app = await fresh();
        const run = await app.action(name, inputs, PO);
        const a = answer(run);
        expect(a.ok).toBe(false);
        expect(a.error?.code).toBe('BAD_REQUEST');
        expect(a.error?.message).toMatch(message);
        expect(a.error?.details?.[0]?.path).toBe(path);
        expect(run.jira.requests).toBe(0);
      },
    );

    it('a key given but invalid is not replaced by the page’s', async () => {
      const app = await fresh();
      const a = answer(await app.action('acceptStoryAction', { issueKey: 'nope' }, PO, { issueKey: STORY }));
      expect(a.error?.code).toBe('BAD_REQUEST');
      expect(app.kvs.keys().filter((k) => k.startsWith('acceptance:'))).toEqual([]);
    });

    it('answers UNAUTHENTICATED without a user, and never takes one from the inputs', async () => {
      const app = await fresh();
      const run = await app.action('acceptStoryAction', { issueKey: STORY, accountId: PO }, undefined);
      expect(answer(run).error?.code).toBe('UNAUTHENTICATED');
      expect(run.jira.requests).toBe(0);
    });
  });
}
