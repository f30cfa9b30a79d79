/**
 * Harness for the hardening suites: the real resolvers, services and Jira client over an emulator
 * (any snapshot, faults injectable) and an in-memory store, with retries that wait for nothing
 * but are recorded. Also the CLI against the same emulator through an in-process `fetch`.
 */
import { readFileSync } from 'node:fs';
import { runCli } from '../../src/cli/run';
import { createEmulator, SAMPLE_SNAPSHOT_PATH, type JiraEmulator } from '../../src/emulator';
import type { RetryEvent } from '../../src/jira/client';
import type { FetchLike } from '../../src/jira/transports/http';
import { buildResolver } from '../../src/resolvers';
import { invokeResolver, type Definitions } from '../../src/resolvers/invoke';
import type { AppDeps, ScanQueue } from '../../src/platform/deps';
import type { ResolverName, Result, ResultTypes } from '../../src/shared/contract';
import { parseSnapshot, type Snapshot } from '../../src/snapshot/format';
import { MemoryStore } from '../../src/storage/memory';

export const ADMIN = 'u-morgan-reyes'; // site admin (ADMINISTER), lead of PORT and ART, not ORB's PO
export const PO = 'u-lena-fischer'; // ORB's lead (project admin) and the PO of ORB stories
export const OTHER = 'u-kenji-sato'; // no role anywhere
export const DELEGATE = 'u-amara-nwosu'; // made Lena's delegate by the tests that need one
export const NEB_LEAD = 'u-raj-patel'; // project admin of NEB only

/** ORB story in progress whose PO is Lena (accept/revoke target). */
export const STORY = 'ORB-12';
export const STORY_ID = '10038';

export const sample: Snapshot = parseSnapshot(JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')));

export interface Harness {
  emulator: JiraEmulator;
  store: MemoryStore;
  deps: AppDeps;
  definitions: Definitions;
  retries: RetryEvent[];
  logs: { message: string; extra?: Record<string, unknown> }[];
  call<N extends ResolverName>(
    name: N,
    payload: unknown,
    accountId?: string,
  ): Promise<Result<ResultTypes[N]>>;
  /** Every stored key and value, for before/after comparisons. */
  dump(): Promise<Record<string, unknown>>;
}

export function harness(
  options: {
    snapshot?: Snapshot;
    queue?: boolean;
    initial?: Record<string, unknown>;
    /** The account the app's own requests run as (default: the site admin stands in for it). */
    app?: string;
  } = {},
): Harness {
  const emulator = createEmulator(options.snapshot ?? sample);
  const store = new MemoryStore(options.initial ?? {});
  const retries: RetryEvent[] = [];
  const logs: Harness['logs'] = [];
  const queue: ScanQueue = { push: () => Promise.resolve() };
  const deps: AppDeps = {
    jiraAsUser: (id) => emulator.transportFor(id),
    // The emulator has no app principal; the site admin stands in for it unless a test names one.
    jiraAsApp: () => emulator.transportFor(options.app ?? ADMIN),
    store,
    now: () => new Date('2026-03-01T12:00:00.000Z'),
    jiraClient: {
      sleep: () => Promise.resolve(),
      random: () => 0.5,
      onRetry: (event) => void retries.push(event),
    },
    log: (message, extra) => void logs.push(extra ? { message, extra } : { message }),
    ...(options.queue ? { queue } : {}),
  };
  const definitions = buildResolver(deps).getDefinitions();
  return {
    emulator,
    store,
    deps,
    definitions,
    retries,
    logs,
    call: (name, payload, accountId) =>
      invokeResolver(definitions, name, payload, accountId === undefined ? {} : { accountId }),
    // Caches (src/services/cache.ts: field lists, chain hints, views) are not records: reads keep
    // them to spare Jira requests, so "nothing stored" means nothing else.
    dump: async () =>
      Object.fromEntries(
        (await store.list('')).filter((e) => !e.key.startsWith('cache:')).map((e) => [e.key, e.value]),
      ),
  };
}

/** `fetch` answered by the emulator in-process, as `account`; a throwing fault rejects like a dead socket. */
export function emulatorFetch(emulator: JiraEmulator, accountId: string): FetchLike {
  return async (url, init) => {
    const u = new URL(url);
    const text = typeof init.body === 'string' ? init.body : undefined;
    const answer = await emulator.handle({
      method: init.method ?? 'GET',
      path: `${u.pathname}${u.search}`,
      body: text === undefined ? undefined : (JSON.parse(text) as unknown),
      accountId,
    });
    return new Response(answer.status === 204 ? null : answer.text, {
      status: answer.status,
      headers: answer.headers,
    });
  };
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
  waits: number[];
}

/** Runs `popm audit --project KEY --site ...` against the emulator; retries wait for nothing. */
export async function cliAudit(
  emulator: JiraEmulator,
  project: string,
  extra: string[] = [],
  accountId = ADMIN,
): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const waits: number[] = [];
  const code = await runCli(
    [
      'audit',
      '--project',
      project,
      '--site',
      'https://popm.example.net',
      '--email',
      'e@x',
      '--token',
      't',
      ...extra,
    ],
    {},
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      fetch: emulatorFetch(emulator, accountId),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    },
  );
  return { code, stdout, stderr, waits };
}

/** Requests the emulator answered with `status` (a number, or 'network-error'). */
export function answered(emulator: JiraEmulator, status: number | 'network-error'): number {
  return emulator.requests.entries.filter((e) => e.status === status).length;
}
