/**
 * Project-wide views: the tree (paged), scans and the gadget's summary. Every one of them gets its
 * audit from `loadProjectAudit`, the single seam the scale work replaces with stored snapshots.
 */
import { z } from 'zod';
import { evaluate } from '../domain/engine';
import { RULE_IDS, type AuditResult, type EvaluatedIssue, type RuleId } from '../domain/types';
import type { JiraApi } from '../jira/api';
import { scanProject } from '../jira/scan';
import type { GadgetSummary, ProjectTree, ScanState, TreeRow, TrendPoint } from '../shared/contract';
import type { StoredAcceptance } from '../storage/acceptance-store';
import type { AppDeps } from './deps';
import { ServiceError } from './errors';
import { acceptanceLookup, appApi, configStore, userApi } from './site';
import { countBySeverity, issueSummary } from './views';

export const TREE_PAGE = 200;
export const TREND_PREFIX = 'trend:';
const TREND_POINTS = 90;

export interface ProjectAudit {
  result: AuditResult;
  entries: Map<string, StoredAcceptance>;
  scan: ScanState;
}

/** Audits one project now (scan + evaluate with the stored records). */
export async function loadProjectAudit(
  deps: AppDeps,
  api: JiraApi,
  projectKey: string,
): Promise<ProjectAudit> {
  const config = (await configStore(deps).current()).config;
  const site = await scanProject(api, projectKey, config);
  const { entries, acceptanceOf } = await acceptanceLookup(deps, site.issues);
  const result = evaluate(site, config, projectKey, { acceptanceOf });
  const builtAt = deps.now().toISOString();
  return {
    result,
    entries,
    scan: { status: 'complete', processed: result.issueCount, total: result.issueCount, builtAt },
  };
}

const cursorSchema = z.object({ o: z.number().int().min(0), n: z.number().int().min(0) }).strict();

function encodeCursor(offset: number, total: number): string {
  return Buffer.from(JSON.stringify({ o: offset, n: total })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).o;
  } catch {
    throw new ServiceError('BAD_REQUEST', 'the tree cursor is not one this app issued', [
      { path: 'cursor', message: 'unreadable cursor' },
    ]);
  }
}

function depthOf(ev: EvaluatedIssue, byKey: Map<string, EvaluatedIssue>): number {
  let depth = 0;
  const seen = new Set([ev.key]);
  let parent = ev.parentKey;
  while (parent !== null && byKey.has(parent) && !seen.has(parent) && depth < 20) {
    seen.add(parent);
    depth += 1;
    parent = byKey.get(parent)?.parentKey ?? null;
  }
  return depth;
}

export async function getProjectTree(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  cursor: string | undefined,
): Promise<ProjectTree> {
  const offset = decodeCursor(cursor);
  const audit = await loadProjectAudit(deps, userApi(deps, accountId), projectKey);
  const { result } = audit;
  const byKey = new Map(result.issues.map((i) => [i.key, i]));
  const page = result.issues.slice(offset, offset + TREE_PAGE);
  const rows: TreeRow[] = page.map((ev) => ({
    ...issueSummary(ev, audit.entries.get(ev.id)),
    parentKey: ev.parentKey,
    depth: depthOf(ev, byKey),
    context: !ev.inScope,
  }));
  const next = offset + TREE_PAGE;
  return {
    projectKey,
    rows,
    nextCursor: next < result.issues.length ? encodeCursor(next, result.issues.length) : null,
    coverage: result.coverage,
    countsByRule: result.countsByRule,
    countsBySeverity: countBySeverity(result.findings),
    issues: result.issueCount,
    scan: audit.scan,
  };
}

/** Starts a scan: on the queue when there is one (Forge), otherwise right away. */
export async function startScan(deps: AppDeps, accountId: string, projectKey: string): Promise<ScanState> {
  // As the user first, so nobody can make the app scan a project they cannot see.
  await userApi(deps, accountId).getProject(projectKey);
  if (deps.queue) {
    await deps.queue.push({ projectKey, requestedBy: accountId });
    return { status: 'running', processed: 0, total: null, builtAt: null };
  }
  const audit = await runScan(deps, projectKey);
  return audit.scan;
}

/** A scan as the app (queue consumer, daily trigger): audit and record today's trend point. */
export async function runScan(deps: AppDeps, projectKey: string): Promise<ProjectAudit> {
  const audit = await loadProjectAudit(deps, appApi(deps), projectKey);
  await recordTrend(deps, projectKey, audit.result);
  return audit;
}

const trendSchema = z.array(
  z.object({
    date: z.string(),
    featuresWithPm: z.number().nullable(),
    doneStoriesAccepted: z.number().nullable(),
  }),
);

async function readTrend(deps: AppDeps, projectKey: string): Promise<TrendPoint[]> {
  const parsed = trendSchema.safeParse((await deps.store.get(`${TREND_PREFIX}${projectKey}`)) ?? []);
  if (!parsed.success) {
    deps.log?.('stored trend unreadable; showing none', { projectKey });
    return [];
  }
  return parsed.data;
}

export async function recordTrend(
  deps: AppDeps,
  projectKey: string,
  result: AuditResult,
): Promise<TrendPoint[]> {
  const date = deps.now().toISOString().slice(0, 10);
  const point: TrendPoint = { date, ...result.coverage };
  const written = await deps.store.update<unknown>(`${TREND_PREFIX}${projectKey}`, (raw) => {
    const parsed = trendSchema.safeParse(raw ?? []);
    const points = parsed.success ? parsed.data.filter((p) => p.date !== date) : [];
    return [...points, point].slice(-TREND_POINTS);
  });
  return trendSchema.parse(written);
}

/** Projects with a trend, i.e. ones somebody put on a dashboard: the daily trigger rescans them. */
export async function trendProjects(deps: AppDeps): Promise<string[]> {
  return (await deps.store.list(TREND_PREFIX)).map((e) => e.key.slice(TREND_PREFIX.length));
}

export async function getGadgetSummary(
  deps: AppDeps,
  accountId: string,
  projectKey: string,
  rules: readonly RuleId[] | undefined,
): Promise<GadgetSummary> {
  const api = userApi(deps, accountId);
  const project = await api.getProject(projectKey);
  const audit = await loadProjectAudit(deps, api, projectKey);
  const wanted = new Set<RuleId>(rules && rules.length > 0 ? rules : RULE_IDS);
  const countsByRule: GadgetSummary['countsByRule'] = {};
  for (const [rule, n] of Object.entries(audit.result.countsByRule) as [RuleId, number][]) {
    if (wanted.has(rule)) countsByRule[rule] = n;
  }
  const trend = await recordTrend(deps, projectKey, audit.result).catch(() => readTrend(deps, projectKey));
  return {
    projectKey,
    projectName: project.name ?? projectKey,
    coverage: audit.result.coverage,
    countsByRule,
    trend,
    scan: audit.scan,
  };
}
