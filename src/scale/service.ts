/**
 * The scale machinery behind the app's use cases, in the shapes the services and Forge entries
 * need (AppDeps in, contract views out), so wiring it in is a few calls:
 *
 *   getProjectTree   -> treePage(deps, projectKey, cursor)   (undefined: no stored tree yet)
 *   startScan        -> startTreeScan(deps, projectKey)
 *   scan consumer    -> handleScanEvent(deps, event.body)
 *   issue events     -> handleIssueEventForTrees(deps, event)
 *   daily trigger    -> dailyTrees(deps)
 *   gadget summary   -> treeSummary(deps, projectKey)          (coverage, counts, trend, scan)
 */
import { z } from 'zod';
import { JiraApi } from '../jira/api';
import { isRetryableKind, JiraError } from '../jira/errors';
import type { AppDeps } from '../platform/deps';
import type { ProjectTree, ScanState, TrendPoint } from '../shared/contract';
import { projectKeySchema } from '../shared/contract';
import { ConfigStore } from '../storage/config-store';
import {
  dailyEventSchema,
  dailyReconcile,
  dailyStep,
  knownProjects,
  readTrend,
  type ReconcileOutcome,
} from './daily';
import { noteDirty, takeDirty } from './dirty';
import { parseIssueEvent, type IssueEvent } from './event';
import { applyIssueChange, projectsHolding, type IncrementalOutcome } from './incremental';
import { requestScan, runScanStep, runScanToCompletion, scanStateView } from './scan-job';
import type { ScanStepOutcome } from './scan-steps';
import { BrokenTreeError, coverageOf, readTreeManifest, readRows } from './tree-store';
import { syncProject } from './sync';

export const DEFAULT_TREE_PAGE = 200;

function appApi(deps: AppDeps): JiraApi {
  // The services' retry policy and clock (tests make waits instant).
  return new JiraApi(deps.jiraAsApp(), deps.jiraClient);
}

async function config(deps: AppDeps) {
  return (await new ConfigStore(deps.store, () => deps.now()).current()).config;
}

const cursorSchema = z.object({ o: z.number().int().min(0) });

export function encodeTreeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeTreeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return 0;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).o;
  } catch {
    return undefined;
  }
}

/**
 * A page of the project tree from the stored tree: storage reads only, zero Jira requests.
 * Undefined when the project has no stored tree (the caller starts a scan and shows progress).
 * Throws RangeError for a cursor this module did not issue. The caller checks that the user may
 * see the project (the stored tree was built as the app).
 */
export async function treePage(
  deps: Pick<AppDeps, 'store' | 'now' | 'queue'>,
  projectKey: string,
  cursor: string | undefined,
  pageSize = DEFAULT_TREE_PAGE,
): Promise<ProjectTree | undefined> {
  const offset = decodeTreeCursor(cursor);
  if (offset === undefined) throw new RangeError('the tree cursor is not one this app issued');
  const repair = () =>
    requestScan({ store: deps.store, now: () => deps.now(), queue: deps.queue }, projectKey, 'repair');
  let page: Awaited<ReturnType<typeof readRows>>;
  try {
    page = await readRows(deps.store, projectKey, offset, pageSize);
  } catch (error) {
    // Neither the tree nor its fallback is readable: rebuild, and show the scan meanwhile.
    if (!(error instanceof BrokenTreeError)) throw error;
    if (deps.queue) await repair();
    return undefined;
  }
  if (!page) return undefined;
  // A broken tree was answered from its fallback: the rows are one write old; rebuild it.
  if (page.degraded && deps.queue) await repair();
  const t = page.manifest.totals;
  const next = offset + pageSize;
  return {
    projectKey,
    rows: page.rows,
    nextCursor: next < page.total ? encodeTreeCursor(next) : null,
    coverage: coverageOf(t),
    countsByRule: t.countsByRule,
    countsBySeverity: t.countsBySeverity,
    issues: t.issues,
    scan: await scanStateView(deps.store, projectKey),
  };
}

