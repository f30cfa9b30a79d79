/**
 * The scan job's checkpoint: the state kept in the KeyValueStore between queue events, one key per
 * project. It is the only thing a step trusts when it resumes, so it is validated on every read,
 * changed only by compare-and-swap, and saved only by the invocation that holds it (its `runner`).
 */
import { z } from 'zod';
import type { KeyValueStore } from '../storage/store';

export const SCAN_PHASES = [
  'metadata',
  'project',
  'ancestors',
  'children',
  'evaluate',
  'properties',
  'done',
] as const;
export type ScanJobPhase = (typeof SCAN_PHASES)[number];

/** Longer than one step may run (900 s) plus queue delivery: a scan silent this long is stuck. */
export const STUCK_AFTER_MS = 20 * 60 * 1000;

/** Keys of the checkpoint and of everything a scan stages under its generation. */
export const scanKey = {
  state: (p: string) => `scan:${p}:state`,
  page: (p: string, gen: number, n: number) => `scan:${p}:g${gen}:p${n}`,
  listPart: (p: string, gen: number, name: string, n: number) => `scan:${p}:g${gen}:${name}:${n}`,
  writePart: (p: string, gen: number, n: number) => `scan:${p}:g${gen}:w:${n}`,
  genPrefix: (p: string, gen: number) => `scan:${p}:g${gen}:`,
};

const checkpointSchema = z.object({
  v: z.literal(1),
  projectKey: z.string(),
  generation: z.number().int().min(0),
  status: z.enum(['running', 'complete', 'failed']),
  phase: z.enum(SCAN_PHASES),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Next page of the search in progress (project or a children batch). */
  token: z.string().optional(),
  /** Staged pages so far. */
  pages: z.number().int().min(0),
  /** Ancestors phase: how many keys of the `anc` list are fetched. */
  ancCursor: z.number().int().min(0),
  /** Children phase: index of the feature batch in progress. */
  batch: z.number().int().min(0),
  /** Store phase: chunks already written under `generation`. */
  storeChunks: z.number().int().min(0),
  counts: z.object({
    project: z.number().int().min(0),
    ancestors: z.number().int().min(0),
    children: z.number().int().min(0),
    requests: z.number().int().min(0),
    steps: z.number().int().min(0),
  }),
  lengths: z.object({ anc: z.number().int().min(0), features: z.number().int().min(0) }),
  meta: z.object({
    issueTypes: z.array(
      z.object({ id: z.string(), name: z.string(), hierarchyLevel: z.number(), subtask: z.boolean() }),
    ),
    fields: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        schema: z
          .object({ type: z.string(), items: z.string().optional(), custom: z.string().optional() })
          .optional(),
      }),
    ),
  }),
  configHash: z.string(),
  /**
   * Properties phase: `length` pending writes staged (by evaluate, once) and `cursor` of them sent.
   * Defaulted so a checkpoint written before this phase existed still reads.
   */
  writes: z
    .object({
      staged: z.boolean(),
      length: z.number().int().min(0),
      cursor: z.number().int().min(0),
      /** Why the remaining writes were given up (a refusal retrying cannot fix), if they were. */
      error: z.string().optional(),
    })
    .default({ staged: false, length: 0, cursor: 0 }),
  attempts: z.number().int().min(0),
  error: z.string().optional(),
  /** Store phase: the id the tree is written under (fixed once the first chunk is stored). */
  writeId: z.string().optional(),
  /**
   * The invocation working on the scan. Only it may save the checkpoint (a duplicated queue event
   * finds the scan taken); it is released at the end of every step, and taken over when the
   * checkpoint has been silent for STUCK_AFTER_MS.
   */
  runner: z.string().optional(),
});
export type ScanCheckpoint = z.infer<typeof checkpointSchema>;

/** The continuation event a step pushes; the queue consumer passes it back to `runScanStep`. */
export interface ScanEvent {
  projectKey: string;
  kind: 'scan';
  /** `start` begins a new scan unless one is running; `continue` resumes the checkpoint. */
  action: 'start' | 'continue';
  generation?: number;
  reason?: string;
  [key: string]: unknown;
}

/** The checkpoint a stored value holds, or undefined when it is absent or unreadable. */
function parseCheckpoint(raw: unknown): ScanCheckpoint | undefined {
  if (raw === undefined) return undefined;
  const parsed = checkpointSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export async function readScanState(
  store: KeyValueStore,
  projectKey: string,
): Promise<ScanCheckpoint | undefined> {
  return parseCheckpoint(await store.get(scanKey.state(projectKey)));
}

/** The checkpoint of a scan that has not read anything yet. */
export function freshCheckpoint(projectKey: string, generation: number, at: string): ScanCheckpoint {
  return {
    v: 1,
    projectKey,
    generation,
    status: 'running',
    phase: 'metadata',
    startedAt: at,
    updatedAt: at,
    pages: 0,
    ancCursor: 0,
    batch: 0,
    storeChunks: 0,
    counts: { project: 0, ancestors: 0, children: 0, requests: 0, steps: 0 },
    lengths: { anc: 0, features: 0 },
    meta: { issueTypes: [], fields: [] },
    configHash: '',
    writes: { staged: false, length: 0, cursor: 0 },
    attempts: 0,
  };
}

/** Whether a running checkpoint has been silent long enough that its runner must have died. */
export function isStuck(state: ScanCheckpoint, now: Date): boolean {
  return now.getTime() - Date.parse(state.updatedAt) > STUCK_AFTER_MS;
}

/**
 * Compare-and-swap on the checkpoint: `change` sees the current one (undefined when absent or
 * unreadable) and returns the next, or undefined to leave the stored value as it is.
 */
export async function updateCheckpoint(
  store: KeyValueStore,
  projectKey: string,
  change: (current: ScanCheckpoint | undefined) => ScanCheckpoint | undefined,
): Promise<void> {
  await store.update<unknown>(scanKey.state(projectKey), (raw) => change(parseCheckpoint(raw)) ?? raw);
}

/**
 * Takes a running scan for the invocation `token`, unless another invocation holds it and is not
 * stuck. Returns the claimed checkpoint, or undefined when the scan is not running or is taken.
 */
export async function claimCheckpoint(
  store: KeyValueStore,
  projectKey: string,
  token: string,
  now: Date,
): Promise<ScanCheckpoint | undefined> {
  let claimed: ScanCheckpoint | undefined;
  await updateCheckpoint(store, projectKey, (current) => {
    claimed = undefined;
    if (current?.status !== 'running') return undefined;
    if (current.runner !== undefined && !isStuck(current, now)) return undefined;
    claimed = { ...current, runner: token, updatedAt: now.toISOString() };
    return claimed;
  });
  return claimed;
}

/**
 * Saves `next` only while `token` still holds the scan (fencing: a runner that was taken over
 * must not overwrite its successor's progress). Returns whether it was saved.
 */
export async function saveIfRunner(
  store: KeyValueStore,
  projectKey: string,
  token: string,
  next: ScanCheckpoint,
): Promise<boolean> {
  // Set inside the callback: widened so TS does not narrow it to its initial `false`.
  let ours = false as boolean;
  await updateCheckpoint(store, projectKey, (current) => {
    ours = current?.runner === token;
    return ours ? next : undefined;
  });
  return ours;
}
