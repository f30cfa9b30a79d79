/** The project page: the whole tree with owners, status, acceptance and findings; filters; CSV. */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import ChevronDownIcon from '@atlaskit/icon/core/chevron-down';
import ChevronRightIcon from '@atlaskit/icon/core/chevron-right';
import type { ProjectTree, ResultError, TreeRow } from '../../../src/shared/contract';
import { LEVELS, RULE_IDS, SEVERITIES } from '../../../src/domain/types';
import { oneOf } from '../lib/guards';
import { api } from '../api';
import { exportRowsToCsv, sortFindings } from '../lib/csv';
import { DecisionLogExport } from './DecisionLogExport';
import {
  filterTree,
  isFiltering,
  NO_FILTERS,
  ownersOf,
  visibleFindings,
  visibleUnderCollapse,
  type TreeFilters,
} from '../lib/filters';
import { LEVEL_LABEL, SEVERITY_LABEL } from '../lib/format';
import { RULE_TEXT } from '../lib/rules';
import { CountsByRule, CoverageFigures, IssueCells } from '../ui/findings';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { IssueLink } from '../ui/IssueLink';
import { AccessProgress, Progress, ScanProgress, ScanSummary, SCAN_POLL_MS, sleep } from '../ui/scan';
import { t, tp } from '../i18n';
import { useUrlFilters, useUrlScope } from '../ui/useUrlFilters';
import { SCOPE_TEXT, scopedText, type ScopeParams } from '../lib/scope';
import { ScopePicker } from './ScopePicker';
import { TreeTable, WINDOW_FROM, type RowExtra } from './ProjectTree';
import { SelectField } from '../ui/SelectField';

const NO_CHOICES = { sprints: [], versions: [] };

type LoadState =
  | { phase: 'loading'; loaded: number; total: number | null }
  | { phase: 'scanning' }
  | { phase: 'checking'; processed: number }
  | { phase: 'error'; error: ResultError }
  | { phase: 'done' };

/** Glyphs, not words: the same in every language. */

const checking = (tree: ProjectTree): boolean => tree.access?.status === 'checking';

/** How often the rows loaded so far are handed to the table while later pages arrive. */
const PUBLISH_MS = 400;

/**
 * Loads every page of the stored tree (progressively, with progress); while a scan runs, shows the
 * data there is and asks again every SCAN_POLL_MS until the scan ends, then loads the new data.
 * While the server is still checking which issues the viewer may see (a big project's first
 * view), a page has no rows: it asks again for the same page at the same pace, showing progress.
 *
 * The first page is asked for alone: the scope picker's choices take a read of the whole stored
 * tree on the server (seconds at 20,000 issues), so they come in a call of their own once the
 * first rows are on screen. Later pages are handed to the table at most every PUBLISH_MS, so a big
 * tree is not filtered and rendered again for each of its pages.
 */
