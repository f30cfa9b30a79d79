/** Client-side CSV export, byte for byte the CLI's `--format csv` (src/cli/report.ts): RFC 4180, CRLF. */
import type { Finding, IssueSummary } from '../../../src/shared/contract';

export const CSV_COLUMNS = ['rule', 'severity', 'issueKey', 'message'] as const;

/** RFC 4180: quote a cell when it holds a comma, quote, CR or LF; double embedded quotes. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function findingsToCsv(findings: readonly Finding[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const f of findings) lines.push(CSV_COLUMNS.map((c) => csvCell(f[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * The audit's finding order: by issue key (project, then number), then the rule catalog's order.
 * The tree lists rows parent-first, so the export re-sorts to match the CLI.
 */
export function sortFindings<T extends Finding>(findings: readonly T[], ruleOrder: readonly string[]): T[] {
  const keyParts = (k: string): [string, number] => {
    const i = k.lastIndexOf('-');
    return [k.slice(0, i), Number(k.slice(i + 1))];
  };
  return [...findings].sort((a, b) => {
    const [pa, na] = keyParts(a.issueKey);
    const [pb, nb] = keyParts(b.issueKey);
    if (pa !== pb) return pa < pb ? -1 : 1;
    if (na !== nb) return na - nb;
    return ruleOrder.indexOf(a.rule) - ruleOrder.indexOf(b.rule);
  });
}

/**
 * The project page's export: the audit's four columns first (a script reading the CLI's CSV reads
 * this one too), then what a person needs to act without opening each issue.
 */
export const EXPORT_COLUMNS = [
  ...CSV_COLUMNS,
  'summary',
  'issueType',
  'level',
  'status',
  'owners',
  'acceptance',
] as const;

export interface ExportRow extends Finding {
  issue: Pick<IssueSummary, 'summary' | 'issueType' | 'level' | 'status' | 'owners' | 'acceptance'>;
}

/** Acceptance in words: blank above the team level, where nobody accepts. */
export function acceptanceWord(issue: ExportRow['issue']): string {
  if (issue.level !== 'team') return '';
  const a = issue.acceptance;
  if (!a) return 'not accepted';
  const state = a.valid ? 'accepted' : a.stale ? 'stale' : 'not by PO';
  return `${state} by ${a.acceptedByName ?? a.acceptedBy} at ${a.acceptedAt}`;
}

export function exportRowsToCsv(rows: readonly ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const r of rows) {
    const extra = [
      r.issue.summary,
      r.issue.issueType,
      r.issue.level,
      r.issue.status.name,
      r.issue.owners.map((o) => o.displayName).join('; '),
      acceptanceWord(r.issue),
    ];
    lines.push([...CSV_COLUMNS.map((c) => r[c]), ...extra].map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
