/**
 * What the app's use cases need from the outside world, passed in rather than imported, so the
 * same services run on Forge (src/entry/), in the local host (src/localhost/) and in tests.
 */
import type { Deadline } from '../domain/deadline';
import type { JiraClientOptions } from '../jira/client';
import type { Transport } from '../jira/transport';
import type { KeyValueStore } from '../storage/store';

export interface QueueEvent {
  projectKey: string;
  [key: string]: unknown;
}

export interface ScanQueue {
  /** Enqueue a scan step (Forge: @forge/events Queue.push; locally: run soon in-process). */
  push(event: QueueEvent): Promise<void>;
  /**
   * Several events in one push (Forge: at most 50 per push), delivered after `delayInSeconds`
   * (Forge: at most 900). Without it, callers push one by one at once.
   */
  pushMany?(events: readonly QueueEvent[], options?: { delayInSeconds?: number }): Promise<void>;
}

export interface AppDeps {
  /** Jira as the signed-in user, so Jira's own permissions hold. */
  jiraAsUser(accountId: string): Transport;
  /** Jira as the app: only for writes the user may not make directly (issue properties) and background work. */
  jiraAsApp(): Transport;
  store: KeyValueStore;
  now(): Date;
  queue?: ScanQueue;
  /** Retry policy and clock of every Jira client the services build (tests make waits instant). */
  jiraClient?: JiraClientOptions;
  /**
   * When this invocation must have answered (Forge's time limit for its kind). Write sequences
   * that could not finish before it do not start; the Jira client gets the same deadline.
   */
  deadline?: Deadline;
  /** Diagnostics; never given whole payloads or tokens. */
  log?(message: string, extra?: Record<string, unknown>): void;
}
