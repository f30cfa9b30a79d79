/**
 * The resumable project scan: a job that runs in steps (Forge async events, up to 900 s each),
 * keeps a checkpoint in the KeyValueStore after every Jira page, and when its time runs low pushes
 * a continuation event so a fresh invocation resumes where it stopped. A step that fails (Jira
 * down, a crash) leaves the last checkpoint intact: the retry resumes from it instead of starting
 * over. Nothing but compact facts is kept between pages (staged in storage, one key per page), so
 * memory is bounded by the compact form of the project, never by Jira's responses.
 *
 * The parts: the checkpoint (scan-checkpoint.ts), the phases one step runs (scan-steps.ts, reading
 * Jira through src/jira/scan.ts like the CLI's scan), and what a scan stages and how its tree is
 * switched into place (scan-staging.ts). This module starts, resumes and reports scans.
 *
 * The searches ask for `popm.findings` next to `popm.acceptance` (no extra request), and each fact
 * keeps a fingerprint of the value Jira holds, so JQL on the property (`popmAcceptanceValid = no`)
 * covers every issue of a scanned project, not only those the app touched, while an unchanged
 * project costs no write at all.
 */
import { assertProjectKey } from '../jira/jql';
import type { ScanQueue } from '../platform/deps';
import type { ScanState } from '../shared/contract';
import type { KeyValueStore } from '../storage/store';
import {
  claimCheckpoint,
  freshCheckpoint,
  isStuck,
  readScanState,
  updateCheckpoint,
  type ScanCheckpoint,
  type ScanEvent,
} from './scan-checkpoint';
import { cleanupStaging } from './scan-staging';
import { ScanStep, type ScanJobDeps, type ScanJobOptions, type ScanStepOutcome } from './scan-steps';
import { newWriteId, readTreeManifest } from './tree-store';

/** The contract's ScanState for the UI: progress while running, and when the data was built. */
export async function scanStateView(store: KeyValueStore, projectKey: string): Promise<ScanState> {
  const [state, manifest] = await Promise.all([
    readScanState(store, projectKey),
    readTreeManifest(store, projectKey),
  ]);
  const builtAt = manifest?.updatedAt ?? null;
  if (!state)
    return manifest
      ? { status: 'complete', processed: manifest.totals.issues, total: manifest.totals.issues, builtAt }
      : { status: 'none', processed: 0, total: null, builtAt: null };
  const processed = state.counts.project + state.counts.ancestors + state.counts.children;
  if (state.status === 'running') return { status: 'running', processed, total: null, builtAt };
  if (state.status === 'failed')
    return { status: 'failed', processed, total: null, builtAt, error: state.error ?? 'the scan failed' };
  return {
    status: 'complete',
    processed: manifest?.totals.issues ?? processed,
    total: manifest?.totals.issues ?? processed,
    builtAt,
  };
}

/**
 * Asks for a scan: creates a fresh checkpoint (unless one is running and not stuck) and queues its
 * first step. Returns the state the UI shows.
 */
export async function requestScan(
  deps: Pick<ScanJobDeps, 'store' | 'now' | 'queue'>,
  projectKey: string,
  reason = 'requested',
): Promise<ScanCheckpoint> {
  assertProjectKey(projectKey);
  const manifest = await readTreeManifest(deps.store, projectKey);
  const at = deps.now().toISOString();
  let outcome:
    { kind: 'running' | 'revived' | 'new'; state: ScanCheckpoint; replaced?: ScanCheckpoint } | undefined;
  // Compare-and-swap, so two requests at the same moment start one scan, not two on one key.
  await updateCheckpoint(deps.store, projectKey, (existing) => {
    if (existing?.status === 'running') {
      // A step checkpoints after every page, so a running scan silent for longer than a whole
      // step lost its continuation (the invocation died or the event was dropped): queue it again
      // from its checkpoint instead of leaving the project "running" for good.
      if (!isStuck(existing, deps.now()) || !deps.queue) {
        outcome = { kind: 'running', state: existing };
        return undefined;
      }
      const { runner: _dead, ...rest } = existing;
      outcome = { kind: 'revived', state: { ...rest, updatedAt: at } };
      return outcome.state;
    }
    const generation = Math.max(manifest?.generation ?? 0, existing?.generation ?? 0) + 1;
    const state = freshCheckpoint(projectKey, generation, at);
    outcome = existing ? { kind: 'new', state, replaced: existing } : { kind: 'new', state };
    return state;
  });
  const done = outcome!;
  if (done.kind === 'running') return done.state;
  if (done.replaced) await cleanupStaging(deps.store, projectKey, done.replaced);
  await deps.queue?.push({
    projectKey,
    kind: 'scan',
    action: 'continue',
    generation: done.state.generation,
    reason: done.kind === 'revived' ? 'stuck' : reason,
  } satisfies ScanEvent);
  return done.state;
}

