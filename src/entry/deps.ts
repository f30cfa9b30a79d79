/**
 * AppDeps on Forge: Jira through `requestJira` (as the user or as the app), storage in
 * `@forge/kvs`, scans on the `popm-scan` queue of `@forge/events`.
 */
import { Queue } from '@forge/events';
import { kvs } from '@forge/kvs';
import { forgeTransport } from '../jira/transports/forge';
import type { AppDeps, QueueEvent } from '../services/deps';
import { KvsStore } from '../storage/kvs';

/** Must match the `consumer` module's `queue` in manifest.yml. */
export const SCAN_QUEUE = 'popm-scan';

function forgeEvent(event: QueueEvent) {
  // One scan per project at a time: concurrent scans of one project only waste rate limit. The
  // daily fan-out is one chain of its own.
  const key = event.kind === 'daily' ? 'daily' : `scan-${event.projectKey}`;
  return { body: event, concurrency: { key, limit: 1 } };
}

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
        await queue.push(forgeEvent(event));
      },
      pushMany: async (events, options) => {
        await queue.push(
          events.map((event) => ({
            ...forgeEvent(event),
            ...(options?.delayInSeconds ? { delayInSeconds: options.delayInSeconds } : {}),
          })),
        );
      },
    },
    log: (message, extra) => console.log(JSON.stringify({ message, ...extra })),
  };
}
