import { progressBar } from '../../src/cli/progress';
import { formatTable, jsonReport, type IssueDetails } from '../../src/cli/report';
import { editDistance, suggest } from '../../src/cli/suggest';
import {
  COLOUR,
  displayWidth,
  escapeControl,
  fit,
  outputWidth,
  PLAIN,
  useColour,
} from '../../src/cli/terminal';
import type { AuditResult } from '../../src/domain/types';

describe('suggest', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('audti', 'audit')).toBe(1);
    expect(editDistance('projct', 'project')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests close words and prefixes, and nothing for far ones', () => {
    expect(suggest('audti', ['audit', 'export'])).toBe('audit');
    expect(suggest('EXPROT', ['audit', 'export'])).toBe('export');
    expect(suggest('snap', ['project', 'snapshot'])).toBe('snapshot');
    expect(suggest('verbose', ['project', 'snapshot', 'site'])).toBeUndefined();
    expect(suggest('x', ['audit'])).toBeUndefined();
  });
});

describe('terminal text', () => {
  it('escapes every control character, C1 and bidi overrides included', () => {
    expect(escapeControl('Eve\x1b]0;pwned\x07')).toBe('Eve\\x1b]0;pwned\\x07');
    expect(escapeControl('a\u009bb\u202ec\x7f\n\t')).toBe('a\\x9bb\\u202ec\\x7f\\n\\t');
    expect(escapeControl('Zoë 山田')).toBe('Zoë 山田');
  });

  it('fits text to a width, counting wide characters as two columns', () => {
    expect(displayWidth('山田')).toBe(4);
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab', 4, true)).toBe('ab  ');
    expect(fit('山田太郎', 5)).toBe('山田…');
    expect(displayWidth(fit('山田太郎', 5, true))).toBe(5);
  });

  it('uses colour only on a TTY, never with NO_COLOR, FORCE_COLOR as is conventional', () => {
    expect(useColour({}, true)).toBe(true);
    expect(useColour({}, false)).toBe(false);
    expect(useColour({}, undefined)).toBe(false);
    expect(useColour({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColour({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(useColour({ NO_COLOR: '' }, true)).toBe(true);
    expect(useColour({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(useColour({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(useColour({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('takes the terminal width, else COLUMNS, else 100, and never less than 40', () => {
    expect(outputWidth(132, {})).toBe(132);
    expect(outputWidth(undefined, {})).toBe(100);
    expect(outputWidth(undefined, { COLUMNS: '72' })).toBe(72);
    expect(outputWidth(undefined, { COLUMNS: 'wide' })).toBe(100);
    expect(outputWidth(20, {})).toBe(40);
  });
});

const hostile = 'Mallory\x1b]0;owned\x07\x1b[2J';
const result: AuditResult = {
  projectKey: 'ART',
  issues: [],
  findings: [
    {
      rule: 'feature-missing-pm',
      severity: 'error',
      issueKey: 'ART-1',
      message: `Feature ART-1 has no Product Manager; its epic's owner ${hostile} was asked`,
    },
    {
      rule: 'owner-inactive',
      severity: 'warning',
      issueKey: 'ART-123',
      message: 'Story ART-123: its Product Owner is inactive and someone should take it over soon',
    },
  ],
  coverage: { featuresWithPm: 0.5, doneStoriesAccepted: 1 },
  issueCount: 2,
  countsByRule: {},
};
const details = new Map<string, IssueDetails>([
  ['ART-1', { summary: `Checkout \x1b[31mred\x1b[0m ${'very long summary '.repeat(10)}`, owners: [] }],
  ['ART-123', { summary: 'Status In\u009b Progress', owners: [hostile] }],
]);

describe('formatTable for people', () => {
  it.each([40, 60, 80, 100, 160])('fits every line to %i columns', (width) => {
    const table = formatTable(jsonReport(result, 0), { details, width });
    for (const line of table.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    expect(table).toContain('ART-123');
  });

  it('lets no control character from Jira data reach the terminal', () => {
    const table = formatTable(jsonReport(result, 0), { details, width: 400 });
    // eslint-disable-next-line no-control-regex
    expect(table.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(table).toContain('Mallory\\x1b]0;owned\\x07');
    expect(table).toContain('In\\x9b Progress');
  });

  it('colours only with a colour style, and still escapes the data', () => {
    const plain = formatTable(jsonReport(result, 0), { details, width: 100, style: PLAIN });
    const coloured = formatTable(jsonReport(result, 0), { details, width: 100, style: COLOUR });
    expect(plain).not.toContain('\x1b');
    expect(coloured).toContain('\x1b[1m\x1b[31mERRORS (1)\x1b[39m\x1b[22m');
    expect(coloured).not.toContain('\x1b]0;');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('lines up the columns of every finding', () => {
    const table = formatTable(jsonReport(result, 0), { details, width: 100 });
    const rows = table.split('\n').filter((l) => /^ {4}ART-/.test(l));
    expect(rows).toHaveLength(2);
    const start = (row: string, text: string) => row.indexOf(text);
    expect(start(rows[0] ?? '', 'Feature ART-1 has')).toBe(start(rows[1] ?? '', 'Story ART-123:'));
    expect(start(rows[0] ?? '', 'Checkout')).toBe(start(rows[1] ?? '', 'Status In'));
  });

  it('drops the message column rather than squeeze it below readable', () => {
    const narrow = formatTable(jsonReport(result, 0), { details, width: 40 });
    expect(narrow).not.toContain('has no Product Manager;');
    const wide = formatTable(jsonReport(result, 0), { details, width: 160 });
    expect(wide).toContain('has no Product Manager;');
  });
});

describe('progressBar', () => {
  function bar(isTTY: boolean) {
    let out = '';
    let t = 0;
    const p = progressBar(
      { stdout: () => undefined, stderr: (s) => (out += s), stderrIsTTY: isTTY, now: () => t },
      80,
    );
    return { p, out: () => out, tick: (ms: number) => (t += ms) };
  }

  it('draws a bar of issues read against the approximate total, redrawing at most every 100 ms', () => {
    const b = bar(true);
    b.p.expected = 1000;
    b.p.update({ phase: 'project', done: 100 });
    b.p.update({ phase: 'project', done: 200 }); // same instant: skipped
    b.tick(150);
    b.p.update({ phase: 'project', done: 500 });
    b.p.clear();
    const frames = b
      .out()
      .split('\r\x1b[K')
      .filter((f) => f !== '');
    expect(frames).toEqual([
      'popm: reading issues of the project [##----------------------] 100/~1,000',
      'popm: reading issues of the project [############------------] 500/~1,000',
    ]);
    expect(b.out().endsWith('\r\x1b[K')).toBe(true);
  });

  it('is silent when stderr is not a terminal', () => {
    const b = bar(false);
    b.p.update({ phase: 'metadata', done: 0, total: 2 });
    b.p.update({ phase: 'project', done: 100 });
    b.p.clear();
    expect(b.p.active).toBe(false);
    expect(b.out()).toBe('');
  });
});
