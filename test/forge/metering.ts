/**
 * Jira cost per action, counted at the transport seam (src/jira/transport.ts) around the real
 * services and resolvers: every request the app sends, as the user or as the app, and the objects
 * Jira returns. Jira meters apps in points, about one per request plus one per object returned;
 * writes cost their request only. Objects are counted as the issue's table counts them: issues
 * returned; list items of other reads (fields, issue types, users, projects) are counted apart.
 */
import type { Transport } from '../../src/jira/transport';
import type { AppDeps } from '../../src/platform/deps';

export interface Cost {
  requests: number;
  /** Issues in the answers (a search page's, a bulk fetch's, or one issue). */
  issues: number;
  /** Other objects in read answers: fields, issue types, users, projects. */
  others: number;
  /** `METHOD /path` of each request, for messages when a count moves. */
  calls: string[];
}

export interface Meter {
  /** Cost of everything sent since the last `take` (and resets it). */
  take(): Cost;
}

function objectsIn(text: string): { issues: number; others: number } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { issues: 0, others: 0 };
  }
  if (Array.isArray(body)) return { issues: 0, others: body.length };
  if (typeof body !== 'object' || body === null) return { issues: 0, others: 0 };
  const o = body as Record<string, unknown>;
  if (Array.isArray(o.issues)) return { issues: o.issues.length, others: 0 };
  if (typeof o.key === 'string' && typeof o.fields === 'object') return { issues: 1, others: 0 };
  if (Array.isArray(o.values)) return { issues: 0, others: o.values.length };
  return { issues: 0, others: 0 };
}

/** Wraps the deps' transports (mutating `deps`, which the resolvers built from it keep using). */
export function meter(deps: AppDeps): Meter {
  let cost: Cost = { requests: 0, issues: 0, others: 0, calls: [] };
  const wrap =
    (transport: Transport): Transport =>
    async (request) => {
      const response = await transport(request);
      cost.requests += 1;
      cost.calls.push(`${request.method} ${request.path.replace(/\?.*$/, '')}`);
      if (
        request.method === 'GET' ||
        request.path.endsWith('/search/jql') ||
        request.path.endsWith('/bulkfetch')
      ) {
        const found = objectsIn(response.text);
        cost.issues += found.issues;
        cost.others += found.others;
      }
      return response;
    };
  const asUser = deps.jiraAsUser.bind(deps);
  const asApp = deps.jiraAsApp.bind(deps);
  deps.jiraAsUser = (accountId) => wrap(asUser(accountId));
  deps.jiraAsApp = () => wrap(asApp());
  return {
    take() {
      const out = cost;
      cost = { requests: 0, issues: 0, others: 0, calls: [] };
      return out;
    },
  };
}
