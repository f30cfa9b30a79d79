import { mirrorValue, storedAcceptanceSchema } from '../../src/storage/acceptance-store';
import { RESOLVER_NAMES, payloadSchemas, type ResolverName } from '../../src/shared/contract';
import { resolvers } from '../../src/resolvers';
import { ADMIN, OTHER, PO, harness, issueProperty } from './support';

const IN_PROGRESS = 'ORB-12';
const NOT_STARTED = 'ORB-11';

/** A valid payload per resolver, for the "missing account" sweep. */
const VALID: Record<ResolverName, unknown> = {
  getIssueView: { issueKey: IN_PROGRESS },
  getChildren: { issueKey: 'ART-4' },
  getProjectTree: { projectKey: 'ORB' },
  startScan: { projectKey: 'ORB' },
  getGadgetSummary: { projectKey: 'ORB' },
  acceptStory: { issueKey: IN_PROGRESS },
  revokeAcceptance: { issueKey: IN_PROGRESS },
  rejectStory: { issueKey: IN_PROGRESS, reason: 'Fails on Safari' },
  getQueue: {},
  bulkAccept: { issueKeys: [IN_PROGRESS] },
  getDecisionLog: { projectKey: 'ORB' },
  setOwner: { issueKey: IN_PROGRESS, accountIds: [PO] },
  searchUsers: { query: 'lena' },
  getConfig: {},
  saveConfig: { config: { version: 1 }, revision: 0 },
  getProjectConfig: { projectKey: 'ORB' },
  saveProjectConfig: { projectKey: 'ORB', override: {}, revision: 0 },
  previewConfig: { projectKey: 'ORB', config: { version: 1 } },
  getDigestStatus: {},
  sendDigestNow: {},
};

describe('resolver wiring', () => {
  it('defines exactly the contract names', () => {
    expect(Object.keys(resolvers).sort()).toEqual([...RESOLVER_NAMES].sort());
    expect(Object.keys(VALID).sort()).toEqual(Object.keys(payloadSchemas).sort());
  });

  it.each(RESOLVER_NAMES)('%s refuses a request without an account (UNAUTHENTICATED)', async (name) => {
    const h = harness();
    const result = await h.call(name, VALID[name]);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNAUTHENTICATED' }) });
  });

  it('ignores an accountId smuggled in the payload or the front-end context', async () => {
    const h = harness();
    const result = await h.definitions(
      { call: { functionKey: 'getConfig', payload: { accountId: ADMIN } }, context: { accountId: ADMIN } },
      {},
    );
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNAUTHENTICATED' }) });
  });

  it('names the bad path of a malformed payload (BAD_REQUEST)', async () => {
    const h = harness();
    const bad = await h.call('getIssueView', { issueKey: 'not a key' }, PO);
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('BAD_REQUEST');
    expect(bad.error.details).toEqual([expect.objectContaining({ path: 'issueKey' })]);
    const extra = await h.call('acceptStory', { issueKey: IN_PROGRESS, as: ADMIN }, PO);
    expect(extra.error.code).toBe('BAD_REQUEST');
    const tooMany = await h.call('setOwner', { issueKey: IN_PROGRESS, accountIds: 'u-x' }, PO);
    expect(tooMany.error.details[0].path).toBe('accountIds');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'noSuchResolver'])(
    'refuses the name %s before it reaches @forge/resolver, echoing nothing back',
    async (functionKey) => {
      const h = harness();
      const context = { extension: { secret: 'from-the-caller' } };
      const result = await h.definitions(
        { call: { functionKey, payload: { probe: 1 } }, context },
        { principal: { accountId: ADMIN } },
      );
      expect(result).toEqual({
        ok: false,
        error: { code: 'BAD_REQUEST', message: `there is no resolver named "${functionKey}"` },
      });
      expect(JSON.stringify(result)).not.toMatch(/from-the-caller|u-morgan/);
    },
  );

  it('refuses a request with no name or a name that is not a string', async () => {
    const h = harness();
    for (const request of [{}, { call: {} }, { call: { functionKey: ['getConfig'] } }, null]) {
      const result = await h.definitions(request as never, {});
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) });
    }
  });

  it('maps a Jira 404 to NOT_FOUND', async () => {
    const h = harness();
    const result = await h.call('getIssueView', { issueKey: 'ORB-99999' }, PO);
    expect(result.error.code).toBe('NOT_FOUND');
  });
});

