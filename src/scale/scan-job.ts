/**
 * The resumable project scan: a job that runs in steps (Forge async events, up to 900 s each),
 * keeps a checkpoint in the KeyValueStore after every Jira page, and when its time runs low pushes
 * a continuation event so a fresh invocation resumes where it stopped. A step that fails (Jira
 * down, a crash) leaves the last checkpoint intact: the retry resumes from it instead of starting
 * over. Nothing but compact facts is kept between pages (staged in storage, one key per page), so
 * memory is bounded by the compact form of the project, never by Jira's responses.
 *
 * Phases: metadata -> project (search/jql pages) -> ancestors (bulkfetch, 100 keys a request,
 * every level) -> children (stories in other projects below the project's features, `parent in`
 * batches) -> evaluate + store (chunked tree, flipped into place atomically) -> properties
 * (the `popm.findings` issue property of every in-scope issue whose value changed, 100 issues a
 * bulk request) -> done.
 *
 * The searches ask for `popm.findings` next to `popm.acceptance` (no extra request), and each fact
 * keeps a fingerprint of the value Jira holds, so JQL on the property (`popmAcceptanceValid = no`)
 * covers every issue of a scanned project, not only those the app touched, while an unchanged
 * project costs no write at all.
 */
import { z } from 'zod';
import type { PopmConfig } from '../domain/config';
import { levelIndex } from '../domain/levels';
import { ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY, type FieldInfo, type IssueTypeInfo } from '../domain/types';
import { BULK_FETCH_MAX, BULK_PROPERTIES_MAX, MAX_SEARCH_PAGE_WITH_FIELDS, type JiraApi } from '../jira/api';
import { isRetryableKind, JiraError } from '../jira/errors';
import { assertProjectKey, jqlParentIn, jqlProjectIssues } from '../jira/jql';
import type { ScanQueue } from '../platform/deps';
import { findingsFingerprint, findingsPropertyValue } from './findings-property';
import type { ScanState } from '../shared/contract';
import type { KeyValueStore } from '../storage/store';
import { factPlan, projectOfFact, toFact, type Fact, type FactPlan, type UserDirectory } from './compact';
import { configHash, evaluateFacts, nameAcceptors, storeAcceptance, type AcceptanceSource } from './rows';
import { registerProject } from './daily';
import { beginWrite, factSchema, newWriteId, readTreeManifest, writeTree } from './tree-store';

export const SCAN_PHASES = [
  'metadata',
  'project',
  'ancestors',
  'children',
  'evaluate',
  'properties',
  'done',
] as const;
export type ScanJobPhase = (typeof SCAN_PHASES)[number];

/** Forge async event consumers may run up to 900 s. */
export const FORGE_EVENT_BUDGET_MS = 900_000;
/** Time kept back for the last request in flight, the checkpoint and the continuation push. */
export const DEFAULT_RESERVE_MS = 60_000;
/** Time evaluate + store should have before starting (reading staged pages, the engine, writes). */
export const DEFAULT_EVALUATE_RESERVE_MS = 240_000;
export const DEFAULT_CHILD_BATCH = 50;
/** Attempts of one step before the scan is marked failed. */
export const MAX_STEP_ATTEMPTS = 5;
/** Entries per part of a staged key list. */
const LIST_PART = 5_000;
/**
 * Pending property writes per staged part: a multiple of the bulk request's 100, so a batch never
 * spans two parts; 500 values of at most a few hundred bytes stay well under kvs's value limit.
 */
const WRITE_PART = 5 * BULK_PROPERTIES_MAX;
/** The issue properties every scan request asks for. */
const SCAN_PROPERTIES = [ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY];

export const scanKey = {
  state: (p: string) => `scan:${p}:state`,
  page: (p: string, gen: number, n: number) => `scan:${p}:g${gen}:p${n}`,
  listPart: (p: string, gen: number, name: string, n: number) => `scan:${p}:g${gen}:${name}:${n}`,
  writePart: (p: string, gen: number, n: number) => `scan:${p}:g${gen}:w:${n}`,
  genPrefix: (p: string, gen: number) => `scan:${p}:g${gen}:`,
};

