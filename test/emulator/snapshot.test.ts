import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSnapshot, SnapshotError, type Snapshot } from '../../src/snapshot/format';
import { loadSnapshotFile } from '../../src/snapshot/load';
import { tinySnapshot } from './fixture';

function problemsOf(mutate: (s: Snapshot) => void): string[] {
  const s = tinySnapshot();
  mutate(s);
  try {
    parseSnapshot(JSON.parse(JSON.stringify(s)));
  } catch (e) {
    if (e instanceof SnapshotError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('parseSnapshot', () => {
  it('accepts a valid snapshot and keeps unknown keys and fields', () => {
    const input = { ...tinySnapshot(), exportedBy: 'popm 0.1' };
    const s = parseSnapshot(JSON.parse(JSON.stringify(input)));
    expect(s.issues).toHaveLength(5);
    expect(s.exportedBy).toBe('popm 0.1');
    expect(s.issues[2]?.fields.labels).toEqual(['kept-unknown-field']);
  });

  it('defaults optional lists', () => {
    const { admins: _a, fields: _f, restrictions: _r, ...rest } = tinySnapshot();
    const s = parseSnapshot(JSON.parse(JSON.stringify({ ...rest, issues: [] })));
    expect(s.admins).toEqual([]);
    expect(s.fields).toEqual([]);
  });

  it.each<[string, (s: Snapshot) => void, string]>([
    [
      'wrong format',
      (s) => ((s as { format: string }).format = 'popm-snapshot/2'),
      'format: must be "popm-snapshot/1"',
    ],
    [
      'unknown issue type',
      (s) => (s.issues[1]!.fields.issuetype = '99999'),
      'issues[1].fields.issuetype: no issue type 99999',
    ],
    [
      'unknown project',
      (s) => (s.issues[0]!.fields.project = 'NOPE'),
      'issues[0].fields.project: no project NOPE',
    ],
    [
      'unknown parent',
      (s) => (s.issues[2]!.fields.parent = 'ART-99'),
      'issues[2].fields.parent: no issue ART-99',
    ],
    [
      'unknown assignee',
      (s) => (s.issues[2]!.fields.assignee = 'u-x'),
      'issues[2].fields.assignee: no user u-x',
    ],
    [
      'unknown single user',
      (s) => (s.issues[1]!.fields.customfield_10101 = 'u-x'),
      'issues[1].fields.customfield_10101: no user u-x',
    ],
    [
      'unknown multi user',
      (s) => (s.issues[2]!.fields.customfield_10102 = ['u-po1', 'u-x']),
      'issues[2].fields.customfield_10102[1]: no user u-x',
    ],
    [
      'multi user not an array',
      (s) => (s.issues[2]!.fields.customfield_10102 = 'u-po1'),
      'issues[2].fields.customfield_10102: must be an array of account ids',
    ],
    [
      'unknown custom field',
      (s) => (s.issues[0]!.fields.customfield_99 = 'x'),
      'issues[0].fields.customfield_99: no custom field customfield_99',
    ],
    [
      'unknown acceptor',
      (s) =>
        (s.issues[2]!.properties = {
          'popm.acceptance': { acceptedBy: 'u-x', acceptedAt: '2026-01-01T00:00:00Z' },
        }),
      'issues[2].properties.popm.acceptance.acceptedBy: no user u-x',
    ],
    [
      'bad acceptance status',
      (s) =>
        (s.issues[2]!.properties = {
          'popm.acceptance': { acceptedBy: 'u-po1', acceptedAt: 'x', statusCategory: 'closed' },
        }),
      'issues[2].properties.popm.acceptance.statusCategory:',
    ],
    ['duplicate key', (s) => (s.issues[1]!.key = 'ART-1'), 'issues[1].key: duplicate issue key ART-1'],
    ['duplicate id', (s) => (s.issues[1]!.id = '20001'), 'issues[1].id: duplicate issue id 20001'],
    [
      'duplicate account',
      (s) => (s.users[1]!.accountId = 'u-adm'),
      'users[1].accountId: duplicate account id u-adm',
    ],
    [
      'duplicate project key',
      (s) => (s.projects[1]!.key = 'ART'),
      'projects[1].key: duplicate project key ART',
    ],
    [
      'duplicate issue type',
      (s) => (s.issueTypes[1]!.id = '10000'),
      'issueTypes[1].id: duplicate issue type id 10000',
    ],
    [
      'duplicate field',
      (s) => (s.fields[1]!.id = 'customfield_10101'),
      'fields[1].id: duplicate field id customfield_10101',
    ],
    ['unknown admin', (s) => (s.admins = ['u-x']), 'admins[0]: no user u-x'],
    ['unknown lead', (s) => (s.projects[0]!.lead = 'u-x'), 'projects[0].lead: no user u-x'],
    [
      'key outside its project',
      (s) => (s.issues[0]!.key = 'TEAM-9'),
      'issues[0].key: key TEAM-9 does not belong to project ART',
    ],
    [
      'parent cycle',
      (s) => (s.issues[0]!.fields.parent = 'TEAM-1'),
      'issues[0].fields.parent: parent cycle through ART-1',
    ],
    [
      'missing summary',
      (s) => delete (s.issues[3]!.fields as { summary?: string }).summary,
      'issues[3].fields.summary:',
    ],
    [
      'bad status category',
      (s) => ((s.issues[3]!.fields.status as { category: string }).category = 'closed'),
      'issues[3].fields.status.category:',
    ],
    ['bad issue key', (s) => (s.issues[3]!.key = 'team 2'), 'issues[3].key: must be an issue key'],
    [
      'restriction on unknown issue',
      (s) => (s.restrictions = { 'ART-77': ['u-adm'] }),
      'restrictions.ART-77: no issue ART-77',
    ],
    [
      'restriction for unknown user',
      (s) => (s.restrictions = { 'ART-1': ['u-x'] }),
      'restrictions.ART-1[0]: no user u-x',
    ],
  ])('refuses %s', (_name, mutate, expected) => {
    const problems = problemsOf(mutate);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });

  it('names the bad path in the error message', () => {
    const s = tinySnapshot();
    s.issues.push({ ...s.issues[0]!, id: '29999', key: 'ART-12' });
    s.issues[5]!.fields = { ...s.issues[5]!.fields, issuetype: '99999' };
    expect(() => parseSnapshot(JSON.parse(JSON.stringify(s)))).toThrow(
      'issues[5].fields.issuetype: no issue type 99999',
    );
  });

  it('refuses non-objects without half-loading', () => {
    expect(() => parseSnapshot(null)).toThrow(SnapshotError);
    expect(() => parseSnapshot({ format: 'popm-snapshot/1' })).toThrow(/users/);
  });
});

describe('loadSnapshotFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'popm-snap-'));

  it('loads a valid file', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify(tinySnapshot()));
    await expect(loadSnapshotFile(file)).resolves.toMatchObject({ format: 'popm-snapshot/1' });
  });

  it('names files that are missing or not JSON', async () => {
    await expect(loadSnapshotFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read .*missing\.json/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    await expect(loadSnapshotFile(bad)).rejects.toThrow(/bad\.json is not JSON/);
  });
});