/**
 * One invocation's worth of scanning. Resumes the project's checkpoint (creating one if there is
 * none), works until done or until the budget runs low, and then either completes the stored tree or
 * pushes a continuation. Without a queue it keeps going in-process until done (local host, CLI).
 */
export async function runScanStep(
  deps: ScanJobDeps,
  projectKey: string,
  options: ScanJobOptions = {},
  event: Partial<Pick<ScanEvent, 'generation' | 'action'>> = {},
): Promise<ScanStepOutcome> {
  assertProjectKey(projectKey);
  let state = await readScanState(deps.store, projectKey);
  // A continuation delivered twice, or after its scan finished: nothing left to do.
  if (
    state &&
    state.status !== 'running' &&
    event.action === 'continue' &&
    event.generation === state.generation
  ) {
    return state.status === 'failed'
      ? { status: 'failed', state, error: state.error ?? 'the scan failed' }
      : { status: 'complete', state };
  }
  if (!state || state.status !== 'running')
    state = await requestScan({ ...deps, queue: undefined }, projectKey, 'step');
  const token = newWriteId();
  const claimed = await claimCheckpoint(deps.store, projectKey, token, deps.now());
  if (!claimed) {
    const now = (await readScanState(deps.store, projectKey)) ?? state;
    if (now.status === 'complete') return { status: 'complete', state: now };
    if (now.status === 'failed')
      return { status: 'failed', state: now, error: now.error ?? 'the scan failed' };
    return { status: 'busy', state: now };
  }
  return new ScanStep(deps, claimed, options, token).run();
}

/**
 * Runs a scan to completion in-process: the first step, then every continuation it queues. For the
 * local host, the CLI-ish bench and tests; on Forge each step is its own queue event.
 */
export async function runScanToCompletion(
  deps: Omit<ScanJobDeps, 'queue'>,
  projectKey: string,
  options: ScanJobOptions & {
    onStep?: (outcome: ScanStepOutcome) => void | Promise<void>;
    maxSteps?: number;
  } = {},
): Promise<ScanStepOutcome> {
  const pending: ScanEvent[] = [];
  const queue: ScanQueue = {
    push: (event) => {
      pending.push({ kind: 'scan', action: 'continue', ...event });
      return Promise.resolve();
    },
  };
  const started = await requestScan({ ...deps, queue }, projectKey, 'run');
  // A scan already running (queued elsewhere) is resumed rather than left waiting.
  if (pending.length === 0)
    pending.push({ projectKey, kind: 'scan', action: 'continue', generation: started.generation });
  let outcome: ScanStepOutcome | undefined;
  for (let steps = 0; pending.length > 0; steps++) {
    if (steps >= (options.maxSteps ?? 10_000))
      throw new Error(`scan of ${projectKey} did not finish in ${steps} steps`);
    const event = pending.shift();
    outcome = await runScanStep({ ...deps, queue }, projectKey, options, event);
    await options.onStep?.(outcome);
  }
  if (!outcome) throw new Error(`scan of ${projectKey} never ran`);
  return outcome;
}
