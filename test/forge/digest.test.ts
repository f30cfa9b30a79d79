/**
 * The daily digest over a virtual week: the real services, snapshots and emulator, a clock the
 * test moves. Each PO gets at most one notification a day however often (and concurrently) the
 * job runs; POs under the threshold, inactive accounts and a switched-off digest get none.
 */
import { createEmulator, type JiraEmulator } from '../../src/emulator';
import type { AppDeps } from '../../src/platform/deps';
import { startTreeScan } from '../../src/scale/service';
import { runResolver } from '../../src/resolvers';
import { handleDigestEvent, runDigest, digestEvent } from '../../src/services/digest';
import { ConfigStore } from '../../src/storage/config-store';
import { DigestStore } from '../../src/storage/digest-store';
import { MemoryStore } from '../../src/storage/memory';
import type { Snapshot, SnapshotIssue } from '../../src/snapshot/format';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { FIELD_IDS, STANDARD_FIELDS } from '../../src/emulator/generate';

const DAY = 86_400_000;
const START = Date.parse('2026-03-02T06:00:00.000Z');

function story(
  n: number,
  status: ['To Do' | 'In Progress' | 'Done', 'new' | 'indeterminate' | 'done'],
  owner: string,
  waitingSinceMs: number,
): SnapshotIssue {
  return {
    id: String(30000 + n),
    key: `TEAM-${n}`,
    fields: {
      summary: `Story ${n} <b>&</b>`,
      project: 'TEAM',
      issuetype: '10002',
      status: { name: status[0], category: status[1] },
      statuscategorychangedate: new Date(waitingSinceMs).toISOString(),
      [FIELD_IDS.productOwner]: [owner],
    },
  };
}

function site(): Snapshot {
  return {
    format: 'popm-snapshot/1',
    site: { baseUrl: 'https://digest.atlassian.net' },
    users: [
      { accountId: 'u-adm', displayName: 'Ada Admin', active: true },
      { accountId: 'u-po1', displayName: 'Otto Owner', active: true },
      { accountId: 'u-po2', displayName: 'Pia Owner', active: true },
      { accountId: 'u-po3', displayName: 'Quinn Owner', active: true },
      { accountId: 'u-old', displayName: 'Gone Person', active: false },
    ],
    admins: ['u-adm'],
    projects: [{ id: '10001', key: 'TEAM', name: 'Team', lead: 'u-adm' }],
    issueTypes: [{ id: '10002', name: 'Story', hierarchyLevel: 0, subtask: false }],
    fields: STANDARD_FIELDS,
    issues: [
      // u-po1: two stories waiting well past the threshold from day one.
      story(1, ['In Progress', 'indeterminate'], 'u-po1', START - 5 * DAY),
      story(2, ['Done', 'done'], 'u-po1', START - 3 * DAY),
      // u-po2: waiting half a day at the start; over 2 days from the third day on.
      story(3, ['In Progress', 'indeterminate'], 'u-po2', START - DAY / 2),
      // An inactive owner: never notified.
      story(4, ['In Progress', 'indeterminate'], 'u-old', START - 10 * DAY),
      // Not started: nobody awaits it.
      story(5, ['To Do', 'new'], 'u-po3', START - 10 * DAY),
    ],
  };
}

interface World {
  emulator: JiraEmulator;
  deps: AppDeps;
  setNow(ms: number): void;
}

async function world(enabled: boolean): Promise<World> {
  const emulator = createEmulator(site());
  const store = new MemoryStore();
  let now = START;
  const deps: AppDeps = {
    jiraAsUser: (id) => emulator.transportFor(id),
    jiraAsApp: () => emulator.transportFor('u-adm'),
    store,
    now: () => new Date(now),
    jiraClient: { sleep: () => Promise.resolve() },
  };
  await new ConfigStore(store, () => new Date(now)).save(
    { ...DEFAULT_CONFIG, digest: { enabled, thresholdDays: 2 } },
    0,
    'u-adm',
  );
  await startTreeScan(deps, 'TEAM');
  return { emulator, deps, setNow: (ms) => (now = ms) };
}

/** Notifications per recipient per UTC day, recorded as the runs happen. */
function tally(sent: { day: string; to: string[] }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of sent)
    for (const to of s.to) out.set(`${to} ${s.day}`, (out.get(`${to} ${s.day}`) ?? 0) + 1);
  return out;
}

async function runWeek(w: World): Promise<{ day: string; to: string[] }[]> {
  const sent: { day: string; to: string[] }[] = [];
  for (let d = 0; d < 7; d++) {
    const day = new Date(START + d * DAY).toISOString().slice(0, 10);
    const before = w.emulator.notifications.length;
    w.setNow(START + d * DAY);
    if (d === 3) {
      // Overlapping runs (the trigger and a retry, or "send now", at the same moment).
      await Promise.all([runDigest(w.deps), runDigest(w.deps), handleDigestEvent(w.deps, digestEvent(day))]);
    } else await handleDigestEvent(w.deps, digestEvent(day));
    if (d % 2 === 0) {
      // The trigger firing again later the same day.
      w.setNow(START + d * DAY + 12 * 3_600_000);
      await handleDigestEvent(w.deps, digestEvent(day));
    }
    // What the app asked for, not what the emulator delivered (it drops inactive accounts itself).
    for (const n of w.emulator.notifications.slice(before)) sent.push({ day, to: n.requested });
  }
  return sent;
}

