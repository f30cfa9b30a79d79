/**
 * The audit report in the CLI's three formats (../shared/spec/contracts.md), pure: an AuditResult
 * in, text out. JSON is the contract for scripts; the table is for people; CSV for spreadsheets.
 */
import { RULE_IDS, SEVERITIES, type AuditResult, type Finding, type Severity } from '../domain/types';
import type { FailOn, Format } from './args';

export interface JsonReport {
  project: string;
  findings: Finding[];
  summary: {
    issues: number;
    coverage: { featuresWithPm: number | null; doneStoriesAccepted: number | null };
  };
  /** HTTP requests made to the site (0 when auditing a snapshot: no site is contacted). */
  requests: number;
  /**
   * Present only when the audit could not read everything it needed (parents deleted or hidden
   * from the account), so a script never mistakes an incomplete audit for a complete one.
   */
  partial?: { missingParents: string[] };
}

export function jsonReport(
  result: AuditResult,
  requests: number,
  missingParents: readonly string[] = [],
): JsonReport {
  const report: JsonReport = {
    project: result.projectKey,
    findings: result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      issueKey: f.issueKey,
      message: f.message,
    })),
    summary: {
      issues: result.issueCount,
      coverage: {
        featuresWithPm: result.coverage.featuresWithPm,
        doneStoriesAccepted: result.coverage.doneStoriesAccepted,
      },
    },
    requests,
  };
  if (missingParents.length > 0) report.partial = { missingParents: [...missingParents] };
  return report;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** 1 when some finding is at or above the threshold, else 0 (`never` always 0). */
export function exitCodeFor(findings: readonly Pick<Finding, 'severity'>[], failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  const threshold = RANK[failOn];
  return findings.some((f) => RANK[f.severity] >= threshold) ? 1 : 0;
}

function percent(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Findings grouped by rule (catalog order), with counts, severity and coverage, for a terminal. */
export function formatTable(report: JsonReport): string {
  const lines: string[] = [];
  const bySeverity = SEVERITIES.map(
    (s) => [s, report.findings.filter((f) => f.severity === s).length] as const,
  );
  lines.push(
    `POPM Guard audit of ${report.project}: ${plural(report.summary.issues, 'issue')}, ${plural(report.findings.length, 'finding')}` +
      (report.findings.length > 0 ? ` (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''),
  );
  lines.push(
    `Coverage: features with a Product Manager ${percent(report.summary.coverage.featuresWithPm)}; ` +
      `done stories accepted by their PO ${percent(report.summary.coverage.doneStoriesAccepted)}`,
  );
  lines.push(`Requests to the site: ${report.requests}`);
  if (report.partial) {
    const missing = report.partial.missingParents;
    lines.push(
      `PARTIAL: ${plural(missing.length, 'parent issue')} could not be read (deleted or not visible): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`,
    );
  }

  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = groups.get(f.rule);
    if (list) list.push(f);
    else groups.set(f.rule, [f]);
  }
  const order = [...RULE_IDS, ...[...groups.keys()].filter((r) => !RULE_IDS.some((id) => id === r))];
  const keyWidth = Math.max(0, ...report.findings.map((f) => f.issueKey.length));
  for (const rule of order) {
    const list = groups.get(rule);
    if (!list) continue;
    const distinct = SEVERITIES.filter((s) => list.some((f) => f.severity === s));
    lines.push('', `${rule}  [${distinct.join('/')}]  ${list.length}`);
    // A rule such as story-missing-po-acceptance mixes severities: then each line says which.
    const mixed = distinct.length > 1;
    for (const f of list) {
      const sev = mixed ? `${f.severity.padEnd(7)} ` : '';
      lines.push(`  ${f.issueKey.padEnd(keyWidth)}  ${sev}${oneLine(f.message)}`);
    }
  }
  if (report.findings.length === 0) lines.push('', 'No findings.');
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** One CSV field per RFC 4180: quoted when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatCsv(report: JsonReport): string {
  const rows = [['rule', 'severity', 'issueKey', 'message']];
  for (const f of report.findings) rows.push([f.rule, f.severity, f.issueKey, f.message]);
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function formatReport(report: JsonReport, format: Format): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'csv') return formatCsv(report);
  return formatTable(report);
}
