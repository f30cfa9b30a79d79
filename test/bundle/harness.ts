/**
 * Runs the backend as Forge runs it: the bundle that @forge/bundler built (tools/forge-bundle),
 * loaded as one module, its handlers called with Forge-shaped events, and every platform call
 * the bundled @forge/* SDK code makes answered here. Only the platform's transport is stood in
 * for, through the two globals the Forge runtime provides (read from node_modules/@forge/api and
 * @forge/kvs):
 * - `__forge_fetch__(target, path, init)`: `{ type: 'fpp', remote: 'jira', provider: 'user' | 'app' }`
 *   goes to the Jira emulator as the invoking user or as the app (a user who has not consented gets
 *   the proxy's `forge-proxy-error: NEEDS_AUTHENTICATION_ERR`); `{ type: 'kvs' }` goes to an
 *   in-memory KVS stand-in; `{ remote: 'stargate' }` at `/webhook/queue/publish/...` is a queue push,
 *   recorded so `drainQueue` can deliver it to the consumer.
 * - `__forge_runtime__`: the app and invocation context (`getAppContext()`, the remaining time of
 *   the function's Forge time limit), metrics and tracing.
 *
 * Usage (also for per-action request counts):
 *   const app = await BundledApp.load({ snapshot });
 *   const run = await app.resolver('getIssueView', { issueKey: 'ART-2' }, 'u-lena-fischer');
 *   run.result; run.jira.requests; run.jira.objects;
 *   const gaps = await app.action('ownershipGapsAction', { projectKey: 'ART' }, 'u-lena-fischer');
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createEmulator, SAMPLE_SNAPSHOT_PATH, type JiraEmulator } from '../../src/emulator';
import { objectsIn } from '../../src/emulator/faults';
import type { Snapshot } from '../../src/snapshot/format';
import { loadSnapshotFile } from '../../src/snapshot/load';
import { KvsStandIn } from './kvs-stand-in';

export const ROOT = resolve(__dirname, '../..');
export const BUNDLE_DIR = join(ROOT, 'dist', 'forge-bundle');

/** The Rovo agent's actions, by their export of src/index.ts. */
export type ActionName =
  'ownershipGapsAction' | 'awaitingMyAcceptanceAction' | 'checkAcceptanceAction' | 'acceptStoryAction';

/** The manifest's handlers, by their export of src/index.ts. */
export type HandlerName =
  'resolver' | 'onIssueEvent' | 'validateAcceptance' | 'onDaily' | 'onScanEvent' | ActionName;

/** Forge's time limit of each handler's module type (the consumer's from manifest.yml). */
const TIME_LIMIT_MS: Record<HandlerName, number> = {
  resolver: 25_000,
  validateAcceptance: 25_000,
  onIssueEvent: 55_000,
  onDaily: 55_000,
  onScanEvent: 900_000,
  ownershipGapsAction: 25_000,
  awaitingMyAcceptanceAction: 25_000,
  checkAcceptanceAction: 25_000,
  acceptStoryAction: 25_000,
};

const MODULE_KEYS: Record<HandlerName, string> = {
  resolver: 'popm-issue-panel',
  validateAcceptance: 'popm-requires-po-acceptance',
  onIssueEvent: 'popm-issue-events',
  onDaily: 'popm-daily',
  onScanEvent: 'popm-scan-consumer',
  ownershipGapsAction: 'popm-ownership-gaps',
  awaitingMyAcceptanceAction: 'popm-awaiting-my-acceptance',
  checkAcceptanceAction: 'popm-check-acceptance',
  acceptStoryAction: 'popm-accept-story',
};

/**
 * Builds the bundle once into `dir` with the same script CI runs (about 1-2 minutes), unless
 * POPM_BUNDLE_DIR names one already built. Returns the directory.
 */