describe('daily digest over a virtual week', () => {
  it('sends each PO at most one notification a day, only over the threshold, never to an inactive account', async () => {
    const w = await world(true);
    const sent = await runWeek(w);
    const counts = tally(sent);
    for (const [who, n] of counts) expect([who, n]).toEqual([who, 1]);
    const days = (id: string) =>
      [...counts.keys()].filter((k) => k.startsWith(`${id} `)).map((k) => k.slice(id.length + 1));
    // u-po1 is due every day of the week.
    expect(days('u-po1')).toHaveLength(7);
    // u-po2's story passes 2 days of waiting on the third day (START + 1.5 days is still under).
    expect(days('u-po2')).toEqual(['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    expect(days('u-old')).toEqual([]);
    expect(days('u-po3')).toEqual([]);
    // Each notification names exactly one PO (nobody reads another's list).
    for (const n of w.emulator.notifications) expect(n.requested).toHaveLength(1);
  });

  it('sends on the longest-waiting story and lists every due story with a link', async () => {
    const w = await world(true);
    await runDigest(w.deps);
    const mine = w.emulator.notifications.filter((n) => n.to.includes('u-po1'));
    expect(mine).toHaveLength(1);
    const n = mine[0]!;
    expect(n.issueKey).toBe('TEAM-1');
    expect(n.textBody).toContain('https://digest.atlassian.net/browse/TEAM-1');
    expect(n.textBody).toContain('https://digest.atlassian.net/browse/TEAM-2');
    expect(n.htmlBody).toContain('<a href="https://digest.atlassian.net/browse/TEAM-2">TEAM-2</a>');
    // Summaries are text, not markup.
    expect(n.htmlBody).toContain('Story 1 &#60;b&#62;&#38;&#60;/b&#62;');
    expect(n.htmlBody).not.toContain('<b>');
    expect(n.subject).toBe('POPM Guard: 2 stories await your acceptance');
  });

  it('sends nothing when switched off, and makes no Jira request', async () => {
    const w = await world(false);
    w.emulator.requests.reset();
    const sent = await runWeek(w);
    expect(sent).toEqual([]);
    expect(w.emulator.notifications).toEqual([]);
    expect(w.emulator.requests.count).toBe(0);
  });

  it('does not notify an account Jira reports inactive even if the snapshot still says active', async () => {
    const w = await world(true);
    // Deactivated after the scan: the snapshot's copy of u-po1 is stale.
    w.emulator.injectFault((req, _i, next) =>
      req.path.startsWith('/rest/api/3/user/bulk')
        ? next().then((res) => {
            const page = JSON.parse(res.text) as { values: { accountId: string; active: boolean }[] };
            for (const u of page.values) if (u.accountId === 'u-po1') u.active = false;
            return { ...res, text: JSON.stringify(page) };
          })
        : undefined,
    );
    const outcome = await runDigest(w.deps);
    expect(w.emulator.notifications.flatMap((n) => n.requested)).not.toContain('u-po1');
    expect(outcome.inactive).toBe(2); // u-po1 and u-old
  });

  it('counts its cost: one user lookup, one serverInfo and one notify per recipient', async () => {
    const w = await world(true);
    w.emulator.requests.reset();
    const outcome = await runDigest(w.deps);
    expect(outcome.sent).toBe(1); // u-po1 only on the first day
    expect(w.emulator.requests.entries.map((e) => `${e.method} ${e.path.split('?')[0]}`)).toEqual([
      'GET /rest/api/3/user/bulk',
      'GET /rest/api/3/serverInfo',
      'POST /rest/api/3/issue/TEAM-1/notify',
    ]);
    expect(outcome.requests).toBe(3);
    // The second run of the day only asks again about the account that was inactive.
    w.emulator.requests.reset();
    expect((await runDigest(w.deps)).alreadySent).toBe(1);
    expect(w.emulator.requests.entries.map((e) => e.path.split('?')[0])).toEqual(['/rest/api/3/user/bulk']);
  });

  it('gives the claim back when Jira refuses the notification, and keeps it after a server error', async () => {
    const w = await world(true);
    const remove = w.emulator.injectFault((req) =>
      req.path.endsWith('/notify')
        ? { status: 400, headers: {}, text: '{"errorMessages":["nope"],"errors":{}}' }
        : undefined,
    );
    expect((await runDigest(w.deps)).failed).toBe(1);
    remove();
    expect((await runDigest(w.deps)).sent).toBe(1);
    // A 500 may have queued the mail: no second try that day, and no retry inside the call either.
    // (Two days on, both active POs are due.)
    w.setNow(START + 2 * DAY);
    let notifyCalls = 0;
    w.emulator.injectFault((req) => {
      if (!req.path.endsWith('/notify')) return undefined;
      notifyCalls++;
      return { status: 500, headers: {}, text: '' };
    });
    expect((await runDigest(w.deps)).failed).toBe(2);
    expect(notifyCalls).toBe(2);
    w.emulator.clearFaults();
    expect((await runDigest(w.deps)).sent).toBe(0);
  });

  it('"send digest now" is for Jira administrators only, and records the day for the admin page', async () => {
    const w = await world(true);
    const call = (accountId: string) =>
      runResolver(w.deps, 'sendDigestNow', { payload: {}, context: { accountId } });
    expect(await call('u-po1')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(w.emulator.notifications).toEqual([]);
    const answer = await call('u-adm');
    if (!answer.ok) throw new Error(`sendDigestNow refused the admin: ${JSON.stringify(answer)}`);
    const view = answer.data;
    expect(view).toMatchObject({ sent: 1, due: 2, inactive: 1 });
    w.setNow(START + 2 * DAY);
    await runDigest(w.deps);
    expect(await new DigestStore(w.deps.store).last()).toEqual({
      day: '2026-03-04',
      at: new Date(START + 2 * DAY).toISOString(),
      recipients: 2,
    });
  });
});
