/**
 * The Jira cost of each user action (issue 10): requests and issues returned, counted at the
 * transport seam around the real resolvers. Exact counts of today's implementation, so any change
 * that adds a request shows here; each also stays within the issue's goal. The bundled Forge
 * handlers are not driven yet (a harness for them is being built on another branch).
 */
import { FINDINGS_PROPERTY } from '../../src/domain/types';
import { startTreeScan } from '../../src/scale/service';
import { refreshFindings } from '../../src/services/findings-refresh';
import { ACTIONS, NEIGHBOUR, STORY, STRANGER, type Warmth } from './actions';
import { meter } from './metering';
import { ADMIN, PO, harness, issueProperty, type Harness } from './support';

/** [requests, issues returned] per action, cold and warm (see actions.ts). */
const EXPECTED: Record<string, Record<Warmth, [number, number]>> = {
  'issue panel + issue context': { cold: [6, 5], warm: [2, 5] },
  'PO accepts a story': { cold: [8, 15], warm: [4, 15] },
  'workflow validator': { cold: [2, 1], warm: [1, 1] },
  'set an owner': { cold: [8, 15], warm: [4, 15] },
  'set an owner named nowhere near': { cold: [9, 15], warm: [5, 15] },
  'set an owner found with the picker': { cold: [8, 15], warm: [4, 15] },
};

