/**
 * Forge function `daily` (scheduledTrigger): records each snapshot project's coverage for the
 * gadget's trend and queues a reconciling rescan of it.
 */
import { dailySnapshots } from '../scale/service';
import { forgeDeps, invocationDeadline } from './deps';

export async function handler(): Promise<void> {
  const deps = forgeDeps(invocationDeadline('trigger'));
  const outcome = await dailySnapshots(deps);
  deps.log?.('daily snapshots', { recorded: outcome.recorded.length, queued: outcome.queued.length });
}
