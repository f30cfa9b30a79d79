/**
 * Issue 10's cost table measured on the app as Forge runs it: the handlers of the bundle that
 * @forge/bundler builds (tools/forge-bundle), driven by test/bundle/harness.ts against the
 * emulator, every Jira request and returned object counted where the bundled SDK sends it.
 *
 * Part 1, per action (the bundled sample site; story ORB-12 below feature ART-4, PO Lena):
 * - cold: a fresh app whose ORB and ART trees were just built (nothing else cached);
 * - warm: as in use: the PO opened the issue a minute earlier, then acts.
 * A write counts the panel's reload when its answer carries no view (what the UI would do).
 *
 * Part 2, points per day for a project of N issues when 1% of them change a day: before, the full
 * rescan the daily job used to make of every project (measured: the scan that builds the tree);
 * after, the daily trigger and every queue consumer run it causes (the sync by change), after 1%
 * of the project was edited in the emulator without the app hearing of it. The issue events those
 * edits would also raise are shown apart (`events/day`, at the measured cost of one event).
 *
 * The bundle reads the time from `Date`, so the minute and the day pass on a faked `Date`
 * (@sinonjs/fake-timers, `Date` only; timers run for real).
 *
 * Options (environment): BUNDLED_SIZES=2500,10000,40000 (default), POPM_BUNDLE_DIR to reuse a
 * built bundle (otherwise it is built, about a minute).
 */
import FakeTimers from '@sinonjs/fake-timers';
import { FIELD_IDS } from '../src/emulator/generate';
import { maxSyncChanges } from '../src/scale/sync';
import { BundledApp, buildBundle, type Invocation } from '../test/bundle/harness';
import { sizesFromEnv, storiesSite, type BenchSection } from './section';

type Clock = ReturnType<typeof FakeTimers.install>;

/** The bench's own lines; the bundled handlers' logs (console.log of JSON lines) are dropped. */
const print = console.log.bind(console);

const PO = 'u-lena-fischer';
const STORY = 'ORB-12';
/** PO of other stories below ART-4, named in the issues in hand. */
const NEIGHBOUR = 'u-raj-patel';
const ADMIN = 'u-0';
const PROJECT = 'T1';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PROJECT_PAGE = { type: 'jira:projectPage' };

interface Cost {
  requests: number;
  objects: number;
  invocations: number;
}

/** A handler's failure as an Error (the harness keeps what it threw as is). */
function failed(run: Invocation): Error | undefined {
  if (run.error === undefined) return undefined;
  return run.error instanceof Error ? run.error : new Error(`handler threw ${JSON.stringify(run.error)}`);
}

