import { z } from 'zod';
import type { JiraIssue } from '../domain/types';
import { BULK_FETCH_REQUEST } from '../jira/api';
import type { Transport } from '../jira/transport';
import { handleIssueEventForTrees } from '../scale/service';
import type { AppDeps } from '../platform/deps';

/** Issues the write path already holds, as they are after the write, and what they were read with. */
export interface InHand {
  issues: readonly JiraIssue[];
  fields: readonly string[];
  properties: readonly string[];
}

/**
 * After a write the app made itself, the stored trees holding the issue are patched at once, so
 * the project page agrees with the issue panel. Acceptance records live in the app's store (no
 * Jira event announces them); for owner edits Jira's own event follows and finds nothing left to
 * change. Best effort: the write has succeeded, and the daily rescan corrects what this misses.
 *
 * With `inHand`, the stored tree update's reads of those issues are answered from them instead of
 * from Jira (see `answeringFrom`), so the refresh costs no request for data the write path has.
 */
export async function refreshTreesAfterWrite(
  deps: AppDeps,
  issueKey: string,
  inHand?: InHand,
): Promise<void> {
  try {
    const served: AppDeps = inHand
      ? { ...deps, jiraAsApp: () => answeringFrom(inHand, deps.jiraAsApp()) }
      : deps;
    await handleIssueEventForTrees(served, {
      eventType: 'avi:jira:updated:issue',
      issue: { key: issueKey },
    });
  } catch (error) {
    deps.log?.('tree refresh after a write failed; the next scan will correct it', {
      issueKey,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

const bulkFetchBody = z.object({
  issueIdsOrKeys: z.array(z.string()).min(1),
  fields: z.array(z.string()).optional(),
  properties: z.array(z.string()).optional(),
});

/**
 * A transport that answers `POST /issue/bulkfetch` from issues in hand when it can answer all of
 * it (every id or key asked is in hand, and every field and property asked was read), and sends
 * everything else on. The stored tree code keeps asking Jira the way it always does; only the answer
 * for data this invocation read a moment ago (and then changed itself) comes from memory. Issues
 * read as the user serve the app: the app sees at least what the user sees, with the same values.
 */
export function answeringFrom(inHand: InHand, next: Transport): Transport {
  const byRef = new Map<string, JiraIssue>();
  for (const issue of inHand.issues) {
    byRef.set(issue.key, issue);
    byRef.set(issue.id, issue);
  }
  const readFields = new Set(inHand.fields);
  const readProperties = new Set(inHand.properties);
  return async (request) => {
    if (request.method !== BULK_FETCH_REQUEST.method || request.path !== BULK_FETCH_REQUEST.path)
      return next(request);
    const body = bulkFetchBody.safeParse(request.body);
    if (!body.success) return next(request);
    const { issueIdsOrKeys, fields = [], properties = [] } = body.data;
    const issues: JiraIssue[] = [];
    for (const ref of issueIdsOrKeys) {
      const issue = byRef.get(ref);
      if (issue) issues.push(issue);
    }
    const answerable =
      fields.length > 0 &&
      fields.every((f) => readFields.has(f)) &&
      properties.every((p) => readProperties.has(p)) &&
      issues.length === issueIdsOrKeys.length;
    if (!answerable) return next(request);
    const beans = issues.map((issue) => {
      const picked: Record<string, unknown> = {};
      for (const f of fields) if (Object.hasOwn(issue.fields, f)) picked[f] = issue.fields[f];
      const props: Record<string, unknown> = {};
      for (const p of properties) {
        if (issue.properties && Object.hasOwn(issue.properties, p)) props[p] = issue.properties[p];
      }
      return { id: issue.id, key: issue.key, fields: picked, properties: props };
    });
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      text: JSON.stringify({ issues: beans, issueErrors: [] }),
    };
  };
}
