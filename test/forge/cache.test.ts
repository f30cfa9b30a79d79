/** The caches behind the per-action cost (src/services/cache.ts): hints are checked, entries expire. */
import { Invocation, cacheKeys } from '../../src/services/cache';
import { withRestricted } from '../../src/emulator/faults';
import { harness as hardened, sample } from '../hardening/support';
import { meter } from './metering';
import { ADMIN, OTHER, PO, harness, type Harness } from './support';

const STORY = 'ORB-12';

function clocked(): { h: Harness; later(seconds: number): void } {
  const h = harness();
  let now = Date.parse('2026-03-01T12:00:00.000Z');
  h.deps.now = () => new Date(now);
  return { h, later: (s) => void (now += s * 1000) };
}

const chainOf = (view: { data: { chain: { key: string }[] } }) => view.data.chain.map((c) => c.key);

describe('chain hints', () => {
  it('a wrong or dangling hint costs the walk it replaces, never a wrong chain, and is corrected', async () => {
    const { h } = clocked();
    const inv = new Invocation(h.deps);
    // ART-3 is a real feature, but not ORB-12's parent; ORB-99999 does not exist.
    await inv.rememberChain(STORY, ['ART-3', 'ORB-99999']);
    const m = meter(h.deps);
    const view = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(chainOf(view)).toEqual(['PORT-3', 'ART-4']);
    const walked = m.take().requests;
    expect(await inv.chainHint(STORY)).toEqual(['ART-4', 'PORT-3']);

    const { h: h2 } = clocked();
    await new Invocation(h2.deps).rememberChain(STORY, ['ART-4', 'PORT-3']);
    const m2 = meter(h2.deps);
    expect(chainOf(await h2.call('getIssueView', { issueKey: STORY }, PO))).toEqual(['PORT-3', 'ART-4']);
    expect(m2.take().requests).toBeLessThan(walked);
  });

  it('never shows an issue the viewer cannot read, whatever the hint says', async () => {
    // ART-4 (ORB-12's feature) readable by the admin only; ORB-12 by its PO only.
    const featureHidden = hardened({ snapshot: withRestricted(sample, 'ART-4', [ADMIN]) });
    await new Invocation(featureHidden.deps).rememberChain(STORY, ['ART-4', 'PORT-3']);
    const po = await featureHidden.call('getIssueView', { issueKey: STORY }, PO);
    expect(po.ok && po.data.chain).toEqual([]); // the chain stops at what PO cannot read
    const storyHidden = hardened({ snapshot: withRestricted(sample, STORY, [PO]) });
    await new Invocation(storyHidden.deps).rememberChain(STORY, ['ART-4', 'PORT-3']);
    const other = await storyHidden.call('getIssueView', { issueKey: STORY }, OTHER);
    expect(other).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('stored views', () => {
  it('show a change made in Jira directly once they expire (30 s)', async () => {
    const { h, later } = clocked();
    const before = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(before.data.issue.owners.map((o: { accountId: string }) => o.accountId)).toEqual([PO]);
    const edit = await h.emulator.transportFor(ADMIN)({
      method: 'PUT',
      path: `/rest/api/3/issue/${STORY}`,
      body: { fields: { customfield_10103: [{ accountId: OTHER }] } },
    });
    expect(edit.status).toBe(204);
    later(10);
    expect((await h.call('getIssueView', { issueKey: STORY }, PO)).data).toEqual(before.data);
    later(25);
    const after = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(after.data.issue.owners.map((o: { accountId: string }) => o.accountId)).toEqual([OTHER]);
  });

  it('are per viewer: what one may do is never shown to another', async () => {
    const { h } = clocked();
    const po = await h.call('getIssueView', { issueKey: STORY }, PO);
    const other = await h.call('getIssueView', { issueKey: STORY }, OTHER);
    expect(po.data.permissions.accept).toBe(true);
    expect(other.data.permissions.accept).toBe(false);
  });
});

describe('the stored field list', () => {
  it('is used while recent, and replaced when a site admin opens the configuration', async () => {
    const { h } = clocked();
    // A list from before the site had a "Product Owner" field: the story then has no PO.
    await h.store.set(cacheKeys.fields, { at: h.deps.now().toISOString(), fields: [] });
    const m = meter(h.deps);
    const stale = await h.call('getIssueView', { issueKey: STORY }, ADMIN);
    expect(m.take().calls).not.toContain('GET /rest/api/3/field');
    expect(stale.data.issue.owners).toEqual([]);
    expect((await h.call('getConfig', {}, ADMIN)).ok).toBe(true);
    await h.call('getIssueView', { issueKey: 'ORB-13' }, ADMIN);
    const view = await h.call('getIssueView', { issueKey: 'ORB-15' }, ADMIN);
    expect(view.data.issue.owners.map((o: { accountId: string }) => o.accountId)).toEqual([PO]);
  });

  it('is read again from Jira once older than five minutes, and is not trusted when malformed', async () => {
    const { h, later } = clocked();
    const m = meter(h.deps);
    await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(m.take().calls.filter((c) => c === 'GET /rest/api/3/field')).toHaveLength(1);
    later(4 * 60);
    await h.call('getIssueView', { issueKey: 'ORB-15' }, PO);
    expect(m.take().calls).not.toContain('GET /rest/api/3/field');
    later(2 * 60);
    await h.call('getIssueView', { issueKey: 'ORB-16' }, PO);
    expect(m.take().calls).toContain('GET /rest/api/3/field');
    await h.store.set(cacheKeys.fields, { at: h.deps.now().toISOString(), fields: 'nonsense' });
    await h.call('getIssueView', { issueKey: 'ORB-13' }, PO);
    expect(m.take().calls).toContain('GET /rest/api/3/field');
  });
});
