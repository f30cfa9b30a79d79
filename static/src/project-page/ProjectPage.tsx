/** The project page: the whole tree with owners, status, acceptance and findings; filters; CSV. */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import type { ProjectTree, ResultError, TreeRow } from '../../../src/shared/contract';
import { LEVELS, RULE_IDS, SEVERITIES } from '../../../src/domain/types';
import { oneOf } from '../lib/guards';
import { api } from '../api';
import { findingsToCsv, sortFindings } from '../lib/csv';
import {
  filterTree,
  isFiltering,
  NO_FILTERS,
  ownersOf,
  visibleFindings,
  visibleUnderCollapse,
  type TreeFilters,
} from '../lib/filters';
import { age, LEVEL_LABEL } from '../lib/format';
import { RULE_TEXT } from '../lib/rules';
import { Acceptance, CountsByRule, CoverageFigures, FindingBadges, Owners } from '../ui/findings';
import { Empty, ErrorMessage, Loading } from '../ui/states';

type LoadState =
  | { phase: 'loading'; loaded: number; total: number | null }
  | { phase: 'error'; error: ResultError }
  | { phase: 'done' };

const POLL_MS = 2000;

/** Loads every page of the tree; while a scan runs, polls until it completes. */
function useProjectTree(projectKey: string) {
  const [tree, setTree] = useState<ProjectTree | null>(null);
  const [rows, setRows] = useState<TreeRow[]>([]);
  const [state, setState] = useState<LoadState>({ phase: 'loading', loaded: 0, total: null });
  const run = useRef(0);

  const load = useCallback(async () => {
    const mine = ++run.current;
    setState({ phase: 'loading', loaded: 0, total: null });
    let all: TreeRow[] = [];
    let cursor: string | undefined;
    for (;;) {
      const r = await api.getProjectTree(cursor ? { projectKey, cursor } : { projectKey });
      if (mine !== run.current) return;
      if (!r.ok) return setState({ phase: 'error', error: r.error });
      all = [...all, ...r.data.rows];
      setTree(r.data);
      setRows(all);
      if (r.data.scan.status === 'running') {
        setState({ phase: 'loading', loaded: r.data.scan.processed, total: r.data.scan.total });
        await new Promise((res) => setTimeout(res, POLL_MS));
        if (mine !== run.current) return;
        all = [];
        cursor = undefined;
        continue;
      }
      if (!r.data.nextCursor) break;
      cursor = r.data.nextCursor;
      setState({ phase: 'loading', loaded: all.length, total: r.data.issues });
    }
    setState({ phase: 'done' });
  }, [projectKey]);

  useEffect(() => {
    void load();
    return () => {
      run.current++;
    };
  }, [load]);
  return { tree, rows, state, reload: load };
}

export function ProjectPage({ projectKey }: { projectKey: string | undefined }) {
  if (!projectKey)
    return <ErrorMessage error={{ code: 'NOT_FOUND', message: 'This page was opened without a project.' }} />;
  return <ProjectPageFor projectKey={projectKey} />;
}

function ProjectPageFor({ projectKey }: { projectKey: string }) {
  const { tree, rows, state, reload } = useProjectTree(projectKey);
  const [scanError, setScanError] = useState<ResultError | null>(null);

  const startScan = async () => {
    setScanError(null);
    const r = await api.startScan({ projectKey });
    if (!r.ok) return setScanError(r.error);
    void reload();
  };

  if (state.phase === 'error') return <ErrorMessage error={state.error} onRetry={() => void reload()} />;
  if (!tree) return <Loading label={`Loading ${projectKey}`} />;
  return (
    <main aria-label={`POPM Guard for project ${projectKey}`}>
      <ProgressLine tree={tree} state={state} rows={rows.length} onScan={() => void startScan()} />
      {scanError && <ErrorMessage error={scanError} />}
      <ProjectTreeView tree={tree} rows={rows} complete={state.phase === 'done'} />
    </main>
  );
}

function ProgressLine({
  tree,
  state,
  rows,
  onScan,
}: {
  tree: ProjectTree;
  state: LoadState;
  rows: number;
  onScan: () => void;
}) {
  const { scan } = tree;
  if (state.phase === 'loading') {
    const total = state.total;
    return (
      <div role="status" aria-live="polite" className="popm-toolbar">
        {scan.status === 'running' ? (
          <span>
            Scanning {tree.projectKey}: {scan.processed} of {scan.total ?? '?'} issues read
          </span>
        ) : (
          <span>
            Loading issues: {rows} of {total ?? '?'}
          </span>
        )}
        <progress max={total ?? undefined} value={state.loaded} aria-label="Loading progress" />
      </div>
    );
  }
  return (
    <div className="popm-toolbar popm-muted">
      <span data-scan-status={scan.status}>
        {scan.status === 'failed'
          ? `The last scan failed${scan.error ? `: ${scan.error}` : ''}.`
          : `Data from ${age(scan.builtAt, new Date())}.`}
      </span>
      <Button onClick={onScan}>{scan.status === 'none' ? 'Scan project' : 'Rescan'}</Button>
    </div>
  );
}

