/**
 * Project-wide views: the tree (paged), scans and the gadget's summary, all served from the
 * project's stored snapshot (src/scale/): a view reads storage, never the project from Jira. The
 * snapshot is built by the scan job as the app; each view is filtered to what the viewer may see
 * (./visibility.ts).
 *
 * No snapshot yet: the view starts a scan and answers an empty tree whose `scan` says `running`;
 * the UI polls until it completes. A snapshot evaluated with another configuration than the saved
 * one is still shown, while a rescan runs.
 */
import type { Scope } from '../domain/scope';
import { RULE_IDS, type RuleId } from '../domain/types';
import { readTrend, recordTrendPoint } from '../scale/daily';
import { configHash } from '../scale/rows';
import { readScanState } from '../scale/scan-checkpoint';
import { scanStateView } from '../scale/scan-job';
import { mayRescanNow } from '../scale/sync';
import {
  decodeTreeCursor,
  encodeTreeCursor,
  DEFAULT_TREE_PAGE,
  treeSummary,
  treePage,
  startTreeScan,
} from '../scale/service';
import { coverageOf, readTreeManifest, readRows, type TreeManifest } from '../scale/tree-store';
import type { GadgetSummary, ProjectTree, ScanState } from '../shared/contract';
import type { AppDeps } from '../platform/deps';
import { ServiceError } from './errors';
import { isProjectAdmin } from './config';
import { configStore, userApi } from './site';
import { checkProjectAccess, filterPage, LOOKAHEAD_ROWS } from './visibility';
import { choicesOf, readScopeSource, scopedTree, scopeView, sprintFigures } from './scope';

export const TREE_PAGE = DEFAULT_TREE_PAGE;

function badCursor(): ServiceError {
  return new ServiceError('BAD_REQUEST', 'the tree cursor is not one this app issued', [
    { path: 'cursor', message: 'unreadable cursor' },
  ]);
}

function emptyTree(projectKey: string, scan: ScanState): ProjectTree {
  return {
    projectKey,
    rows: [],
    nextCursor: null,
    coverage: { featuresWithPm: null, doneStoriesAccepted: null },
    countsByRule: {},
    countsBySeverity: { error: 0, warning: 0, info: 0 },
    issues: 0,
    scan,
  };
}

/**
 * The scan state the UI shows. While a rescan runs, the previous snapshot's size stands in for the
 * total Jira does not report (search/jql gives no counts), so progress has a denominator.
 */
async function scanState(
  deps: AppDeps,
  projectKey: string,
  manifest: TreeManifest | undefined,
): Promise<ScanState> {
  const scan = await scanStateView(deps.store, projectKey);
  if (scan.status === 'running' && scan.total === null && manifest)
    return { ...scan, total: Math.max(manifest.totals.rows, scan.processed) };
  return scan;
}

/**
 * Makes sure a snapshot is on its way when the project has none, or when the one it has was
 * evaluated with another configuration. Never restarts a failed scan by itself (the UI offers a
 * retry; restarting on every poll would hammer Jira). Returns the manifest to serve, if any.
 */
async function ensureSnapshot(deps: AppDeps, projectKey: string): Promise<TreeManifest | undefined> {
  const manifest = await readTreeManifest(deps.store, projectKey);
  const state = await readScanState(deps.store, projectKey);
  if (state?.status === 'running' || state?.status === 'failed') return manifest;
  if (manifest && manifest.configHash === configHash((await configStore(deps).current()).config))
    return manifest;
  await startTreeScan(deps, projectKey);
  // Without a queue (tests, tools) the scan has run to completion already.
  return (await readTreeManifest(deps.store, projectKey)) ?? manifest;
}

/** What a tree request may ask beyond the page: a scope, and the choices a scope picker offers. */
export interface TreeOptions {
  scope?: Scope;
  choices?: boolean;
}

/** A page of the project tree from the snapshot, as the viewer may see it. */
export async function getProjectTree(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  cursor: string | undefined,
  options: TreeOptions = {},
): Promise<ProjectTree> {
  // Checked before anything else, so a bad cursor never starts a scan.
  // Read first: the viewer-filter's time budget counts from the start of the call.
  const startedAt = deps.now();
  const offset = decodeTreeCursor(cursor);
  if (offset === undefined) throw badCursor();
  await checkProjectAccess(deps, accountId, projectKey);
  const manifest = await ensureSnapshot(deps, projectKey);
  if (!manifest) return emptyTree(projectKey, await scanState(deps, projectKey, undefined));
  if (options.scope || (options.choices && offset === 0))
    return scopedPage(deps, accountId, projectKey, offset, options, startedAt);
  let page: ProjectTree | undefined;
  try {
    page = await treePage(deps, projectKey, cursor, TREE_PAGE);
  } catch (error) {
    if (error instanceof RangeError) throw badCursor();
    throw error;
  }
  if (!page) return emptyTree(projectKey, await scanState(deps, projectKey, undefined));
  const current = (await readTreeManifest(deps.store, projectKey)) ?? manifest;
  const filtered = await filterPage(
    deps,
    accountId,
    current,
    page.rows,
    async () => {
      const after = await readRows(deps.store, projectKey, offset + TREE_PAGE, LOOKAHEAD_ROWS);
      return after?.rows ?? [];
    },
    { startedAt },
  );
  if ('checking' in filtered)
    // No rows until the viewer's key list is complete; the UI asks again for the same page.
    return {
      ...page,
      rows: [],
      nextCursor: null,
      totalRows: current.totals.rows,
      scan: await scanState(deps, projectKey, current),
      access: { status: 'checking', processed: filtered.checking.processed },
    };
  return {
    ...page,
    rows: filtered.rows,
    ...(filtered.hidden > 0 ? { hidden: filtered.hidden } : {}),
    totalRows: current.totals.rows,
    scan: await scanState(deps, projectKey, current),
  };
}