function useProjectTree(projectKey: string, scope: ScopeParams, ready: boolean) {
  const [tree, setTree] = useState<ProjectTree | null>(null);
  const [choices, setChoices] = useState<ProjectTree['choices']>(undefined);
  const [rows, setRows] = useState<TreeRow[]>([]);
  const [hidden, setHidden] = useState(0);
  const [state, setState] = useState<LoadState>({ phase: 'loading', loaded: 0, total: null });
  const run = useRef(0);

  const { sprint, fixVersion } = scope;
  const load = useCallback(async () => {
    if (!ready) return;
    // The scope as the URL gave it.
    const scoped = {
      projectKey,
      ...(sprint !== undefined ? { sprint } : {}),
      ...(fixVersion !== undefined ? { fixVersion } : {}),
    };
    // A scope reads the whole stored tree anyway: its first page brings the choices at no cost.
    const inScope = sprint !== undefined || fixVersion !== undefined;
    const mine = ++run.current;
    const current = () => mine === run.current;
    setState({ phase: 'loading', loaded: 0, total: null });

    let askedChoices = false;
    const loadChoices = async () => {
      if (askedChoices) return;
      askedChoices = true;
      const c = await api.getProjectTree({ ...scoped, choices: true });
      // A failure here costs the picker its list, not the page: the tree's own calls report errors.
      if (current() && c.ok) setChoices(c.data.choices);
    };

    /** Every page after `first`; false when superseded or failed (state already set). */
    const loadAll = async (first: ProjectTree): Promise<boolean> => {
      const all = [...first.rows];
      let hiddenRows = first.hidden ?? 0;
      setTree(first);
      if (first.choices) setChoices(first.choices);
      setRows(all);
      setHidden(hiddenRows);
      if (!first.choices && first.rows.length > 0) void loadChoices();
      let published = Date.now();
      let cursor = first.nextCursor;
      if (cursor)
        setState({ phase: 'loading', loaded: all.length + hiddenRows, total: first.totalRows ?? null });
      while (cursor) {
        let r = await api.getProjectTree({ ...scoped, cursor });
        // The viewer's cached access ran out mid-load: wait for the check, then the same page.
        while (r.ok && r.data.access?.status === 'checking') {
          if (!current()) return false;
          setState({ phase: 'checking', processed: r.data.access.processed });
          await sleep(SCAN_POLL_MS);
          if (!current()) return false;
          r = await api.getProjectTree({ ...scoped, cursor });
        }
        if (!current()) return false;
        if (!r.ok) {
          setState({ phase: 'error', error: r.error });
          return false;
        }
        for (const row of r.data.rows) all.push(row);
        hiddenRows += r.data.hidden ?? 0;
        cursor = r.data.nextCursor;
        if (cursor === null || Date.now() - published >= PUBLISH_MS) {
          published = Date.now();
          setRows([...all]);
          setHidden(hiddenRows);
          setState({ phase: 'loading', loaded: all.length + hiddenRows, total: first.totalRows ?? null });
        }
      }
      return true;
    };

    let r = await api.getProjectTree(inScope ? { ...scoped, choices: true } : scoped);
    if (!current()) return;
    if (!r.ok) return setState({ phase: 'error', error: r.error });
    // The data there is (none on a first scan or while access is checked; the previous snapshot
    // during a rescan).
    if (!(await loadAll(r.data))) return;
    while (r.data.scan.status === 'running' || checking(r.data)) {
      const wasChecking = checking(r.data);
      setTree(r.data);
      setState(
        r.data.access?.status === 'checking'
          ? { phase: 'checking', processed: r.data.access.processed }
          : { phase: 'scanning' },
      );
      await sleep(SCAN_POLL_MS);
      if (!current()) return;
      r = await api.getProjectTree(scoped);
      if (!current()) return;
      if (!r.ok) return setState({ phase: 'error', error: r.error });
      // A finished scan may have brought sprints or versions the old choices lack.
      if (r.data.scan.status !== 'running') askedChoices = false;
      // Rows arrive when the access check ends (even mid-scan) and when a scan ends.
      if (!checking(r.data) && (wasChecking || r.data.scan.status !== 'running') && !(await loadAll(r.data)))
        return;
    }
    // A tree with no rows yet asked for no choices: the picker still wants them.
    await loadChoices();
    if (!current()) return;
    setState({ phase: 'done' });
  }, [projectKey, sprint, fixVersion, ready]);

  useEffect(() => {
    void load();
    return () => {
      // A counter, not a DOM node: bumping it on cleanup is what stops the old load.
      // eslint-disable-next-line react-hooks/exhaustive-deps
      run.current++;
    };
  }, [load]);
  const withChoices = useMemo(() => (tree && choices ? { ...tree, choices } : tree), [tree, choices]);
  return { tree: withChoices, rows, hidden, state, reload: load };
}

export function ProjectPage({ projectKey }: { projectKey: string | undefined }) {
  if (!projectKey) return <ErrorMessage error={{ code: 'NOT_FOUND', message: t('projectPage.noProject') }} />;
  return <ProjectPageFor projectKey={projectKey} />;
}

