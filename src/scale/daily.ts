/**
 * The daily reconcile, called by the scheduled trigger: records each known project's coverage for
 * the day (from its stored tree, kept current by incremental updates) into the gadget's trend, and
 * fans out one queue event per project, within Forge's push quotas, whose step syncs the project by
 * change (src/scale/sync.ts decides when a full rescan is due instead).
 */
import { z } from 'zod';
import type { QueueEvent, ScanQueue } from '../platform/deps';
import type { TrendPoint } from '../shared/contract';
import { parseStored, type KeyValueStore } from '../storage/store';
import { coverageOf, readTreeManifest } from './tree-store';

/** The gadget's trend of each project: one point a day, read by src/services/project.ts. */
export const TREND_PREFIX = 'trend:';
export const TREND_POINTS = 90;
/** Projects that have (or had) a stored tree. */
export const PROJECTS_KEY = 'scale:projects';

const trendSchema = z.array(
  z.object({
    date: z.string(),
    featuresWithPm: z.number().nullable(),
    doneStoriesAccepted: z.number().nullable(),
  }),
);

const projectsSchema = z.array(z.string());

// A damaged list throws (naming the key) rather than reading as empty: the daily job would
// silently drop every project, and the next registration would overwrite the rest.
export async function knownProjects(store: KeyValueStore): Promise<string[]> {
  return parseStored(projectsSchema, PROJECTS_KEY, await store.get(PROJECTS_KEY)) ?? [];
}

