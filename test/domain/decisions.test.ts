import { createHash } from 'node:crypto';
import { criteriaFingerprint, isSelfAppointed, parseAcceptance, recordOf } from '../../src/domain/acceptance';
import { criteriaText } from '../../src/domain/adf';
import { parseConfig } from '../../src/domain/config';
import { evaluate } from '../../src/domain/engine';
import type { AuditResult, Decision, RuleId } from '../../src/domain/types';
import { bullets, doc, heading, para, site, story, feature, type IssueSpec } from './builders';

const AC = doc(para('Given a user, when they sign up, then they get a mail'));
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const AC_FP = sha('Given a user, when they sign up, then they get a mail');

function decision(kind: Decision['kind'], extra: Partial<Decision> = {}): Decision {
  return { kind, by: 'u-po1', at: '2026-02-01T10:00:00.000Z', statusCategory: 'done', ...extra };
}

function audit(specs: IssueSpec[], config: Record<string, unknown> = {}): AuditResult {
  return evaluate(site([feature('ART-1'), ...specs]), parseConfig({ version: 1, ...config }), 'ART');
}
const rulesOf = (r: AuditResult, key: string): RuleId[] =>
  r.findings.filter((f) => f.issueKey === key).map((f) => f.rule);
const finding = (r: AuditResult, key: string, rule: RuleId) =>
  r.findings.find((f) => f.issueKey === key && f.rule === rule);

describe('decisions in the popm.acceptance mirror', () => {
  it('takes the record from the latest decision, whatever the top-level fields say', () => {
    const read = parseAcceptance({
      acceptedBy: 'u-po2',
      acceptedAt: '2026-01-01T00:00:00Z',
      decisions: [decision('rejected', { reason: 'no' }), decision('accepted', { criteria: AC_FP })],
    });
    expect(read).toMatchObject({
      state: 'present',
      record: { acceptedBy: 'u-po1', criteria: AC_FP, statusCategory: 'done' },
    });
  });

  it('has no record when the latest decision is a rejection or a revocation', () => {
    expect(parseAcceptance({ decisions: [decision('accepted'), decision('revoked')] }).state).toBe('absent');
    const read = parseAcceptance({ decisions: [decision('rejected', { reason: 'Missing tests' })] });
    expect(read).toEqual({ state: 'absent', decisions: [decision('rejected', { reason: 'Missing tests' })] });
  });

  it('reads a property without decisions as before', () => {
    expect(parseAcceptance({ acceptedBy: 'u-po1', acceptedAt: '2026-02-01T10:00:00.000Z' })).toEqual({
      state: 'present',
      record: { acceptedBy: 'u-po1', acceptedAt: '2026-02-01T10:00:00.000Z' },
    });
  });

  it('refuses a rejection without a reason and names the path', () => {
    const read = parseAcceptance({ decisions: [decision('rejected')] });
    expect(read.state).toBe('malformed');
    expect(read.state === 'malformed' && read.problem).toMatch(/decisions\.0\.reason/);
    const long = parseAcceptance({ decisions: [decision('rejected', { reason: 'x'.repeat(2001) })] });
    expect(long.state).toBe('malformed');
  });

  it('recordOf is null for an empty history', () => {
    expect(recordOf([])).toBeNull();
  });
});

describe('criteria fingerprint', () => {
  it('hashes the field text nodes joined by single spaces, whitespace collapsed', () => {
    const field = doc(para('Given  a user,', 'when'), bullets('they  sign up'));
    expect(criteriaText(field, undefined)).toBe('Given a user, when they sign up');
    expect(criteriaFingerprint(field, undefined)).toBe(sha('Given a user, when they sign up'));
  });

  it('uses the description section, heading included, up to the next heading', () => {
    const description = doc(
      para('Intro'),
      heading('Acceptance criteria'),
      bullets('One', 'Two'),
      heading('Notes'),
      para('Not part of it'),
    );
    expect(criteriaText(null, description)).toBe('Acceptance criteria One Two');
    expect(criteriaFingerprint(null, description)).toBe(sha('Acceptance criteria One Two'));
  });

  it('prefers the field when it holds text, and is absent without criteria', () => {
    expect(criteriaText(doc(para('Field')), doc(heading('Acceptance criteria'), para('x')))).toBe('Field');
    expect(criteriaFingerprint(doc(para('  ')), doc(para('Just a description')))).toBeUndefined();
  });
});

describe('self-appointment', () => {
  const at = '2026-02-01T10:00:00.000Z';
  it('is set when the acceptor added themselves within 30 days before', () => {
    expect(
      isSelfAppointed('u-po1', at, [{ accountId: 'u-po1', by: 'u-po1', at: '2026-01-20T00:00:00Z' }]),
    ).toBe(true);
  });
  it('is not set when someone else appointed them, or longer ago, or for another person', () => {
    expect(
      isSelfAppointed('u-po1', at, [{ accountId: 'u-po1', by: 'u-adm', at: '2026-01-20T00:00:00Z' }]),
    ).toBe(false);
    expect(
      isSelfAppointed('u-po1', at, [{ accountId: 'u-po1', by: 'u-po1', at: '2025-12-01T00:00:00Z' }]),
    ).toBe(false);
    expect(
      isSelfAppointed('u-po1', at, [{ accountId: 'u-po2', by: 'u-po2', at: '2026-01-20T00:00:00Z' }]),
    ).toBe(false);
    expect(
      isSelfAppointed('u-po1', at, [{ accountId: 'u-po1', by: 'u-po1', at: '2026-02-02T00:00:00Z' }]),
    ).toBe(false);
  });
});

