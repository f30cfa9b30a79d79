import { countsBySeverity, findingChanges } from '../../src/domain/preview';
import type { Finding, RuleId, Severity } from '../../src/domain/types';

const f = (issueKey: string, rule: RuleId, severity: Severity): Finding => ({
  issueKey,
  rule,
  severity,
  message: `${rule} on ${issueKey}`,
});
const summary = (key: string) => `Summary of ${key}`;

describe('findingChanges (admin preview)', () => {
  it('lists nothing when the findings are the same, messages aside', () => {
    const before = [f('ORB-1', 'story-missing-po', 'warning')];
    const after = [{ ...before[0]!, message: 'worded differently' }];
    expect(findingChanges(before, after, summary)).toEqual({ issues: [], total: 0 });
  });

  it('reports a change of severity alone as a change of that issue', () => {
    const before = [f('ORB-1', 'story-missing-po', 'warning'), f('ORB-2', 'story-missing-po', 'warning')];
    const after = [f('ORB-1', 'story-missing-po', 'error'), f('ORB-2', 'story-missing-po', 'error')];
    const result = findingChanges(before, after, summary);
    expect(result.total).toBe(2);
    expect(result.issues[0]).toEqual({
      issueKey: 'ORB-1',
      summary: 'Summary of ORB-1',
      added: [],
      removed: [],
      changed: [{ rule: 'story-missing-po', from: 'warning', to: 'error' }],
    });
  });

  it('separates added and removed findings, issue by issue in key order', () => {
    const before = [f('ORB-10', 'story-missing-po', 'warning'), f('ORB-2', 'epic-missing-owner', 'info')];
    const after = [f('ORB-10', 'story-missing-po', 'warning'), f('ORB-10', 'feature-missing-pm', 'error')];
    const result = findingChanges(before, after, summary);
    expect(result.issues.map((i) => i.issueKey)).toEqual(['ORB-2', 'ORB-10']);
    expect(result.issues[0]).toMatchObject({
      removed: [{ rule: 'epic-missing-owner', severity: 'info' }],
      added: [],
    });
    expect(result.issues[1]).toMatchObject({
      added: [{ rule: 'feature-missing-pm', severity: 'error' }],
      removed: [],
      changed: [],
    });
  });

  it('pairs a rule firing twice on one issue without inventing a change', () => {
    const before = [f('ORB-1', 'story-missing-po', 'warning'), f('ORB-1', 'story-missing-po', 'error')];
    const after = [f('ORB-1', 'story-missing-po', 'error')];
    expect(findingChanges(before, after, summary).issues[0]).toMatchObject({
      removed: [{ rule: 'story-missing-po', severity: 'warning' }],
      changed: [],
    });
  });

  it('lists at most the limit and counts the rest', () => {
    const before = Array.from({ length: 7 }, (_, i) => f(`ORB-${i + 1}`, 'story-missing-po', 'warning'));
    const result = findingChanges(before, [], summary, 5);
    expect(result.total).toBe(7);
    expect(result.issues.map((i) => i.issueKey)).toEqual(['ORB-1', 'ORB-2', 'ORB-3', 'ORB-4', 'ORB-5']);
  });

  it('counts findings by severity, every severity present', () => {
    expect(countsBySeverity([f('A-1', 'story-missing-po', 'error')])).toEqual({
      error: 1,
      warning: 0,
      info: 0,
    });
  });
});