function ProjectPageFor({ projectKey }: { projectKey: string }) {
  const [scope, setScope, scopeReady] = useUrlScope();
  const { tree, rows, hidden, state, reload } = useProjectTree(projectKey, scope, scopeReady);
  const [scanError, setScanError] = useState<ResultError | null>(null);
  const [starting, setStarting] = useState(false);

  const startScan = async () => {
    setScanError(null);
    setStarting(true);
    const r = await api.startScan({ projectKey });
    setStarting(false);
    if (!r.ok) return setScanError(r.error);
    void reload();
  };

  const scoped = scope.sprint !== undefined || scope.fixVersion !== undefined;
  if (state.phase === 'error')
    return (
      <>
        {/* A scope named in the URL that the project does not have: offer the way back. */}
        {scoped && <ScopePicker scope={scope} choices={NO_CHOICES} onChange={setScope} />}
        <ErrorMessage error={state.error} onRetry={() => void reload()} />
      </>
    );
  if (!tree) return <Loading label={t('gadget.loading', { project: projectKey })} />;
  return (
    <main aria-label={t('projectPage.label', { project: projectKey })}>
      <ScopePicker scope={scope} choices={tree.choices} onChange={setScope} />
      {state.phase === 'checking' ? (
        <>
          <AccessProgress processed={state.processed} />
          {tree.scan.status === 'running' && <ScanProgress projectKey={projectKey} scan={tree.scan} />}
        </>
      ) : state.phase === 'scanning' ? (
        <ScanProgress projectKey={projectKey} scan={tree.scan} />
      ) : state.phase === 'loading' ? (
        <div role="status" aria-live="polite" className="popm-toolbar">
          <span>
            {state.total !== null
              ? t('projectPage.loadingIssues', { loaded: state.loaded, total: state.total })
              : t('projectPage.loadingIssuesUnknown', { loaded: state.loaded })}
          </span>
          <Progress done={state.loaded} total={state.total} label={t('projectPage.loadingLabel')} />
        </div>
      ) : (
        <ScanSummary scan={tree.scan} onRescan={() => void startScan()} busy={starting} />
      )}
      {scanError && <ErrorMessage error={scanError} />}
      {state.phase === 'checking' && rows.length === 0 ? (
        <Empty title={t('projectPage.checkingTitle')}>
          {t('projectPage.checkingHint', { project: projectKey })}
        </Empty>
      ) : state.phase === 'scanning' && rows.length === 0 ? (
        <Empty title={t('projectPage.readingTitle', { project: projectKey })}>
          {t('projectPage.readingHint')}
        </Empty>
      ) : (
        <ProjectTreeView tree={tree} rows={rows} hidden={hidden} complete={state.phase === 'done'} />
      )}
    </main>
  );
}