/**
 * A page of the tree in a scope (or the whole tree with the picker's choices): every stored row is
 * read to select the scope's rows, so this costs one storage read per chunk, and no Jira request.
 */
async function scopedPage(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  offset: number,
  options: TreeOptions,
  startedAt: Date,
): Promise<ProjectTree> {
  const source = await readScopeSource(deps.store, projectKey);
  if (!source) return emptyTree(projectKey, await scanState(deps, projectKey, undefined));
  const scoped = options.scope ? scopedTree(source, options.scope) : undefined;
  const all = scoped?.rows ?? source.rows;
  const page = all.slice(offset, offset + TREE_PAGE);
  const next = offset + TREE_PAGE;
  const t = source.manifest.totals;
  const tree: ProjectTree = {
    projectKey,
    rows: page,
    nextCursor: next < all.length ? encodeTreeCursor(next) : null,
    coverage: scoped ? scoped.figures.coverage : coverageOf(t),
    countsByRule: scoped ? scoped.figures.countsByRule : t.countsByRule,
    countsBySeverity: scoped ? scoped.countsBySeverity : t.countsBySeverity,
    issues: scoped ? scoped.figures.issueCount : t.issues,
    totalRows: all.length,
    scan: await scanState(deps, projectKey, source.manifest),
  };
  if (options.scope) tree.scope = scopeView(options.scope, source);
  if (options.choices && offset === 0) tree.choices = choicesOf(source);
  const filtered = await filterPage(
    deps,
    accountId,
    source.manifest,
    page,
    () => Promise.resolve(all.slice(next, next + LOOKAHEAD_ROWS)),
    { startedAt },
  );
  if ('checking' in filtered)
    return {
      ...tree,
      rows: [],
      nextCursor: null,
      access: { status: 'checking', processed: filtered.checking.processed },
    };
  return { ...tree, rows: filtered.rows, ...(filtered.hidden > 0 ? { hidden: filtered.hidden } : {}) };
}

/** Starts a scan (or reports the one running), for anyone who may browse the project. */
export async function startScan(deps: AppDeps, accountId: string, projectKey: string): Promise<ScanState> {
  // As the user first, so nobody can make the app scan a project they cannot see.
  await checkProjectAccess(deps, accountId, projectKey);
  // A viewer's rescan waits for the cool-down; the daily sync and events keep the tree current.
  // Project admins may rescan at any time; Jira is asked only when the cool-down would refuse.
  const allowed =
    (await mayRescanNow(deps, projectKey, false)) ||
    (await mayRescanNow(deps, projectKey, await isProjectAdmin(userApi(deps, accountId), projectKey)));
  if (allowed) await startTreeScan(deps, projectKey);
  return scanState(deps, projectKey, await readTreeManifest(deps.store, projectKey));
}

/** Today's trend point from the snapshot, unless the day has one (at most one write a day). */
async function trendWithToday(deps: AppDeps, projectKey: string, manifest: TreeManifest | undefined) {
  const trend = await readTrend(deps.store, projectKey);
  const today = deps.now().toISOString().slice(0, 10);
  if (!manifest || trend.some((p) => p.date === today)) return trend;
  return recordTrendPoint(deps.store, projectKey, { date: today, ...coverageOf(manifest.totals) });
}

/**
 * The gadget's figures. They are ratios over the whole project as the snapshot holds it (the app's
 * view), not recomputed per viewer: the gadget shows no issues, only project-wide proportions, to
 * people who may browse the project.
 */
export async function getGadgetSummary(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  rules: readonly RuleId[] | undefined,
  scope?: Scope,
): Promise<GadgetSummary> {
  const { name } = await checkProjectAccess(deps, accountId, projectKey);
  const manifest = await ensureSnapshot(deps, projectKey);
  const summary = manifest ? await treeSummary(deps, projectKey) : undefined;
  // The per-sprint figures and a scope read the stored rows (storage only, no Jira request).
  const source = manifest ? await readScopeSource(deps.store, projectKey) : undefined;
  const scoped = source && scope ? scopedTree(source, scope) : undefined;
  const wanted = new Set<RuleId>(rules && rules.length > 0 ? rules : RULE_IDS);
  const all = scoped ? scoped.figures.countsByRule : summary?.countsByRule;
  const countsByRule: GadgetSummary['countsByRule'] = {};
  for (const rule of RULE_IDS) {
    const n = all?.[rule];
    if (n !== undefined && wanted.has(rule)) countsByRule[rule] = n;
  }
  const out: GadgetSummary = {
    projectKey,
    projectName: name,
    coverage: scoped?.figures.coverage ??
      summary?.coverage ?? { featuresWithPm: null, doneStoriesAccepted: null },
    countsByRule,
    trend: await trendWithToday(deps, projectKey, manifest),
    scan: await scanState(deps, projectKey, manifest),
  };
  if (source && scope) out.scope = scopeView(scope, source);
  if (source) out.sprints = sprintFigures(source);
  return out;
}