const stateSchema = z.object({
  v: z.literal(1),
  projectKey: z.string(),
  generation: z.number().int().min(0),
  status: z.enum(['running', 'complete', 'failed']),
  phase: z.enum(SCAN_PHASES),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Next page of the search in progress (project or a children batch). */
  token: z.string().optional(),
  /** Staged pages so far. */
  pages: z.number().int().min(0),
  /** Ancestors phase: how many keys of the `anc` list are fetched. */
  ancCursor: z.number().int().min(0),
  /** Children phase: index of the feature batch in progress. */
  batch: z.number().int().min(0),
  /** Store phase: chunks already written under `generation`. */
  storeChunks: z.number().int().min(0),
  counts: z.object({
    project: z.number().int().min(0),
    ancestors: z.number().int().min(0),
    children: z.number().int().min(0),
    requests: z.number().int().min(0),
    steps: z.number().int().min(0),
  }),
  lengths: z.object({ anc: z.number().int().min(0), features: z.number().int().min(0) }),
  meta: z.object({
    issueTypes: z.array(
      z.object({ id: z.string(), name: z.string(), hierarchyLevel: z.number(), subtask: z.boolean() }),
    ),
    fields: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        schema: z
          .object({ type: z.string(), items: z.string().optional(), custom: z.string().optional() })
          .optional(),
      }),
    ),
  }),
  configHash: z.string(),
  /**
   * Properties phase: `length` pending writes staged (by evaluate, once) and `cursor` of them sent.
   * Defaulted so a checkpoint written before this phase existed still reads.
   */
  writes: z
    .object({
      staged: z.boolean(),
      length: z.number().int().min(0),
      cursor: z.number().int().min(0),
      /** Why the remaining writes were given up (a refusal retrying cannot fix), if they were. */
      error: z.string().optional(),
    })
    .default({ staged: false, length: 0, cursor: 0 }),
  attempts: z.number().int().min(0),
  error: z.string().optional(),
  /** Store phase: the id the tree is written under (fixed once the first chunk is stored). */
  writeId: z.string().optional(),
  /**
   * The invocation working on the scan. Only it may save the checkpoint (a duplicated queue event
   * finds the scan taken); it is released at the end of every step, and taken over when the
   * checkpoint has been silent for STUCK_AFTER_MS.
   */
  runner: z.string().optional(),
});
export type ScanCheckpoint = z.infer<typeof stateSchema>;

/** A staged pending write: issue id and the `popm.findings` value to set. */
const stagedWritesSchema = z.array(z.tuple([z.string(), z.record(z.string(), z.unknown())]));

const stagedPageSchema = z.object({
  u: z.record(z.string(), z.tuple([z.string().nullable(), z.boolean().nullable(), z.string().nullable()])),
  f: z.array(factSchema),
});

export interface ScanJobDeps {
  store: KeyValueStore;
  /** Jira as the app (background work). Its request count is the scan's cost. */
  api: JiraApi;
  config: PopmConfig;
  /** Wall clock for `builtAt` and the checkpoint's timestamps. */
  now(): Date;
  /** Milliseconds, for the time budget only; the bench passes a virtual clock. */
  clock(): number;
  /** Where continuations go; without one, the job runs every step in this invocation. */
  queue?: ScanQueue;
  /** Acceptance records: `store` (Forge: the truth) or `property` (default, as `scanProject`). */
  acceptance?: 'store' | 'property';
  log?(message: string, extra?: Record<string, unknown>): void;
  /**
   * Called right after the scan's tree became current and again when the scan completes: replays
   * the changes noted while it ran (the pipeline passes its replay; without one they wait for the
   * next scan).
   */
  afterSwitch?(projectKey: string, moment: 'switched' | 'complete'): Promise<void>;
}

export interface ScanJobOptions {
  /** This invocation's time budget (default: Forge's 900 s). */
  budgetMs?: number;
  reserveMs?: number;
  evaluateReserveMs?: number;
  pageSize?: number;
  childBatchSize?: number;
}

export type ScanStepOutcome =
  | { status: 'complete'; state: ScanCheckpoint }
  | { status: 'continued'; state: ScanCheckpoint }
  | { status: 'retrying'; state: ScanCheckpoint; error: string }
  | { status: 'failed'; state: ScanCheckpoint; error: string }
  /** Another invocation is working on this scan (a duplicated event): nothing done. */
  | { status: 'busy'; state: ScanCheckpoint };

