/**
 * The decision log as CSV (contracts.md, `popm decisions`): one format for the CLI and the project
 * page's export. RFC 4180, CRLF line ends. Pure: bundled into the browser too.
 */
export const DECISION_CSV_COLUMNS = [
  'issueKey',
  'kind',
  'by',
  'byName',
  'at',
  'statusCategory',
  'reason',
] as const;

export type DecisionCsvRow = Record<(typeof DECISION_CSV_COLUMNS)[number], string>;

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function decisionsToCsv(rows: readonly DecisionCsvRow[]): string {
  const lines = [DECISION_CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(DECISION_CSV_COLUMNS.map((c) => cell(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
