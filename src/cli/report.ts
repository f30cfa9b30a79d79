/**
 * The audit report in the CLI's three formats (../shared/spec/contracts.md), pure: an AuditResult
 * in, text out. JSON is the contract for scripts; the table is for people; CSV for spreadsheets.
 */
import { RULE_IDS, SEVERITIES, type AuditResult, type Finding, type Severity } from '../domain/types';
import type { FailOn, Format } from './args';
import { DEFAULT_WIDTH, displayWidth, escapeControl, fit, PLAIN, type Style } from './terminal';

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

/** What the table shows of the issue a finding is on, beyond the JSON report. */
export interface IssueDetails {
  summary: string;
  /** Display names of the issue's owners (PM, PO or Epic Owner), empty when it has none. */
  owners: string[];
}

export interface TableOptions {
  /** Columns to fit (default DEFAULT_WIDTH). */
  width?: number;
  style?: Style;
  details?: ReadonlyMap<string, IssueDetails>;
}

/** Summary, owner and message of each finding, from the audit's evaluated issues. */
export function issueDetails(result: AuditResult): Map<string, IssueDetails> {
  const out = new Map<string, IssueDetails>();
  for (const issue of result.issues) {
    if (!issue.inScope) continue;
    out.set(issue.key, {
      summary: issue.summary,
      owners: issue.owners.map((o) => o.displayName ?? o.accountId),
    });
  }
  return out;
}

const SEVERITY_TITLES: Record<Severity, string> = { error: 'ERRORS', warning: 'WARNINGS', info: 'INFO' };

/**
 * The report for people: a summary, then findings grouped by severity (errors first) and within
 * it by rule (catalog order), one line per finding with issue key, summary, owner and message,
 * every line fitted to `width`. All text from Jira is escaped (./terminal.ts).
 */
export function formatTable(report: JsonReport, options: TableOptions = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const style = options.style ?? PLAIN;
  const details = options.details ?? new Map<string, IssueDetails>();
  const lines: string[] = [];
  const line = (text: string): void => void lines.push(text);
  const counts = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const);
  const paint: Record<Severity, (t: string) => string> = {
    error: (t) => style.bold(style.red(t)),
    warning: (t) => style.bold(style.yellow(t)),
    info: (t) => style.bold(style.cyan(t)),
  };
  line(
    fit(
      `POPM Guard audit of ${report.project}: ${plural(report.summary.issues, 'issue')}, ${plural(report.findings.length, 'finding')}` +
        (report.findings.length > 0 ? ` (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''),
      width,
    ),
  );
  line(
    fit(
      `Coverage: features with a Product Manager ${percent(report.summary.coverage.featuresWithPm)}; ` +
        `done stories accepted by their PO ${percent(report.summary.coverage.doneStoriesAccepted)}`,
      width,
    ),
  );
  line(`Requests to the site: ${report.requests}`);
  if (report.partial) {
    const missing = report.partial.missingParents;
    line(
      fit(
        `PARTIAL: ${plural(missing.length, 'parent issue')} could not be read (deleted or not visible): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`,
        width,
      ),
    );
  }

  const keyWidth = Math.max(0, ...report.findings.map((f) => displayWidth(f.issueKey)));
  const ownerOf = (key: string): string => {
    const owners = details.get(key)?.owners ?? [];
    if (owners.length === 0) return '-';
    return escapeControl(owners[0] ?? '') + (owners.length > 1 ? ` +${owners.length - 1}` : '');
  };
  let ownerWidth = Math.min(
    20,
    Math.max(5, ...report.findings.map((f) => displayWidth(ownerOf(f.issueKey)))),
  );
  // Indent 4, three gaps of 2 between key, summary, owner and message.
  const rest = width - 4 - keyWidth - ownerWidth - 6;
  const withMessage = rest >= 30;
  let summaryWidth = Math.max(12, Math.floor(rest * 0.35));
  const messageWidth = withMessage ? rest - summaryWidth : 0;
  if (!withMessage) {
    // Narrow: key, summary and owner share what is left; the message is dropped.
    const avail = width - 4 - keyWidth - 4;
    summaryWidth = Math.max(8, avail - ownerWidth);
    ownerWidth = Math.max(4, avail - summaryWidth);
  }

  for (const severity of SEVERITIES) {
    const ofSeverity = report.findings.filter((f) => f.severity === severity);
    if (ofSeverity.length === 0) continue;
    line('');
    line(paint[severity](`${SEVERITY_TITLES[severity]} (${ofSeverity.length})`));
    const rules = [
      ...RULE_IDS,
      ...new Set(ofSeverity.map((f) => f.rule).filter((r) => !RULE_IDS.includes(r))),
    ];
    for (const rule of rules) {
      const list = ofSeverity.filter((f) => f.rule === rule);
      if (list.length === 0) continue;
      line(`  ${style.bold(fit(escapeControl(rule), width - 10))} ${style.dim(`(${list.length})`)}`);
      for (const f of list) {
        const summary = escapeControl(oneLine(details.get(f.issueKey)?.summary ?? ''));
        const cells = [
          fit(escapeControl(f.issueKey), keyWidth, true),
          fit(summary, summaryWidth, withMessage),
          fit(ownerOf(f.issueKey), ownerWidth, withMessage),
        ];
        const row = `    ${cells.join('  ')}`;
        line(
          withMessage
            ? `${row}  ${style.dim(fit(escapeControl(oneLine(f.message)), messageWidth))}`
            : fit(row.trimEnd(), width),
        );
      }
    }
  }
  if (report.findings.length === 0) {
    line('');
    line('No findings.');
  }
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

export function formatReport(report: JsonReport, format: Format, table: TableOptions = {}): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'csv') return formatCsv(report);
  return formatTable(report, table);
}