/** The continuation event a step pushes; the queue consumer passes it back to `runScanStep`. */
export interface ScanEvent {
  projectKey: string;
  kind: 'scan';
  /** `start` begins a new scan unless one is running; `continue` resumes the checkpoint. */
  action: 'start' | 'continue';
  generation?: number;
  reason?: string;
  [key: string]: unknown;
}

export async function readScanState(
  store: KeyValueStore,
  projectKey: string,
): Promise<ScanCheckpoint | undefined> {
  const raw = await store.get(scanKey.state(projectKey));
  if (raw === undefined) return undefined;
  const parsed = stateSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

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
  await deps.store.update<unknown>(scanKey.state(projectKey), (raw) => {
    const parsed = raw === undefined ? undefined : stateSchema.safeParse(raw);
    const existing = parsed?.success ? parsed.data : undefined;
    if (existing?.status === 'running') {
      // A step checkpoints after every page, so a running scan silent for longer than a whole
      // step lost its continuation (the invocation died or the event was dropped): queue it again
      // from its checkpoint instead of leaving the project "running" for good.
      const silentMs = deps.now().getTime() - Date.parse(existing.updatedAt);
      if (!(silentMs > STUCK_AFTER_MS) || !deps.queue) {
        outcome = { kind: 'running', state: existing };
        return raw;
      }
      const { runner: _dead, ...rest } = existing;
      outcome = { kind: 'revived', state: { ...rest, updatedAt: at } };
      return outcome.state;
    }
    const generation = Math.max(manifest?.generation ?? 0, existing?.generation ?? 0) + 1;
    const state: ScanCheckpoint = {
      v: 1,
      projectKey,
      generation,
      status: 'running',
      phase: 'metadata',
      startedAt: at,
      updatedAt: at,
      pages: 0,
      ancCursor: 0,
      batch: 0,
      storeChunks: 0,
      counts: { project: 0, ancestors: 0, children: 0, requests: 0, steps: 0 },
      lengths: { anc: 0, features: 0 },
      meta: { issueTypes: [], fields: [] },
      configHash: '',
      writes: { staged: false, length: 0, cursor: 0 },
      attempts: 0,
    };
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

/** Longer than one step may run (900 s) plus queue delivery: a scan silent this long is stuck. */
export const STUCK_AFTER_MS = 20 * 60 * 1000;

class OutOfTime extends Error {}
/** Another invocation took the scan over (this one was silent too long): stop without saving. */
class Superseded extends Error {}

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
  let claimed: ScanCheckpoint | undefined;
  await deps.store.update<unknown>(scanKey.state(projectKey), (raw) => {
    const parsed = stateSchema.safeParse(raw);
    claimed = undefined;
    if (!parsed.success || parsed.data.status !== 'running') return raw;
    const current = parsed.data;
    const silentMs = deps.now().getTime() - Date.parse(current.updatedAt);
    if (current.runner !== undefined && !(silentMs > STUCK_AFTER_MS)) return raw;
    claimed = { ...current, runner: token, updatedAt: deps.now().toISOString() };
    return claimed;
  });
  if (!claimed) {
    const now = (await readScanState(deps.store, projectKey)) ?? state;
    if (now.status === 'complete') return { status: 'complete', state: now };
    if (now.status === 'failed')
      return { status: 'failed', state: now, error: now.error ?? 'the scan failed' };
    return { status: 'busy', state: now };
  }
  const job = new Step(deps, claimed, options, token);
  return job.run();
}

class Step {
  private readonly started: number;
  private readonly budget: number;
  private readonly reserve: number;
  private readonly evaluateReserve: number;
  private readonly pageSize: number;
  private readonly childBatch: number;
  private readonly requestMark: number;
  private plan: FactPlan | undefined;

  constructor(
    private readonly deps: ScanJobDeps,
    private state: ScanCheckpoint,
    options: ScanJobOptions,
    private readonly token: string,
  ) {
    this.started = deps.clock();
    this.budget = options.budgetMs ?? FORGE_EVENT_BUDGET_MS;
    this.reserve = options.reserveMs ?? DEFAULT_RESERVE_MS;
    this.evaluateReserve = options.evaluateReserveMs ?? DEFAULT_EVALUATE_RESERVE_MS;
    this.pageSize = Math.min(options.pageSize ?? MAX_SEARCH_PAGE_WITH_FIELDS, MAX_SEARCH_PAGE_WITH_FIELDS);
    this.childBatch = Math.max(1, options.childBatchSize ?? DEFAULT_CHILD_BATCH);
    this.requestMark = deps.api.requestCount;
  }

  private get p(): string {
    return this.state.projectKey;
  }

  private remaining(): number {
    return this.budget - (this.deps.clock() - this.started);
  }

  /** Throws OutOfTime when another request might not finish within the budget. */
  private checkTime(needed = this.reserve): void {
    if (this.deps.queue && this.remaining() < needed) throw new OutOfTime();
  }

  /** Saves the checkpoint, only while this invocation is still the scan's runner (fencing). */
  private async save(patch: Partial<ScanCheckpoint> = {}): Promise<void> {
    const requests = this.state.counts.requests + (this.deps.api.requestCount - this.mark);
    this.mark = this.deps.api.requestCount;
    const next: ScanCheckpoint = {
      ...this.state,
      ...patch,
      counts: { ...this.state.counts, ...patch.counts, requests },
      updatedAt: this.deps.now().toISOString(),
    };
    // Set inside the callback: widened so TS does not narrow it to its initial `false`.
    let ours = false as boolean;
    await this.deps.store.update<unknown>(scanKey.state(this.p), (raw) => {
      const parsed = stateSchema.safeParse(raw);
      ours = parsed.success && parsed.data.runner === this.token;
      return ours ? next : raw;
    });
    if (!ours) throw new Superseded();
    this.state = next;
  }
  private mark = 0;

  async run(): Promise<ScanStepOutcome> {
    this.mark = this.requestMark;
    this.state.counts.steps += 1;
    try {
      for (;;) {
        const phase = this.state.phase;
        if (phase === 'metadata') await this.metadata();
        else if (phase === 'project') await this.projectPhase();
        else if (phase === 'ancestors') await this.ancestors();
        else if (phase === 'children') await this.children();
        else if (phase === 'evaluate') await this.evaluateAndStore();
        else if (phase === 'properties') await this.writeProperties();
        else break;
      }
      await cleanupStaging(this.deps.store, this.p, this.state);
      await registerProject(this.deps.store, this.p);
      await this.save({
        status: 'complete',
        finishedAt: this.deps.now().toISOString(),
        attempts: 0,
        runner: undefined,
      });
      await this.deps.afterSwitch?.(this.p, 'complete');
      return { status: 'complete', state: this.state };
    } catch (error) {
      if (error instanceof Superseded) return { status: 'busy', state: this.state };
      if (error instanceof OutOfTime) {
        await this.save({ attempts: 0, runner: undefined });
        await this.continueLater('budget');
        return { status: 'continued', state: this.state };
      }
      const message = error instanceof Error ? error.message : String(error);
      const attempts = this.state.attempts + 1;
      // The checkpoint still holds the last completed page: the retry resumes there.
      if (attempts < MAX_STEP_ATTEMPTS && this.deps.queue) {
        await this.save({ attempts, error: message, runner: undefined });
        await this.continueLater('retry');
        this.deps.log?.('scan step failed; resuming from the checkpoint', {
          projectKey: this.p,
          attempts,
          message,
        });
        return { status: 'retrying', state: this.state, error: message };
      }
      await this.save({ attempts, error: message, status: 'failed', runner: undefined });
      return { status: 'failed', state: this.state, error: message };
    }
  }

  private async continueLater(reason: string): Promise<void> {
    const event: ScanEvent = {
      projectKey: this.p,
      kind: 'scan',
      action: 'continue',
      generation: this.state.generation,
      reason,
    };
    await this.deps.queue?.push(event);
  }

  private getPlan(): FactPlan {
    this.plan ??= factPlan(this.state.meta, this.deps.config, this.p);
    return this.plan;
  }

  private async metadata(): Promise<void> {
    this.checkTime();
    const issueTypes: IssueTypeInfo[] = await this.deps.api.getIssueTypes();
    const all = await this.deps.api.getFields();
    const custom: FieldInfo[] = all.filter((f) => f.custom).map(({ custom: _c, ...info }) => info);
    // Keep only the fields a scan reads: a site may have thousands, the checkpoint has a size limit.
    const wanted = new Set(factPlan({ issueTypes, fields: custom }, this.deps.config, this.p).fieldIds);
    const fields = custom.filter((f) => wanted.has(f.id));
    this.plan = undefined;
    await this.save({
      phase: 'project',
      meta: { issueTypes, fields },
      configHash: configHash(this.deps.config),
    });
  }

  private async stage(facts: Fact[], users: UserDirectory): Promise<void> {
    await this.deps.store.set(scanKey.page(this.p, this.state.generation, this.state.pages), {
      u: users,
      f: facts,
    });
  }

  /** A staged key list of this scan's generation, loaded as far as the checkpoint says. */
  private async openList(name: 'anc' | 'features'): Promise<ListWriter> {
    const list = new ListWriter(
      this.deps.store,
      this.p,
      this.state.generation,
      name,
      this.state.lengths[name],
    );
    await list.load();
    return list;
  }

  private async projectPhase(): Promise<void> {
    const plan = this.getPlan();
    const levels = levelIndex(this.state.meta.issueTypes, this.deps.config.levels);
    const anc = await this.openList('anc');
    const features = await this.openList('features');
    for (;;) {
      this.checkTime();
      const page = await this.deps.api.searchJql({
        jql: jqlProjectIssues(this.p),
        fields: plan.fieldIds,
        properties: SCAN_PROPERTIES,
        maxResults: this.pageSize,
        ...(this.state.token !== undefined ? { nextPageToken: this.state.token } : {}),
      });
      const users: UserDirectory = {};
      const facts = page.issues.map((issue) => toFact(issue, plan, users));
      for (const fact of facts) {
        if (fact.pa !== undefined && keyProject(fact.pa) !== this.p) anc.add(fact.pa);
        if (levels.get(fact.t) === 'program' && projectOfFact(fact) === this.p) features.add(fact.k);
      }
      await this.stage(facts, users);
      await anc.flush();
      await features.flush();
      const last = page.nextPageToken === undefined || page.nextPageToken === this.state.token;
      const patch: Partial<ScanCheckpoint> = {
        pages: this.state.pages + 1,
        counts: { ...this.state.counts, project: this.state.counts.project + facts.length },
        lengths: { anc: anc.length, features: features.length },
      };
      if (last) {
        await this.save({ ...patch, phase: 'ancestors', token: undefined });
        return;
      }
      await this.save({ ...patch, token: page.nextPageToken });
    }
  }

  private async ancestors(): Promise<void> {
    const plan = this.getPlan();
    const anc = await this.openList('anc');
    let cursor = this.state.ancCursor;
    while (cursor < anc.length) {
      this.checkTime();
      const batch = anc.slice(cursor, cursor + BULK_FETCH_MAX);
      const result = await this.deps.api.bulkFetch(batch, plan.fieldIds, SCAN_PROPERTIES);
      const users: UserDirectory = {};
      const facts = result.issues.map((issue) => toFact(issue, plan, users));
      // Their parents too, every level up; the list doubles as the set of keys already asked for,
      // so a parent cycle ends the walk.
      for (const fact of facts) if (fact.pa !== undefined && keyProject(fact.pa) !== this.p) anc.add(fact.pa);
      await this.stage(facts, users);
      await anc.flush();
      cursor += batch.length;
      await this.save({
        pages: this.state.pages + 1,
        ancCursor: cursor,
        counts: { ...this.state.counts, ancestors: this.state.counts.ancestors + facts.length },
        lengths: { ...this.state.lengths, anc: anc.length },
      });
    }
    await this.save({ phase: 'children' });
  }

  private async children(): Promise<void> {
    const plan = this.getPlan();
    const features = await this.openList('features');
    while (this.state.batch * this.childBatch < features.length) {
      const batch = features.slice(
        this.state.batch * this.childBatch,
        (this.state.batch + 1) * this.childBatch,
      );
      this.checkTime();
      const page = await this.deps.api.searchJql({
        jql: jqlParentIn(batch, [this.p]),
        fields: plan.fieldIds,
        properties: SCAN_PROPERTIES,
        maxResults: this.pageSize,
        ...(this.state.token !== undefined ? { nextPageToken: this.state.token } : {}),
      });
      const users: UserDirectory = {};
      const facts = page.issues.map((issue) => toFact(issue, plan, users));
      await this.stage(facts, users);
      const last = page.nextPageToken === undefined || page.nextPageToken === this.state.token;
      await this.save({
        pages: this.state.pages + 1,
        counts: { ...this.state.counts, children: this.state.counts.children + facts.length },
        ...(last ? { batch: this.state.batch + 1, token: undefined } : { token: page.nextPageToken }),
      });
    }
    await this.save({ phase: 'evaluate', token: undefined });
  }

  private async evaluateAndStore(): Promise<void> {
    this.checkTime(this.evaluateReserve);
    const facts: Fact[] = [];
    const users: UserDirectory = {};
    for (let n = 0; n < this.state.pages; n++) {
      const raw = await this.deps.store.get(scanKey.page(this.p, this.state.generation, n));
      const parsed = stagedPageSchema.safeParse(raw);
      if (!parsed.success)
        throw new Error(`staged scan page ${n} of ${this.p} is missing or unreadable; rescan needed`);
      for (const f of parsed.data.f) facts.push(f);
      Object.assign(users, parsed.data.u);
    }
    const acceptance: AcceptanceSource =
      this.deps.acceptance === 'store' ? await storeAcceptance(this.deps.store) : { kind: 'property' };
    await nameAcceptors(this.deps.api, facts, users, acceptance);
    const { result, entries } = evaluateFacts(
      facts,
      users,
      this.state.meta,
      this.deps.config,
      this.p,
      acceptance,
    );
    facts.length = 0;
    // The writes are staged once, before the first chunk: a step that resumes the store part
    // evaluates again but keeps the list (and the `updatedAt`) of the first pass.
    const pending: [string, Record<string, unknown>][] = [];
    const at = this.deps.now();
    for (let k = 0; k < entries.length; k++) {
      const ev = result.issues[k]!;
      const fact = entries[k]!.fact;
      if (ev.inScope && !this.state.writes.staged) {
        const value = findingsPropertyValue(ev, at);
        if (findingsFingerprint(value) !== fact.fp) pending.push([ev.id, { ...value }]);
      }
      // Only the scan's comparison needs it; the stored tree stays as small as before.
      delete fact.fp;
    }
    if (!this.state.writes.staged) await this.stageWrites(pending);
    let writeId = this.state.writeId;
    if (this.state.storeChunks === 0 || writeId === undefined) {
      // A fresh id for every first attempt: a superseded runner's chunks can never be ours.
      writeId = newWriteId();
      await this.save({ writeId, storeChunks: 0 });
      await beginWrite(this.deps.store, this.p, writeId);
    }
    const outcome = await writeTree(
      this.deps.store,
      {
        projectKey: this.p,
        writeId,
        builtAt: this.deps.now().toISOString(),
        configHash: this.state.configHash,
        meta: this.state.meta,
        entries,
        factUsers: users,
      },
      {
        skipChunks: this.state.storeChunks,
        onChunk: async (written) => {
          if (this.deps.queue && this.remaining() < this.reserve) {
            await this.save({ storeChunks: written });
            return false;
          }
          return true;
        },
      },
    );
    if (!outcome.done) throw new OutOfTime();
    await this.save({ phase: 'properties', storeChunks: 0 });
    await this.deps.afterSwitch?.(this.p, 'switched');
  }

  private async stageWrites(pending: readonly [string, Record<string, unknown>][]): Promise<void> {
    for (let n = 0; n * WRITE_PART < pending.length; n++)
      await this.deps.store.set(
        scanKey.writePart(this.p, this.state.generation, n),
        pending.slice(n * WRITE_PART, (n + 1) * WRITE_PART),
      );
    await this.save({ writes: { staged: true, length: pending.length, cursor: 0 } });
  }

  /**
   * Sends the staged `popm.findings` values, 100 issues a request, checkpointing the cursor after
   * each: a budget stop or a failed request resumes at the first unsent batch. Jira applies a bulk
   * write as a non-transactional task that is not polled; whatever it failed to set, the next scan
   * reads back, fingerprints as different and writes again.
   */
  private async writeProperties(): Promise<void> {
    let part: { n: number; entries: [string, Record<string, unknown>][] } | undefined;
    while (this.state.writes.cursor < this.state.writes.length) {
      this.checkTime();
      const cursor = this.state.writes.cursor;
      const n = Math.floor(cursor / WRITE_PART);
      if (part?.n !== n) {
        const raw = await this.deps.store.get(scanKey.writePart(this.p, this.state.generation, n));
        const parsed = stagedWritesSchema.safeParse(raw);
        if (!parsed.success)
          throw new Error(`staged property writes part ${n} of ${this.p} are missing or unreadable`);
        part = { n, entries: parsed.data };
      }
      const from = cursor - n * WRITE_PART;
      const batch = part.entries.slice(from, from + BULK_PROPERTIES_MAX);
      if (batch.length === 0)
        throw new Error(`staged property writes part ${n} of ${this.p} is shorter than recorded`);
      try {
        await this.deps.api.bulkSetIssueProperties(
          batch.map(([issueId, value]) => ({ issueId, properties: { [FINDINGS_PROPERTY]: value } })),
        );
      } catch (error) {
        // Retrying cannot fix a refusal (no permission to edit, a request Jira rejects); the
        // tree is already in place and the property is only JQL's mirror, so the scan still
        // completes, with the reason kept in its checkpoint and the log.
        if (!(error instanceof JiraError) || isRetryableKind(error.kind)) throw error;
        this.deps.log?.('scan: popm.findings writes given up', {
          projectKey: this.p,
          message: error.message,
        });
        await this.save({
          writes: { ...this.state.writes, cursor: this.state.writes.length, error: error.message },
        });
        return;
      }
      await this.save({ writes: { ...this.state.writes, cursor: cursor + batch.length } });
    }
    await this.save({ phase: 'done' });
  }
}

function keyProject(key: string): string {
  const dash = key.lastIndexOf('-');
  return dash > 0 ? key.slice(0, dash) : key;
}

/**
 * An append-only list of keys staged in parts of LIST_PART entries, deduplicated. Only the last
 * part is rewritten when it grows, so a 20,000-entry list costs one small write per change.
 */
class ListWriter {
  private items: string[] = [];
  private seen = new Set<string>();
  private dirtyFrom: number;

  constructor(
    private readonly store: KeyValueStore,
    private readonly projectKey: string,
    private readonly generation: number,
    private readonly name: string,
    private readonly storedLength: number,
  ) {
    this.dirtyFrom = storedLength;
  }

  get length(): number {
    return this.items.length;
  }

  async load(): Promise<void> {
    const parts = Math.ceil(this.storedLength / LIST_PART);
    for (let n = 0; n < parts; n++) {
      const raw = await this.store.get(scanKey.listPart(this.projectKey, this.generation, this.name, n));
      const parsed = z.array(z.string()).safeParse(raw);
      if (!parsed.success)
        throw new Error(`staged list ${this.name} part ${n} of ${this.projectKey} is unreadable`);
      for (const item of parsed.data) {
        if (this.items.length >= this.storedLength) break;
        if (!this.seen.has(item)) {
          this.seen.add(item);
          this.items.push(item);
        }
      }
    }
    this.dirtyFrom = this.items.length;
  }

  add(item: string): void {
    if (this.seen.has(item)) return;
    this.seen.add(item);
    this.items.push(item);
  }

  slice(from: number, to: number): string[] {
    return this.items.slice(from, to);
  }

  async flush(): Promise<void> {
    if (this.dirtyFrom >= this.items.length) return;
    const first = Math.floor(this.dirtyFrom / LIST_PART);
    const last = Math.floor((this.items.length - 1) / LIST_PART);
    for (let n = first; n <= last; n++) {
      await this.store.set(
        scanKey.listPart(this.projectKey, this.generation, this.name, n),
        this.items.slice(n * LIST_PART, (n + 1) * LIST_PART),
      );
    }
    this.dirtyFrom = this.items.length;
  }
}

/** Deletes a scan's staged pages and lists (after completion, or when a new scan replaces it). */
export async function cleanupStaging(
  store: KeyValueStore,
  projectKey: string,
  state: ScanCheckpoint,
): Promise<void> {
  for (let n = 0; n < state.pages; n++) await store.delete(scanKey.page(projectKey, state.generation, n));
  for (const name of ['anc', 'features']) {
    const len = name === 'anc' ? state.lengths.anc : state.lengths.features;
    for (let n = 0; n * LIST_PART < len; n++)
      await store.delete(scanKey.listPart(projectKey, state.generation, name, n));
  }
  for (let n = 0; n * WRITE_PART < state.writes.length; n++)
    await store.delete(scanKey.writePart(projectKey, state.generation, n));
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
