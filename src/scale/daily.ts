/**
 * The daily reconcile, called by the scheduled trigger: records each known project's coverage for
 * the day (from its snapshot, kept current by incremental updates) into the gadget's trend, and
 * queues a full scan per project so anything the incremental path missed (events lost, ordering
 * of moved issues, configuration changes) is corrected within a day.
 */
import { z } from 'zod';
import type { ScanQueue } from '../services/deps';
import type { TrendPoint } from '../shared/contract';
import type { KeyValueStore } from '../storage/store';
import { requestScan } from './scan-job';
import { coverageOf, readManifest } from './snapshot-store';

/** Same key and shape as the services' trend (src/services/project.ts), so the gadget reads it. */
export const TREND_PREFIX = 'trend:';
export const TREND_POINTS = 90;
/** Projects that have (or had) a snapshot. */
export const PROJECTS_KEY = 'scale:projects';

const trendSchema = z.array(
  z.object({
    date: z.string(),
    featuresWithPm: z.number().nullable(),
    doneStoriesAccepted: z.number().nullable(),
  }),
);

export async function knownProjects(store: KeyValueStore): Promise<string[]> {
  const parsed = z.array(z.string()).safeParse(await store.get(PROJECTS_KEY));
  return parsed.success ? parsed.data : [];
}

export async function registerProject(store: KeyValueStore, projectKey: string): Promise<void> {
  await store.update<unknown>(PROJECTS_KEY, (raw) => {
    const parsed = z.array(z.string()).safeParse(raw);
    const list = parsed.success ? parsed.data : [];
    return list.includes(projectKey) ? list : [...list, projectKey].sort();
  });
}

/** Sets the day's point (replacing one of the same date), keeping the last TREND_POINTS. */
export async function recordTrendPoint(
  store: KeyValueStore,
  projectKey: string,
  point: TrendPoint,
): Promise<TrendPoint[]> {
  const written = await store.update<unknown>(`${TREND_PREFIX}${projectKey}`, (raw) => {
    const parsed = trendSchema.safeParse(raw ?? []);
    const points = parsed.success ? parsed.data.filter((p) => p.date !== point.date) : [];
    return [...points, point]
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
      .slice(-TREND_POINTS);
  });
  return trendSchema.parse(written);
}

export async function readTrend(store: KeyValueStore, projectKey: string): Promise<TrendPoint[]> {
  const parsed = trendSchema.safeParse((await store.get(`${TREND_PREFIX}${projectKey}`)) ?? []);
  return parsed.success ? parsed.data : [];
}

export interface ReconcileOutcome {
  queued: string[];
  recorded: { projectKey: string; point: TrendPoint }[];
}

export async function dailyReconcile(
  deps: { store: KeyValueStore; now(): Date; queue?: ScanQueue },
  projects?: readonly string[],
): Promise<ReconcileOutcome> {
  const date = deps.now().toISOString().slice(0, 10);
  const out: ReconcileOutcome = { queued: [], recorded: [] };
  for (const projectKey of projects ?? (await knownProjects(deps.store))) {
    const manifest = await readManifest(deps.store, projectKey);
    if (manifest) {
      const point: TrendPoint = { date, ...coverageOf(manifest.totals) };
      await recordTrendPoint(deps.store, projectKey, point);
      out.recorded.push({ projectKey, point });
    }
    await requestScan(deps, projectKey, 'daily');
    out.queued.push(projectKey);
  }
  return out;
}
