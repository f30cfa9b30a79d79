/** Filtering of the project tree. Pure, so the page and the tests share it. */
import type { Level, RuleId, Severity, TreeRow } from '../../../src/shared/contract';
import { LEVELS, RULE_IDS, SEVERITIES } from '../../../src/domain/types';
import { oneOf } from './guards';

export interface TreeFilters {
  rule: RuleId | null;
  severity: Severity | null;
  level: Level | null;
  /** An account id; the special value `none` keeps rows without owners. */
  owner: string | null;
  onlyProblems: boolean;
}

export const NO_FILTERS: TreeFilters = {
  rule: null,
  severity: null,
  level: null,
  owner: null,
  onlyProblems: false,
};

export function isFiltering(f: TreeFilters): boolean {
  return f.rule !== null || f.severity !== null || f.level !== null || f.owner !== null || f.onlyProblems;
}

/** Whether the row itself matches; findings of the row are narrowed by rule and severity. */
export function rowMatches(row: TreeRow, f: TreeFilters): boolean {
  if (f.level && row.level !== f.level) return false;
  if (f.owner) {
    if (f.owner === 'none' ? row.owners.length > 0 : !row.owners.some((o) => o.accountId === f.owner))
      return false;
  }
  const findings = row.findings.filter(
    (x) => (!f.rule || x.rule === f.rule) && (!f.severity || x.severity === f.severity),
  );
  if ((f.rule || f.severity || f.onlyProblems) && findings.length === 0) return false;
  return true;
}

/**
 * The rows to show: matching rows plus their ancestors (so the tree stays readable). With no
 * filter, every row.
 */
export function filterTree(rows: readonly TreeRow[], f: TreeFilters): TreeRow[] {
  if (!isFiltering(f)) return [...rows];
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const keep = new Set<string>();
  for (const row of rows) {
    if (!rowMatches(row, f)) continue;
    let cur: TreeRow | undefined = row;
    while (cur && !keep.has(cur.key)) {
      keep.add(cur.key);
      cur = cur.parentKey ? byKey.get(cur.parentKey) : undefined;
    }
  }
  return rows.filter((r) => keep.has(r.key));
}

/**
 * The findings of the visible rows that match the rule and severity filters (for export), each
 * with its row so the export can name the issue's summary, owners and acceptance.
 */
export function visibleFindings(rows: readonly TreeRow[], f: TreeFilters) {
  return rows
    .filter((r) => rowMatches(r, f))
    .flatMap((r) =>
      r.findings
        .filter((x) => (!f.rule || x.rule === f.rule) && (!f.severity || x.severity === f.severity))
        .map((x) => ({ ...x, issue: r })),
    );
}

/** Owners seen in the tree, for the owner filter, sorted by name. */
export function ownersOf(rows: readonly TreeRow[]): { accountId: string; displayName: string }[] {
  const seen = new Map<string, string>();
  for (const r of rows) for (const o of r.owners) seen.set(o.accountId, o.displayName);
  return [...seen]
    .map(([accountId, displayName]) => ({ accountId, displayName }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Rows hidden because an ancestor is collapsed. */
export function visibleUnderCollapse(rows: readonly TreeRow[], collapsed: ReadonlySet<string>): TreeRow[] {
  if (collapsed.size === 0) return [...rows];
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return rows.filter((r) => {
    let p = r.parentKey ? byKey.get(r.parentKey) : undefined;
    while (p) {
      if (collapsed.has(p.key)) return false;
      p = p.parentKey ? byKey.get(p.parentKey) : undefined;
    }
    return true;
  });
}

/** The query parameters that hold the filters (kept in the page's URL so a view can be shared). */
const PARAM = {
  rule: 'rule',
  severity: 'severity',
  level: 'level',
  owner: 'owner',
  onlyProblems: 'problems',
};
const OWNER_PARAM = /^(none|[A-Za-z0-9:_-]{1,128})$/;

/** Filters from a query string; unknown or malformed values are ignored (a shared link may be old). */
export function filtersFromSearch(search: string): TreeFilters {
  const p = new URLSearchParams(search);
  const owner = p.get(PARAM.owner);
  return {
    rule: oneOf(RULE_IDS, p.get(PARAM.rule) ?? ''),
    severity: oneOf(SEVERITIES, p.get(PARAM.severity) ?? ''),
    level: oneOf(LEVELS, p.get(PARAM.level) ?? ''),
    owner: owner && OWNER_PARAM.test(owner) ? owner : null,
    onlyProblems: p.get(PARAM.onlyProblems) === '1',
  };
}

/** The query string with the filters written in, every other parameter (scope...) left as it was. */
export function searchWithFilters(search: string, f: TreeFilters): string {
  const p = new URLSearchParams(search);
  const put = (name: string, value: string | null) => {
    if (value === null) p.delete(name);
    else p.set(name, value);
  };
  put(PARAM.rule, f.rule);
  put(PARAM.severity, f.severity);
  put(PARAM.level, f.level);
  put(PARAM.owner, f.owner);
  put(PARAM.onlyProblems, f.onlyProblems ? '1' : null);
  const q = p.toString();
  return q ? `?${q}` : '';
}
