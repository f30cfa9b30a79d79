import {
  acceptanceWord,
  csvCell,
  exportRowsToCsv,
  findingsToCsv,
  sortFindings,
} from '../../static/src/lib/csv';
import {
  filtersFromSearch,
  filterTree,
  NO_FILTERS,
  searchWithFilters,
  ownersOf,
  visibleFindings,
  visibleUnderCollapse,
} from '../../static/src/lib/filters';
import { age, dateTime, friendlyDate, percent, setUserLocale } from '../../static/src/lib/format';
import { trendPaths } from '../../static/src/lib/trend';
import { describeError, ERROR_ACTIONS } from '../../static/src/errors';
import { ERROR_CODES, gadgetConfigSchema, type Finding, type TreeRow } from '../../src/shared/contract';
import { parseGadgetConfig } from '../../static/src/lib/gadgetConfig';
import { parseContext } from '../../static/src/lib/context';
import { RULE_IDS } from '../../src/domain/types';
import { loadEnglish } from './english';

beforeAll(loadEnglish);

function row(key: string, parentKey: string | null, extra: Partial<TreeRow> = {}): TreeRow {
  return {
    key,
    summary: `Summary ${key}`,
    projectKey: key.split('-')[0] ?? '',
    issueType: 'Story',
    level: 'team',
    status: { name: 'Done', category: 'done' },
    owners: [],
    ownerSource: null,
    role: 'Product Owner',
    acceptance: null,
    findings: [],
    belowCounts: {},
    parentKey,
    depth: parentKey ? 1 : 0,
    context: false,
    ...extra,
  };
}

const f = (
  issueKey: string,
  rule: Finding['rule'],
  severity: Finding['severity'] = 'error',
  message = 'm',
): Finding => ({
  issueKey,
  rule,
  severity,
  message,
});

describe('CSV export', () => {
  it('quotes only cells that need it, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('writes the CLI columns in order, one line per finding', () => {
    const csv = findingsToCsv([f('ART-2', 'feature-missing-pm', 'error', 'No PM, at all')]);
    expect(csv).toBe('rule,severity,issueKey,message\r\nfeature-missing-pm,error,ART-2,"No PM, at all"\r\n');
  });

  it('sorts by project, issue number (numerically), then catalog order', () => {
    const sorted = sortFindings(
      [
        f('ART-10', 'owner-inactive'),
        f('ART-9', 'story-missing-po'),
        f('ART-10', 'feature-missing-pm'),
        f('AB-99', 'owner-inactive'),
      ],
      RULE_IDS,
    );
    expect(sorted.map((x) => `${x.issueKey}:${x.rule}`)).toEqual([
      'AB-99:owner-inactive',
      'ART-9:story-missing-po',
      'ART-10:feature-missing-pm',
      'ART-10:owner-inactive',
    ]);
  });
});

describe('tree filters', () => {
  const owner = { accountId: 'u1', displayName: 'Una', active: true };
  const rows = [
    row('ART-1', null, { level: 'program', owners: [owner] }),
    row('ART-2', 'ART-1', { findings: [f('ART-2', 'story-missing-po', 'warning')] }),
    row('ART-3', 'ART-1', { findings: [f('ART-3', 'story-missing-po-acceptance', 'error')] }),
    row('ART-4', null, { level: 'program' }),
  ];

  it('keeps everything without filters', () => {
    expect(filterTree(rows, NO_FILTERS)).toHaveLength(4);
  });

  it('keeps matching rows and their ancestors', () => {
    const out = filterTree(rows, { ...NO_FILTERS, rule: 'story-missing-po' });
    expect(out.map((r) => r.key)).toEqual(['ART-1', 'ART-2']);
  });

  it('filters by severity, level, owner and only-problems', () => {
    expect(filterTree(rows, { ...NO_FILTERS, severity: 'error' }).map((r) => r.key)).toEqual([
      'ART-1',
      'ART-3',
    ]);
    expect(filterTree(rows, { ...NO_FILTERS, level: 'program' }).map((r) => r.key)).toEqual([
      'ART-1',
      'ART-4',
    ]);
    expect(filterTree(rows, { ...NO_FILTERS, owner: 'u1' }).map((r) => r.key)).toEqual(['ART-1']);
    expect(filterTree(rows, { ...NO_FILTERS, owner: 'none', level: 'program' }).map((r) => r.key)).toEqual([
      'ART-4',
    ]);
    expect(filterTree(rows, { ...NO_FILTERS, onlyProblems: true }).map((r) => r.key)).toEqual([
      'ART-1',
      'ART-2',
      'ART-3',
    ]);
  });

  it('exports only findings matching the filters', () => {
    expect(visibleFindings(rows, { ...NO_FILTERS, severity: 'warning' }).map((x) => x.issueKey)).toEqual([
      'ART-2',
    ]);
    expect(visibleFindings(rows, NO_FILTERS)).toHaveLength(2);
  });

  it('hides descendants of collapsed rows and lists owners', () => {
    expect(visibleUnderCollapse(rows, new Set(['ART-1'])).map((r) => r.key)).toEqual(['ART-1', 'ART-4']);
    expect(ownersOf(rows)).toEqual([{ accountId: 'u1', displayName: 'Una' }]);
  });
});

describe('formatting', () => {
  it('formats ratios and ages', () => {
    expect(percent(null)).toBe('—');
    expect(percent(0.666)).toBe('67%');
    const now = new Date('2026-01-10T12:00:00Z');
    expect(age(null, now)).toBe('never');
    expect(age('2026-01-10T11:59:30Z', now)).toBe('just now');
    expect(age('2026-01-10T11:55:00Z', now)).toBe('5 minutes ago');
    expect(age('2026-01-10T11:00:00Z', now)).toBe('1 hour ago');
    expect(age('2026-01-08T12:00:00Z', now)).toBe('2 days ago');
  });
});