/** Coverage, counts, trend and scan state for the gadget, from storage only. */
export async function treeSummary(
  deps: Pick<AppDeps, 'store'>,
  projectKey: string,
): Promise<
  | {
      coverage: ProjectTree['coverage'];
      countsByRule: ProjectTree['countsByRule'];
      trend: TrendPoint[];
      scan: ScanState;
    }
  | undefined
> {
  const manifest = await readTreeManifest(deps.store, projectKey);
  if (!manifest) return undefined;
  return {
    coverage: coverageOf(manifest.totals),
    countsByRule: manifest.totals.countsByRule,
    trend: await readTrend(deps.store, projectKey),
    scan: await scanStateView(deps.store, projectKey),
  };
}

/**
 * Starts a scan (or reports the one running). With a queue (Forge) the first step is queued;
 * without one (local host) the scan runs to completion here.
 */
export async function startTreeScan(deps: AppDeps, projectKey: string): Promise<ScanState> {
  if (deps.queue) {
    await requestScan(
      { store: deps.store, now: () => deps.now(), queue: deps.queue },
      projectKey,
      'requested',
    );
  } else {
    await runScanToCompletion(
      {
        store: deps.store,
        api: appApi(deps),
        config: await config(deps),
        now: () => deps.now(),
        clock: () => Date.now(),
        acceptance: 'store',
        afterSwitch: (p, moment) => replayDirty(deps, p, moment),
      },
      projectKey,
    );
  }
  return scanStateView(deps.store, projectKey);
}

const scanEventSchema = z.looseObject({
  projectKey: projectKeySchema,
  action: z.enum(['start', 'continue', 'sync']).optional(),
  generation: z.number().int().optional(),
});

/** The queue consumer's work: one step of the project's scan (900 s budget). */
export async function handleScanEvent(
  deps: AppDeps,
  body: unknown,
  budgetMs?: number,
): Promise<ScanStepOutcome | undefined> {
  const daily = dailyEventSchema.safeParse(body);
  if (daily.success) {
    if (!deps.queue) return undefined;
    const step = await dailyStep({ store: deps.store, now: () => deps.now(), queue: deps.queue }, daily.data);
    deps.log?.('daily step', { queued: step.queued.length, next: step.next ?? null });
    return undefined;
  }
  const parsed = scanEventSchema.safeParse(body);
  if (!parsed.success) {
    deps.log?.('scan event ignored: no valid projectKey');
    return undefined;
  }
  const { projectKey, action, generation } = parsed.data;
  if (action === 'sync') {
    await dailySync(deps, projectKey, budgetMs);
    return undefined;
  }
  const start = Date.now();
  const outcome = await runScanStep(
    {
      store: deps.store,
      api: appApi(deps),
      config: await config(deps),
      now: () => deps.now(),
      clock: () => Date.now() - start,
      acceptance: 'store',
      ...(deps.queue ? { queue: deps.queue } : {}),
      log: (message: string, extra?: Record<string, unknown>) => deps.log?.(message, extra),
      afterSwitch: (p, moment) => replayDirty(deps, p, moment),
    },
    projectKey,
    budgetMs !== undefined ? { budgetMs } : {},
    { ...(action ? { action } : {}), ...(generation !== undefined ? { generation } : {}) },
  );
  deps.log?.('scan step', { projectKey, status: outcome.status, phase: outcome.state.phase });
  return outcome;
}

/**
 * Applies an issue event to every tree that holds the issue (its own project's, and those of
 * projects whose features it sits below). Changes it cannot patch queue a full scan.
 */
export async function handleIssueEventForTrees(
  deps: AppDeps,
  input: unknown,
): Promise<{ projectKey: string; outcome: IncrementalOutcome }[]> {
  const event = parseIssueEvent(input);
  return event ? applyEventToTrees(deps, event) : [];
}

