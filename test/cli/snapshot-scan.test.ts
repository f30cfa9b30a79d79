import { DEFAULT_CONFIG, parseConfig, type PopmConfig } from '../../src/domain/config';
import { evaluate } from '../../src/domain/engine';
import { createEmulator } from '../../src/emulator/emulator';
import { generateSite } from '../../src/emulator/generate';
import { JiraApi } from '../../src/jira/api';
import { scanProject } from '../../src/jira/scan';
import { loadSnapshotFile } from '../../src/snapshot/load';
import type { Snapshot } from '../../src/snapshot/format';
import { defaultAccount, scanSnapshot, UnknownProjectError } from '../../src/snapshot/scan';

/** The audit both ways: through the in-process emulator's REST answers, and straight from the file. */
async function both(snapshot: Snapshot, project: string, config: PopmConfig = DEFAULT_CONFIG) {
  const account = defaultAccount(snapshot) ?? '';
  const viaEmulator = await scanProject(
    new JiraApi(createEmulator(snapshot).transportFor(account)),
    project,
    config,
  );
  const direct = scanSnapshot(snapshot, project, config, account);
  return {
    viaEmulator,
    direct,
    a: evaluate(viaEmulator, config, project),
    b: evaluate(direct, config, project),
  };
}

function expectSame(r: Awaited<ReturnType<typeof both>>): void {
  expect(r.b.findings).toEqual(r.a.findings);
  expect(r.b.coverage).toEqual(r.a.coverage);
  expect(r.b.issueCount).toBe(r.a.issueCount);
  const view = (x: typeof r.a) =>
    x.issues.map((i) => [i.key, i.summary, i.status, i.level, i.owners.map((o) => o.displayName)]);
  expect(view(r.b)).toEqual(view(r.a));
  expect(r.direct.issues.map((i) => i.key)).toEqual(r.viaEmulator.issues.map((i) => i.key));
  expect(r.direct.report.missingParents).toEqual(r.viaEmulator.report.missingParents);
  expect(r.direct.report.issues).toEqual(r.viaEmulator.report.issues);
  expect(r.direct.users).toEqual(
    Object.fromEntries(
      Object.entries(r.viaEmulator.users ?? {}).map(([id, u]) => [
        id,
        { accountId: u.accountId, displayName: u.displayName, active: u.active },
      ]),
    ),
  );
}

describe('scanSnapshot reads what the emulator path reads', () => {
  it.each(['PORT', 'ART', 'ORB', 'NEB', 'COM'])('sample site, project %s', async (project) => {
    const sample = await loadSnapshotFile('samples/sample-site.json');
    if (!sample.projects.some((p) => p.key === project)) return;
    const r = await both(sample, project);
    expect(r.a.issueCount).toBeGreaterThan(0);
    expectSame(r);
  });

  it.each([1, 2, 3])('generated site (seed %i), every project', async (seed) => {
    const site = generateSite({
      features: 70,
      storiesPerFeature: 4,
      subtasksPerStory: 1,
      seed,
      defectRate: 0.3,
    });
    for (const project of site.projects.map((p) => p.key)) expectSame(await both(site, project));
  });

  it('honours restrictions (hidden parents become missing) and a configuration', async () => {
    const site = generateSite({ features: 30, storiesPerFeature: 3, subtasksPerStory: 1, seed: 5 });
    const admin = defaultAccount(site) ?? '';
    // Hide an epic, a feature and a story (and so its sub-task) from the auditing account.
    const hidden = ['PORT-1', 'ART-2', 'T1-1'];
    site.restrictions = Object.fromEntries(hidden.map((k) => [k, ['u-3']]));
    const config = parseConfig({
      version: 1,
      rules: { 'feature-missing-pm': { severity: 'warning' }, 'owner-inactive': { enabled: false } },
    });
    const r = await both(site, 'ART', config);
    expect(r.direct.report.missingParents).toContain('PORT-1');
    expect(r.direct.issues.some((i) => i.key === 'ART-2')).toBe(false);
    expectSame(r);
    expectSame(await both(site, 'T1', config));
    expect(admin).toBe('u-0');
  });

  it('refuses a project the snapshot does not have, naming the ones it has', () => {
    const site = generateSite({ features: 2, storiesPerFeature: 1, seed: 1 });
    expect(() => scanSnapshot(site, 'NOPE', DEFAULT_CONFIG, 'u-0')).toThrow(UnknownProjectError);
    try {
      scanSnapshot(site, 'NOPE', DEFAULT_CONFIG, 'u-0');
    } catch (e) {
      expect((e as UnknownProjectError).known).toEqual(['PORT', 'ART', 'T1', 'T2', 'T3']);
    }
  });
});
