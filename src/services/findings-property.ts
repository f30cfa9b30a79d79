/**
 * The small `popm.findings` issue property indexed for JQL (manifest `jira:entityProperty`):
 * `popmRule = story-missing-po`, `popmSeverity = error`, `popmAcceptanceValid = no`,
 * `popmFindingCount > 0`. Written as the app; readers must not trust it for decisions.
 */
import {
  FINDINGS_PROPERTY,
  SEVERITIES,
  type EvaluatedIssue,
  type RuleId,
  type Severity,
} from '../domain/types';
import type { JiraApi } from '../jira/api';

export interface FindingsPropertyValue {
  rules: RuleId[];
  severity: Severity | 'none';
  /** 'n/a' for issues that are not stories. */
  acceptanceValid: 'yes' | 'no' | 'n/a';
  count: number;
  updatedAt: string;
}

export function findingsPropertyValue(ev: EvaluatedIssue, now: Date): FindingsPropertyValue {
  const rules = [...new Set(ev.findings.map((f) => f.rule))];
  const severity = SEVERITIES.find((s) => ev.findings.some((f) => f.severity === s)) ?? 'none';
  return {
    rules,
    severity,
    acceptanceValid: ev.level === 'team' ? (ev.acceptanceValid ? 'yes' : 'no') : 'n/a',
    count: ev.findings.length,
    updatedAt: now.toISOString(),
  };
}

export async function writeFindingsProperty(api: JiraApi, ev: EvaluatedIssue, now: Date): Promise<void> {
  await api.setIssueProperty(ev.key, FINDINGS_PROPERTY, findingsPropertyValue(ev, now));
}
