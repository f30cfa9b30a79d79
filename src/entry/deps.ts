/**
 * AppDeps on Forge: Jira through `requestJira` (as the user or as the app), storage in
 * `@forge/kvs`, scans on the `popm-scan` queue of `@forge/events`, and the invocation's deadline.
 */
import { Queue } from '@forge/events';
import { kvs } from '@forge/kvs';
import { deadlineAfter, type Deadline } from '../domain/deadline';
import { forgeTransport } from '../jira/transports/forge';
import type { AppDeps, QueueEvent } from '../platform/deps';
import { KvsStore } from '../storage/kvs';

/** Must match the `consumer` module's `queue` in manifest.yml. */
export const SCAN_QUEUE = 'popm-scan';

function forgeEvent(event: QueueEvent) {
  // One scan per project at a time: concurrent scans of one project only waste rate limit. The
  // daily fan-out is one chain of its own, and so is the digest.
  const key = event.kind === 'daily' || event.kind === 'digest' ? event.kind : `scan-${event.projectKey}`;
  return { body: event, concurrency: { key, limit: 1 } };
}

/**
 * Forge's time limit per function kind (resolvers, the workflow validator and Rovo actions 25 s,
 * product-event and scheduled triggers 55 s, queue consumers the 900 s set in manifest.yml).
 */
export const FORGE_TIME_LIMIT_MS = {
  resolver: 25_000,
  validator: 25_000,
  action: 25_000,
  trigger: 55_000,
  consumer: 900_000,
} as const;
export type InvocationKind = keyof typeof FORGE_TIME_LIMIT_MS;

/**
 * Kept back from the limit: the platform's clock starts before our handler runs, and answering
 * (serialising the result, logging) takes a moment too.
 */
export const ANSWER_RESERVE_MS = 2_000;

/** The deadline of an invocation of this kind that starts now. */
export function invocationDeadline(kind: InvocationKind, now: () => number = Date.now): Deadline {
  return deadlineAfter(FORGE_TIME_LIMIT_MS[kind] - ANSWER_RESERVE_MS, now);
}

/** Dependencies for one invocation: build them when the invocation starts, with its deadline. */
export function forgeDeps(deadline: Deadline): AppDeps {
  const queue = new Queue({ key: SCAN_QUEUE });
  return {
    // Forge's asUser() acts for the user of the current invocation; the account id is already
    // that user's (resolvers take it from the Forge context), so it selects nothing further here.
    jiraAsUser: () => forgeTransport('user'),
    jiraAsApp: () => forgeTransport('app'),
    store: new KvsStore(kvs, { deadline }),
    now: () => new Date(),
    deadline,
    jiraClient: { deadline },
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
