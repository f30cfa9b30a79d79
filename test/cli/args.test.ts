import { parseInvocation, UsageError, type Env } from '../../src/cli/args';
import { COMMANDS } from '../../src/cli/commands';
import { csvField, exitCodeFor, formatCsv, formatTable, jsonReport } from '../../src/cli/report';
import type { AuditResult } from '../../src/domain/types';

const creds = ['--site', 'https://x.atlassian.net', '--email', 'a@b.c', '--token', 't'];

/** The command and options an argv parses to (help and version as their kind). */
function parseArgs(argv: string[], env: Env = {}): unknown {
  const inv = parseInvocation(COMMANDS, argv, env);
  if (inv.kind === 'run') return { command: inv.command.name, ...(inv.options as object) };
  if (inv.kind === 'help') return inv.command ? { help: inv.command.name } : { help: true };
  return { version: true };
}

function usageError(argv: string[], env: Env = {}): UsageError {
  try {
    parseArgs(argv, env);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`${JSON.stringify(argv)} parsed`);
}

describe('parseInvocation', () => {
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

  it('reads a lowercase project key as the upper-case key', () => {
    expect(parseArgs(['audit', '--project', 'art', '--snapshot', 's'])).toMatchObject({ project: 'ART' });
    expect(parseArgs(['audit', '--project= team_2 ', '--snapshot', 's'])).toMatchObject({
      project: 'TEAM_2',
    });
  });

  it('falls back to JIRA_SITE, JIRA_EMAIL and JIRA_API_TOKEN, flags winning', () => {
    const env = { JIRA_SITE: 'https://env.atlassian.net', JIRA_EMAIL: 'e@x', JIRA_API_TOKEN: 'tok' };
    expect(parseArgs(['export', '--project', 'ART', '--email', 'flag@x'], env)).toEqual({
      command: 'export',
      project: 'ART',
      source: { site: 'https://env.atlassian.net', email: 'flag@x', token: 'tok' },
    });
    // With --snapshot the environment's site is ignored rather than a clash.
    expect(parseArgs(['audit', '--project', 'ART', '--snapshot', 'f'], env)).toMatchObject({
      source: { kind: 'snapshot' },
    });
  });

  it('gives help for no command, help, --help, help <command> and <command> --help; -V is the version', () => {
    expect(parseArgs([])).toEqual({ help: true });
    expect(parseArgs(['--help'])).toEqual({ help: true });
    expect(parseArgs(['-h'])).toEqual({ help: true });
    expect(parseArgs(['help'])).toEqual({ help: true });
    expect(parseArgs(['audit', '--help'])).toEqual({ help: 'audit' });
    expect(parseArgs(['audit', '--project', 'ART', '-h'])).toEqual({ help: 'audit' });
    expect(parseArgs(['help', 'export'])).toEqual({ help: 'export' });
    expect(parseArgs(['--version'])).toEqual({ version: true });
    expect(parseArgs(['-V'])).toEqual({ version: true });
  });

  it.each([
    [['audti'], /unknown command "audti"/, /Did you mean popm audit\?/],
    [['exprot', '--project', 'ART'], /unknown command "exprot"/, /Did you mean popm export\?/],
    [['frobnicate'], /unknown command/, /Commands: audit, export/],
    [['help', 'adit'], /unknown command "adit"/, /Did you mean popm audit\?/],
    [['--project', 'ART'], /--project goes after a command/, /popm .* --project/],
    [['audit', '--projct', 'ART'], /unknown option --projct for audit/, /Did you mean --project\?/],
    [['audit', '--snap', 'f', '--project', 'ART'], /unknown option --snap/, /Did you mean --snapshot\?/],
    [['audit', '--failon', 'never'], /unknown option --failon/, /Did you mean --fail-on\?/],
    [['audit', '--verbose'], /unknown option --verbose/, /Options: --project, --snapshot/],
    [
      ['audit'],
      /audit needs --project KEY and one of --snapshot FILE or a site/,
      /popm audit --project ART --snapshot/,
    ],
    [['audit', '--snapshot', 's.json'], /audit needs --project KEY/, /For example/],
    [['audit', '--project', 'ART'], /audit needs one of --snapshot FILE or a site/, /--snapshot site.json/],
    [
      ['audit', '--project', 'ART', '--site', 'x'],
      /missing --email \(or JIRA_EMAIL\), --token \(or JIRA_API_TOKEN\)/,
      /API token/,
    ],
    [['audit', '--project', 'A-1', '--snapshot', 's'], /not a Jira project key/, /as in ART/],
    [
      ['audit', '--project', 'ART', '--snapshot', 's', '--site', 'x'],
      /cannot be combined with --site/,
      /either/,
    ],
    [
      ['audit', '--project', 'ART', '--snapshot', 's', '--format', 'jsno'],
      /--format must be one of table, json, csv/,
      /Did you mean --format json\?/,
    ],
    [
      ['audit', '--project', 'ART', '--snapshot', 's', '--fail-on', 'fatal'],
      /--fail-on must be one of/,
      /For example: --fail-on warning/,
    ],
    [['audit', '--project', 'ART', '--snapshot'], /--snapshot needs a value/, /For example: --snapshot /],
    [['audit', '--project', '--snapshot', 's'], /--project needs a value/, /--project ART/],
    [['audit', '--project=', '--snapshot', 's'], /--project needs a value/, /--project ART/],
    [['audit', '--project', 'ART', '--project', 'B', '--snapshot', 's'], /given twice/, /once/],
    [['audit', 'ART'], /unexpected argument "ART"/, /--project ART/],
    [['export', '--project', 'ART', '--snapshot', 's'], /unknown option --snapshot for export/, /Options:/],
    [['export', '--project', 'ART'], /export reads a site/, /> site.json/],
  ])('refuses %j, saying what to do next', (argv, message, hint) => {
    const error = usageError(argv);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
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

  it('groups the table by severity, then rule, with key, summary, owner and message', () => {
    const details = new Map([
      ['ART-1', { summary: 'Feature A', owners: [] }],
      ['ART-2', { summary: 'Story two', owners: ['Paula Pham', 'Kenji Sato'] }],
      ['ART-10', { summary: 'Story ten', owners: ['Kenji Sato'] }],
    ]);
    const table = formatTable(jsonReport(result, 3), { details, width: 100 });
    expect(table).toContain('ART: 12 issues, 3 findings (2 error, 0 warning, 1 info)');
    expect(table).toContain('features with a Product Manager 50.0%');
    expect(table).toContain('done stories accepted by their PO n/a');
    const lines = table.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    // Errors before info; within errors, rules in catalog order; the mixed rule appears under both.
    expect(at('ERRORS (2)')).toBeLessThan(at('feature-missing-pm (1)'));
    expect(at('feature-missing-pm (1)')).toBeLessThan(at('story-missing-po-acceptance (1)'));
    expect(at('story-missing-po-acceptance (1)')).toBeLessThan(at('INFO (1)'));
    expect(lines.slice(at('INFO (1)')).some((l) => l.includes('story-missing-po-acceptance (1)'))).toBe(true);
    expect(lines[at('ART-1 ')]).toMatch(/^ {4}ART-1 {3}Feature A +- +Feature "A, b" has no PM$/);
    expect(lines[at('ART-2 ')]).toMatch(/^ {4}ART-2 {3}Story two +Paula Pham \+1 +done, not accepted$/);
    expect(table).toContain('say "hi" there');
    expect(table).not.toContain('WARNINGS');
  });
});
