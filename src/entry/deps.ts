/**
 * AppDeps on Forge: Jira through `requestJira` (as the user or as the app), storage in
 * `@forge/kvs`, scans on the `popm-scan` queue of `@forge/events`.
 */
import { Queue } from '@forge/events';
import { kvs } from '@forge/kvs';
import { forgeTransport } from '../jira/transports/forge';
import type { AppDeps } from '../services/deps';
import { KvsStore } from '../storage/kvs';

/** Must match the `consumer` module's `queue` in manifest.yml. */
export const SCAN_QUEUE = 'popm-scan';

export function forgeDeps(): AppDeps {
  const queue = new Queue({ key: SCAN_QUEUE });
  return {
    // Forge's asUser() acts for the user of the current invocation; the account id is already
    // that user's (resolvers take it from the Forge context), so it selects nothing further here.
    jiraAsUser: () => forgeTransport('user'),
    jiraAsApp: () => forgeTransport('app'),
    store: new KvsStore(kvs),
    now: () => new Date(),
    queue: {
      push: async (event) => {
        // One scan per project at a time: concurrent scans of one project only waste rate limit.
        await queue.push({ body: event, concurrency: { key: `scan-${event.projectKey}`, limit: 1 } });
      },
    },
    log: (message, extra) => console.log(JSON.stringify({ message, ...extra })),
  };
}
