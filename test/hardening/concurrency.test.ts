/**
 * Simultaneous writes end in one consistent state: the store's compare-and-swap decides, the
 * issue property ends equal to the stored record, revisions only go up, and nothing is lost.
 * The memory store yields between read and write, so these calls really interleave.
 */
import { ACCEPTANCE_PROPERTY } from '../../src/domain/types';
import { storedAcceptanceSchema, mirrorValue } from '../../src/storage/acceptance-store';
import { CONFIG_KEY } from '../../src/storage/config-store';
import type { Snapshot } from '../../src/snapshot/format';
import { ADMIN, DELEGATE, harness, PO, sample, STORY, STORY_ID, type Harness } from './support';

const ACCEPTANCE_KEY = `acceptance:${STORY_ID}`;

/** Revisions committed under `key`, in commit order. */
function recordRevisions(h: Harness, key: string): number[] {
  const seen: number[] = [];
  const update = h.store.update.bind(h.store);
  h.store.update = async <T>(k: string, fn: (current: unknown) => T | undefined) => {
    const written = await update<T>(k, fn);
    if (k === key && typeof written === 'object' && written !== null && 'revision' in written) {
      seen.push(Number(written.revision));
    }
    return written;
  };
  return seen;
}

async function property(h: Harness): Promise<unknown> {
  const res = await h.emulator.transportFor(ADMIN)({
    method: 'GET',
    path: `/rest/api/3/issue/${STORY}/properties/${ACCEPTANCE_PROPERTY}`,
  });
  return res.status === 200 ? (JSON.parse(res.text) as { value: unknown }).value : null;
}

async function withDelegate(h: Harness): Promise<void> {
  const saved = await h.call(
    'saveConfig',
    { config: { version: 1, delegates: { [PO]: [DELEGATE] } }, revision: 0 },
    ADMIN,
  );
  if (!saved.ok) throw new Error(saved.error.message);
}

/** The sample site with more accounts: settings may only name accounts Jira knows. */
function withAccounts(ids: readonly string[]): Snapshot {
  return {
    ...sample,
    users: [
      ...sample.users,
      ...ids.map((accountId) => ({ accountId, displayName: accountId, active: true })),
    ],
  };
}

describe('configuration saves', () => {
  it('N saves with the same revision: exactly one wins, the rest are CONFLICT', async () => {
    const N = 8;
    const h = harness({ snapshot: withAccounts(Array.from({ length: N }, (_, i) => `u-delegate-${i}`)) });
    const revisions = recordRevisions(h, CONFIG_KEY);
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        h.call(
          'saveConfig',
          { config: { version: 1, delegates: { [PO]: [`u-delegate-${i}`] } }, revision: 0 },
          ADMIN,
        ),
      ),
    );
    const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => r.error.code)).toEqual(Array(N - 1).fill('CONFLICT'));
    for (const r of results)
      if (!r.ok) expect(r.error.message).toMatch(/changed by someone else.*reload and retry/);

    const stored = (await h.store.get(CONFIG_KEY)) as
      { revision: number; config: { delegates: unknown } } | undefined;
    expect(stored?.revision).toBe(1);
    expect(stored?.config.delegates).toEqual({ [PO]: [`u-delegate-${winners[0]}`] });
    expect(revisions).toEqual([1]);
  });

  it('project overrides saved at once on different projects are all kept; on one project one wins', async () => {
    const h = harness({ snapshot: withAccounts(['u-someone-else']) });
    const projects = ['PORT', 'ART', 'ORB', 'NEB', 'COM'];
    // Each project's settings are their own stored value with their own revision.
    const racing = await Promise.all(
      projects.map((p) =>
        h.call('saveProjectConfig', { projectKey: p, override: { delegates: [PO] }, revision: 0 }, ADMIN),
      ),
    );
    expect(racing.map((r) => (r.ok ? r.data.revision : r.error.code))).toEqual(projects.map(() => 1));
    const same = await Promise.all(
      [DELEGATE, 'u-someone-else', PO].map((d) =>
        h.call('saveProjectConfig', { projectKey: 'ORB', override: { delegates: [d] }, revision: 1 }, ADMIN),
      ),
    );
    expect(same.filter((r) => r.ok)).toHaveLength(1);
    expect(same.filter((r) => !r.ok && r.error.code === 'CONFLICT')).toHaveLength(2);

    const read = await h.call('getConfig', {}, ADMIN);
    if (!read.ok) throw new Error(read.error.message);
    expect(Object.keys(read.data.config.projects).sort()).toEqual([...projects].sort());
    // Every project save bumped the site revision, so an admin holding an older copy must reload.
    expect(read.data.revision).toBe(projects.length + 1);
    const stored = (await h.store.get(CONFIG_KEY)) as { config: Record<string, unknown> } | undefined;
    expect(stored?.config.projects).toBeUndefined();
  });

  it('a global save racing a project save: the project save is never lost, the stored value always parses', async () => {
    for (let round = 0; round < 5; round++) {
      const h = harness();
      const [project, site] = await Promise.all([
        h.call(
          'saveProjectConfig',
          { projectKey: 'ORB', override: { delegates: [DELEGATE] }, revision: 0 },
          ADMIN,
        ),
        h.call('saveConfig', { config: { version: 1, delegates: { [PO]: [DELEGATE] } }, revision: 0 }, ADMIN),
      ]);
      expect(project.ok).toBe(true);
      if (!site.ok) expect(site.error.code).toBe('CONFLICT');
      const read = await h.call('getConfig', {}, ADMIN);
      if (!read.ok) throw new Error(read.error.message);
      expect(read.data.config.projects.ORB).toEqual({ delegates: [DELEGATE] });
      expect(read.data.revision).toBe(site.ok ? 2 : 1);
    }
  });
});

