/**
 * The authorization matrix: every write resolver against every kind of caller, as a table of
 * expected outcomes; refused calls change nothing stored. Then reads Jira hides (issue-level
 * restrictions, applied by Jira as the user) stay hidden in every view.
 */
import { ACCEPTANCE_PROPERTY } from '../../src/domain/types';
import { serverError, withRestricted } from '../../src/emulator/faults';
import { jiraError } from '../../src/emulator/emulator';
import type { ErrorCode, ResolverName } from '../../src/shared/contract';
import type { Snapshot } from '../../src/snapshot/format';
import { ADMIN, DELEGATE, harness, OTHER, PO, sample, STORY, STORY_ID, type Harness } from './support';

/** ORB's lead (its project admin) is someone other than the PO, so the roles do not overlap. */
const PROJECT_ADMIN = 'u-priya-raman';
const site: Snapshot = {
  ...sample,
  projects: sample.projects.map((p) => (p.key === 'ORB' ? { ...p, lead: PROJECT_ADMIN } : p)),
};

const ACTORS = {
  owner: PO,
  delegate: DELEGATE,
  other: OTHER,
  projectAdmin: PROJECT_ADMIN,
  siteAdmin: ADMIN,
  anonymous: undefined,
} as const;
type Actor = keyof typeof ACTORS;
type Outcome = 'ok' | ErrorCode;

interface Row {
  name: ResolverName;
  payload: unknown;
  /** State the call needs besides the delegate configuration (revision 1). */
  setup?: (h: Harness) => Promise<void>;
  expect: Record<Actor, Outcome>;
}

const delegateConfig = { version: 1, delegates: { [PO]: [DELEGATE] } };

const MATRIX: Row[] = [
  {
    name: 'acceptStory',
    payload: { issueKey: STORY },
    expect: {
      owner: 'ok',
      delegate: 'ok',
      other: 'FORBIDDEN',
      projectAdmin: 'FORBIDDEN',
      siteAdmin: 'FORBIDDEN',
      anonymous: 'UNAUTHENTICATED',
    },
  },
  {
    name: 'revokeAcceptance',
    payload: { issueKey: STORY },
    setup: async (h) => {
      const accepted = await h.call('acceptStory', { issueKey: STORY }, PO);
      if (!accepted.ok) throw new Error(`setup accept failed: ${accepted.error.message}`);
    },
    expect: {
      owner: 'ok',
      delegate: 'ok',
      other: 'FORBIDDEN',
      projectAdmin: 'FORBIDDEN',
      siteAdmin: 'FORBIDDEN',
      anonymous: 'UNAUTHENTICATED',
    },
  },
  {
    // Owners are Jira fields written as the user: Jira's Edit Issues permission decides, which the
    // emulator grants to everyone who can see the issue (see the 403 test below for a refusal).
    name: 'setOwner',
    payload: { issueKey: STORY, accountIds: [OTHER] },
    expect: {
      owner: 'ok',
      delegate: 'ok',
      other: 'ok',
      projectAdmin: 'ok',
      siteAdmin: 'ok',
      anonymous: 'UNAUTHENTICATED',
    },
  },
  {
    name: 'saveConfig',
    payload: { config: { version: 1, delegates: { [PO]: [OTHER] } }, revision: 1 },
    expect: {
      owner: 'FORBIDDEN',
      delegate: 'FORBIDDEN',
      other: 'FORBIDDEN',
      projectAdmin: 'FORBIDDEN',
      siteAdmin: 'ok',
      anonymous: 'UNAUTHENTICATED',
    },
  },
  {
    name: 'saveProjectConfig',
    // ORB's own revision: the site save before each cell does not touch it.
    payload: { projectKey: 'ORB', override: { delegates: [OTHER] }, revision: 0 },
    expect: {
      owner: 'FORBIDDEN',
      delegate: 'FORBIDDEN',
      other: 'FORBIDDEN',
      projectAdmin: 'ok',
      siteAdmin: 'ok',
      anonymous: 'UNAUTHENTICATED',
    },
  },
  {
    // Anyone who can see the project may ask for a fresh scan; it runs as the app and returns
    // only the scan's state, never issues the caller could not read.
    name: 'startScan',
    payload: { projectKey: 'ORB' },
    expect: {
      owner: 'ok',
      delegate: 'ok',
      other: 'ok',
      projectAdmin: 'ok',
      siteAdmin: 'ok',
      anonymous: 'UNAUTHENTICATED',
    },
  },
];

const cells = MATRIX.flatMap((row) =>
  (Object.keys(ACTORS) as Actor[]).map((actor) => [row.name, actor, row.expect[actor], row] as const),
);