describe('issue view', () => {
  it('returns the chain to the top, the issue and what the PO may do', async () => {
    const h = harness();
    const result = await h.call('getIssueView', { issueKey: IN_PROGRESS }, PO);
    expect(result.ok).toBe(true);
    const view = result.data;
    expect(view.issue.key).toBe(IN_PROGRESS);
    expect(view.issue.level).toBe('team');
    expect(view.chain.map((s: { key: string }) => s.key)).toContain('ART-4');
    expect(view.chain[0].level).toBe('portfolio');
    expect(view.permissions.accept).toBe(true);
    expect(view.propertyMismatch).toBe(false);
    const other = await h.call('getIssueView', { issueKey: IN_PROGRESS }, OTHER);
    expect(other.data.permissions.accept).toBe(false);
  });

  it('lists a feature’s children with their findings', async () => {
    const h = harness();
    const result = await h.call('getIssueView', { issueKey: 'ART-4' }, PO);
    expect(result.ok).toBe(true);
    expect(result.data.children.map((c: { key: string }) => c.key)).toContain(IN_PROGRESS);
  });

  it('reports a mirrored property that disagrees with the app record', async () => {
    const h = harness();
    // ORB-2 carries a popm.acceptance property but the app store has no record for it.
    const result = await h.call('getIssueView', { issueKey: 'ORB-2' }, PO);
    expect(result.data.propertyMismatch).toBe(true);
  });
});

