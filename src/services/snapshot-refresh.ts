import { handleIssueEventForSnapshots } from '../scale/service';
import type { AppDeps } from './deps';

/**
 * After a write the app made itself, the stored snapshots holding the issue are patched at once, so
 * the project page agrees with the issue panel. Acceptance records live in the app's store (no
 * Jira event announces them); for owner edits Jira's own event follows and finds nothing left to
 * change. Best effort: the write has succeeded, and the daily rescan corrects what this misses.
 */
export async function refreshSnapshotsAfterWrite(deps: AppDeps, issueKey: string): Promise<void> {
  try {
    await handleIssueEventForSnapshots(deps, {
      eventType: 'avi:jira:updated:issue',
      issue: { key: issueKey },
    });
  } catch (error) {
    deps.log?.('snapshot refresh after a write failed; the next scan will correct it', {
      issueKey,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