describe('authorization matrix', () => {
  it.each(cells)('%s as %s -> %s', async (_name, actor, outcome, row) => {
    const h = harness({ snapshot: site });
    const configured = await h.call('saveConfig', { config: delegateConfig, revision: 0 }, ADMIN);
    expect(configured.ok).toBe(true);
    await row.setup?.(h);
    const before = await h.dump();
    const propertyBefore = h.emulator.snapshot().issues.find((i) => i.key === STORY)?.properties;

    const result = await h.call(row.name, row.payload, ACTORS[actor]);

    expect(result.ok ? 'ok' : result.error.code).toBe(outcome);
    if (!result.ok) {
      // A refusal says why in words, and nothing stored or mirrored changed.
      expect(result.error.message.length).toBeGreaterThan(10);
      expect(await h.dump()).toEqual(before);
      expect(h.emulator.snapshot().issues.find((i) => i.key === STORY)?.properties).toEqual(propertyBefore);
    }
  });

  it('a refusal by Jira itself (403 on the field edit) reaches the user as FORBIDDEN', async () => {
    const h = harness({ snapshot: site });
    h.emulator.injectFault((req) =>
      req.method === 'PUT' && req.path.startsWith(`/rest/api/3/issue/${STORY}`)
        ? jiraError(403, ['You do not have permission to edit issues in this project.'])
        : undefined,
    );
    const result = await h.call('setOwner', { issueKey: STORY, accountIds: [OTHER] }, OTHER);
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    if (!result.ok) expect(result.error.message).toContain('You do not have permission to edit issues');
  });

  it('the account comes from Forge, never from the payload or the front end', async () => {
    const h = harness({ snapshot: site });
    const smuggled = await h.call('acceptStory', { issueKey: STORY, accountId: PO }, OTHER);
    expect(smuggled).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const viaContext = await h.definitions(
      { call: { functionKey: 'acceptStory', payload: { issueKey: STORY } }, context: { accountId: PO } },
      { principal: { accountId: OTHER } },
    );
    expect(viaContext).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await h.dump()).toEqual({});
  });

  it('a permission check that cannot be made (Jira down) refuses, it never allows', async () => {
    const h = harness({ snapshot: site });
    h.emulator.injectFault(serverError(503, Infinity, { match: { path: '/rest/api/3/mypermissions' } }));
    for (const [name, payload] of [
      ['saveConfig', { config: delegateConfig, revision: 0 }],
      ['saveProjectConfig', { projectKey: 'ORB', override: {}, revision: 0 }],
    ] as const) {
      const result = await h.call(name, payload, ADMIN);
      expect(result).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
    }
    expect(await h.dump()).toEqual({});
  });
});

describe('reads Jira hides stay hidden', () => {
  // ORB-12 is visible to its PO only (issue security); ART-4 is its parent feature.
  const hidden = withRestricted(site, STORY, [PO]);
  // Project snapshots are built as the app: here the app's account is in the issue's security
  // level (as when the level grants the app's group), so the snapshot holds ORB-12 and only the
  // per-viewer filter keeps it from those who may not see it.
  const APP = 'u-popm-app';
  const hiddenFromPeople: Snapshot = {
    ...withRestricted(site, STORY, [PO, APP]),
    users: [...site.users, { accountId: APP, displayName: 'POPM Guard', active: true, accountType: 'app' }],
  };

  it('getIssueView: NOT_FOUND for others, the issue for the one allowed', async () => {
    const h = harness({ snapshot: hidden });
    for (const who of [OTHER, ADMIN, PROJECT_ADMIN]) {
      const result = await h.call('getIssueView', { issueKey: STORY }, who);
      expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    const allowed = await h.call('getIssueView', { issueKey: STORY }, PO);
    expect(allowed.ok).toBe(true);
  });

  it('the parent’s view and children omit it', async () => {
    const h = harness({ snapshot: hidden });
    const view = await h.call('getIssueView', { issueKey: 'ART-4' }, OTHER);
    expect(view.ok).toBe(true);
    if (view.ok) expect(view.data.children.map((c) => c.key)).not.toContain(STORY);
    const children = await h.call('getChildren', { issueKey: 'ART-4' }, OTHER);
    expect(children.ok && children.data.children.map((c) => c.key)).not.toContain(STORY);
    const asPo = await h.call('getChildren', { issueKey: 'ART-4' }, PO);
    expect(asPo.ok && asPo.data.children.map((c) => c.key)).toContain(STORY);
  });

  it('the project tree omits it for others', async () => {
    const h = harness({ snapshot: hiddenFromPeople, app: APP });
    const other = await h.call('getProjectTree', { projectKey: 'ORB' }, OTHER);
    expect(other.ok).toBe(true);
    if (other.ok) {
      expect(other.data.rows.map((r) => r.key)).not.toContain(STORY);
      // Nor does it leak through a finding's message or a roll-up naming it.
      expect(JSON.stringify(other.data)).not.toContain(`"${STORY}"`);
    }
    const po = await h.call('getProjectTree', { projectKey: 'ORB' }, PO);
    expect(po.ok && po.data.rows.map((r) => r.key)).toContain(STORY);
  });

  it('writes on it are NOT_FOUND (not FORBIDDEN: its existence is not revealed)', async () => {
    const h = harness({ snapshot: hidden });
    for (const [name, payload] of [
      ['acceptStory', { issueKey: STORY }],
      ['revokeAcceptance', { issueKey: STORY }],
      ['setOwner', { issueKey: STORY, accountIds: [OTHER] }],
    ] as const) {
      const result = await h.call(name, payload, OTHER);
      expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect(await h.dump()).toEqual({});
    expect(
      h.emulator.snapshot().issues.find((i) => i.key === STORY)?.properties?.[ACCEPTANCE_PROPERTY],
    ).toBeUndefined();
    expect(await h.store.get(`acceptance:${STORY_ID}`)).toBeUndefined();
  });

  it('user search runs as the user (Jira decides whom they may see)', async () => {
    const h = harness({ snapshot: hidden });
    await h.call('searchUsers', { query: 'lena' }, OTHER);
    expect(h.emulator.requests.entries.filter((e) => e.path.startsWith('/rest/api/3/user/search'))).toEqual([
      expect.objectContaining({ accountId: OTHER }),
    ]);
  });
});