describe('rule story-rejected', () => {
  const rejected = {
    decisions: [
      decision('accepted'),
      decision('rejected', { reason: 'Login fails on Safari', at: '2026-02-03T08:00:00Z' }),
    ],
  };

  it('fires when the latest decision is a rejection, naming who, when and why', () => {
    const r = audit([story('ART-10', { parent: 'ART-1', status: 'done', acceptance: rejected })]);
    expect(rulesOf(r, 'ART-10')).toContain('story-rejected');
    expect(rulesOf(r, 'ART-10')).not.toContain('story-missing-po-acceptance');
    expect(finding(r, 'ART-10', 'story-rejected')).toMatchObject({
      severity: 'warning',
      message: 'Story ART-10 was rejected by Olga Owens on 2026-02-03: "Login fails on Safari"',
    });
  });

  it('does not fire once the story is accepted again, or when it was only revoked', () => {
    const again = {
      decisions: [...rejected.decisions, decision('accepted', { at: '2026-02-04T08:00:00Z' })],
    };
    const revoked = { decisions: [decision('accepted'), decision('revoked')] };
    const r = audit([
      story('ART-10', { parent: 'ART-1', status: 'done', acceptance: again }),
      story('ART-11', { parent: 'ART-1', status: 'done', acceptance: revoked }),
    ]);
    expect(rulesOf(r, 'ART-10')).toEqual([]);
    expect(rulesOf(r, 'ART-11')).toEqual(['story-missing-po-acceptance']);
  });

  it('gives way to story-missing-po-acceptance when switched off', () => {
    const r = audit([story('ART-10', { parent: 'ART-1', status: 'done', acceptance: rejected })], {
      rules: { 'story-rejected': { enabled: false } },
    });
    expect(rulesOf(r, 'ART-10')).toEqual(['story-missing-po-acceptance']);
  });
});

describe('rule acceptance-criteria-changed', () => {
  it('fires when the criteria now give another fingerprint', () => {
    const acceptance = { decisions: [decision('accepted', { criteria: sha('Old criteria') })] };
    const r = audit([story('ART-10', { parent: 'ART-1', status: 'done', ac: AC, acceptance })]);
    expect(rulesOf(r, 'ART-10')).toEqual(['acceptance-criteria-changed']);
    expect(finding(r, 'ART-10', 'acceptance-criteria-changed')?.message).toMatch(/have changed since/);
  });

  it('does not fire when they are unchanged, when the record has no fingerprint, or the acceptance is invalid', () => {
    const same = { decisions: [decision('accepted', { criteria: AC_FP })] };
    const none = { decisions: [decision('accepted')] };
    const notPo = { decisions: [decision('accepted', { by: 'u-dev1', criteria: sha('Old') })] };
    const r = audit([
      story('ART-10', { parent: 'ART-1', status: 'done', ac: AC, acceptance: same }),
      story('ART-11', { parent: 'ART-1', status: 'done', ac: AC, acceptance: none }),
      story('ART-12', { parent: 'ART-1', status: 'done', ac: AC, acceptance: notPo }),
    ]);
    expect(rulesOf(r, 'ART-10')).toEqual([]);
    expect(rulesOf(r, 'ART-11')).toEqual([]);
    expect(rulesOf(r, 'ART-12')).toEqual(['acceptance-not-by-po']);
  });
});

describe('rule acceptance-self-appointed', () => {
  it('fires on a valid acceptance marked selfAppointed', () => {
    const acceptance = { decisions: [decision('accepted', { selfAppointed: true })] };
    const r = audit([story('ART-10', { parent: 'ART-1', status: 'done', acceptance })]);
    expect(rulesOf(r, 'ART-10')).toEqual(['acceptance-self-appointed']);
  });
  it('does not fire without the mark, or when the acceptance is no longer valid', () => {
    const stale = { decisions: [decision('accepted', { selfAppointed: true })] };
    const r = audit([
      story('ART-10', { parent: 'ART-1', status: 'done', acceptance: { decisions: [decision('accepted')] } }),
      story('ART-11', {
        parent: 'ART-1',
        status: 'done',
        changedAt: '2026-03-01T00:00:00Z',
        acceptance: stale,
      }),
    ]);
    expect(rulesOf(r, 'ART-10')).toEqual([]);
    expect(rulesOf(r, 'ART-11')).toEqual(['acceptance-stale']);
  });
});

describe('rule acceptance-by-assignee', () => {
  const byAssignee = (key: string) =>
    story(key, {
      parent: 'ART-1',
      status: 'done',
      acceptance: { decisions: [decision('accepted')] },
      fields: { assignee: { accountId: 'u-po1', displayName: 'Olga Owens' } },
    });

  it('is off by default', () => {
    expect(rulesOf(audit([byAssignee('ART-10')]), 'ART-10')).toEqual([]);
  });

  it('fires as an error when switched on and the acceptor is the assignee', () => {
    const r = audit([byAssignee('ART-10')], { rules: { 'acceptance-by-assignee': { enabled: true } } });
    expect(finding(r, 'ART-10', 'acceptance-by-assignee')).toMatchObject({
      severity: 'error',
      message: 'Story ART-10 was accepted by Olga Owens, who is also its assignee',
    });
  });

  it('does not fire when switched on and someone else is assigned', () => {
    const other = story('ART-11', {
      parent: 'ART-1',
      status: 'done',
      acceptance: { decisions: [decision('accepted')] },
      fields: { assignee: 'u-dev1' },
    });
    const r = audit([other], { rules: { 'acceptance-by-assignee': { enabled: true } } });
    expect(rulesOf(r, 'ART-11')).toEqual([]);
  });
});