describe('accept and revoke', () => {
  it('lets the PO accept a story in progress, stores it and mirrors the property', async () => {
    const h = harness();
    const result = await h.call('acceptStory', { issueKey: IN_PROGRESS }, PO);
    expect(result).toEqual({
      ok: true,
      data: {
        issueKey: IN_PROGRESS,
        acceptance: expect.objectContaining({
          acceptedBy: PO,
          statusCategory: 'indeterminate',
          valid: true,
          stale: false,
        }),
        // The answer carries the updated view, so the panel shows it without asking again.
        view: expect.objectContaining({
          issue: expect.objectContaining({ key: IN_PROGRESS }),
          permissions: expect.objectContaining({ revoke: true }),
          propertyMismatch: false,
        }),
      },
    });
    expect(await issueProperty(h, IN_PROGRESS, 'popm.acceptance')).toEqual(
      expect.objectContaining({ acceptedBy: PO, acceptedAt: '2026-03-01T12:00:00.000Z' }),
    );
    expect(await issueProperty(h, IN_PROGRESS, 'popm.findings')).toEqual(
      expect.objectContaining({ acceptanceValid: 'yes' }),
    );
    const view = await h.call('getIssueView', { issueKey: IN_PROGRESS }, PO);
    expect(view.data.propertyMismatch).toBe(false);
    expect(view.data.permissions.revoke).toBe(true);
  });

  it('refuses someone who is neither owner nor delegate (FORBIDDEN) and writes nothing', async () => {
    const h = harness();
    const result = await h.call('acceptStory', { issueKey: IN_PROGRESS }, OTHER);
    expect(result.error.code).toBe('FORBIDDEN');
    expect(await h.store.list('acceptance:')).toEqual([]);
    expect(await issueProperty(h, IN_PROGRESS, 'popm.acceptance')).toBeUndefined();
  });

  it('refuses a site admin who is not the PO too', async () => {
    const h = harness();
    expect((await h.call('acceptStory', { issueKey: IN_PROGRESS }, ADMIN)).error.code).toBe('FORBIDDEN');
  });

  it('lets a configured delegate accept', async () => {
    const h = harness();
    const saved = await h.call(
      'saveConfig',
      { config: { version: 1, delegates: { [PO]: [OTHER] } }, revision: 0 },
      ADMIN,
    );
    expect(saved.ok).toBe(true);
    const result = await h.call('acceptStory', { issueKey: IN_PROGRESS }, OTHER);
    expect(result.ok).toBe(true);
    expect(result.data.acceptance.valid).toBe(true);
  });

  it('refuses a story that has not started (INVALID_STATE)', async () => {
    const h = harness();
    const result = await h.call('acceptStory', { issueKey: NOT_STARTED }, PO);
    expect(result.error.code).toBe('INVALID_STATE');
    expect((await h.call('revokeAcceptance', { issueKey: NOT_STARTED }, PO)).error.code).toBe(
      'INVALID_STATE',
    );
  });

  it('refuses a feature (INVALID_STATE)', async () => {
    const h = harness();
    expect((await h.call('acceptStory', { issueKey: 'ART-4' }, PO)).error.code).toBe('INVALID_STATE');
  });

  it('revokes, and refuses to revoke what was never accepted', async () => {
    const h = harness();
    expect((await h.call('revokeAcceptance', { issueKey: IN_PROGRESS }, PO)).error.code).toBe(
      'INVALID_STATE',
    );
    await h.call('acceptStory', { issueKey: IN_PROGRESS }, PO);
    const revoked = await h.call('revokeAcceptance', { issueKey: IN_PROGRESS }, PO);
    expect(revoked).toEqual({
      ok: true,
      data: {
        issueKey: IN_PROGRESS,
        acceptance: null,
        view: expect.objectContaining({
          permissions: expect.objectContaining({ accept: true, revoke: false }),
        }),
      },
    });
    // The mirror keeps the history; with the latest decision a revocation there is no record.
    const mirrored = await issueProperty(h, IN_PROGRESS, 'popm.acceptance');
    expect(mirrored).not.toHaveProperty('acceptedBy');
    expect(mirrored).toMatchObject({ decisions: [{ kind: 'accepted' }, { kind: 'revoked', by: PO }] });
    expect((await h.call('revokeAcceptance', { issueKey: IN_PROGRESS }, OTHER)).error.code).toBe('FORBIDDEN');
  });

  it('ends consistent when accepts and revokes race', async () => {
    const h = harness();
    await h.call('acceptStory', { issueKey: IN_PROGRESS }, PO);
    const results = await Promise.all([
      h.call('revokeAcceptance', { issueKey: IN_PROGRESS }, PO),
      h.call('acceptStory', { issueKey: IN_PROGRESS }, PO),
      h.call('revokeAcceptance', { issueKey: IN_PROGRESS }, PO),
      h.call('acceptStory', { issueKey: IN_PROGRESS }, PO),
    ]);
    for (const r of results) expect(r.ok).toBe(true);
    expect(h.store.stats.conflicts).toBeGreaterThan(0); // the race really happened
    const [entry] = await h.store.list('acceptance:');
    expect(entry).toBeDefined();
    // Store and mirror agree, whichever writer won.
    const property = await issueProperty(h, IN_PROGRESS, 'popm.acceptance');
    expect(property).toEqual(mirrorValue(storedAcceptanceSchema.parse(entry!.value)));
    const view = await h.call('getIssueView', { issueKey: IN_PROGRESS }, PO);
    expect(view.data.propertyMismatch).toBe(false);
  });

  it('two racing accepts leave one acceptance', async () => {
    const h = harness();
    const results = await Promise.all([
      h.call('acceptStory', { issueKey: IN_PROGRESS }, PO),
      h.call('acceptStory', { issueKey: IN_PROGRESS }, PO),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const [entry] = await h.store.list('acceptance:');
    expect(storedAcceptanceSchema.parse(entry!.value).decisions).toHaveLength(1);
  });
});

describe('set owner', () => {
  it('writes the PO field as the user and returns the new owners', async () => {
    const h = harness();
    const result = await h.call('setOwner', { issueKey: IN_PROGRESS, accountIds: [OTHER] }, PO);
    expect(result.ok).toBe(true);
    expect(result.data.owners.map((o: { accountId: string }) => o.accountId)).toEqual([OTHER]);
    // Judged with its chain: ORB-12 sits below feature ART-4, so it is not "without feature".
    expect(result.data.findings.map((f: { rule: string }) => f.rule)).not.toContain('story-without-feature');
    const edit = h.emulator.requests.entries.find(
      (e) =>
        e.method === 'PUT' &&
        e.path.startsWith(`/rest/api/3/issue/${IN_PROGRESS}`) &&
        !e.path.includes('properties'),
    );
    expect(edit?.accountId).toBe(PO);
  });

  it('tells the UI which field holds the owner, and whether it takes several people', async () => {
    const h = harness();
    const view = await h.call('getIssueView', { issueKey: IN_PROGRESS }, PO);
    expect(view.data.ownerField).toMatchObject({ name: 'Product Owner', multi: true });
    const feature = await h.call('getIssueView', { issueKey: 'ART-4' }, PO);
    expect(feature.data.ownerField).toMatchObject({ name: 'Product Manager', multi: false });
  });

  it('refuses a subtask owner (INVALID_STATE)', async () => {
    const h = harness();
    const sub = (await import('../../samples/sample-site.json')).issues.find(
      (i: { fields: { issuetype: string } }) => i.fields.issuetype === '10006',
    );
    if (!sub) return;
    expect((await h.call('setOwner', { issueKey: sub.key, accountIds: [PO] }, PO)).error.code).toBe(
      'INVALID_STATE',
    );
  });
});

describe('configuration', () => {
  it('lets an admin read and save with the revision, and detects concurrent edits', async () => {
    const h = harness();
    const view = await h.call('getConfig', {}, ADMIN);
    expect(view.data).toEqual(expect.objectContaining({ revision: 0, canEdit: true }));
    expect(view.data.site.userFields.map((f: { name: string }) => f.name)).toContain('Product Owner');
    const saved = await h.call(
      'saveConfig',
      { config: { version: 1, rules: { 'story-missing-po': { severity: 'error' } } }, revision: 0 },
      ADMIN,
    );
    expect(saved.data.revision).toBe(1);
    const stale = await h.call('saveConfig', { config: { version: 1 }, revision: 0 }, ADMIN);
    expect(stale.error.code).toBe('CONFLICT');
  });

  it('refuses a non-admin save (FORBIDDEN) but lets them read without edit rights', async () => {
    const h = harness();
    expect((await h.call('saveConfig', { config: { version: 1 }, revision: 0 }, PO)).error.code).toBe(
      'FORBIDDEN',
    );
    expect((await h.call('getConfig', {}, PO)).data.canEdit).toBe(false);
  });

  it('validates on write, naming the path (INVALID_CONFIG)', async () => {
    const h = harness();
    const result = await h.call(
      'saveConfig',
      { config: { version: 1, levels: { Story: 'galaxy' } }, revision: 0 },
      ADMIN,
    );
    expect(result.error.code).toBe('INVALID_CONFIG');
    expect(result.error.details[0].path).toBe('levels.Story');
  });

  it('reports a corrupt stored value on read and replaces it only by an explicit save, keeping a backup', async () => {
    const h = harness();
    h.store.setRaw('config:global', {
      schemaVersion: 2,
      revision: 4,
      config: { version: 1, levels: { Story: 42 } },
    });
    const read = await h.call('getConfig', {}, ADMIN);
    expect(read.error.code).toBe('INVALID_CONFIG');
    expect(read.error.details[0].path).toBe('config.levels.Story');
    // Other resolvers refuse to run on a bad configuration rather than use a guess.
    expect((await h.call('acceptStory', { issueKey: IN_PROGRESS }, PO)).error.code).toBe('INVALID_CONFIG');
    const saved = await h.call('saveConfig', { config: { version: 1 }, revision: 4 }, ADMIN);
    expect(saved.data.revision).toBe(5);
    expect((await h.store.list('config:corrupt:')).length).toBe(1);
  });

  it('lets the project admin save overrides, and refuses others', async () => {
    const h = harness();
    const read = await h.call('getProjectConfig', { projectKey: 'ORB' }, PO);
    expect(read.data).toEqual(expect.objectContaining({ projectKey: 'ORB', override: {}, canEdit: true }));
    const saved = await h.call(
      'saveProjectConfig',
      { projectKey: 'ORB', override: { delegates: [OTHER] }, revision: 0 },
      PO,
    );
    expect(saved.data.override).toEqual({ delegates: [OTHER] });
    const refused = await h.call(
      'saveProjectConfig',
      { projectKey: 'ORB', override: {}, revision: 1 },
      OTHER,
    );
    expect(refused.error.code).toBe('FORBIDDEN');
    const notHers = await h.call('saveProjectConfig', { projectKey: 'NEB', override: {}, revision: 1 }, PO);
    expect(notHers.error.code).toBe('FORBIDDEN');
    const bad = await h.call(
      'saveProjectConfig',
      { projectKey: 'ORB', override: { levels: {} }, revision: 1 },
      PO,
    );
    expect(bad.error.code).toBe('INVALID_CONFIG');
    // The project-wide delegate may now accept.
    expect((await h.call('acceptStory', { issueKey: IN_PROGRESS }, OTHER)).ok).toBe(true);
  });

  it('previews a configuration against the saved one', async () => {
    const h = harness();
    const result = await h.call(
      'previewConfig',
      { projectKey: 'ORB', config: { version: 1, rules: { 'story-missing-po': { enabled: false } } } },
      ADMIN,
    );
    expect(result.ok).toBe(true);
    expect(result.data.after.countsByRule['story-missing-po']).toBeUndefined();
    expect(
      (await h.call('previewConfig', { projectKey: 'ORB', config: { version: 1 } }, OTHER)).error.code,
    ).toBe('FORBIDDEN');
  });

  it('lists the issues a change of severity alone touches, with the counts by severity', async () => {
    const h = harness();
    const same = await h.call('previewConfig', { projectKey: 'ORB', config: { version: 1 } }, ADMIN);
    expect(same.data.changes).toEqual([]);
    expect(same.data.changedIssues).toBe(0);
    const flagged = Number(same.data.before.countsByRule['story-missing-po']);
    expect(flagged).toBeGreaterThan(0);
    const result = await h.call(
      'previewConfig',
      { projectKey: 'ORB', config: { version: 1, rules: { 'story-missing-po': { severity: 'info' } } } },
      ADMIN,
    );
    expect(result.data.after.countsByRule).toEqual(result.data.before.countsByRule);
    const infos = (r: typeof result): number => Number(r.data.before.countsBySeverity.info);
    expect(Number(result.data.after.countsBySeverity.info)).toBe(infos(result) + flagged);
    expect(result.data.changedIssues).toBe(flagged);
    expect(result.data.changes[0]).toEqual({
      issueKey: expect.stringMatching(/^ORB-\d+$/),
      summary: expect.any(String),
      added: [],
      removed: [],
      changed: [{ rule: 'story-missing-po', from: 'warning', to: 'info' }],
    });
  });
});

describe('project, gadget, users', () => {
  it('pages the project tree with a cursor', async () => {
    const h = harness();
    const first = await h.call('getProjectTree', { projectKey: 'ORB' }, PO);
    expect(first.ok).toBe(true);
    expect(first.data.rows.length).toBeGreaterThan(0);
    if (first.data.nextCursor) {
      const next = await h.call('getProjectTree', { projectKey: 'ORB', cursor: first.data.nextCursor }, PO);
      expect(next.data.rows[0].key).not.toBe(first.data.rows[0].key);
    }
    expect((await h.call('getProjectTree', { projectKey: 'ORB', cursor: 'garbage' }, PO)).error.code).toBe(
      'BAD_REQUEST',
    );
  });

  it('summarises for the gadget with only the chosen rules, and records a trend point', async () => {
    const h = harness();
    const result = await h.call('getGadgetSummary', { projectKey: 'ORB', rules: ['story-missing-po'] }, PO);
    expect(result.ok).toBe(true);
    expect(Object.keys(result.data.countsByRule).every((r) => r === 'story-missing-po')).toBe(true);
    expect(result.data.trend).toEqual([expect.objectContaining({ date: '2026-03-01' })]);
  });

  it('queues a scan when a queue exists', async () => {
    const h = harness({ queue: true });
    const result = await h.call('startScan', { projectKey: 'ORB' }, PO);
    expect(result.data.status).toBe('running');
    expect(h.pushed).toEqual([expect.objectContaining({ projectKey: 'ORB' })]);
  });

  it('searches users', async () => {
    const h = harness();
    const result = await h.call('searchUsers', { query: 'Lena' }, PO);
    expect(result.data.map((u: { accountId: string }) => u.accountId)).toContain(PO);
  });
});