/** The tree half of the event pipeline, for an event parsed once by the caller. */
export async function applyEventToTrees(
  deps: AppDeps,
  event: IssueEvent,
): Promise<{ projectKey: string; outcome: IncrementalOutcome }[]> {
  const projects = await projectsHolding(
    deps.store,
    event.issueKey,
    await knownProjects(deps.store),
    event.parentKeys,
  );
  const out: { projectKey: string; outcome: IncrementalOutcome }[] = [];
  if (projects.length === 0) return out;
  const cfg = await config(deps);
  const api = appApi(deps);
  for (const projectKey of projects) {
    const outcome = await applyIssueChange(
      { store: deps.store, api, config: cfg, now: () => deps.now(), acceptance: 'store' },
      projectKey,
      { kind: event.kind, issueKey: event.issueKey },
    );
    // A change that cannot be patched gets a fresh scan now.
    if (outcome.status === 'needs-rescan' && deps.queue)
      await requestScan(
        { store: deps.store, now: () => deps.now(), queue: deps.queue },
        projectKey,
        outcome.reason,
      );
    out.push({ projectKey, outcome });
  }
  return out;
}

/**
 * Replays the changes noted while a scan ran, onto the tree the scan just made current (its switch
 * replaced any patch made meanwhile, and it may have read an issue before the change).
 */
export async function replayDirty(
  deps: AppDeps,
  projectKey: string,
  moment: 'switched' | 'complete',
): Promise<void> {
  const dirty = await takeDirty(deps.store, projectKey, moment === 'switched');
  if (dirty.overflow) {
    if (deps.queue)
      await requestScan(
        { store: deps.store, now: () => deps.now(), queue: deps.queue },
        projectKey,
        'too many changes during the scan',
      );
    return;
  }
  if (dirty.changes.length === 0) return;
  const incremental = {
    store: deps.store,
    api: appApi(deps),
    config: await config(deps),
    now: () => deps.now(),
    acceptance: 'store' as const,
  };
  for (let k = 0; k < dirty.changes.length; k++) {
    const change = dirty.changes[k]!;
    try {
      const outcome = await applyIssueChange(incremental, projectKey, change, false);
      if (outcome.status === 'needs-rescan' && deps.queue && moment === 'complete')
        await requestScan(
          { store: deps.store, now: () => deps.now(), queue: deps.queue },
          projectKey,
          outcome.reason,
        );
    } catch (error) {
      // Keep what is left for the next taker; the scan itself succeeded.
      for (const rest of dirty.changes.slice(k)) await noteDirty(deps.store, projectKey, rest);
      throw error;
    }
  }
}

/** The daily sync of one project; a catch-up Jira refuses falls back to a full rescan. */
async function dailySync(deps: AppDeps, projectKey: string, budgetMs?: number): Promise<void> {
  const start = Date.now();
  const syncDeps = {
    // A large day stops before the consumer's budget and continues in a follow-up event.
    clock: () => Date.now() - start,
    ...(budgetMs !== undefined ? { budgetMs } : {}),
    store: deps.store,
    api: appApi(deps),
    config: await config(deps),
    now: () => deps.now(),
    acceptance: 'store' as const,
    ...(deps.queue ? { queue: deps.queue } : {}),
  };
  try {
    const outcome = await syncProject(syncDeps, projectKey);
    deps.log?.('daily sync', { projectKey, ...outcome });
  } catch (error) {
    if (!(error instanceof JiraError) || isRetryableKind(error.kind)) throw error;
    deps.log?.('daily sync refused by Jira; rescanning instead', { projectKey, message: error.message });
    await requestScan(
      { store: deps.store, now: () => deps.now(), queue: deps.queue },
      projectKey,
      'daily (catch-up refused)',
    );
  }
}

/** The scheduled trigger's work: today's trend point per project, and a reconciling scan. */
export async function dailyTrees(deps: AppDeps): Promise<ReconcileOutcome> {
  return dailyReconcile({
    store: deps.store,
    now: () => deps.now(),
    ...(deps.queue ? { queue: deps.queue } : {}),
  });
}
