/**
 * The backend as Forge runs it: bundled by @forge/bundler (built once here, about 1-2 minutes),
 * each handler driven through the real @forge/* SDK code inside the bundle, with only the
 * platform's transport stood in for (see harness.ts).
 */
import { BundledApp, bundleReport, buildBundle } from './harness';
import { rovoActionCases } from './rovo-cases';

const PO = 'u-lena-fischer'; // ORB's lead and the PO of ORB stories
const OTHER = 'u-kenji-sato';
const STORY = 'ORB-12';

let dir: string;
let app: BundledApp;

beforeAll(async () => {
  dir = buildBundle();
  app = await BundledApp.load({ bundleDir: dir, consentPending: [OTHER] });
}, 600_000);

function ok(run: { result?: unknown; error?: unknown }): unknown {
  if (run.error instanceof Error) throw run.error;
  if (run.error !== undefined) throw new Error(`handler threw ${JSON.stringify(run.error)}`);
  const result = run.result as { ok: boolean; data?: unknown; error?: unknown };
  if (!result.ok) throw new Error(`resolver answered ${JSON.stringify(result.error)}`);
  return result.data;
}

describe('the Forge bundle', () => {
  it('holds every manifest handler and only backend code', () => {
    const report = bundleReport(dir);
    expect(report.problems).toEqual([]);
    expect(report.handlers).toHaveLength(9);
    const sources = report.appSources.index ?? [];
    expect(sources).toContain('src/index.ts');
    expect(sources.filter((s) => /^src\/(localhost|emulator|cli|snapshot)\//.test(s))).toEqual([]);
  });
});

describe('bundled handlers over the SDK', () => {
  it('resolver: answers a view as the user, reading Jira through requestJira', async () => {
    const run = await app.resolver('getIssueView', { issueKey: STORY }, PO);
    const view = ok(run) as { issue: { key: string } };
    expect(view.issue.key).toBe(STORY);
    expect(run.jira.requests).toBeGreaterThan(0);
    expect(run.jira.calls.every((c) => c.status < 400)).toBe(true);
    // Issues are read as the viewer; only the site's field list is read as the app, because it is
    // cached in app storage for every viewer (src/services/cache.ts) and names no issue data.
    const asApp = run.jira.calls.filter((c) => c.as !== PO).map((c) => `${c.method} ${c.path}`);
    expect(asApp).toEqual(['GET /rest/api/3/field']);
    expect(run.jira.objects).toBeGreaterThanOrEqual(run.jira.requests);
  });

  it('validator and resolver: blocks an unaccepted story; the PO accepts it (KVS + property); it passes', async () => {
    const before = await app.validator<{ result: boolean; errorMessage?: string }>(STORY);
    expect(before.error).toBeUndefined();
    expect(before.result?.result).toBe(false);
    expect(before.result?.errorMessage).toMatch(/Product Owner/);
    expect(before.jira.calls.every((c) => c.as === app.appAccountId)).toBe(true);

    const run = await app.resolver('acceptStory', { issueKey: STORY }, PO);
    ok(run);
    expect(run.kvsRequests).toBeGreaterThan(0);
    expect(app.kvs.keys().some((k) => k.startsWith('acceptance:'))).toBe(true);
    expect(app.kvs.keys().some((k) => k.startsWith('lock:'))).toBe(false);
    const property = run.jira.calls.find(
      (c) => c.method === 'PUT' && c.path.includes('/properties/popm.acceptance'),
    );
    expect(property?.status).toBeLessThan(300);

    expect((await app.validator(STORY)).result).toEqual({ result: true });
  });

  it('issue trigger: marks the acceptance stale when the story leaves done', async () => {
    const issue = await app.emulator.transportFor(app.appAccountId)({
      method: 'GET',
      path: `/rest/api/3/issue/${STORY}?fields=parent`,
    });
    const { id, fields } = JSON.parse(issue.text) as { id: string; fields: { parent?: { key: string } } };
    // A record made while the story was done, before its last status change: the state right
    // after a done story is reopened (as test/forge/integration.test.ts sets it up).
    app.kvs.handle('/api/v1/set', {
      key: `acceptance:${id}`,
      value: {
        issueKey: STORY,
        record: { acceptedBy: PO, acceptedAt: '2020-01-01T00:00:00.000Z', statusCategory: 'done' },
        revision: 1,
        history: [{ action: 'accept', by: PO, at: '2020-01-01T00:00:00.000Z' }],
      },
    });
    const run = await app.issueEvent({
      eventType: 'avi:jira:updated:issue',
      issue: { id, key: STORY, fields: { parent: fields.parent } },
      changelog: {
        items: [{ field: 'status', fieldId: 'status', fromString: 'Done', toString: 'In Progress' }],
      },
    });
    expect(run.error).toBeUndefined();
    const stored = app.kvs.peek(`acceptance:${id}`) as { staleSince?: string } | undefined;
    expect(stored?.staleSince).toEqual(expect.any(String));
  });

  it('queue consumer and scheduled trigger: a scan started from the UI runs through the queue', async () => {
    const start = await app.resolver('startScan', { projectKey: 'ART' }, PO, { type: 'jira:projectPage' });
    ok(start);
    expect(start.pushed.length).toBeGreaterThan(0);
    const steps = await app.drainQueue();
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.filter((s) => s.error !== undefined)).toEqual([]);
    const tree = await app.resolver('getProjectTree', { projectKey: 'ART' }, PO, {
      type: 'jira:projectPage',
    });
    const data = ok(tree) as { rows: unknown[] };
    expect(data.rows.length).toBeGreaterThan(0);

    const daily = await app.daily();
    expect(daily.error).toBeUndefined();
    // The daily job fans out through the queue (at most 50 events a push); each project that has a
    // tree gets its sync step on the way.
    const runs = await app.drainQueue();
    expect(runs.filter((s) => s.error !== undefined)).toEqual([]);
    const queued = [daily, ...runs].flatMap((r) => r.pushed.map((e) => e.body as { projectKey?: string }));
    expect(queued.map((e) => e.projectKey)).toContain('ART');
  });

  it('consent: a user who has not granted access gets Forge’s error out of the resolver, once', async () => {
    const run = await app.resolver('getIssueView', { issueKey: STORY }, OTHER);
    expect(run.result).toBeUndefined();
    expect(run.error).toMatchObject({ name: 'NEEDS_AUTHENTICATION_ERR', status: 401 });
    expect(run.jira.calls.filter((c) => c.as === OTHER)).toEqual([]);
  });
});

rovoActionCases(() => dir);
