/** Forge function `issue-events`: avi:jira:created/updated/deleted:issue, one pipeline per event. */
import { handleIssueEvent } from '../services/trigger';
import { forgeDeps, invocationDeadline } from './deps';

export async function handler(event: unknown): Promise<void> {
  const deps = forgeDeps(invocationDeadline('trigger'));
  const outcome = await handleIssueEvent(deps, event);
  deps.log?.('issue event handled', {
    markedStale: outcome.markedStale,
    refreshed: outcome.refreshed.length,
    trees: outcome.trees,
  });
}
