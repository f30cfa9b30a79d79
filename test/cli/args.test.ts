import { parseArgs, UsageError } from '../../src/cli/args';
import { csvField, exitCodeFor, formatCsv, formatTable, jsonReport } from '../../src/cli/report';
import type { AuditResult } from '../../src/domain/types';

const creds = ['--site', 'https://x.atlassian.net', '--email', 'a@b.c', '--token', 't'];

describe('parseArgs', () => {
  it('parses an offline audit with defaults', () => {
    expect(parseArgs(['audit', '--project', 'ART', '--snapshot', 's.json'])).toEqual({
      command: 'audit',
      project: 'ART',
      source: { kind: 'snapshot', file: 's.json' },
      format: 'table',
      failOn: 'error',
    });
  });

  it('parses an HTTP audit with every option, in --flag=value form too', () => {
    expect(
      parseArgs([
        'audit',
        '--project=ART',
        ...creds,
        '--config',
        'c.json',
        '--format=csv',
        '--fail-on',
        'never',
      ]),
    ).toEqual({
      command: 'audit',
      project: 'ART',
      source: { kind: 'site', site: 'https://x.atlassian.net', email: 'a@b.c', token: 't' },
      configFile: 'c.json',
      format: 'csv',
      failOn: 'never',
    });
  });

  it('falls back to JIRA_SITE, JIRA_EMAIL and JIRA_API_TOKEN, flags winning', () => {
    const env = { JIRA_SITE: 'https://env.atlassian.net', JIRA_EMAIL: 'e@x', JIRA_API_TOKEN: 'tok' };
    const cmd = parseArgs(['export', '--project', 'ART', '--email', 'flag@x'], env);
    expect(cmd).toEqual({
      command: 'export',
      project: 'ART',
      source: { kind: 'site', site: 'https://env.atlassian.net', email: 'flag@x', token: 'tok' },
    });
    // With --snapshot the environment's site is ignored rather than a clash.
    expect(parseArgs(['audit', '--project', 'ART', '--snapshot', 'f'], env)).toMatchObject({
      source: { kind: 'snapshot' },
    });
  });

  it('returns help for no command, help and --help', () => {
    expect(parseArgs([])).toEqual({ command: 'help' });
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['audit', '--help'])).toEqual({ command: 'help', topic: 'audit' });
  });

  it.each([
    [['frobnicate'], /unknown command/],
    [['audit', '--snapshot', 's.json'], /--project KEY is required/],
    [['audit', '--project', 'art', '--snapshot', 's'], /not a Jira project key/],
    [
      ['audit', '--project', 'ART'],
      /missing --site \(or JIRA_SITE\), --email \(or JIRA_EMAIL\), --token \(or JIRA_API_TOKEN\)/,
    ],
    [['audit', '--project', 'ART', '--snapshot', 's', '--site', 'x'], /cannot be combined with --site/],
    [
      ['audit', '--project', 'ART', '--snapshot', 's', '--format', 'xml'],
      /--format must be one of table, json, csv/,
    ],
    [['audit', '--project', 'ART', '--snapshot', 's', '--fail-on', 'fatal'], /--fail-on must be one of/],
    [['audit', '--project', 'ART', '--snapshot'], /--snapshot needs a value/],
    [['audit', '--project', '--snapshot', 's'], /--project needs a value/],
    [['audit', '--project', 'ART', '--project', 'B', '--snapshot', 's'], /given twice/],
    [['audit', '--project', 'ART', '--verbose'], /unknown option --verbose/],
    [['audit', 'ART'], /unexpected argument/],
    [['export', '--project', 'ART', '--snapshot', 's'], /unknown option --snapshot for export/],
    [['export', '--project', 'ART', '--format', 'json', ...creds], /unknown option --format/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv, {})).toThrow(UsageError);
    expect(() => parseArgs(argv, {})).toThrow(message);
  });
});

const result: AuditResult = {
  projectKey: 'ART',
  issues: [],
  findings: [
    { rule: 'feature-missing-pm', severity: 'error', issueKey: 'ART-1', message: 'Feature "A, b" has no PM' },
    {
      rule: 'story-missing-po-acceptance',
      severity: 'error',
      issueKey: 'ART-2',
      message: 'done, not accepted',
    },
    { rule: 'story-missing-po-acceptance', severity: 'info', issueKey: 'ART-10', message: 'say "hi"\nthere' },
  ],
  coverage: { featuresWithPm: 0.5, doneStoriesAccepted: null },
  issueCount: 12,
  countsByRule: {},
};

describe('report', () => {
  it('shapes JSON exactly as the contract says', () => {
    expect(jsonReport(result, 7)).toEqual({
      project: 'ART',
      findings: result.findings,
      summary: { issues: 12, coverage: { featuresWithPm: 0.5, doneStoriesAccepted: null } },
      requests: 7,
    });
  });

  it('chooses the exit code by --fail-on', () => {
    const warn = [{ severity: 'warning' as const }];
    expect(exitCodeFor(warn, 'error')).toBe(0);
    expect(exitCodeFor(warn, 'warning')).toBe(1);
    expect(exitCodeFor(warn, 'info')).toBe(1);
    expect(exitCodeFor([{ severity: 'error' as const }], 'never')).toBe(0);
    expect(exitCodeFor([], 'info')).toBe(0);
  });

  it('quotes CSV fields per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"\nthere')).toBe('"say ""hi""\nthere"');
    const csv = formatCsv(jsonReport(result, 0));
    expect(csv.split('\r\n')[0]).toBe('rule,severity,issueKey,message');
    expect(csv).toContain('feature-missing-pm,error,ART-1,"Feature ""A, b"" has no PM"\r\n');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('groups the table by rule with counts, severities and coverage', () => {
    const table = formatTable(jsonReport(result, 3));
    expect(table).toContain('ART: 12 issues, 3 findings (2 error, 0 warning, 1 info)');
    expect(table).toContain('features with a Product Manager 50.0%');
    expect(table).toContain('done stories accepted by their PO n/a');
    expect(table).toMatch(/feature-missing-pm {2}\[error\] {2}1\n {2}ART-1 {3}Feature/);
    expect(table).toMatch(/story-missing-po-acceptance {2}\[error\/info\] {2}2/);
    expect(table).toContain('info    say "hi" there');
  });
});
