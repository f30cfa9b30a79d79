/**
 * Forge function `scan-consumer`: one step of a project's tree scan (queued by startScan, a
 * view of a project without a stored tree, an issue event that needs a rescan, the daily trigger, or
 * the scan itself continuing in a fresh invocation when its 900 s ran low), and the daily digest.
 */
import { z } from 'zod';
import { handleScanEvent } from '../scale/service';
import { handleDigestEvent } from '../services/digest';
import { forgeDeps, invocationDeadline } from './deps';

/** @forge/events hands the consumer `{ body }`: the object pushed onto the queue. */
const queueEventSchema = z.looseObject({ body: z.unknown() });

export async function handler(event: unknown): Promise<void> {
  const deps = forgeDeps(invocationDeadline('consumer'));
  const parsed = queueEventSchema.safeParse(event);
  if (!parsed.success) {
    deps.log?.('scan event ignored: no body');
    return;
  }
  if (await handleDigestEvent(deps, parsed.data.body)) return;
  // The function's timeout is 900 s (manifest.yml); the step keeps its own reserve under it.
  await handleScanEvent(deps, parsed.data.body);
}
