/**
 * What a configuration change does to one project's findings, issue by issue: the admin preview
 * lists these so an administrator sees which issues a change touches, not only totals (a change
 * of severity alone leaves every count by rule as it was).
 */
import type { Finding, RuleId, Severity } from './types';
import { SEVERITIES } from './types';
import { compareIssueKeys } from './read';

/** The preview lists this many changed issues; the rest are counted. */
export const MAX_PREVIEW_CHANGES = 50;

export interface RuleSeverity {
  rule: RuleId;
  severity: Severity;
}

export interface SeverityChange {
  rule: RuleId;
  from: Severity;
  to: Severity;
}

export interface IssueChange {
  issueKey: string;
  summary: string;
  added: RuleSeverity[];
  removed: RuleSeverity[];
  /** The same rule on the same issue, judged at a different severity. */
  changed: SeverityChange[];
}

export interface FindingChanges {
  /** The first MAX_PREVIEW_CHANGES changed issues, in the findings' order (issue key). */
  issues: IssueChange[];
  /** Every issue that changes, listed or not. */
  total: number;
}

const byIssue = (findings: readonly Finding[]): Map<string, Finding[]> => {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = out.get(f.issueKey);
    if (list) list.push(f);
    else out.set(f.issueKey, [f]);
  }
  return out;
};

/**
 * Pairs one issue's findings before and after by rule. A rule can fire more than once on an issue
 * (nothing in the engine forbids it), so findings pair up in order within a rule; what is left
 * over on either side was added or removed.
 */
function compareIssue(
  before: readonly Finding[],
  after: readonly Finding[],
): Omit<IssueChange, 'issueKey' | 'summary'> {
  const added: RuleSeverity[] = [];
  const removed: RuleSeverity[] = [];
  const changed: SeverityChange[] = [];
  const left = [...before];
  for (const a of after) {
    // Prefer a same-severity partner, so an unchanged finding is never reported as a change.
    let i = left.findIndex((b) => b.rule === a.rule && b.severity === a.severity);
    if (i < 0) i = left.findIndex((b) => b.rule === a.rule);
    if (i < 0) {
      added.push({ rule: a.rule, severity: a.severity });
      continue;
    }
    const [b] = left.splice(i, 1);
    if (b && b.severity !== a.severity) changed.push({ rule: a.rule, from: b.severity, to: a.severity });
  }
  for (const b of left) removed.push({ rule: b.rule, severity: b.severity });
  return { added, removed, changed };
}

/** The issues whose findings differ between two evaluations of the same issues. */
export function findingChanges(
  before: readonly Finding[],
  after: readonly Finding[],
  summaryOf: (issueKey: string) => string,
  limit = MAX_PREVIEW_CHANGES,
): FindingChanges {
  const b = byIssue(before);
  const a = byIssue(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort(compareIssueKeys);
  const issues: IssueChange[] = [];
  let total = 0;
  for (const key of keys) {
    const change = compareIssue(b.get(key) ?? [], a.get(key) ?? []);
    if (change.added.length + change.removed.length + change.changed.length === 0) continue;
    total++;
    if (issues.length < limit) issues.push({ issueKey: key, summary: summaryOf(key), ...change });
  }
  return { issues, total };
}

/** Findings by severity, every severity present (0 when none). */
export function countsBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) out[f.severity]++;
  return out;
}