export function buildBundle(dir = BUNDLE_DIR): string {
  const given = process.env.POPM_BUNDLE_DIR ? resolve(process.env.POPM_BUNDLE_DIR) : undefined;
  if (given) {
    if (!existsSync(join(given, 'index.cjs'))) throw new Error(`POPM_BUNDLE_DIR=${given} holds no index.cjs`);
    return given;
  }
  execFileSync(join(ROOT, 'tools', 'forge-bundle', 'run.sh'), [dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  return dir;
}

export interface JiraCall {
  method: string;
  path: string;
  as: string;
  status: number;
  /** Objects in the answer, as Jira meters them (issues, users, projects...; 1 for a single one). */
  objects: number;
}

export interface Invocation<T = unknown> {
  /** What the handler returned; undefined when it threw. */
  result?: T;
  /** What the handler threw, as the Forge runtime would see it. */
  error?: unknown;
  jira: { requests: number; objects: number; calls: JiraCall[] };
  kvsRequests: number;
  /** Events pushed onto queues during the invocation. */
  pushed: QueuedEvent[];
}

export interface QueuedEvent {
  queueName: string;
  body: unknown;
}

interface ForgeTarget {
  type?: string;
  provider?: string;
  remote?: string;
  accountId?: string;
}

interface FetchInit {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

type PlatformGlobals = {
  __forge_fetch__?: (target: ForgeTarget, path: string, init?: FetchInit) => Promise<Response>;
  __forge_runtime__?: unknown;
};

function respond(status: number, text: string, headers: Record<string, string> = {}): Response {
  const nullBody = status === 204 || status === 205 || status === 304;
  return new Response(nullBody ? null : text, { status, headers });
}

export interface BundledAppOptions {
  /** Default: the bundled sample site. */
  snapshot?: Snapshot;
  /** Default: build (or reuse POPM_BUNDLE_DIR). */
  bundleDir?: string;
  /** Accounts that have not granted the app access to Jira. */
  consentPending?: readonly string[];
  cloudId?: string;
}

export class BundledApp {
  readonly kvs = new KvsStandIn();
  readonly queue: QueuedEvent[] = [];
  readonly consentPending: Set<string>;
  private busy = false;

  private constructor(
    private readonly handlers: Record<HandlerName, (...args: unknown[]) => Promise<unknown>>,
    readonly emulator: JiraEmulator,
    /** The account the emulator answers asApp() requests as. */
    readonly appAccountId: string,
    consentPending: readonly string[],
    private readonly cloudId: string,
  ) {
    this.consentPending = new Set(consentPending);
  }

  static async load(options: BundledAppOptions = {}): Promise<BundledApp> {
    const snapshot = options.snapshot ?? (await loadSnapshotFile(SAMPLE_SNAPSHOT_PATH));
    const emulator = createEmulator(snapshot);
    const appAccountId =
      snapshot.users.find((u) => u.accountType === 'app')?.accountId ?? emulator.defaultAccountId;
    if (!appAccountId) throw new Error('the snapshot has no account to act as the app');
    const dir = options.bundleDir ?? buildBundle();
    const file = join(dir, 'index.cjs');
    // The bundle reads the platform globals only when it calls out, never while loading
    // (tools/forge-bundle/bundle.cjs loads it with none set), so one load serves every invocation.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(file) as Record<string, unknown>;
    const handlers = {} as Record<HandlerName, (...args: unknown[]) => Promise<unknown>>;
    for (const name of Object.keys(TIME_LIMIT_MS) as HandlerName[]) {
      const fn = loaded[name];
      if (typeof fn !== 'function') throw new Error(`${file} exports no handler ${name}`);
      handlers[name] = fn as (...args: unknown[]) => Promise<unknown>;
    }
    return new BundledApp(
      handlers,
      emulator,
      appAccountId,
      options.consentPending ?? [],
      options.cloudId ?? 'cloud-local',
    );
  }

  /** A Custom UI `invoke(functionKey, payload)` from a surface, by `accountId`. */
  resolver<T = unknown>(
    functionKey: string,
    payload: unknown,
    accountId: string | undefined,
    extension: Record<string, unknown> = { type: 'jira:issuePanel' },
  ): Promise<Invocation<T>> {
    const context = { cloudId: this.cloudId, moduleKey: MODULE_KEYS.resolver, localId: 'local', extension };
    const event = { call: { functionKey, payload }, context };
    return this.invoke<T>('resolver', accountId, [event, this.runtimePayload(accountId)]);
  }

  /**
   * A Rovo action run by `accountId`: the payload is the inputs plus Rovo's `context` (with `jira`
   * when the chat is open on an issue), the second argument Forge's invocation context.
   */
  action<T = unknown>(
    name: ActionName,
    inputs: Record<string, unknown>,
    accountId: string | undefined,
    jira?: Record<string, unknown>,
  ): Promise<Invocation<T>> {
    const context = { cloudId: this.cloudId, moduleKey: MODULE_KEYS[name], ...(jira ? { jira } : {}) };
    return this.invoke<T>(name, accountId, [{ ...inputs, context }, this.runtimePayload(accountId)]);
  }

  /** An `avi:jira:*:issue` product event, delivered to the trigger as the app. */
  issueEvent(event: Record<string, unknown>): Promise<Invocation<undefined>> {
    return this.invoke<undefined>('onIssueEvent', undefined, [event, this.runtimePayload(undefined)]);
  }

  /** The workflow validator for a transition of `issueKey`. */
  validator<T = unknown>(issueKey: string): Promise<Invocation<T>> {
    const args = { issue: { key: issueKey }, transition: { from: { id: '1' }, to: { id: '3' } } };
    return this.invoke<T>('validateAcceptance', undefined, [args, this.runtimePayload(undefined)]);
  }

  /** The daily scheduled trigger. */
  daily(): Promise<Invocation<undefined>> {
    const event = { context: { cloudId: this.cloudId, moduleKey: MODULE_KEYS.onDaily } };
    return this.invoke<undefined>('onDaily', undefined, [event, this.runtimePayload(undefined)]);
  }

  /** One queue consumer invocation with the event pushed as `body`. */
  scanEvent(body: unknown): Promise<Invocation<undefined>> {
    const event = {
      queueName: 'popm-scan',
      jobId: 'job-local',
      eventId: 'event-local',
      body,
      retryContext: {},
    };
    return this.invoke<undefined>('onScanEvent', undefined, [event, this.runtimePayload(undefined)]);
  }

  /** Delivers queued events to the consumer, in order, until none is left or `max` ran. */
  async drainQueue(max = 200): Promise<Invocation<undefined>[]> {
    const runs: Invocation<undefined>[] = [];
    while (this.queue.length > 0) {
      if (runs.length >= max) throw new Error(`the queue still held events after ${max} consumer runs`);
      const next = this.queue.shift();
      if (next) runs.push(await this.scanEvent(next.body));
    }
    return runs;
  }

  private runtimePayload(accountId: string | undefined): Record<string, unknown> {
    return {
      ...(accountId ? { principal: { accountId } } : {}),
      installContext: `ari:cloud:jira::site/${this.cloudId}`,
    };
  }

  private async invoke<T>(
    name: HandlerName,
    accountId: string | undefined,
    args: unknown[],
  ): Promise<Invocation<T>> {
    // The globals are per invocation (they carry the invoking user), so invocations take turns.
    if (this.busy) throw new Error('BundledApp runs one invocation at a time');
    this.busy = true;
    const platform = globalThis as unknown as PlatformGlobals;
    const calls: JiraCall[] = [];
    const pushed: QueuedEvent[] = [];
    let kvsRequests = 0;
    const started = Date.now();
    platform.__forge_runtime__ = {
      appContext: {
        appId: 'local-app',
        appVersion: '1.0.0',
        environmentId: 'local-env',
        environmentType: 'DEVELOPMENT',
        invocationId: `invocation-${started}`,
        installationId: 'local-installation',
        moduleKey: MODULE_KEYS[name],
      },
      lambdaContext: { getRemainingTimeInMillis: () => TIME_LIMIT_MS[name] - (Date.now() - started) },
      proxy: { token: 'local-token', url: 'http://forge-proxy.invalid' },
      tracing: { traceId: 'local-trace', spanId: 'local-span' },
      metrics: {
        counter: () => ({ incr: () => undefined }),
        timing: () => ({ measure: () => ({ stop: () => undefined }) }),
      },
    };
    platform.__forge_fetch__ = async (target, path, init = {}) => {
      const body =
        init.body === undefined || init.body === '' ? undefined : (JSON.parse(init.body) as unknown);
      if (target.type === 'kvs') {
        kvsRequests++;
        const answer = this.kvs.handle(path, (body ?? {}) as Record<string, unknown>);
        return respond(answer.status, answer.body === undefined ? '' : JSON.stringify(answer.body));
      }
      if (target.type === 'fpp' && target.remote === 'jira') {
        const as = target.provider === 'user' ? (target.accountId ?? accountId) : this.appAccountId;
        if (target.provider === 'user' && (as === undefined || this.consentPending.has(as)))
          return respond(401, '', { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' });
        const method = (init.method ?? 'GET').toUpperCase() as 'GET' | 'POST' | 'PUT' | 'DELETE';
        const answer = await this.emulator.transportFor(as ?? '')({ method, path, body });
        calls.push({ method, path, as: as ?? '', status: answer.status, objects: objectsIn(answer.text) });
        return respond(answer.status, answer.text, answer.headers);
      }
      if (
        target.type === 'fpp' &&
        target.remote === 'stargate' &&
        path.startsWith('/webhook/queue/publish/')
      ) {
        const request = body as { queueName: string; payload: unknown[] };
        // Each pushed event is `{ body, concurrency?, delayInSeconds? }`; the consumer gets the body.
        for (const event of request.payload)
          pushed.push({ queueName: request.queueName, body: (event as { body?: unknown }).body });
        return respond(201, '{}', { 'content-type': 'application/json' });
      }
      throw new Error(`no platform stand-in for ${JSON.stringify(target)} ${path}`);
    };
    const out: Invocation<T> = { jira: { requests: 0, objects: 0, calls }, kvsRequests: 0, pushed };
    try {
      out.result = (await this.handlers[name](...args)) as T;
    } catch (error) {
      out.error = error;
    } finally {
      delete platform.__forge_fetch__;
      delete platform.__forge_runtime__;
      this.busy = false;
    }
    out.jira.requests = calls.length;
    out.jira.objects = calls.reduce((sum, c) => sum + c.objects, 0);
    out.kvsRequests = kvsRequests;
    this.queue.push(...pushed);
    return out;
  }
}

/** The bundle's own report (handlers, bundled app modules, packages), written by the bundler run. */
export function bundleReport(dir: string): {
  handlers: string[];
  appSources: Record<string, string[]>;
  problems: string[];
} {
  return JSON.parse(readFileSync(join(dir, 'bundle-report.json'), 'utf8'));
}
