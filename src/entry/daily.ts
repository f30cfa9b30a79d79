/**
 * Forge function `daily` (scheduledTrigger): records each stored project's coverage for the
 * gadget's trend and queues a reconciling rescan of it; then hands the Product Owners' digest to
 * the queue consumer (it reads every stored tree and sends one notification per PO: no work for 55 s).
 */
import { startDailyDigest } from '../services/digest';
import { dailyTrees } from '../scale/service';
import { forgeDeps, invocationDeadline } from './deps';

export async function handler(): Promise<void> {
  const deps = forgeDeps(invocationDeadline('trigger'));
  const outcome = await dailyTrees(deps);
  deps.log?.('daily trees', { recorded: outcome.recorded.length, queued: outcome.queued.length });
  await startDailyDigest(deps);
}