describe('acceptances', () => {
  it('racing accepts and revokes end with the store and the property agreeing, revisions rising', async () => {
    const h = harness();
    await withDelegate(h);
    const revisions = recordRevisions(h, ACCEPTANCE_KEY);
    const first = await h.call('acceptStory', { issueKey: STORY }, PO);
    expect(first.ok).toBe(true);

    const calls = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? h.call('revokeAcceptance', { issueKey: STORY }, i % 4 === 0 ? PO : DELEGATE)
        : h.call('acceptStory', { issueKey: STORY }, i % 3 === 0 ? DELEGATE : PO),
    );
    const results = await Promise.all(calls);
    // The writers really raced: some compare-and-swap lost and was retried.
    expect(h.store.stats.conflicts).toBeGreaterThan(0);
    // Every call either succeeded or failed with a typed, expected code.
    for (const r of results) if (!r.ok) expect(['INVALID_STATE', 'CONFLICT']).toContain(r.error.code);

    const stored = storedAcceptanceSchema.parse(await h.store.get(ACCEPTANCE_KEY));
    expect(await property(h)).toEqual(mirrorValue(stored));
    // Revisions never go down (a racing accept that finds the story accepted rewrites it unchanged),
    // and went up by one per committed decision.
    expect(revisions.length).toBeGreaterThan(1);
    for (let i = 1; i < revisions.length; i++) expect(revisions[i]).toBeGreaterThanOrEqual(revisions[i - 1]!);
    const decisions = stored.decisions ?? [];
    expect(stored.revision).toBe(decisions.length);
    // The decisions alternate: no accept follows an accept, no revoke a revoke.
    for (let i = 1; i < decisions.length; i++) {
      expect(decisions[i]!.kind).not.toBe(decisions[i - 1]!.kind);
    }
    const view = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(view.ok && view.data.propertyMismatch).toBe(false);
  });

  it('the owner and the delegate accepting at once leave one acceptance', async () => {
    const h = harness();
    await withDelegate(h);
    const results = await Promise.all([
      h.call('acceptStory', { issueKey: STORY }, PO),
      h.call('acceptStory', { issueKey: STORY }, DELEGATE),
      h.call('acceptStory', { issueKey: STORY }, PO),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const stored = storedAcceptanceSchema.parse(await h.store.get(ACCEPTANCE_KEY));
    expect(stored.revision).toBe(1);
    expect(stored.decisions).toHaveLength(1);
    expect(await property(h)).toEqual(mirrorValue(stored));
    // Every caller was told the same outcome: the record that won.
    for (const r of results) expect(r.ok && r.data.acceptance?.acceptedBy).toBe(stored.record?.acceptedBy);
  });

  it('accepts of different stories at once are all kept', async () => {
    const h = harness();
    const stories = ['ORB-12', 'ORB-32', 'ORB-115', 'ORB-121', 'ORB-97'];
    const results = await Promise.all(stories.map((k) => h.call('acceptStory', { issueKey: k }, PO)));
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(stories.map(() => 'ok'));
    const entries = await h.store.list('acceptance:');
    expect(entries).toHaveLength(stories.length);
    for (const e of entries) expect(storedAcceptanceSchema.parse(e.value).record?.acceptedBy).toBe(PO);
  });

  it('config saves racing acceptances do not disturb each other', async () => {
    const h = harness();
    const [accepted, saved] = await Promise.all([
      h.call('acceptStory', { issueKey: STORY }, PO),
      h.call('saveConfig', { config: { version: 1, delegates: { [PO]: [DELEGATE] } }, revision: 0 }, ADMIN),
    ]);
    expect(accepted.ok && saved.ok).toBe(true);
    expect(storedAcceptanceSchema.parse(await h.store.get(ACCEPTANCE_KEY)).revision).toBe(1);
    expect(((await h.store.get(CONFIG_KEY)) as { revision: number } | undefined)?.revision).toBe(1);
  });
});