export function ProjectTreeView({
  tree,
  rows,
  complete,
}: {
  tree: ProjectTree;
  rows: readonly TreeRow[];
  complete: boolean;
}) {
  const [filters, setFilters] = useState<TreeFilters>(NO_FILTERS);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const id = useId();
  const owners = useMemo(() => ownersOf(rows), [rows]);
  const filtered = useMemo(() => filterTree(rows, filters), [rows, filters]);
  const shown = useMemo(() => visibleUnderCollapse(filtered, collapsed), [filtered, collapsed]);
  const hasChildren = useMemo(
    () => new Set(rows.map((r) => r.parentKey).filter((k): k is string => k !== null)),
    [rows],
  );

  const toggle = (key: string) =>
    setCollapsed((c) => {
      const n = new Set(c);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });

  const exportCsv = () => {
    const findings = sortFindings(
      visibleFindings(
        rows.filter((r) => !r.context),
        filters,
      ),
      RULE_IDS,
    );
    const blob = new Blob([findingsToCsv(findings)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${tree.projectKey}-findings.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const set = <K extends keyof TreeFilters>(k: K, v: TreeFilters[K]) => setFilters((f) => ({ ...f, [k]: v }));

  return (
    <>
      <section className="popm-section popm-grid" aria-label="Summary">
        <div>
          <h2>Coverage</h2>
          <CoverageFigures coverage={tree.coverage} />
          <p className="popm-muted">
            {tree.issues} issues · {tree.countsBySeverity.error} errors · {tree.countsBySeverity.warning}{' '}
            warnings · {tree.countsBySeverity.info} info
          </p>
        </div>
        <div>
          <h2>Findings by rule</h2>
          <CountsByRule counts={tree.countsByRule} label="Findings by rule" />
        </div>
      </section>

      <section className="popm-section" aria-label="Filters">
        <div className="popm-toolbar">
          <div className="popm-field">
            <label htmlFor={`${id}-rule`}>Rule</label>
            <select
              id={`${id}-rule`}
              value={filters.rule ?? ''}
              onChange={(e) => set('rule', oneOf(RULE_IDS, e.target.value))}
            >
              <option value="">All rules</option>
              {RULE_IDS.map((r) => (
                <option key={r} value={r}>
                  {RULE_TEXT[r].title}
                </option>
              ))}
            </select>
          </div>
          <div className="popm-field">
            <label htmlFor={`${id}-sev`}>Severity</label>
            <select
              id={`${id}-sev`}
              value={filters.severity ?? ''}
              onChange={(e) => set('severity', oneOf(SEVERITIES, e.target.value))}
            >
              <option value="">All severities</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div className="popm-field">
            <label htmlFor={`${id}-level`}>Level</label>
            <select
              id={`${id}-level`}
              value={filters.level ?? ''}
              onChange={(e) => set('level', oneOf(LEVELS, e.target.value))}
            >
              <option value="">All levels</option>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {LEVEL_LABEL[l]}
                </option>
              ))}
            </select>
          </div>
          <div className="popm-field">
            <label htmlFor={`${id}-owner`}>Owner</label>
            <select
              id={`${id}-owner`}
              value={filters.owner ?? ''}
              onChange={(e) => set('owner', e.target.value || null)}
            >
              <option value="">Anyone</option>
              <option value="none">No owner</option>
              {owners.map((o) => (
                <option key={o.accountId} value={o.accountId}>
                  {o.displayName}
                </option>
              ))}
            </select>
          </div>
          <div className="popm-field">
            <label htmlFor={`${id}-problems`}>
              <input
                id={`${id}-problems`}
                type="checkbox"
                checked={filters.onlyProblems}
                onChange={(e) => set('onlyProblems', e.target.checked)}
              />{' '}
              Only problems
            </label>
          </div>
          {isFiltering(filters) && (
            <Button appearance="subtle" onClick={() => setFilters(NO_FILTERS)}>
              Clear filters
            </Button>
          )}
          <Button onClick={exportCsv} isDisabled={!complete} data-action="export-csv">
            Export CSV
          </Button>
        </div>
      </section>

      {rows.length === 0 ? (
        <Empty title="No issues in this project yet">
          Create epics, features or stories, then come back.
        </Empty>
      ) : shown.length === 0 ? (
        <Empty title="No issue matches these filters" />
      ) : (
        <table className="popm-table" aria-label={`Issues of ${tree.projectKey}`}>
          <thead>
            <tr>
              <th scope="col">Issue</th>
              <th scope="col">Owner</th>
              <th scope="col">Status</th>
              <th scope="col">Acceptance</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr
                key={r.key}
                data-row-key={r.key}
                data-level={r.level}
                className={r.context ? 'popm-context-issue' : undefined}
              >
                <td style={{ paddingLeft: `${8 + r.depth * 20}px` }}>
                  {hasChildren.has(r.key) ? (
                    <button
                      type="button"
                      className="popm-toggle-btn"
                      aria-expanded={!collapsed.has(r.key)}
                      aria-label={`${collapsed.has(r.key) ? 'Expand' : 'Collapse'} ${r.key}`}
                      onClick={() => toggle(r.key)}
                    >
                      {collapsed.has(r.key) ? '▸' : '▾'}
                    </button>
                  ) : (
                    <span className="popm-toggle-btn" aria-hidden="true">
                      ·
                    </span>
                  )}
                  <span className="popm-muted">{LEVEL_LABEL[r.level]}</span> {r.key} {r.summary}
                  {r.context && <span className="popm-muted"> (other project)</span>}
                </td>
                <td>
                  <Owners issue={r} showSource={false} />
                </td>
                <td>
                  <Lozenge
                    appearance={
                      r.status.category === 'done'
                        ? 'success'
                        : r.status.category === 'indeterminate'
                          ? 'inprogress'
                          : 'default'
                    }
                  >
                    {r.status.name}
                  </Lozenge>
                </td>
                <td>
                  <Acceptance issue={r} />
                </td>
                <td>
                  <FindingBadges
                    findings={r.findings.filter(
                      (x) =>
                        (!filters.rule || x.rule === filters.rule) &&
                        (!filters.severity || x.severity === filters.severity),
                    )}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
