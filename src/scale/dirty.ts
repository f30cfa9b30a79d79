/**
 * Changes that arrive while a project's scan runs. The scan may have read an issue before its
 * change, and its switch replaces any patch made meanwhile, so each change is noted here and
 * applied again once the scan's tree is current (`takeDirty` after the switch).
 */
import { z } from 'zod';
import type { KeyValueStore } from '../storage/store';

export interface DirtyChange {
  kind: 'created' | 'updated' | 'deleted';
  issueKey: string;
}

/** Beyond this many noted changes, replaying them costs more than scanning again. */
export const MAX_DIRTY = 1_000;

const dirtySchema = z.object({
  changes: z.array(z.object({ kind: z.enum(['created', 'updated', 'deleted']), issueKey: z.string() })),
  /** More changes than MAX_DIRTY arrived: the list is incomplete, rescan instead. */
  overflow: z.boolean(),
});
export type DirtyList = z.infer<typeof dirtySchema>;

export const dirtyKey = (projectKey: string) => `scan:${projectKey}:dirty`;

function parse(raw: unknown): DirtyList {
  const parsed = dirtySchema.safeParse(raw);
  return parsed.success ? parsed.data : { changes: [], overflow: raw !== undefined };
}

/** Notes a change (one entry per issue, the latest kind: the replay refetches it anyway). */
export async function noteDirty(
  store: KeyValueStore,
  projectKey: string,
  change: DirtyChange,
): Promise<void> {
  await store.update<unknown>(dirtyKey(projectKey), (raw) => {
    const list = parse(raw);
    const others = list.changes.filter((c) => c.issueKey !== change.issueKey);
    if (others.length >= MAX_DIRTY) return { changes: others, overflow: true };
    return {
      changes: [...others, { kind: change.kind, issueKey: change.issueKey }],
      overflow: list.overflow,
    };
  });
}

/**
 * Takes the whole list (atomically: a change noted meanwhile stays for the next taker). An
 * overflowed list is left in place while `keepOverflow` (the scan is still running; only a new
 * scan can cover it).
 */
export async function takeDirty(
  store: KeyValueStore,
  projectKey: string,
  keepOverflow = false,
): Promise<DirtyList> {
  let taken: DirtyList = { changes: [], overflow: false };
  await store.update<unknown>(dirtyKey(projectKey), (raw) => {
    const list = raw === undefined ? { changes: [], overflow: false } : parse(raw);
    if (list.overflow && keepOverflow) {
      taken = { changes: [], overflow: false };
      return raw;
    }
    taken = list;
    return undefined;
  });
  return taken;
}
