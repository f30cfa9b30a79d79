/**
 * One invocation's worth of a scan: the phases run in order from the checkpoint, each reading Jira
 * through the shared `ProjectReader` (src/jira/scan.ts) one request at a time and checkpointing
 * after each, until the scan is done or the time budget runs low.
 *
 * Phases: metadata -> project (search/jql pages) -> ancestors (bulkfetch, 100 keys a request,
 * every level) -> children (stories in other projects below the project's features, `parent in`
 * batches) -> evaluate + store (chunked tree, flipped into place atomically) -> properties
 * (the `popm.findings` issue property of every in-scope issue whose value changed, 100 issues a
 * bulk request) -> done.
 */
import type { PopmConfig } from '../domain/config';
import { levelIndex } from '../domain/levels';
import { ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY } from '../domain/types';
import { BULK_PROPERTIES_MAX, type JiraApi, type SearchPage } from '../jira/api';
import { isRetryableKind, JiraError } from '../jira/errors';
import { ANCESTOR_BATCH, ProjectReader, readMetadata } from '../jira/scan';
import type { ScanQueue } from '../platform/deps';
import type { KeyValueStore } from '../storage/store';
import { factPlan, projectOfFact, toFact, type Fact, type FactPlan, type UserDirectory } from './compact';
import { registerProject } from './daily';
import { findingsFingerprint, findingsPropertyValue } from './findings-property';
import { configHash, evaluateFacts, nameAcceptors, storeAcceptance, type AcceptanceSource } from './rows';
import { saveIfRunner, type ScanCheckpoint, type ScanEvent } from './scan-checkpoint';
import {
  cleanupStaging,
  ListWriter,
  readStagedPages,
  readWritePart,
  stagePage,
  stageWrites,
  WRITE_PART,
  writeStagedTree,
  type PendingWrite,
} from './scan-staging';

/** Forge async event consumers may run up to 900 s. */
export const FORGE_EVENT_BUDGET_MS = 900_000;
/** Time kept back for the last request in flight, the checkpoint and the continuation push. */
export const DEFAULT_RESERVE_MS = 60_000;
/** Time evaluate + store should have before starting (reading staged pages, the engine, writes). */
export const DEFAULT_EVALUATE_RESERVE_MS = 240_000;
/** Attempts of one step before the scan is marked failed. */
export const MAX_STEP_ATTEMPTS = 5;
/** The issue properties every scan request asks for. */
const SCAN_PROPERTIES = [ACCEPTANCE_PROPERTY, FINDINGS_PROPERTY];

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

class OutOfTime extends Error {}
/** Another invocation took the scan over (this one was silent too long): stop without saving. */
class Superseded extends Error {}

/** A page read and staged: its facts, and the next page's token unless it was the last. */
interface StagedPage {
  facts: Fact[];
  next: string | undefined;
}

/** Runs the phases of a scan this invocation has claimed (`token` is its runner id). */
export class ScanStep {
  private readonly started: number;
  private readonly budget: number;
  private readonly reserve: number;
  private readonly evaluateReserve: number;
  private readonly requestMark: number;
  private plan: { facts: FactPlan; reader: ProjectReader } | undefined;
  private mark = 0;

  constructor(
    private readonly deps: ScanJobDeps,
    private state: ScanCheckpoint,
    private readonly options: ScanJobOptions,
    private readonly token: string,
  ) {
    this.started = deps.clock();
    this.budget = options.budgetMs ?? FORGE_EVENT_BUDGET_MS;
    this.reserve = options.reserveMs ?? DEFAULT_RESERVE_MS;
    this.evaluateReserve = options.evaluateReserveMs ?? DEFAULT_EVALUATE_RESERVE_MS;
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
    if (!(await saveIfRunner(this.deps.store, this.p, this.token, next))) throw new Superseded();
    this.state = next;
  }

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

  /** What to read (from the checkpoint's metadata) and the reader that reads it. */
  private getPlan(): { facts: FactPlan; reader: ProjectReader } {
    if (!this.plan) {
      const facts = factPlan(this.state.meta, this.deps.config, this.p);
      const reader = new ProjectReader(this.deps.api, this.p, facts.fieldIds, SCAN_PROPERTIES, {
        ...(this.options.pageSize !== undefined ? { maxPageSize: this.options.pageSize } : {}),
        ...(this.options.childBatchSize !== undefined ? { childBatchSize: this.options.childBatchSize } : {}),
      });
      this.plan = { facts, reader };
    }
    return this.plan;
  }