describe('Jira cost per action', () => {
  it('covers every action of the bench', () => {
    expect(ACTIONS.map((a) => a.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const action of ACTIONS) {
    for (const warmth of ['cold', 'warm'] as const) {
      it(`${action.name} (${warmth})`, async () => {
        const { cost, result } = await action.run(warmth);
        const answers = Array.isArray(result) ? result : [result];
        for (const a of answers) if ('ok' in a) expect(a).toMatchObject({ ok: true });
        const [requests, issues] = EXPECTED[action.name]![warmth];
        expect({ calls: cost.calls, requests: cost.requests, issues: cost.issues }).toEqual({
          calls: cost.calls,
          requests,
          issues,
        });
        // The stranger's owner costs one user lookup beyond the goal (named in the report).
        if (warmth === 'warm' && action.name !== 'set an owner named nowhere near')
          expect(cost.requests).toBeLessThanOrEqual(action.goal);
      });
    }
  }
});

/**
 * The PO's queue and a project's decision log (before: 4 and 3 requests, `GET /issuetype` and
 * `GET /field` each time) read the configuration and the site's fields through
 * the invocation cache like every action: the queue reads the field list once when cold (as the
 * app), not at all when warm (the PO opened an issue a minute earlier); the log needs no metadata,
 * only the project check. [requests, issues returned].
 */
describe('Jira cost of the queue and the decision log', () => {
  const READS: Record<
    string,
    { call: (h: Harness) => Promise<unknown>; cold: [number, number]; warm: [number, number] }
  > = {
    getQueue: { call: (h) => h.call('getQueue', {}, PO), cold: [3, 94], warm: [2, 94] },
    getDecisionLog: {
      call: (h) => h.call('getDecisionLog', { projectKey: 'ORB' }, PO),
      // `GET /project` first: a project the caller may not browse answers NOT_FOUND, not an empty log.
      cold: [2, 50],
      warm: [2, 50],
    },
  };
  for (const [name, read] of Object.entries(READS)) {
    for (const warmth of ['cold', 'warm'] as const) {
      it(`${name} (${warmth})`, async () => {
        const { h, later } = clocked();
        const m = meter(h.deps);
        if (warmth === 'warm') {
          await h.call('getIssueView', { issueKey: STORY }, PO);
          later(60);
        }
        m.take();
        expect(await read.call(h)).toMatchObject({ ok: true });
        const cost = m.take();
        expect({ calls: cost.calls, requests: cost.requests, issues: cost.issues }).toEqual({
          calls: cost.calls,
          requests: read[warmth][0],
          issues: read[warmth][1],
        });
        // The queue judges stories with the engine (role fields); the log only lists decisions.
        const metadata = warmth === 'cold' && name === 'getQueue' ? ['GET /rest/api/3/field'] : [];
        expect(cost.calls.filter((c) => /\/(field|issuetype)\b/.test(c))).toEqual(metadata);
      });
    }
  }
});

/** A fresh app whose clock the test moves (stored views last 30 s). */
function clocked(): { h: Harness; later(seconds: number): void } {
  const h = harness();
  let now = Date.parse('2026-03-01T12:00:00.000Z');
  h.deps.now = () => new Date(now);
  return { h, later: (s) => void (now += s * 1000) };
}

describe('answers from the write path', () => {
  it('accept answers with the view a fresh read gives, and a second viewer sees the change at once', async () => {
    const { h, later } = clocked();
    const seen = await h.call('getIssueView', { issueKey: STORY }, ADMIN);
    expect(seen.data.issue.acceptance).toBeNull();
    const accepted = await h.call('acceptStory', { issueKey: STORY }, PO);
    // The admin's stored view was dropped by the write, not left to expire.
    const adminNow = await h.call('getIssueView', { issueKey: STORY }, ADMIN);
    expect(adminNow.data.issue.acceptance).toMatchObject({ acceptedBy: PO, valid: true });
    later(60);
    const fresh = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(accepted.data.view).toEqual(fresh.data);
  });

  it('set owner answers with the view a fresh read gives', async () => {
    const { h, later } = clocked();
    const changed = await h.call('setOwner', { issueKey: STORY, accountIds: [NEIGHBOUR] }, PO);
    expect(changed.data.owners.map((o: { accountId: string }) => o.accountId)).toEqual([NEIGHBOUR]);
    later(60);
    const fresh = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(changed.data.view).toEqual(fresh.data);
    expect(changed.data.view.issue.owners[0].displayName).toBe('Raj Patel');
  });

  it('set owner shows a person the picker found as Jira would, without looking them up', async () => {
    const { h, later } = clocked();
    const m = meter(h.deps);
    const found = await h.call('searchUsers', { query: 'kenji' }, PO);
    const kenji = found.data.find((u: { accountId: string }) => u.accountId === STRANGER);
    m.take();
    const changed = await h.call('setOwner', { issueKey: STORY, accountIds: [STRANGER] }, PO);
    expect(m.take().calls).not.toContain('GET /rest/api/3/user/bulk');
    expect(changed.data.owners).toEqual([kenji]);
    later(60);
    const fresh = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(changed.data.view).toEqual(fresh.data);
  });

  it("writes the parent's findings as a full re-read computes them", async () => {
    const { h } = clocked();
    await h.call('acceptStory', { issueKey: STORY }, PO);
    const written = await issueProperty(h, 'ART-4', FINDINGS_PROPERTY);
    await refreshFindings(h.deps, ['ART-4']);
    const reread = await issueProperty(h, 'ART-4', FINDINGS_PROPERTY);
    expect(written).toEqual(reread);
    expect(written).toMatchObject({ acceptanceValid: 'n/a' });
  });

  it('patches the project snapshots from the data in hand to what a full rescan gives', async () => {
    const { h } = clocked();
    await startTreeScan(h.deps, 'ORB');
    await startTreeScan(h.deps, 'ART');
    await h.call('setOwner', { issueKey: STORY, accountIds: [NEIGHBOUR] }, PO);
    await h.call('acceptStory', { issueKey: STORY }, NEIGHBOUR);
    const tree = async (projectKey: string) => {
      const r = await h.call('getProjectTree', { projectKey }, ADMIN);
      return { rows: r.data.rows, countsByRule: r.data.countsByRule, coverage: r.data.coverage };
    };
    const patched = { ORB: await tree('ORB'), ART: await tree('ART') };
    expect(patched.ORB.rows.find((r: { key: string }) => r.key === STORY).acceptance).toMatchObject({
      acceptedBy: NEIGHBOUR,
    });
    await startTreeScan(h.deps, 'ORB');
    await startTreeScan(h.deps, 'ART');
    expect(patched).toEqual({ ORB: await tree('ORB'), ART: await tree('ART') });
  });

  it('the two issue surfaces opened together cost what one costs', async () => {
    const one = clocked();
    const m1 = meter(one.h.deps);
    await one.h.call('getIssueView', { issueKey: STORY }, PO);
    const two = clocked();
    const m2 = meter(two.h.deps);
    const [a, b] = await Promise.all([
      two.h.call('getIssueView', { issueKey: STORY }, PO),
      two.h.call('getIssueView', { issueKey: STORY }, PO),
    ]);
    expect(a).toEqual(b);
    expect(m2.take().requests).toBe(m1.take().requests);
  });
});