export async function registerProject(store: KeyValueStore, projectKey: string): Promise<void> {
  await store.update(PROJECTS_KEY, (raw) => {
    const list = parseStored(projectsSchema, PROJECTS_KEY, raw) ?? [];
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

/** @forge/events: at most 50 events per push. */
export const EVENTS_PER_PUSH = 50;
/** @forge/events: 500 events per minute per installation. */
export const EVENTS_PER_MINUTE = 500;
/** What the daily fan-out may use of a minute: the rest is left to scan continuations and events. */
export const DAILY_EVENTS_PER_MINUTE = 400;
/** Projects one daily step handles (a few storage calls each: well inside the consumer's 900 s). */
export const DAILY_STEP_PROJECTS = 400;
const WINDOW_MS = 60_000;
export const DAILY_PACE_KEY = 'scale:daily:pace';

const paceSchema = z.object({ start: z.number(), count: z.number().int().min(0) });

/** The event that carries the daily fan-out from one invocation to the next. */
export interface DailyEvent {
  projectKey: string;
  kind: 'daily';
  date: string;
  cursor: number;
  [key: string]: unknown;
}

export const dailyEventSchema = z.looseObject({
  kind: z.literal('daily'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  cursor: z.number().int().min(0),
});

export function dailyEvent(date: string, cursor: number): DailyEvent {
  // projectKey names no project: the queue's events all carry one.
  return { projectKey: '', kind: 'daily', date, cursor };
}

/** Records the day's trend point of a project and asks for its sync (the event goes to `events`). */
async function reconcileProject(
  deps: { store: KeyValueStore; now(): Date; queue?: ScanQueue },
  projectKey: string,
  date: string,
  out: ReconcileOutcome,
  events: QueueEvent[],
): Promise<void> {
  const manifest = await readTreeManifest(deps.store, projectKey);
  if (manifest) {
    const point: TrendPoint = { date, ...coverageOf(manifest.totals) };
    await recordTrendPoint(deps.store, projectKey, point);
    out.recorded.push({ projectKey, point });
  }
  // The sync decides in its own step whether a change catch-up is enough or a rescan is due.
  events.push({ projectKey, kind: 'scan', action: 'sync', reason: 'daily' });
  out.queued.push(projectKey);
}

async function pushAll(queue: ScanQueue, events: readonly QueueEvent[], delayInSeconds = 0): Promise<void> {
  for (let k = 0; k < events.length; k += EVENTS_PER_PUSH) {
    const batch = events.slice(k, k + EVENTS_PER_PUSH);
    if (queue.pushMany) await queue.pushMany(batch, delayInSeconds > 0 ? { delayInSeconds } : {});
    else for (const e of batch) await queue.push(e);
  }
}

/**
 * Takes up to `wanted` events from this minute's allowance (a window shared by every invocation
 * of the installation, in storage). Returns how many were granted and, when none, the seconds
 * until the window ends.
 */
async function takeAllowance(
  store: KeyValueStore,
  now: number,
  wanted: number,
): Promise<{ granted: number; waitSeconds: number }> {
  let result = { granted: 0, waitSeconds: 0 };
  await store.update<unknown>(DAILY_PACE_KEY, (raw) => {
    const parsed = paceSchema.safeParse(raw);
    let pace = parsed.success ? parsed.data : { start: now, count: 0 };
    if (now - pace.start >= WINDOW_MS || now < pace.start) pace = { start: now, count: 0 };
    const granted = Math.max(0, Math.min(wanted, DAILY_EVENTS_PER_MINUTE - pace.count));
    result = { granted, waitSeconds: Math.max(1, Math.ceil((pace.start + WINDOW_MS - now) / 1000)) };
    return { start: pace.start, count: pace.count + granted };
  });
  return result;
}

/**
 * One step of the daily fan-out, run by the queue consumer: from `cursor`, as many projects as
 * this minute's allowance and one step allow; their scan events go out 50 per push, and the rest
 * continues in a later event (delayed to the next window when the allowance is spent), never by
 * waiting inside an invocation.
 */
export async function dailyStep(
  deps: { store: KeyValueStore; now(): Date; queue: ScanQueue },
  event: { date: string; cursor: number },
): Promise<ReconcileOutcome & { next?: number }> {
  const projects = await knownProjects(deps.store);
  const out: ReconcileOutcome & { next?: number } = { queued: [], recorded: [] };
  const left = projects.length - event.cursor;
  if (left <= 0) return out;
  // One event of the allowance is kept for the continuation itself.
  const requested = Math.min(left, DAILY_STEP_PROJECTS) + 1;
  const allowance = await takeAllowance(deps.store, deps.now().getTime(), requested);
  if (allowance.granted < 2) {
    out.next = event.cursor;
    await pushAll(deps.queue, [dailyEvent(event.date, out.next)], allowance.waitSeconds);
    return out;
  }
  const take = Math.min(left, allowance.granted - 1);
  const events: QueueEvent[] = [];
  for (const projectKey of projects.slice(event.cursor, event.cursor + take))
    await reconcileProject(deps, projectKey, event.date, out, events);
  await pushAll(deps.queue, events);
  if (event.cursor + take < projects.length) {
    out.next = event.cursor + take;
    // This minute's allowance is spent: continue when the next window opens.
    const delay = allowance.granted < requested ? allowance.waitSeconds : 0;
    await pushAll(deps.queue, [dailyEvent(event.date, out.next)], delay);
  }
  return out;
}

/**
 * The daily reconcile: records each known project's coverage for the day and asks for its scan.
 * With a queue that can push in batches (Forge) the work is handed to the paced `dailyStep` chain,
 * so the 55 s trigger only pushes one event; otherwise (local host, tests) it runs here.
 */
export async function dailyReconcile(
  deps: { store: KeyValueStore; now(): Date; queue?: ScanQueue },
  projects?: readonly string[],
): Promise<ReconcileOutcome> {
  const date = deps.now().toISOString().slice(0, 10);
  const out: ReconcileOutcome = { queued: [], recorded: [] };
  if (deps.queue?.pushMany && projects === undefined) {
    await deps.queue.pushMany([dailyEvent(date, 0)]);
    return out;
  }
  const events: QueueEvent[] = [];
  for (const projectKey of projects ?? (await knownProjects(deps.store)))
    await reconcileProject(deps, projectKey, date, out, events);
  if (deps.queue) await pushAll(deps.queue, events);
  return out;
}