function costOf(runs: Invocation[]): Cost {
  for (const run of runs) {
    const error = failed(run);
    if (error) throw error;
  }
  return {
    requests: runs.reduce((s, r) => s + r.jira.requests, 0),
    objects: runs.reduce((s, r) => s + r.jira.objects, 0),
    invocations: runs.length,
  };
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer's type: the handler's result is unknown to the harness
function data<T>(run: Invocation): T {
  const error = failed(run);
  if (error) throw error;
  const answer = run.result as { ok: boolean; data?: T; error?: unknown };
  if (!answer.ok) throw new Error(`resolver answered ${JSON.stringify(answer.error)}`);
  return answer.data as T;
}

/** Starts a scan of each project from its project page and runs the queue dry. */
async function buildTrees(app: BundledApp, accountId: string, projects: string[]): Promise<Invocation[]> {
  const runs: Invocation[] = [];
  for (const projectKey of projects) {
    const start = await app.resolver('startScan', { projectKey }, accountId, PROJECT_PAGE);
    data(start);
    runs.push(start, ...(await app.drainQueue(1_000)));
  }
  return runs;
}

/** Both issue surfaces; Jira opens them together, the harness runs invocations in turn. */
async function openIssue(app: BundledApp): Promise<Invocation[]> {
  return [
    await app.resolver('getIssueView', { issueKey: STORY }, PO),
    await app.resolver('getIssueView', { issueKey: STORY }, PO, { type: 'jira:issueContext' }),
  ];
}

async function write(app: BundledApp, functionKey: string, payload: unknown): Promise<Invocation[]> {
  const run = await app.resolver(functionKey, payload, PO);
  const answer = data<{ view?: unknown }>(run);
  return answer.view === undefined
    ? [run, await app.resolver('getIssueView', { issueKey: STORY }, PO)]
    : [run];
}

interface ActionSpec {
  name: string;
  goal: string;
  run(app: BundledApp): Promise<Invocation[]>;
}

const ACTIONS: ActionSpec[] = [
  { name: 'issue panel + issue context', goal: '<= 3', run: openIssue },
  { name: 'PO accepts a story', goal: '<= 4', run: (app) => write(app, 'acceptStory', { issueKey: STORY }) },
  {
    name: 'issue event (status change)',
    goal: '<= 2',
    async run(app) {
      const issue = await app.emulator.transportFor(app.appAccountId)({
        method: 'GET',
        path: `/rest/api/3/issue/${STORY}?fields=parent`,
      });
      const { id, fields } = JSON.parse(issue.text) as { id: string; fields: { parent?: unknown } };
      return [
        await app.issueEvent({
          eventType: 'avi:jira:updated:issue',
          issue: { id, key: STORY, fields: { parent: fields.parent } },
          changelog: {
            items: [{ field: 'status', fieldId: 'status', fromString: 'To Do', toString: 'In Progress' }],
          },
        }),
        ...(await app.drainQueue()),
      ];
    },
  },
  { name: 'workflow validator', goal: '<= 2', run: async (app) => [await app.validator(STORY)] },
  {
    name: 'set an owner',
    goal: '<= 4',
    run: (app) => write(app, 'setOwner', { issueKey: STORY, accountIds: [NEIGHBOUR] }),
  },
  {
    name: 'daily reconcile, nothing changed',
    goal: '0 issues',
    run: async (app) => [await app.daily(), ...(await app.drainQueue())],
  },
];

const pad = (cells: (string | number)[], widths: number[]): string =>
  cells
    .map((c, i) => (i === 0 ? String(c).padEnd(widths[i] ?? 0) : String(c).padStart(widths[i] ?? 0)))
    .join('');
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function perAction(dir: string, clock: Clock): Promise<void> {
  print('per action: requests / objects returned (points = their sum), bundled handlers, sample site');
  const widths = [34, 10, 10, 10, 10, 10, 10, 10];
  print(pad(['action', 'goal', 'cold req', 'objects', 'points', 'warm req', 'objects', 'points'], widths));
  for (const action of ACTIONS) {
    const cells: (string | number)[] = [action.name, action.goal];
    for (const warm of [false, true]) {
      const app = await BundledApp.load({ bundleDir: dir });
      await buildTrees(app, PO, ['ORB', 'ART']);
      if (warm) {
        await openIssue(app);
        clock.tick(MINUTE);
      }
      const cost = costOf(await action.run(app));
      cells.push(cost.requests, cost.objects, cost.requests + cost.objects);
    }
    print(pad(cells, widths));
  }
}

interface Day {
  issues: number;
  changed: number;
  scan: Cost;
  sync: Cost;
}

/** A project of about `n` issues: its full scan, then a day on which 1% of it changes, synced. */
async function day(dir: string, clock: Clock, n: number): Promise<Day> {
  const site = storiesSite(n);
  const app = await BundledApp.load({ bundleDir: dir, snapshot: site });
  const scan = costOf(await buildTrees(app, ADMIN, [PROJECT]));
  const stories = site.issues.filter((i) => i.key.startsWith(`${PROJECT}-`));
  clock.tick(DAY / 2);
  let changed = 0;
  for (let k = 0; k < stories.length; k += 100, changed++) {
    const put = await app.emulator.transportFor(ADMIN)({
      method: 'PUT',
      path: `/rest/api/3/issue/${stories[k]!.key}`,
      body: { fields: { [FIELD_IDS.productOwner]: null } },
    });
    if (put.status !== 204) throw new Error(`edit of ${stories[k]!.key} refused (${put.status})`);
  }
  clock.tick(DAY / 2);
  const sync = costOf([await app.daily(), ...(await app.drainQueue(1_000))]);
  return { issues: stories.length, changed, scan, sync };
}

const sizes = (): number[] => sizesFromEnv('BUNDLED_SIZES', [2_500, 10_000, 40_000]);

async function perDay(dir: string, clock: Clock, eventPoints: number): Promise<void> {
  print('\npoints per day, 1% of the project changing a day (bundled handlers, generated site)');
  const widths = [10, 9, 11, 12, 12, 10, 10, 10, 11, 12, 10];
  const header = ['issues', 'changed', 'before req', 'before obj', 'before pts', 'after req'];
  header.push('after obj', 'after pts', 'after/bef', 'events/day', 'per issue');
  print(pad(header, widths));
  const rows: Day[] = [];
  for (const n of sizes()) {
    const r = await day(dir, clock, n);
    rows.push(r);
    const before = r.scan.requests + r.scan.objects;
    const after = r.sync.requests + r.sync.objects;
    print(
      pad(
        [
          fmt(r.issues),
          fmt(r.changed),
          fmt(r.scan.requests),
          fmt(r.scan.objects),
          fmt(before),
          fmt(r.sync.requests),
          fmt(r.sync.objects),
          fmt(after),
          `${(after / before).toFixed(3)}x`,
          fmt(r.changed * eventPoints),
          (after / r.issues).toFixed(4),
        ],
        widths,
      ),
    );
  }
  // 250,000 issues: a straight line through the two largest measured sizes (before and after are
  // both linear in the project's size at 1% changes: pages, bulk fetches and writes per issue).
  const target = 250_000;
  if (rows.some((r) => r.issues >= target)) return;
  const [a, b] = rows.slice(-2);
  if (!a || !b || a.issues === b.issues) return;
  const line = (f: (r: Day) => number): number =>
    f(a) + ((f(b) - f(a)) / (b.issues - a.issues)) * (target - a.issues);
  const before = line((r) => r.scan.requests + r.scan.objects);
  const after = line((r) => r.sync.requests + r.sync.objects);
  print(
    pad(
      [
        `~${fmt(target)}`,
        fmt(target / 100),
        '',
        '',
        fmt(before),
        '',
        '',
        fmt(after),
        `${(after / before).toFixed(3)}x`,
        fmt((target / 100) * eventPoints),
        (after / target).toFixed(4),
      ],
      widths,
    ),
  );
  print(`(~: extrapolated along the line through ${fmt(a.issues)} and ${fmt(b.issues)} issues)`);
  if (target / 100 > maxSyncChanges(target))
    print(
      `note: ${fmt(target / 100)} changes exceed maxSyncChanges (${fmt(maxSyncChanges(target))}): the ` +
        'daily job would fall back to a full rescan there; the row is the cost of the sync path',
    );
}

export const bundledBench: BenchSection = {
  name: 'bundled',
  description: "issue 10's cost table through the bundled Forge handlers: per action, and points per day",
  async run() {
    const dir = buildBundle();
    const log = console.log;
    console.log = () => undefined;
    const clock = FakeTimers.install({ toFake: ['Date'], now: Date.parse('2026-03-02T09:00:00.000Z') });
    try {
      await perAction(dir, clock);
      const app = await BundledApp.load({ bundleDir: dir });
      await buildTrees(app, PO, ['ORB', 'ART']);
      const event = costOf(await ACTIONS[2]!.run(app));
      await perDay(dir, clock, event.requests + event.objects);
    } finally {
      clock.uninstall();
      console.log = log;
    }
  },
};
