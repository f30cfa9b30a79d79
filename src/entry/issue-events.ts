/** Forge function `issue-events`: avi:jira:created/updated/deleted:issue. */
import { handleIssueEventForSnapshots } from '../scale/service';
import { handleIssueEvent, type IssueEventOutcome } from '../services/trigger';
import { forgeDeps, invocationDeadline } from './deps';

export async function handler(event: unknown): Promise<void> {
  const deps = forgeDeps(invocationDeadline('trigger'));
  // Stale-marking first (the validator and the issue views must see a reopened story as
  // unaccepted at once); a failure there must not keep the snapshots from being updated.
  let failure: Error | undefined;
  let outcome: IssueEventOutcome | undefined;
  try {
    outcome = await handleIssueEvent(deps, event);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  const snapshots = await handleIssueEventForSnapshots(deps, event);
  deps.log?.('issue event handled', {
    markedStale: outcome?.markedStale ?? false,
    refreshed: outcome?.refreshed.length ?? 0,
    snapshots: snapshots.map((s) => `${s.projectKey}:${s.outcome.status}`),
  });
  if (failure !== undefined) throw failure;
}