  private async metadata(): Promise<void> {
    this.checkTime();
    const { issueTypes, fields: custom } = await readMetadata(this.deps.api);
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

  /** Facts of `issues` staged as the scan's next page (not yet counted in the checkpoint). */
  private async stageIssues(issues: SearchPage['issues']): Promise<Fact[]> {
    const plan = this.getPlan().facts;
    const users: UserDirectory = {};
    const facts = issues.map((issue) => toFact(issue, plan, users));
    await stagePage(this.deps.store, this.state, this.state.pages, facts, users);
    return facts;
  }

  /**
   * Reads the page of a search the checkpoint's `token` points at and stages it. A page whose
   * next token is the one it was asked with is the last (paging would not move on).
   */
  private async stageSearchPage(read: (token?: string) => Promise<SearchPage>): Promise<StagedPage> {
    this.checkTime();
    const page = await read(this.state.token);
    const facts = await this.stageIssues(page.issues);
    const last = page.nextPageToken === undefined || page.nextPageToken === this.state.token;
    return { facts, next: last ? undefined : page.nextPageToken };
  }

  private async projectPhase(): Promise<void> {
    const { reader } = this.getPlan();
    const levels = levelIndex(this.state.meta.issueTypes, this.deps.config.levels);
    const anc = await ListWriter.open(this.deps.store, this.state, 'anc');
    const features = await ListWriter.open(this.deps.store, this.state, 'features');
    for (;;) {
      const { facts, next } = await this.stageSearchPage((token) => reader.projectPage(token));
      for (const fact of facts) {
        if (fact.pa !== undefined && keyProject(fact.pa) !== this.p) anc.add(fact.pa);
        if (levels.get(fact.t) === 'program' && projectOfFact(fact) === this.p) features.add(fact.k);
      }
      await anc.flush();
      await features.flush();
      const patch: Partial<ScanCheckpoint> = {
        pages: this.state.pages + 1,
        counts: { ...this.state.counts, project: this.state.counts.project + facts.length },
        lengths: { anc: anc.length, features: features.length },
      };
      if (next === undefined) {
        await this.save({ ...patch, phase: 'ancestors', token: undefined });
        return;
      }
      await this.save({ ...patch, token: next });
    }
  }

  private async ancestors(): Promise<void> {
    const { reader } = this.getPlan();
    const anc = await ListWriter.open(this.deps.store, this.state, 'anc');
    let cursor = this.state.ancCursor;
    while (cursor < anc.length) {
      this.checkTime();
      const batch = anc.slice(cursor, cursor + ANCESTOR_BATCH);
      const facts = await this.stageIssues(await reader.ancestors(batch));
      // Their parents too, every level up; the list doubles as the set of keys already asked for,
      // so a parent cycle ends the walk.
      for (const fact of facts) if (fact.pa !== undefined && keyProject(fact.pa) !== this.p) anc.add(fact.pa);
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
    const { reader } = this.getPlan();
    const features = await ListWriter.open(this.deps.store, this.state, 'features');
    while (this.state.batch < reader.childBatches(features.length)) {
      const batch = reader.childBatchOf(features, this.state.batch);
      const { facts, next } = await this.stageSearchPage((token) => reader.childrenPage(batch, token));
      await this.save({
        pages: this.state.pages + 1,
        counts: { ...this.state.counts, children: this.state.counts.children + facts.length },
        ...(next === undefined ? { batch: this.state.batch + 1, token: undefined } : { token: next }),
      });
    }
    await this.save({ phase: 'evaluate', token: undefined });
  }

  private async evaluateAndStore(): Promise<void> {
    this.checkTime(this.evaluateReserve);
    const { facts, users } = await readStagedPages(this.deps.store, this.state);
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
    const pending: PendingWrite[] = [];
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
    if (!this.state.writes.staged) {
      const length = await stageWrites(this.deps.store, this.state, pending);
      await this.save({ writes: { staged: true, length, cursor: 0 } });
    }
    const outcome = await writeStagedTree(
      this.deps.store,
      this.state,
      {
        builtAt: this.deps.now().toISOString(),
        configHash: this.state.configHash,
        meta: this.state.meta,
        entries,
        factUsers: users,
      },
      (writeId) => this.save({ writeId, storeChunks: 0 }),
      async (written) => {
        if (this.deps.queue && this.remaining() < this.reserve) {
          await this.save({ storeChunks: written });
          return false;
        }
        return true;
      },
    );
    if (!outcome.done) throw new OutOfTime();
    await this.save({ phase: 'properties', storeChunks: 0 });
    await this.deps.afterSwitch?.(this.p, 'switched');
  }

  /**
   * Sends the staged `popm.findings` values, 100 issues a request, checkpointing the cursor after
   * each: a budget stop or a failed request resumes at the first unsent batch. Jira applies a bulk
   * write as a non-transactional task that is not polled; whatever it failed to set, the next scan
   * reads back, fingerprints as different and writes again.
   */
  private async writeProperties(): Promise<void> {
    let part: { n: number; entries: PendingWrite[] } | undefined;
    while (this.state.writes.cursor < this.state.writes.length) {
      this.checkTime();
      const cursor = this.state.writes.cursor;
      const n = Math.floor(cursor / WRITE_PART);
      if (part?.n !== n) part = { n, entries: await readWritePart(this.deps.store, this.state, n) };
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
