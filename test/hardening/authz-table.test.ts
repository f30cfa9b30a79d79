/**
 * The resolver table declares who may call each resolver (src/resolvers/guards.ts). This reads the
 * table and proves, for every resolver, that the declared guard refuses a caller it should refuse
 * and lets through one it should allow, over the emulator's users and permissions.
 */
import { withRestricted } from '../../src/emulator/faults';
import type { Who } from '../../src/resolvers/guards';
import { resolvers } from '../../src/resolvers';
import type { ErrorCode, ResolverName } from '../../src/shared/contract';
import type { Snapshot } from '../../src/snapshot/format';
import { ADMIN, harness, OTHER, PO, sample, STORY } from './support';

/** ORB's lead (its project admin) is someone other than the PO, as in authz.test.ts. */
const PROJECT_ADMIN = 'u-priya-raman';
const site: Snapshot = {
  ...sample,
  projects: sample.projects.map((p) => (p.key === 'ORB' ? { ...p, lead: PROJECT_ADMIN } : p)),
};
/** STORY visible to its PO only (issue security). */
const restricted = withRestricted(site, STORY, [PO]);
/** Jira answers a project someone may not browse and one that does not exist alike (404). */
const UNSEEN_PROJECT = 'NOPE';

/** A valid payload for each resolver, about `projectKey` where it names a project. */
function payloadOf(name: ResolverName, projectKey: string): unknown {
  const payloads: Record<ResolverName, unknown> = {
    getIssueView: { issueKey: STORY },
    getChildren: { issueKey: STORY },
    getProjectTree: { projectKey },
    startScan: { projectKey },
    getGadgetSummary: { projectKey },
    acceptStory: { issueKey: STORY },
    revokeAcceptance: { issueKey: STORY },
    rejectStory: { issueKey: STORY, reason: 'the criteria are not met' },
    getQueue: {},
    bulkAccept: { issueKeys: [STORY] },
    getDecisionLog: { projectKey },
    setOwner: { issueKey: STORY, accountIds: [OTHER] },
    searchUsers: { query: 'lena' },
    getConfig: {},
    saveConfig: { config: { version: 1 }, revision: 0 },
    getProjectConfig: { projectKey },
    saveProjectConfig: { projectKey, override: {}, revision: 0 },
    previewConfig: { projectKey, config: { version: 1 } },
    getDigestStatus: {},
    sendDigestNow: {},
  };
  return payloads[name];
}

interface Case {
  snapshot: Snapshot;
  projectKey: string;
  caller: string | undefined;
}

/** Per guard: a caller it must refuse (and with which code), and one it must let through. */
const CASES: Record<Who, { wrong: Case & { code: ErrorCode }; right: Case }> = {
  'signed-in': {
    wrong: { snapshot: site, projectKey: 'ORB', caller: undefined, code: 'UNAUTHENTICATED' },
    right: { snapshot: site, projectKey: 'ORB', caller: OTHER },
  },
  'issue-viewer': {
    wrong: { snapshot: restricted, projectKey: 'ORB', caller: OTHER, code: 'NOT_FOUND' },
    right: { snapshot: restricted, projectKey: 'ORB', caller: PO },
  },
  'story-owner': {
    wrong: { snapshot: site, projectKey: 'ORB', caller: OTHER, code: 'FORBIDDEN' },
    right: { snapshot: site, projectKey: 'ORB', caller: PO },
  },
  'project-viewer': {
    wrong: { snapshot: site, projectKey: UNSEEN_PROJECT, caller: OTHER, code: 'NOT_FOUND' },
    right: { snapshot: site, projectKey: 'ORB', caller: OTHER },
  },
  'project-admin': {
    wrong: { snapshot: site, projectKey: 'ORB', caller: OTHER, code: 'FORBIDDEN' },
    right: { snapshot: site, projectKey: 'ORB', caller: PROJECT_ADMIN },
  },
  'site-admin': {
    wrong: { snapshot: site, projectKey: 'ORB', caller: PO, code: 'FORBIDDEN' },
    right: { snapshot: site, projectKey: 'ORB', caller: ADMIN },
  },
};

const REFUSALS: readonly string[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'];

/** The call's outcome: its error code, or a batch's refusal when it refused every item. */
function outcomeOf(result: { ok: boolean; data?: unknown; error?: { code: string } }): string {
  if (!result.ok) return result.error?.code ?? 'error';
  const data = result.data as { accepted?: unknown[]; refused?: { code: string }[] } | undefined;
  if (data?.accepted?.length === 0 && data.refused?.[0]) return data.refused[0].code;
  return 'ok';
}

async function call(name: ResolverName, c: Case) {
  const h = harness({ snapshot: c.snapshot });
  const before = await h.dump();
  const result = await h.call(name, payloadOf(name, c.projectKey), c.caller);
  return { outcome: outcomeOf(result), before, after: await h.dump() };
}

const rows = (Object.keys(resolvers) as ResolverName[]).map((name) => [name, resolvers[name].who] as const);

describe('every resolver’s declared guard', () => {
  it('uses every kind of guard (so each case below is exercised)', () => {
    expect(new Set(rows.map(([, who]) => who)).size).toBe(Object.keys(CASES).length);
  });

  it.each(rows)('%s (%s) refuses the wrong caller and changes nothing', async (name, who) => {
    const { outcome, before, after } = await call(name, CASES[who].wrong);
    expect(outcome).toBe(CASES[who].wrong.code);
    expect(after).toEqual(before);
  });

  it.each(rows)('%s (%s) lets the right caller through', async (name, who) => {
    const { outcome } = await call(name, CASES[who].right);
    expect(REFUSALS).not.toContain(outcome);
  });

  it.each(rows)('%s refuses a caller who is not signed in', async (name) => {
    const { outcome } = await call(name, { snapshot: site, projectKey: 'ORB', caller: undefined });
    expect(outcome).toBe('UNAUTHENTICATED');
  });
});
