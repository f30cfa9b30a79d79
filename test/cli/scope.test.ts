/**
 * Scope within a project (rules.md), held-out style: a hand-made snapshot with two sprints (one
 * closed, one active, a story carried over between them) and one fix version, audited through the
 * CLI with --sprint (by id, by name, `active`) and --fix-version. Expected findings and coverage
 * are written out by hand from the rules, not computed by the code under test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run';
import { createEmulator } from '../../src/emulator/emulator';
import { SAMPLE_SPRINT_FIELD } from '../../src/emulator/sample-site';
import { startEmulatorServer } from '../../src/emulator/server';
import { loadSnapshotFile } from '../../src/snapshot/load';

const SPRINT = 'customfield_10020';
const PO = 'customfield_10103';
const PM = 'customfield_10102';
const AC = {
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Given..' }] }],
};
const S1 = { id: 31, name: 'Team Sprint 1', state: 'closed', boardId: 7 };
const S2 = { id: 32, name: 'Team Sprint 2', state: 'active', boardId: 7 };
const PI = { id: '10200', name: 'PI 2026.4', released: false };
const done = { name: 'Done', category: 'done' };
const started = { name: 'In Progress', category: 'indeterminate' };
const accepted = {
  'popm.acceptance': { acceptedBy: 'u-po', acceptedAt: '2026-10-05T10:00:00.000Z', statusCategory: 'done' },
};

const issue = (key: string, type: string, fields: Record<string, unknown>, properties?: object) => ({
  id: String(20000 + Number(key.split('-')[1])),
  key,
  fields: {
    summary: key,
    project: 'TEAM',
    issuetype: type,
    status: started,
    statuscategorychangedate: '2026-10-01T09:00:00.000+0000',
    ...fields,
  },
  ...(properties ? { properties } : {}),
});
const EPIC = '10000';
const FEATURE = '10001';
const STORY = '10002';

const snapshot = {
  format: 'popm-snapshot/1',
  site: { baseUrl: 'https://scope.example.net' },
  users: [
    { accountId: 'u-adm', displayName: 'Ada Admin', active: true },
    { accountId: 'u-pm', displayName: 'Pat PM', active: true },
    { accountId: 'u-po', displayName: 'Olu PO', active: true },
  ],
  admins: ['u-adm'],
  projects: [{ id: '10000', key: 'TEAM', name: 'Team', lead: 'u-adm' }],
  issueTypes: [
    { id: EPIC, name: 'Epic', hierarchyLevel: 2, subtask: false },
    { id: FEATURE, name: 'Feature', hierarchyLevel: 1, subtask: false },
    { id: STORY, name: 'Story', hierarchyLevel: 0, subtask: false },
  ],
  fields: [
    { id: 'customfield_10101', name: 'Epic Owner', schema: { type: 'user' } },
    { id: PM, name: 'Product Manager', schema: { type: 'user' } },
    { id: PO, name: 'Product Owner', schema: { type: 'array', items: 'user' } },
    { id: 'customfield_10104', name: 'Acceptance Criteria', schema: { type: 'string' } },
    {
      id: SPRINT,
      name: 'Sprint',
      schema: { type: 'array', items: 'json', custom: 'com.pyxis.greenhopper.jira:gh-sprint' },
    },
  ],
  issues: [
    // TEAM-1: an epic without an Epic Owner (epic-missing-owner) above both features.
    issue('TEAM-1', EPIC, {}),
    // TEAM-2: a feature with a PM; TEAM-3: one without (feature-missing-pm).
    issue('TEAM-2', FEATURE, { parent: 'TEAM-1', [PM]: 'u-pm' }),
    issue('TEAM-3', FEATURE, { parent: 'TEAM-1' }),
    // TEAM-4: done and accepted, in sprint 1 only.
    issue(
      'TEAM-4',
      STORY,
      { parent: 'TEAM-2', status: done, [PO]: ['u-po'], customfield_10104: AC, [SPRINT]: [S1] },
      accepted,
    ),
    // TEAM-5: done, never accepted, carried over from sprint 1 into sprint 2.
    issue('TEAM-5', STORY, {
      parent: 'TEAM-2',
      status: done,
      [PO]: ['u-po'],
      customfield_10104: AC,
      [SPRINT]: [S1, S2],
    }),
    // TEAM-6: in progress without a PO (story-missing-po), in sprint 2 and the PI.
    issue('TEAM-6', STORY, { parent: 'TEAM-3', customfield_10104: AC, [SPRINT]: [S2], fixVersions: [PI] }),
    // TEAM-7: done and accepted, no sprint, in the PI.
    issue(
      'TEAM-7',
      STORY,
      { parent: 'TEAM-3', status: done, [PO]: ['u-po'], customfield_10104: AC, fixVersions: [PI] },
      accepted,
    ),
    // TEAM-8: a feature with no stories (feature-without-stories): never in a scope.
    issue('TEAM-8', FEATURE, { parent: 'TEAM-1', [PM]: 'u-pm' }),
  ],
};

interface Report {
  findings: { rule: string; issueKey: string }[];
  summary: {
    issues: number;
    coverage: { featuresWithPm: number | null; doneStoriesAccepted: number | null };
  };
}

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'popm-scope-'));
  file = join(dir, 'site.json');
  writeFileSync(file, JSON.stringify(snapshot));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const audit = (...flags: string[]) =>
  cli(['audit', '--project', 'TEAM', '--snapshot', file, '--format', 'json', '--fail-on', 'never', ...flags]);

async function scoped(...flags: string[]): Promise<Report> {
  const out = await audit(...flags);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as Report;
}

const pairs = (r: Report): string[] => r.findings.map((f) => `${f.issueKey} ${f.rule}`);

// TEAM-6 is in progress without a record: story-missing-po-acceptance at info (rules.md).
const EPIC_FINDING = 'TEAM-1 epic-missing-owner';
const SPRINT_1 = [EPIC_FINDING, 'TEAM-5 story-missing-po-acceptance'];
const SPRINT_2 = [
  EPIC_FINDING,
  'TEAM-3 feature-missing-pm',
  'TEAM-5 story-missing-po-acceptance',
  'TEAM-6 story-missing-po',
  'TEAM-6 story-missing-po-acceptance',
];
const PI_FINDINGS = [
  EPIC_FINDING,
  'TEAM-3 feature-missing-pm',
  'TEAM-6 story-missing-po',
  'TEAM-6 story-missing-po-acceptance',
];

describe('popm audit with a scope (held-out style)', () => {
  it('without a scope reports the whole project', async () => {
    const r = await scoped();
    expect(pairs(r)).toEqual([
      EPIC_FINDING,
      'TEAM-3 feature-missing-pm',
      'TEAM-5 story-missing-po-acceptance',
      'TEAM-6 story-missing-po',
      'TEAM-6 story-missing-po-acceptance',
      'TEAM-8 feature-without-stories',
    ]);
    expect(r.summary).toEqual({ issues: 8, coverage: { featuresWithPm: 2 / 3, doneStoriesAccepted: 2 / 3 } });
  });

  it('--sprint by id: the closed sprint, its stories, their feature and epic', async () => {
    const r = await scoped('--sprint', '31');
    expect(pairs(r)).toEqual(SPRINT_1);
    // TEAM-1, TEAM-2, TEAM-4, TEAM-5.
    expect(r.summary).toEqual({ issues: 4, coverage: { featuresWithPm: 1, doneStoriesAccepted: 1 / 2 } });
  });

  it('--sprint by name and `active` pick the same sprint; the carried-over story is in both', async () => {
    const byName = await scoped('--sprint', 'Team Sprint 2');
    const active = await scoped('--sprint', 'active');
    expect(pairs(byName)).toEqual(SPRINT_2);
    expect(active).toEqual(byName);
    // TEAM-1, TEAM-2, TEAM-3, TEAM-5, TEAM-6: one done story, not accepted.
    expect(byName.summary).toEqual({
      issues: 5,
      coverage: { featuresWithPm: 1 / 2, doneStoriesAccepted: 0 },
    });
  });

  it('--fix-version: the PI stories, their features and epic', async () => {
    const r = await scoped('--fix-version', 'PI 2026.4');
    expect(pairs(r)).toEqual(PI_FINDINGS);
    // TEAM-1, TEAM-3, TEAM-6, TEAM-7.
    expect(r.summary).toEqual({ issues: 4, coverage: { featuresWithPm: 0, doneStoriesAccepted: 1 } });
  });

  it('an unknown sprint or version is bad usage (exit 2) naming it', async () => {
    const sprint = await audit('--sprint', 'Team Sprint 9');
    expect(sprint.code).toBe(2);
    expect(sprint.stdout).toBe('');
    expect(sprint.stderr).toContain('sprint "Team Sprint 9"');
    expect(sprint.stderr).toContain('31 Team Sprint 1');
    const version = await audit('--fix-version', 'PI 2099.1');
    expect(version.code).toBe(2);
    expect(version.stderr).toContain('fix version "PI 2099.1"');
    expect(version.stderr).toContain('PI 2026.4');
  });

  it('refuses --sprint with --fix-version', async () => {
    const out = await audit('--sprint', 'active', '--fix-version', 'PI 2026.4');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--sprint cannot be combined with --fix-version');
  });
});

describe('popm export carries sprints and fix versions', () => {
  it('exports them in the snapshot shapes, and the export audits the same in scope', async () => {
    const sample = await loadSnapshotFile('samples/sample-site.json');
    const account = { email: 'rte@example.com', token: 't', accountId: 'u-morgan-reyes' };
    const server = await startEmulatorServer(createEmulator(sample), { port: 0, accounts: [account] });
    try {
      const out = await cli([
        'export',
        '--project',
        'ORB',
        '--site',
        server.url,
        '--email',
        account.email,
        '--token',
        account.token,
      ]);
      expect(out.code).toBe(0);
      const exported = JSON.parse(out.stdout) as {
        issues: { key: string; fields: Record<string, unknown> }[];
      };
      const original = new Map(sample.issues.map((i) => [i.key, i.fields]));
      let withSprints = 0;
      for (const issue of exported.issues) {
        const before = original.get(issue.key);
        expect(issue.fields[SAMPLE_SPRINT_FIELD.id]).toEqual(before?.[SAMPLE_SPRINT_FIELD.id]);
        expect(issue.fields.fixVersions).toEqual(before?.fixVersions);
        if (issue.fields[SAMPLE_SPRINT_FIELD.id] !== undefined) withSprints++;
      }
      expect(withSprints).toBeGreaterThan(10);
      const exportedFile = join(dir, 'orb.json');
      writeFileSync(exportedFile, out.stdout);
      for (const flags of [
        ['--sprint', 'active'],
        ['--sprint', '12'],
        ['--fix-version', 'PI 2026.4'],
      ]) {
        const run = (f: string) =>
          cli([
            'audit',
            '--project',
            'ORB',
            '--snapshot',
            f,
            '--format',
            'json',
            '--fail-on',
            'never',
            ...flags,
          ]);
        const [a, b] = await Promise.all([run('samples/sample-site.json'), run(exportedFile)]);
        expect(b.code).toBe(0);
        expect((JSON.parse(b.stdout) as Report).findings).toEqual((JSON.parse(a.stdout) as Report).findings);
        expect((JSON.parse(b.stdout) as Report).summary).toEqual((JSON.parse(a.stdout) as Report).summary);
      }
    } finally {
      await server.close();
    }
  });
});