export function ProjectTreeView({
  tree,
  rows,
  hidden = 0,
  complete,
}: {
  tree: ProjectTree;
  rows: readonly TreeRow[];
  /** Rows left out because Jira hides them from the viewer. */
  hidden?: number;
  complete: boolean;
}) {
  const [filters, setFilters] = useUrlFilters();
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
    const blob = new Blob([exportRowsToCsv(findings)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${tree.projectKey}-findings.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const set = <K extends keyof TreeFilters>(k: K, v: TreeFilters[K]) => setFilters({ ...filters, [k]: v });

  const renderRow = (r: TreeRow, extra: RowExtra) => (
    <tr
      key={r.key}
      data-row-key={r.key}
      data-level={r.level}
      className={r.context ? 'popm-context-issue' : undefined}
      {...extra}
    >
      <td style={{ paddingLeft: `${8 + r.depth * 20}px` }}>
        {hasChildren.has(r.key) ? (
          <button
            type="button"
            className="popm-toggle-btn"
            aria-expanded={!collapsed.has(r.key)}
            aria-label={
              collapsed.has(r.key)
                ? t('projectPage.expand', { issue: r.key })
                : t('projectPage.collapse', { issue: r.key })
            }
            onClick={() => toggle(r.key)}
          >
            {collapsed.has(r.key) ? (
              <ChevronRightIcon label="" size="small" />
            ) : (
              <ChevronDownIcon label="" size="small" />
            )}
          </button>
        ) : (
          <span className="popm-toggle-btn" aria-hidden="true" />
        )}
        <span className="popm-muted">{LEVEL_LABEL[r.level]}</span> <IssueLink issueKey={r.key} /> {r.summary}
        {r.context && <span className="popm-muted"> {t('projectPage.otherProject')}</span>}
      </td>
      <IssueCells
        issue={r}
        quiet={r.context}
        findings={r.findings.filter(
          (x) =>
            (!filters.rule || x.rule === filters.rule) &&
            (!filters.severity || x.severity === filters.severity),
        )}
      />
    </tr>
  );

  return (
    <>
      <section className="popm-section popm-grid" aria-label={t('projectPage.summary')}>
        <div>
          <h2>{t('projectPage.coverage')}</h2>
          <CoverageFigures coverage={tree.coverage} />
          <p className="popm-muted">
            {t('projectPage.totals', {
              issues: tree.issues,
              errors: tree.countsBySeverity.error,
              warnings: tree.countsBySeverity.warning,
              info: tree.countsBySeverity.info,
            })}
          </p>
          <p className="popm-muted" data-figures={tree.scope ? 'scope' : 'project-wide'}>
            {tree.scope ? scopedText(tree.scope.label) : SCOPE_TEXT.wholeProject}
            {hidden > 0 && ` ${tp('projectPage.hidden', hidden)}`}
          </p>
        </div>
        <div>
          <h2>{t('gadget.countsLabel')}</h2>
          <CountsByRule
            counts={tree.countsByRule}
            label={t('gadget.countsLabel')}
            selected={filters.rule}
            onSelect={(rule) => set('rule', rule)}
          />
        </div>
      </section>

      <section className="popm-section" aria-label={t('projectPage.filters')}>
        <div className="popm-toolbar">
          <div className="popm-field">
            <label htmlFor={`${id}-rule`}>{t('findings.ruleColumn')}</label>
            <SelectField
              inputId={`${id}-rule`}
              value={filters.rule ?? ''}
              onChange={(v) => set('rule', oneOf(RULE_IDS, v))}
              options={[
                { value: '', label: t('projectPage.allRules') },
                ...RULE_IDS.map((r) => ({ value: r, label: RULE_TEXT[r].title })),
              ]}
            />
          </div>
          <div className="popm-field">
            <label htmlFor={`${id}-sev`}>{t('projectPage.severity')}</label>
            <SelectField
              inputId={`${id}-sev`}
              value={filters.severity ?? ''}
              onChange={(v) => set('severity', oneOf(SEVERITIES, v))}
              options={[
                { value: '', label: t('projectPage.allSeverities') },
                ...SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s] })),
              ]}
            />
          </div>
          <div className="popm-field">
            <label htmlFor={`${id}-level`}>{t('projectPage.level')}</label>
            <SelectField
              inputId={`${id}-level`}
              value={filters.level ?? ''}
              onChange={(v) => set('level', oneOf(LEVELS, v))}
              options={[
                { value: '', label: t('projectPage.allLevels') },
                ...LEVELS.map((l) => ({ value: l, label: LEVEL_LABEL[l] })),
              ]}
            />
          </div>
          <div className="popm-field">
            <label htmlFor={`${id}-owner`}>{t('issueTable.owner')}</label>
            <SelectField
              inputId={`${id}-owner`}
              value={filters.owner ?? ''}
              onChange={(v) => set('owner', v || null)}
              options={[
                { value: '', label: t('projectPage.anyone') },
                { value: 'none', label: t('projectPage.noOwner') },
                ...owners.map((o) => ({ value: o.accountId, label: o.displayName })),
              ]}
            />
          </div>
          <div className="popm-field popm-field-check">
            <Checkbox
              isChecked={filters.onlyProblems}
              onChange={(e) => set('onlyProblems', e.target.checked)}
              label={t('projectPage.onlyProblems')}
            />
          </div>
          {isFiltering(filters) && (
            <Button appearance="subtle" onClick={() => setFilters(NO_FILTERS)}>
              {t('projectPage.clearFilters')}
            </Button>
          )}
          <Button onClick={exportCsv} isDisabled={!complete} data-action="export-csv">
            {t('projectPage.exportCsv')}
          </Button>
          <DecisionLogExport projectKey={tree.projectKey} />
        </div>
      </section>

      {rows.length === 0 ? (
        <Empty title={t('projectPage.emptyTitle')}>{t('projectPage.emptyHint')}</Empty>
      ) : shown.length === 0 ? (
        <Empty title={t('projectPage.noMatch')} />
      ) : (
        <TreeTable
          label={t('projectPage.tableLabel', { project: tree.projectKey })}
          shown={shown}
          // By the tree's size, not the rows shown: a collapse or a filter must not swap the table
          // (and drop the focused row), nor a big tree's first page render whole.
          windowed={Math.max(rows.length, complete ? 0 : (tree.totalRows ?? 0)) >= WINDOW_FROM}
          isParent={(key) => hasChildren.has(key)}
          isCollapsed={(key) => collapsed.has(key)}
          onToggle={toggle}
          renderRow={renderRow}
        />
      )}
    </>
  );
}