describe('trend chart geometry', () => {
  it('draws a line per series with gaps for missing values', () => {
    const [pm, acc] = trendPaths(
      [
        { date: '2026-01-01', featuresWithPm: 0, doneStoriesAccepted: null },
        { date: '2026-01-02', featuresWithPm: 1, doneStoriesAccepted: 0.5 },
      ],
      100,
      50,
      0,
    );
    expect(pm?.d).toBe('M0.0,50.0L100.0,0.0');
    expect(pm?.last).toBe(1);
    expect(acc?.d).toBe('M100.0,25.0');
  });
});

describe('error messages', () => {
  it('has a title and an action for every error code', () => {
    for (const code of ERROR_CODES) {
      const d = describeError({ code, message: 'server says' });
      expect(d.title.length).toBeGreaterThan(3);
      expect(ERROR_ACTIONS[code].length).toBeGreaterThan(10);
      expect(d.detail).toBe('server says');
    }
  });
});

describe('filters in the URL', () => {
  it('round-trips every filter and keeps the other parameters', () => {
    const f = {
      rule: 'feature-missing-pm',
      severity: 'error',
      level: 'program',
      owner: 'u-ana',
      onlyProblems: true,
    } as const;
    const search = searchWithFilters('?sprint=active', f);
    expect(new URLSearchParams(search).get('sprint')).toBe('active');
    expect(filtersFromSearch(search)).toEqual(f);
    expect(searchWithFilters(search, NO_FILTERS)).toBe('?sprint=active');
  });

  it('ignores unknown values from an old or edited link', () => {
    expect(filtersFromSearch('?rule=nope&severity=fatal&level=x&owner=a%20b&problems=yes')).toEqual(
      NO_FILTERS,
    );
  });
});

describe('CSV export with issue columns', () => {
  it('adds summary, type, level, status, owners and acceptance after the audit columns', () => {
    const r = row('ART-2', null, {
      summary: 'Pay, "now"',
      owners: [
        { accountId: 'u1', displayName: 'Una', active: true },
        { accountId: 'u2', displayName: 'Dos', active: true },
      ],
      acceptance: null,
    });
    const csv = exportRowsToCsv([{ ...f('ART-2', 'story-missing-po-acceptance'), issue: r }]);
    expect(csv.split('\r\n')[0]).toBe(
      'rule,severity,issueKey,message,summary,issueType,level,status,owners,acceptance',
    );
    expect(csv.split('\r\n')[1]).toBe(
      'story-missing-po-acceptance,error,ART-2,m,"Pay, ""now""",Story,team,Done,Una; Dos,not accepted',
    );
    expect(acceptanceWord({ ...r, level: 'program' })).toBe('');
  });
});

describe('hand-rolled checks agree with the contract', () => {
  const cases: unknown[] = [
    { projectKey: 'ART' },
    { projectKey: 'ART', rules: ['feature-missing-pm'] },
    { projectKey: 'ART', rules: [] },
    { projectKey: 'art' },
    { projectKey: 'ART', rules: ['nope'] },
    { projectKey: 'ART', extra: 1 },
    { rules: [] },
    null,
    [],
    'ART',
    { projectKey: 'A'.repeat(256) },
    { projectKey: 'ORB', sprint: 'active' },
    { projectKey: 'ORB', sprint: ' 12 ', rules: ['story-missing-po'] },
    { projectKey: 'ORB', fixVersion: 'PI 2026.4' },
    { projectKey: 'ORB', sprint: '12', fixVersion: 'PI 2026.4' },
    { projectKey: 'ORB', sprint: '  ' },
    { projectKey: 'ORB', sprint: 12 },
    { projectKey: 'ORB', fixVersion: 'x'.repeat(256) },
  ];
  it.each(cases)('gadget configuration %j', (raw) => {
    const zod = gadgetConfigSchema.safeParse(raw);
    expect(parseGadgetConfig(raw)).toEqual(zod.success ? zod.data : null);
  });

  it('reads the context fields the surfaces use and names a malformed one', () => {
    const r = parseContext({
      accountId: 'u1',
      siteUrl: 'https://x.atlassian.net',
      theme: { colorMode: 'dark' },
      extension: { type: 'jira:issuePanel', issue: { key: 'ART-1', id: '10001' }, extra: true },
      other: 1,
    });
    expect(r).toEqual({
      ok: true,
      context: {
        accountId: 'u1',
        siteUrl: 'https://x.atlassian.net',
        theme: { colorMode: 'dark' },
        extension: { type: 'jira:issuePanel', issue: { key: 'ART-1', id: '10001' } },
      },
    });
    expect(parseContext(undefined)).toEqual({ ok: true, context: { extension: {} } });
    expect(parseContext({ extension: { issue: { key: 7 } } })).toEqual({
      ok: false,
      message: 'extension.issue.key must be a string',
    });
  });
});

describe('dates in the user locale, Jira style', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  it('is relative for the last week, then a date in the locale', () => {
    setUserLocale('en_GB');
    expect(friendlyDate('2026-11-20T11:55:00Z', now)).toBe('5 minutes ago');
    expect(friendlyDate('2026-11-19T12:00:00Z', now)).toBe('yesterday');
    expect(friendlyDate('2026-10-02T09:00:00Z', now)).toBe('2 Oct 2026');
    expect(dateTime('2026-10-02T09:00:00Z')).not.toMatch(/:\d\d:\d\d/);
    setUserLocale(undefined);
  });
});
